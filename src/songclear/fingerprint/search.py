"""From a clip to ranked, verified matches (a whole file's every matched segment: scanning.py).

1. The clip's triplets are multi-probed against each segment of the index (sorted hashes, ``searchsorted``).
2. Every hit proposes an alignment: the time scale ``s`` (reference span / query span), the pitch shift ``df``
   (query f1 - reference f1, semitones) and ``c``, the reference frame facing the middle of the query. Hits of
   the true alignment agree on all three; random hits scatter. We count hits per quantised (recording, c, s, df).
   A long query (more than ``one_pass_probes`` probes, about 25 s) counts its votes a chunk of probes at a time,
   then looks its probes up again keeping only the hits in and next to the best cells, so its memory does not
   grow with its length (the result is the same: tested).
3. The best cells are verified: hits in the cell and its neighbours are fitted with ``t_ref = s * t_query + b``
   by least squares, outliers dropped, and the score is the number of distinct query triplets that still agree.
4. The score is turned into a confidence by a logistic curve in ln(score) fitted on the benchmark's top matches
   (docs/fingerprint.md); a match is reported when its score reaches ``min_score``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba
import numpy as np

from songclear.fingerprint.hashes import HashParams, Triplets, peaks_to_triplets, probe_hashes
from songclear.fingerprint.index import FingerprintIndex
from songclear.fingerprint.pairs import peaks_to_pairs, probe_pair_hashes
from songclear.fingerprint.peaks import FRAME_RATE, PeakParams, Peaks, extract_peaks

# Logistic calibration of P(top match is right | ln score), fitted by bench/fingerprint/threshold.py on the
# 1172 top matches of the benchmark run recorded in docs/fingerprint.md (950 distorted queries, 240 negatives).
CONFIDENCE_MID = 15.13
CONFIDENCE_SLOPE = 3.58
EVIDENCE_SECONDS = 30.0  # the part of a long matched segment whose aligned peaks are kept and drawn


@dataclass(frozen=True)
class SearchParams:
    """Query-side settings. The query is analysed denser than the index so more reference triplets recur."""

    peaks: PeakParams = PeakParams(per_second=48.0)
    hashes: HashParams = HashParams(fan=6)
    pair_fan: int = 6  # query pairs per peak; 0 searches triplets only
    pair_weight: float = 0.5  # a verified pair counts this much of a verified triplet in the score
    max_hits_per_hash: int = 200  # probes of buckets larger than this are skipped (too common to tell)
    min_score: int = 11
    max_speed_change: float = 0.15  # accept time scales within 1/(1+x) .. 1+x
    max_pitch_st: float = 3.0
    top: int = 5
    scan_window_s: float = 10.0
    scan_hop_s: float = 5.0
    one_pass_probes: int = 1 << 16  # a query with more probes (about 25 s) is looked up in two passes ...
    chunk_probes: int = 1 << 14  # ... of this many probes at a time, so its hits never all exist at once


@dataclass(frozen=True)
class Match:
    """One verified alignment of (part of) the query with (part of) a recording. Times in seconds.

    ``speed`` is reference seconds per query second (1.05: the query plays 5 % faster); ``pitch`` is the query's
    frequency ratio to the reference (1.059: one semitone higher). A resampled copy has both near the same value,
    a time-stretch changes only ``speed``, a pitch shift only ``pitch``. ``pairs`` holds the aligned peaks
    ``(query_t, query_semitone, reference_t, reference_semitone)`` behind the score, for evidence: for a segment
    that ``scan`` merged from many windows, those of its first ``EVIDENCE_SECONDS``.
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
    if score <= 0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-CONFIDENCE_SLOPE * (math.log(score) - math.log(CONFIDENCE_MID))))


def search_samples(index: FingerprintIndex, samples: np.ndarray, params: SearchParams) -> list[Match]:
    """Ranked matches of a clip, at most one per recording, best first."""
    return search_peaks(index, extract_peaks(np.asarray(samples, dtype=np.float32), params.peaks), params)


def search_peaks(index: FingerprintIndex, peaks: Peaks, params: SearchParams) -> list[Match]:
    """``search_samples`` of a clip's peaks (computed by ``extract_peaks`` or streamed from a file)."""
    rows, hashes, owner = query_hashes(peaks, params)
    return search_rows(index, rows, hashes, owner, params)


def query_hashes(peaks: Peaks, params: SearchParams) -> tuple[Triplets, np.ndarray, np.ndarray]:
    """Query rows (triplets, then pairs) and their multi-probed hashes with the row each probe belongs to."""
    tr = peaks_to_triplets(peaks, params.hashes)
    th, to = probe_hashes(tr)
    if params.pair_fan <= 0:
        return tr, th, to
    pr = peaks_to_pairs(peaks, params.pair_fan)
    ph, po = probe_pair_hashes(pr)
    hashes = np.concatenate([th, ph])
    owner = np.concatenate([to, po + len(tr)])
    order = np.argsort(hashes, kind="stable")
    return Triplets.concat([tr, pr]), hashes[order], owner[order]


