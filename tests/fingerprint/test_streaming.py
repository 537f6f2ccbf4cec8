"""Long files are analysed as streams (issue 10, item 6): scan, identify and fingerprinting hold a window of the
audio, not the file, and give the same answers as analysing the whole signal at once."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from audio_tools import encode

from songclear.fingerprint import (
    ENGINE_RATE,
    ClipTooLong,
    FingerprintIndex,
    SearchParams,
    decode_file,
    iter_decode,
)
from songclear.fingerprint.peaks import FRAME_RATE, extract_peaks
from songclear.fingerprint.search import EVIDENCE_SECONDS, Match, query_hashes, search_rows

R = ENGINE_RATE


def whole_signal_scan(index: FingerprintIndex, samples: np.ndarray, params: SearchParams) -> list[Match]:
    """The scan as it was before it streamed (commit cc88950): all the peaks, all the rows, then the windows, then
    one merge of every window's matches. The slow, memory-hungry reference the streamed scan must equal."""
    peaks = extract_peaks(samples, params.peaks)
    seconds = samples.size / R
    tr, hashes, owner = query_hashes(peaks, params)
    window, hop = params.scan_window_s * FRAME_RATE, params.scan_hop_s * FRAME_RATE
    t_owner = tr.t1[owner]
    found: list[Match] = []
    start = 0.0
    while True:
        sel = (t_owner >= start) & (t_owner < start + window)
        found.extend(search_rows(index, tr, hashes[sel], owner[sel], params))
        if (start + window) / FRAME_RATE >= seconds:
            break
        start += hop
    merged: list[Match] = []
    for m in sorted(found, key=lambda m: (m.recording_id, m.query_start)):
        prev = merged[-1] if merged else None
        if prev is not None and prev.recording_id == m.recording_id and m.query_start <= prev.query_end + 1.0:
            predicted = prev.reference_start + (m.query_start - prev.query_start) * prev.speed
            if abs(predicted - m.reference_start) < 1.0:
                score = prev.score + m.score
                merged[-1] = Match(
                    prev.recording_id,
                    prev.query_start,
                    max(prev.query_end, m.query_end),
                    prev.reference_start,
                    max(prev.reference_end, m.reference_end),
                    (prev.speed * prev.score + m.speed * m.score) / score,
                    (prev.pitch * prev.score + m.pitch * m.score) / score,
                    score,
                    max(prev.confidence, m.confidence),
                    prev.pairs + m.pairs,
                )
                continue
        merged.append(m)
    return sorted(merged, key=lambda m: (m.query_start, -m.score))


def medley(songs, rng) -> np.ndarray:
    """About 4 minutes: whole songs and excerpts whose joins fall on and across the 60-s analysis blocks."""
    quiet = 0.05 * rng.standard_normal(7 * R).astype(np.float32)
    return np.concatenate(
        [
            songs["REC00"],  # 0-40 s
            quiet,  # 40-47 s
            songs["REC01"][3 * R : 30 * R],  # 47-74 s: across the first block edge
            songs["REC02"],  # 74-114 s
            songs["REC03"][: 10 * R],  # 114-124 s: across the second block edge
            quiet,
            songs["REC04"],
            songs["REC05"][5 * R : 38 * R],
        ]
    )


def assert_same_scan(streamed: list[Match], reference: list[Match]) -> None:
    assert streamed == reference  # every field but the aligned peaks (compare=False)
    for s, r in zip(streamed, reference, strict=True):
        # A segment keeps each aligned peak of its first EVIDENCE_SECONDS once (the reference kept duplicates).
        assert s.pairs == tuple(dict.fromkeys(p for p in r.pairs if p[0] < r.query_start + EVIDENCE_SECONDS))


def test_streamed_scan_equals_the_whole_signal_scan(index, songs, rng, tmp_path):
    signal = medley(songs, rng)
    params = SearchParams()
    reference = whole_signal_scan(index, signal, params)
    assert [m.recording_id for m in reference] == ["REC00", "REC01", "REC02", "REC03", "REC04", "REC05"]
    assert_same_scan(index.scan(signal), reference)
    path = encode(signal, tmp_path / "medley.flac")
    assert_same_scan(index.scan(path), whole_signal_scan(index, decode_file(path), params))


@pytest.mark.parametrize("window_s, hop_s", [(7.0, 3.0), (20.0, 20.0), (4.0, 9.0)])
def test_streamed_scan_equals_the_whole_signal_scan_for_other_windows(index, songs, rng, window_s, hop_s):
    signal = medley(songs, rng)[: 150 * R]
    params = SearchParams(scan_window_s=window_s, scan_hop_s=hop_s)
    assert_same_scan(index.scan(signal, params), whole_signal_scan(index, signal, params))


