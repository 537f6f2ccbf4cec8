"""Scanning a whole file for every matched segment, with memory bounded by the analysis window, not the file.

Windows of ``scan_window_s`` every ``scan_hop_s`` are searched (``search_rows``) with the query rows whose first
peak lies in the window, and consecutive windows of one alignment are merged into segments. The peaks arrive a
block (a minute) at a time while the file is decoded (``iter_peak_blocks``); a window is searched as soon as every
peak its rows need is final, i.e. up to ``ROW_REACH`` frames past its end. The rows are built once for each batch
of windows that became ready together, then the peaks before the next window are dropped. Matches are merged as
soon as no later window can report one that sorts before them, and a merged segment keeps the distinct aligned
peaks (``Match.pairs``, each once) of its first ``EVIDENCE_SECONDS`` only, so a 10-hour copy of a registered
recording is one segment of bounded size. Results are identical to hashing the whole file's peaks at once and then windowing them,
which is what scan did before it streamed (tested against that reference).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from songclear.fingerprint.decode import ENGINE_RATE, iter_decode
from songclear.fingerprint.index import FingerprintIndex
from songclear.fingerprint.peaks import FRAME_RATE, Peaks, iter_peak_blocks
from songclear.fingerprint.reference import ROW_REACH, concat_peaks, counted, take_peaks
from songclear.fingerprint.search import EVIDENCE_SECONDS, Match, SearchParams, query_hashes, search_rows


def scan_audio(index: FingerprintIndex, audio: np.ndarray | str | Path, params: SearchParams) -> list[Match]:
    """Every matched segment of a file (streamed) or of samples at the engine rate, in query-time order."""
    if isinstance(audio, str | Path):
        chunks, seconds = counted(iter_decode(audio))
    else:
        samples = np.asarray(audio, dtype=np.float32)
        chunks, seconds = [samples], (lambda: samples.size / ENGINE_RATE)
    return scan_blocks(index, iter_peak_blocks(chunks, params.peaks), seconds, params)


def scan_blocks(
    index: FingerprintIndex,
    blocks: Iterable[tuple[Peaks, int]],
    seconds: Callable[[], float],
    params: SearchParams,
) -> list[Match]:
    """Search the windows of a signal whose peaks arrive in blocks; ``seconds()`` is its duration once the
    blocks are exhausted. Windows start at 0, then every hop, until one reaches the end of the signal."""
    window, hop = params.scan_window_s * FRAME_RATE, params.scan_hop_s * FRAME_RATE
    reach = window + ROW_REACH  # a window's rows need the peaks up to here past its start
    merger = SegmentMerger()
    held = concat_peaks([])  # the peaks from the next window's start on
    start = 0.0
    for block, final in blocks:
        held = concat_peaks([held, block])
        starts = []
        while start + reach <= final:  # such a window cannot be the last: the signal goes on past it
            starts.append(start)
            start += hop
        if starts:
            _search_windows(
                index, take_peaks(held, held.t < starts[-1] + reach), starts, window, params, merger
            )
            held = take_peaks(held, held.t >= start)
            merger.flush(before=start / FRAME_RATE)
    total = seconds()
    starts = [start]
    while (start + window) / FRAME_RATE < total:
        start += hop
        starts.append(start)
    _search_windows(index, held, starts, window, params, merger)
    return merger.result()


def _search_windows(index, peaks: Peaks, starts: list[float], window: float, params, merger) -> None:
    tr, hashes, owner = query_hashes(peaks, params)
    t_owner = tr.t1[owner]
    for start in starts:
        sel = (t_owner >= start) & (t_owner < start + window)
        merger.add(search_rows(index, tr, hashes[sel], owner[sel], params))


class SegmentMerger:
    """Merge matches of the same recording whose alignments continue each other (same line, overlapping).

    Fed the windows' matches in window order; ``flush(before)`` merges those starting before ``before`` seconds,
    which no later window can precede. The result equals sorting all matches by (recording, start) and merging
    consecutive ones (``merge_segments``)."""

    def __init__(self) -> None:
        self._pending: list[Match] = []
        self._merged: dict[str, list[Match]] = {}
        self._drawn: dict[str, set] = {}  # per recording: the aligned peaks its last segment keeps

    def add(self, matches: Iterable[Match]) -> None:
        self._pending.extend(matches)

    def flush(self, before: float | None = None) -> None:
        if before is None:
            ready, self._pending = self._pending, []
        else:
            ready = [m for m in self._pending if m.query_start < before]
            self._pending = [m for m in self._pending if not m.query_start < before]
        for m in sorted(ready, key=lambda m: (m.recording_id, m.query_start)):
            segments = self._merged.setdefault(m.recording_id, [])
            if segments and _continues(segments[-1], m):
                segments[-1] = _joined(segments[-1], m, self._drawn[m.recording_id])
            else:
                drawn = self._drawn[m.recording_id] = set()
                segments.append(replace(m, pairs=_new_pairs(m.pairs, m.query_start, drawn)))

    def result(self) -> list[Match]:
        """Every merged segment, in query-time order (best first at equal start)."""
        self.flush()
        merged = [m for rid in sorted(self._merged) for m in self._merged[rid]]
        return sorted(merged, key=lambda m: (m.query_start, -m.score))


def merge_segments(matches: list[Match]) -> list[Match]:
    """Merge matches of the same recording whose alignments continue each other, in one go."""
    merger = SegmentMerger()
    merger.add(matches)
    return merger.result()


def _continues(prev: Match, m: Match) -> bool:
    if m.query_start > prev.query_end + 1.0:
        return False
    predicted = prev.reference_start + (m.query_start - prev.query_start) * prev.speed
    return abs(predicted - m.reference_start) < 1.0


def _new_pairs(pairs: tuple, segment_start: float, drawn: set) -> tuple:
    """The aligned peaks of ``pairs`` within the segment's first EVIDENCE_SECONDS not kept yet (overlapping
    windows, and the rows sharing a first peak, report the same peak many times), noted in ``drawn``."""
    until = segment_start + EVIDENCE_SECONDS
    fresh = []
    for p in pairs:
        if p[0] < until and p not in drawn:
            drawn.add(p)
            fresh.append(p)
    return tuple(fresh)


def _joined(prev: Match, m: Match, drawn: set) -> Match:
    score = prev.score + m.score
    pairs = prev.pairs
    if m.query_start < prev.query_start + EVIDENCE_SECONDS:
        pairs = pairs + _new_pairs(m.pairs, prev.query_start, drawn)
    return Match(
        prev.recording_id,
        prev.query_start,
        max(prev.query_end, m.query_end),
        prev.reference_start,
        max(prev.reference_end, m.reference_end),
        (prev.speed * prev.score + m.speed * m.score) / score,
        (prev.pitch * prev.score + m.pitch * m.score) / score,
        score,
        max(prev.confidence, m.confidence),
        pairs,
    )