def search_rows(
    index: FingerprintIndex, tr: Triplets, hashes: np.ndarray, owner: np.ndarray, params: SearchParams
) -> list[Match]:
    """Matches of the query rows ``owner`` (probed as ``hashes``); rows not probed take no part."""
    if owner.size == 0:
        return []
    used = tr.t1[owner]
    tc = 0.5 * (float(used.min()) + float(used.max()))
    n_cells = int(index.cell_counts(_CELL_FRAMES, _CELL_MARGIN).sum())
    one_pass = hashes.size <= params.one_pass_probes
    if one_pass:
        hits = _lookup(index, hashes, owner, tr, tc, params)
        if hits is None:
            return []
        counts = np.bincount(hits[7], minlength=n_cells)
    else:  # a long query: count the votes a chunk of probes at a time, then keep the hits of the best cells only
        counts = np.zeros(n_cells, np.int64)
        for hit in _iter_hits(index, hashes, owner, tr, tc, params, params.chunk_probes):
            counts += np.bincount(hit[7], minlength=n_cells)
    best = np.flatnonzero(counts >= max(3, params.min_score // 3))
    best = best[np.lexsort((best, -counts[best]))][: params.top * 4]
    wanted = np.zeros(n_cells + 1, bool)
    wanted[np.clip(np.concatenate([best - 1, best, best + 1]), 0, n_cells)] = True
    if not one_pass:
        hits = _lookup(index, hashes, owner, tr, tc, params, chunk=params.chunk_probes, keep=wanted)
        if hits is None:
            return []
    owner, key, t1r, spanr, f1r, s, df, cid = hits
    t1q = tr.t1[owner]
    names = index.key_to_recording()
    candidates = np.flatnonzero(wanted[cid])
    candidate_cid, candidate_key = cid[candidates], key[candidates]
    found: dict[str, Match] = {}
    for cell in best:
        cell_key = int(candidate_key[np.argmax(candidate_cid == cell)])
        near = candidates[(np.abs(candidate_cid - cell) <= 1) & (candidate_key == cell_key)]
        m = _verify(near, owner, t1q, tr, t1r, spanr, f1r, df, names.get(cell_key), params)
        if m is not None and (m.recording_id not in found or found[m.recording_id].score < m.score):
            found[m.recording_id] = m
    return sorted(found.values(), key=lambda m: -m.score)[: params.top]


# Votes are counted per cell (recording, c/16 frames) in a dense array, numbered recording after recording; the
# verification separates speeds and pitches within a cell.
_CELL_FRAMES, _CELL_MARGIN = 16.0, 64  # voting cells: 16 reference frames; margin for alignments past the end


def _lookup(
    index: FingerprintIndex,
    hashes: np.ndarray,
    owner: np.ndarray,
    tr: Triplets,
    tc: float,
    params,
    *,
    chunk: int | None = None,
    keep: np.ndarray | None = None,
):
    """Index entries sharing a probed hash, as alignment proposals within the searched speed and pitch ranges, in
    (segment, probe) order; only those in the cells ``keep`` marks, when given."""
    parts = list(_iter_hits(index, hashes, owner, tr, tc, params, chunk or max(1, hashes.size), keep))
    if not parts:
        return None
    return list(parts[0]) if len(parts) == 1 else [np.concatenate([p[i] for p in parts]) for i in range(8)]


def _iter_hits(index, hashes, owner, tr, tc, params, chunk: int, keep: np.ndarray | None = None):
    """The non-empty hits of each segment for each ``chunk`` of consecutive probes, removed recordings dropped:
    the hits held at once are bounded by the chunk, whatever the length of the query."""
    lo_s, hi_s = 1.0 / (1.0 + params.max_speed_change), 1.0 + params.max_speed_change
    cells = index.cell_counts(_CELL_FRAMES, _CELL_MARGIN)
    cell_offsets = np.concatenate([[0], np.cumsum(cells)])
    removed = index.removed_keys
    for seg in index.segments:
        if seg.hashes.size == 0:
            continue
        directory = index.directory(seg.name, _directory)
        for a in range(0, hashes.size, chunk):
            lo, hi = _ranges(np.asarray(seg.hashes), directory, hashes[a : a + chunk])
            hit = _hits(
                lo,
                hi,
                cells,
                cell_offsets,
                params.max_hits_per_hash,
                owner[a : a + chunk],
                np.asarray(seg.values),
                tr.t1,
                tr.span,
                tr.f1,
                tr.kind,
                tc,
                lo_s,
                hi_s,
                params.max_pitch_st,
            )
            mask = None if keep is None else keep[hit[7]]
            if removed.size:
                alive = ~np.isin(hit[1], removed)
                mask = alive if mask is None else mask & alive
            if mask is not None:
                hit = tuple(x[mask] for x in hit)
            if hit[0].size:
                yield hit


_DIR_TRIPLET_SHIFT = 2  # 2**20 directory buckets of 4 triplet hashes each, then one bucket per pair hash


def _directory(hashes: np.ndarray) -> np.ndarray:
    """First position in a segment's sorted hashes of each directory bucket (plus the end), so each lookup
    searches one small, contiguous bucket: 2**20 buckets over the triplet hashes, 2**20 over the pair hashes."""
    k = np.arange(2**21 + 1, dtype=np.int64)
    bounds = np.where(k < 2**20, k << _DIR_TRIPLET_SHIFT, 2**31 + (k - 2**20))
    out = np.searchsorted(hashes, np.minimum(bounds, 2**32 - 1).astype(np.uint32), side="left").astype(
        np.int64
    )
    out[bounds >= 2**32] = hashes.size
    return out


@numba.njit(cache=True, nogil=True)
def _ranges(hashes, directory, probes):  # pragma: no cover - compiled
    """``searchsorted`` left and right of each probe, searching only within the probe's directory bucket."""
    n = probes.size
    lo = np.empty(n, np.int64)
    hi = np.empty(n, np.int64)
    for i in range(n):
        h = np.int64(probes[i])
        b = h >> 2 if h < 2147483648 else 1048576 + (h - 2147483648)
        a, z = directory[b], directory[b + 1]
        left, right = a, z
        while left < right:
            mid = (left + right) >> 1
            if np.int64(hashes[mid]) < h:
                left = mid + 1
            else:
                right = mid
        lo[i] = left
        right = z
        while left < right:
            mid = (left + right) >> 1
            if np.int64(hashes[mid]) <= h:
                left = mid + 1
            else:
                right = mid
        hi[i] = left
    return lo, hi


@numba.njit(cache=True, nogil=True)
def _hits(
    lo, hi, cells, cell_offsets, cap, owner, values, q_t1, q_span, q_f1, q_kind, tc, s_lo, s_hi, max_df
):  # pragma: no cover
    """Expand the probed ranges [lo, hi) (skipping buckets larger than ``cap``) into alignment proposals."""
    total = 0
    for i in range(lo.size):
        if hi[i] - lo[i] <= cap:
            total += hi[i] - lo[i]
    own = np.empty(total, np.int64)
    key = np.empty(total, np.int64)
    t1r = np.empty(total, np.float32)
    spanr = np.empty(total, np.float32)
    f1r = np.empty(total, np.float32)
    s_out = np.empty(total, np.float32)
    df_out = np.empty(total, np.float32)
    cid = np.empty(total, np.int64)
    n = 0
    for i in range(lo.size):
        if hi[i] - lo[i] > cap:
            continue
        o = owner[i]
        for p in range(lo[i], hi[i]):
            v = values[p]
            sp = np.float32((v >> np.uint64(8)) & np.uint64(255)) * np.float32(0.5)
            f1 = np.float32(v & np.uint64(255)) * np.float32(0.25)
            s = np.float32(1.0) if q_kind[o] == 1 else sp / q_span[o]
            df = q_f1[o] - f1
            if s < s_lo or s > s_hi or abs(df) > max_df:
                continue
            t1 = np.float32((v >> np.uint64(16)) & np.uint64(4194303)) * np.float32(0.5)
            k = np.int64(v >> np.uint64(38))
            c = t1 + s * (tc - q_t1[o])
            cb = min(
                max(np.int64(np.floor(c / 16.0 + 0.5)) + 16, 0), cells[k] - 1
            )  # past the ends: edge cell
            own[n] = o
            key[n] = k
            t1r[n] = t1
            spanr[n] = sp
            f1r[n] = f1
            s_out[n] = s
            df_out[n] = df
            cid[n] = cell_offsets[k] + cb
            n += 1
    return own[:n], key[:n], t1r[:n], spanr[:n], f1r[:n], s_out[:n], df_out[:n], cid[:n]


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
    rows = np.unique(o[both])
    n_pairs = int(np.count_nonzero(tr.kind[rows]))
    score = int(round(rows.size - n_pairs + params.pair_weight * n_pairs))
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
        reference_start=max(0.0, (slope * qs + icept) / FRAME_RATE),  # the fit can land a hair before 0
        reference_end=(slope * qe + icept) / FRAME_RATE,
        speed=float(slope),
        pitch=float(2.0 ** (shift / 12.0)),
        score=score,
        confidence=score_to_confidence(score),
        pairs=pairs,
    )
