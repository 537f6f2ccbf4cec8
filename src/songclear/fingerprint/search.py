"""From a clip to ranked, verified matches; and from a whole file to every matched segment.

1. The clip's triplets are multi-probed against each segment of the index (sorted hashes, ``searchsorted``).
2. Every hit proposes an alignment: the time scale ``s`` (reference span / query span), the pitch shift ``df``
   (query f1 - reference f1, semitones) and ``c``, the reference frame facing the middle of the query. Hits of
   the true alignment agree on all three; random hits scatter. We count hits per quantised (recording, c, s, df).
3. The best cells are verified: hits in the cell and its neighbours are fitted with ``t_ref = s * t_query + b``
   by least squares, outliers dropped, and the score is the number of distinct query triplets that still agree.
4. The score is turned into a confidence with a logistic curve fitted on the benchmark's score distributions
   (docs/fingerprint.md); a match is reported when its score reaches ``min_score``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba
import numpy as np

from songclear.fingerprint.hashes import HashParams, Triplets, peaks_to_triplets, probe_hashes
from songclear.fingerprint.index import FingerprintIndex, unpack_values
from songclear.fingerprint.peaks import FRAME_RATE, PeakParams, extract_peaks

# Logistic calibration of P(correct | score), fitted on bench/fingerprint score distributions.
CONFIDENCE_MID = 7.0
CONFIDENCE_SLOPE = 1.2


@dataclass(frozen=True)
class SearchParams:
    """Query-side settings. The query is analysed denser than the index so more reference triplets recur."""

    peaks: PeakParams = PeakParams(per_second=32.0)
    hashes: HashParams = HashParams(fan=6)
    min_score: int = 14
    max_speed_change: float = 0.15  # accept time scales within 1/(1+x) .. 1+x
    max_pitch_st: float = 3.0
    top: int = 5
    scan_window_s: float = 10.0
    scan_hop_s: float = 5.0


@dataclass(frozen=True)
class Match:
    """One verified alignment of (part of) the query with (part of) a recording. Times in seconds.

    ``speed`` is reference seconds per query second (1.05: the query plays 5 % faster); ``pitch`` is the query's
    frequency ratio to the reference (1.059: one semitone higher). A resampled copy has both near the same value,
    a time-stretch changes only ``speed``, a pitch shift only ``pitch``. ``pairs`` holds the aligned peaks
    ``(query_t, query_semitone, reference_t, reference_semitone)`` behind the score, for evidence.
    """

    recording_id: str
    query_start: float
    query_end: float
    reference_start: float
    reference_end: float
    speed: float
    pitch: float
    score: int
    confidence: float
    pairs: tuple[tuple[float, float, float, float], ...] = field(default=(), repr=False, compare=False)


def score_to_confidence(score: float) -> float:
    """Calibrated probability that a match with this score is a true one (see module doc)."""
    return 1.0 / (1.0 + math.exp(-(score - CONFIDENCE_MID) * CONFIDENCE_SLOPE))


def search_samples(index: FingerprintIndex, samples: np.ndarray, params: SearchParams) -> list[Match]:
    """Ranked matches of a clip, at most one per recording, best first."""
    peaks = extract_peaks(np.asarray(samples, dtype=np.float32), params.peaks)
    tr = peaks_to_triplets(peaks, params.hashes)
    return search_triplets(index, tr, params)


def search_triplets(index: FingerprintIndex, tr: Triplets, params: SearchParams) -> list[Match]:
    if len(tr) == 0:
        return []
    hits = _lookup(index, tr)
    if hits is None:
        return []
    owner, key, t1r, spanr, f1r = hits
    s = spanr / tr.span[owner]
    df = tr.f1[owner] - f1r
    lo, hi = 1.0 / (1.0 + params.max_speed_change), 1.0 + params.max_speed_change
    ok = (s >= lo) & (s <= hi) & (np.abs(df) <= params.max_pitch_st)
    owner, key, t1r, spanr, f1r, s, df = (a[ok] for a in (owner, key, t1r, spanr, f1r, s, df))
    if owner.size == 0:
        return []
    t1q = tr.t1[owner]
    tc = 0.5 * (float(tr.t1.min()) + float(tr.t1.max()))
    c = t1r + s * (tc - t1q)
    cells = np.stack(
        [key, np.round(c / 16.0), np.round(np.log(s) / 0.025), np.round(df / 0.5)], axis=1
    ).astype(np.int64)
    uniq, counts = np.unique(cells, axis=0, return_counts=True)
    best = np.argsort(-counts, kind="stable")[: params.top * 4]
    names = index.key_to_recording()
    found: dict[str, Match] = {}
    for cell in uniq[best[counts[best] >= max(3, params.min_score // 3)]]:
        near = np.all(np.abs(cells - cell) <= 1, axis=1)
        m = _verify(near, owner, t1q, tr, t1r, spanr, f1r, df, names.get(int(cell[0])), params)
        if m is not None and (m.recording_id not in found or found[m.recording_id].score < m.score):
            found[m.recording_id] = m
    return sorted(found.values(), key=lambda m: -m.score)[: params.top]


def scan_samples(index: FingerprintIndex, samples: np.ndarray, params: SearchParams) -> list[Match]:
    """Search overlapping windows of a long signal and merge consecutive windows of one alignment."""
    peaks = extract_peaks(np.asarray(samples, dtype=np.float32), params.peaks)
    tr = peaks_to_triplets(peaks, params.hashes)
    total = len(samples) / (FRAME_RATE * 128)
    window, hop = params.scan_window_s * FRAME_RATE, params.scan_hop_s * FRAME_RATE
    found: list[Match] = []
    start = 0.0
    while True:
        sel = (tr.t1 >= start) & (tr.t1 < start + window)
        found.extend(search_triplets(index, tr.take(sel), params))
        if (start + window) / FRAME_RATE >= total:
            break
        start += hop
    return merge_segments(found)


def merge_segments(matches: list[Match]) -> list[Match]:
    """Merge matches of the same recording whose alignments continue each other (same line, overlapping)."""
    merged: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.recording_id, m.query_start)):
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


def _lookup(index: FingerprintIndex, tr: Triplets):
    hashes, owner = probe_hashes(tr)
    parts = []
    for seg in index.segments:
        if seg.hashes.size == 0:
            continue
        lo = np.searchsorted(seg.hashes, hashes, side="left")
        hi = np.searchsorted(seg.hashes, hashes, side="right")
        rows, pos = _expand(lo, hi)
        if rows.size:
            parts.append((owner[rows], np.asarray(seg.values)[pos] if False else seg.values[pos]))
    if not parts:
        return None
    own = np.concatenate([p[0] for p in parts])
    key, t1r, spanr, f1r = unpack_values(np.concatenate([p[1] for p in parts]))
    removed = index.removed_keys
    if removed.size:
        keep = ~np.isin(key, removed)
        own, key, t1r, spanr, f1r = own[keep], key[keep], t1r[keep], spanr[keep], f1r[keep]
    return own, key, t1r, spanr, f1r


@numba.njit(cache=True, nogil=True)
def _expand(lo, hi):  # pragma: no cover - compiled
    """Flatten the [lo, hi) ranges into (probe row, entry position) pairs."""
    total = 0
    for i in range(lo.size):
        total += hi[i] - lo[i]
    rows = np.empty(total, np.int64)
    pos = np.empty(total, np.int64)
    n = 0
    for i in range(lo.size):
        for p in range(lo[i], hi[i]):
            rows[n] = i
            pos[n] = p
            n += 1
    return rows, pos


def _verify(near, owner, t1q, tr, t1r, spanr, f1r, df, recording_id, params) -> Match | None:
    if recording_id is None:
        return None
    o, tq, tref, sr, fr, d = owner[near], t1q[near], t1r[near], spanr[near], f1r[near], df[near]
    x = np.concatenate([tq, tq + tr.span[o]])
    y = np.concatenate([tref, tref + sr])
    inl = np.ones(x.size, bool)
    slope, icept = 1.0, 0.0
    for _ in range(3):
        if inl.sum() < 4:
            return None
        xi, yi = x[inl], y[inl]
        var = float(np.var(xi))
        if var < 1.0:  # all points at one instant: no time scale to fit
            return None
        slope = float(np.mean((xi - xi.mean()) * (yi - yi.mean())) / var)
        icept = float(yi.mean() - slope * xi.mean())
        inl = np.abs(y - (slope * x + icept)) <= 3.0
    lo, hi = 1.0 / (1.0 + params.max_speed_change), 1.0 + params.max_speed_change
    if not lo <= slope <= hi:
        return None
    n = o.size
    both = inl[:n] & inl[n:]
    shift = float(np.median(d[both])) if both.any() else 0.0
    both &= np.abs(d - shift) <= 0.75
    score = int(np.unique(o[both]).size)
    if score < params.min_score:
        return None
    qs, qe = float(tq[both].min()), float((tq + tr.span[o])[both].max())
    pairs = tuple(
        (float(a) / FRAME_RATE, float(b), float(c) / FRAME_RATE, float(e))
        for a, b, c, e in zip(tq[both], tr.f1[o[both]], tref[both], fr[both], strict=True)
    )
    return Match(
        recording_id=recording_id,
        query_start=qs / FRAME_RATE,
        query_end=qe / FRAME_RATE,
        reference_start=(slope * qs + icept) / FRAME_RATE,
        reference_end=(slope * qe + icept) / FRAME_RATE,
        speed=float(slope),
        pitch=float(2.0 ** (shift / 12.0)),
        score=score,
        confidence=score_to_confidence(score),
        pairs=pairs,
    )
