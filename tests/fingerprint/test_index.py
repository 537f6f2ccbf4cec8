from __future__ import annotations

import json
import time

import numpy as np
import pytest

from songclear.fingerprint import (
    ENGINE_RATE,
    FingerprintIndex,
    FingerprintParameterError,
    IndexFormatError,
    fingerprint_samples,
    synth_music,
)
from songclear.fingerprint.index import pack_values, unpack_values

R = ENGINE_RATE


def test_values_pack_round_trip(songs):
    fp = fingerprint_samples(songs["REC01"])
    key, t1, span, f1 = unpack_values(pack_values(12345, fp))
    assert np.all(key == 12345)
    assert (
        np.array_equal(t1 * 2, fp.t1) and np.array_equal(span * 2, fp.span) and np.array_equal(f1 * 4, fp.f1)
    )


def test_reopen_is_fast_and_sees_the_same_index(index, songs):
    start = time.perf_counter()
    again = FingerprintIndex.open(index.path, create=False)
    assert time.perf_counter() - start < 1.0
    assert again.recording_ids == sorted(songs)
    assert again.seconds == pytest.approx(len(songs) * 40.0, abs=0.1)
    assert again.nbytes == index.nbytes > 0


def test_incremental_add_remove_and_replace(tmp_path, songs):
    path = tmp_path / "idx"
    with FingerprintIndex.open(path) as idx:
        idx.add("A", songs["REC00"])
    with FingerprintIndex.open(path) as idx:
        idx.add("B", songs["REC01"])
    idx = FingerprintIndex.open(path)
    query_b = songs["REC01"][5 * R : 15 * R]
    assert [m.recording_id for m in idx.search(query_b)] == ["B"]

    idx.remove("B")
    assert FingerprintIndex.open(path).search(query_b) == []
    assert FingerprintIndex.open(path).recording_ids == ["A"]

    with FingerprintIndex.open(path) as idx:  # the id "A" now names other audio
        idx.add("A", songs["REC02"])
    idx = FingerprintIndex.open(path)
    assert idx.search(songs["REC00"][5 * R : 15 * R]) == []
    assert idx.search(songs["REC02"][5 * R : 15 * R])[0].recording_id == "A"


def test_compaction_drops_removed_entries_and_keeps_answers(tmp_path, songs):
    path = tmp_path / "idx"
    for rid in ("REC00", "REC01", "REC02"):
        with FingerprintIndex.open(path) as idx:
            idx.add(rid, songs[rid])
    idx = FingerprintIndex.open(path)
    assert len(idx.segments) == 3
    before = idx.nbytes
    idx.remove("REC01")
    idx.compact()
    idx = FingerprintIndex.open(path)
    assert len(idx.segments) == 1 and idx.nbytes < before
    assert sorted(p.name for p in path.iterdir()) == [
        "manifest.json",
        *sorted(f"{idx.segments[0].name}.{k}.npy" for k in ("hashes", "values")),
        "writer.lock",
    ]
    assert idx.search(songs["REC02"][R : 11 * R])[0].recording_id == "REC02"
    assert idx.search(songs["REC01"][R : 11 * R]) == []


def test_uncommitted_additions_are_not_on_disk(tmp_path, songs):
    idx = FingerprintIndex.open(tmp_path / "idx")
    idx.add("A", songs["REC00"])
    assert "A" in idx
    assert FingerprintIndex.open(tmp_path / "idx").recording_ids == []


def test_other_format_version_is_refused(tmp_path):
    path = tmp_path / "idx"
    FingerprintIndex.open(path)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["version"] = 999
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexFormatError, match="rebuild"):
        FingerprintIndex.open(path)
    with pytest.raises(IndexFormatError):
        FingerprintIndex.open(tmp_path / "absent", create=False)


def test_bad_arguments(tmp_path):
    idx = FingerprintIndex.open(tmp_path / "idx")
    with pytest.raises(FingerprintParameterError):
        idx.remove("never-added")
    with pytest.raises(FingerprintParameterError):
        idx.add("", synth_music(1, 2.0, rate=R))
    with pytest.raises(FingerprintParameterError):
        idx.add("X", np.zeros(0, np.float32))


def test_index_from_file_path(tmp_path, songs):
    from audio_tools import encode

    path = encode(songs["REC03"], tmp_path / "ref.flac")
    with FingerprintIndex.open(tmp_path / "idx") as idx:
        idx.add("REC03", path)
    assert (
        FingerprintIndex.open(tmp_path / "idx").search(songs["REC03"][20 * R : 30 * R])[0].recording_id
        == "REC03"
    )


def test_fingerprint_file_streams_to_the_same_fingerprint(tmp_path, songs):
    from audio_tools import encode

    from songclear.fingerprint import decode_file, fingerprint_file

    long = np.concatenate([songs[k] for k in sorted(songs)][:4])  # 160 s: several analysis blocks
    path = encode(long, tmp_path / "long.flac")
    streamed, whole = fingerprint_file(path), fingerprint_samples(decode_file(path))
    for name in ("hashes", "t1", "span", "f1"):
        np.testing.assert_array_equal(getattr(streamed, name), getattr(whole, name))
    assert streamed.seconds == pytest.approx(whole.seconds) == pytest.approx(160.0, abs=0.1)


def test_scan_of_a_path_equals_scan_of_its_samples(tmp_path, index, songs):
    from audio_tools import encode

    from songclear.fingerprint import decode_file

    path = encode(
        np.concatenate([songs["REC02"][: 20 * R], songs["REC05"][10 * R : 30 * R]]), tmp_path / "m.flac"
    )
    assert index.scan(path) == index.scan(decode_file(path))