def test_scan_of_short_or_empty_signals(index, songs):
    assert index.scan(songs["REC02"][: R // 2]) == whole_signal_scan(
        index, songs["REC02"][: R // 2], SearchParams()
    )
    assert index.scan(np.zeros(0, np.float32)) == []


def test_identify_of_a_path_streams_to_the_same_matches(index, songs, tmp_path):
    path = encode(songs["REC04"][8 * R : 20 * R], tmp_path / "clip.mp3")
    assert index.search(path) == index.search(decode_file(path))
    assert index.search(path)[0].recording_id == "REC04"


def test_identify_refuses_audio_past_the_cap_without_decoding_the_rest(index, songs, tmp_path):
    path = encode(np.tile(songs["REC01"], 6), tmp_path / "long.flac")  # 4 minutes
    assert index.search(path, max_seconds=240.5)[0].recording_id == "REC01"  # at the cap: analysed
    with pytest.raises(ClipTooLong) as err:
        index.search(path, max_seconds=30)
    assert err.value.http_status == 413 and err.value.exit_code == 6
    assert str(path) in err.value.message and "30 s" in err.value.message
    with pytest.raises(ClipTooLong):
        index.search(songs["REC01"], max_seconds=30)  # samples too
    decoded = 0
    with pytest.raises(ClipTooLong):
        for chunk in iter_decode(path, max_seconds=30, chunk_seconds=5.0):
            decoded += chunk.size
    assert decoded <= 30 * R  # refused as soon as the cap was passed


MEASURE = """
import json, sys
from pathlib import Path
from songclear.fingerprint import fingerprint_file
from songclear.jobs.scan import ScanTask, scan_track
op, path, index, refs = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
if op == "scan":
    out = scan_track(ScanTask("p", "t", path, index, tuple(map(tuple, refs)), True))
    assert out.error is None and len(out.matches) == len(out.evidence) > 0, out
else:
    fingerprint_file(path)
status = Path("/proc/self/status").read_text().splitlines()
print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024)
"""


def peak_rss_mib(op: str, path, index, refs) -> float:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, op, str(path), str(index.path), json.dumps(refs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.split()[-1])


@pytest.mark.slow
def test_scan_and_fingerprint_memory_does_not_grow_with_the_file(index, songs, tmp_path):
    """Memory, not time (the figures are in bench/fingerprint/memory.py): the peak RSS of a worker scanning or
    fingerprinting a 32-minute file is that of a 4-minute one. Before, both held the decoded file (61 MiB
    for 32 minutes, twice) and scan all its query rows and hashes too."""
    loop = np.concatenate([songs[k] for k in sorted(songs)])  # 4 minutes; every song is registered
    short = encode(loop, tmp_path / "short.flac")
    long = encode(np.tile(loop, 8), tmp_path / "long.flac")
    refs = [(rid, str(encode(songs[rid], tmp_path / f"{rid}.flac"))) for rid in ("REC00", "REC03")]
    for op, margin in (("scan", 30), ("fingerprint", 30)):
        small, large = (peak_rss_mib(op, p, index, refs) for p in (short, long))
        assert large < small + margin, f"{op}: peak RSS {small:.0f} MiB for 4 min, {large:.0f} MiB for 32 min"


def test_a_long_query_looked_up_in_chunks_finds_what_one_pass_finds(tmp_path, songs, rng):
    """A query with many probes counts its votes chunk by chunk and keeps only the best cells' hits, so a 600-s
    identify against a big index does not hold all its hits (a 20-h index: 18 million, 1 GB). Same answers."""
    path = tmp_path / "idx"
    with FingerprintIndex.open(path) as index:
        for rid, samples in songs.items():
            index.add(rid, samples)
    index = FingerprintIndex.open(path)
    index.remove("REC05")  # removed entries are dropped in both passes
    chunked = SearchParams(one_pass_probes=5000, chunk_probes=3001)
    queries = [
        medley(songs, rng)[30 * R : 150 * R],
        songs["REC02"][5 * R : 35 * R],
        songs["REC05"],
        0.1 * rng.standard_normal(30 * R).astype(np.float32),
    ]
    for query in queries:
        one_pass = index.search(query)
        assert index.search(query, chunked) == one_pass
        assert [m.pairs for m in index.search(query, chunked)] == [m.pairs for m in one_pass]
    assert [m.recording_id for m in index.search(queries[0])][:1] == ["REC02"]
    assert "REC05" not in {m.recording_id for m in index.search(queries[2], chunked)}
