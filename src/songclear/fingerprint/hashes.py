"""Triplet hashes: three peaks described by quantities that speed, tempo and pitch changes leave unchanged.

For peaks p1, p2, p3 in time order, a resampling speed change scales times and translates log-frequencies; a
time-stretch scales times only; a pitch shift translates log-frequencies only. So the hash uses only

* ``r = (t2 - t1) / (t3 - t1)``  the time ratio (scale invariant),
* ``d2 = f2 - f1``, ``d3 = f3 - f1``  log-frequency differences in semitones (translation invariant),
* which of the three peaks is loudest, and a coarse band of ``f1`` (octave-wide, probed on both sides when a
  pitch shift could move it across a band edge).

What varies (``t1``, the span ``t3 - t1`` and ``f1``) is stored next to the hash, so the search can estimate
the speed and pitch factors and verify that the matches line up. Query hashes are *multi-probed*: a value near a
quantisation edge also looks up the neighbouring cell, which keeps recall under jitter without a denser index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from songclear.fingerprint.peaks import Peaks

R_LEVELS = 32
D_STEP = 0.5  # semitones per quantum of d2 and d3
D_MAX = 12.0  # triplet peaks lie within an octave of p1
BAND_ST = 12.0
N_BANDS = 5
DT_MIN = 3  # frames between consecutive peaks of a triplet
DT_MAX = 96  # frames from p1 to p3 (~1.5 s); must fit the 8-bit span field
_D_LEVELS = int(2 * D_MAX / D_STEP)  # 48


@dataclass(frozen=True)
class HashParams:
    """``fan``: how many following peaks each p1 pairs with (fan*(fan-1)/2 triplets per peak)."""

    fan: int = 4


@dataclass(frozen=True)
class Triplets:
    """Continuous hash features, one row per triplet (see module doc); ``loudest`` is the loudest peak 0..2.

    ``kind`` is 0 for a triplet and 1 for a pair (pairs.py), whose rows reuse ``t1``, ``span`` (the time gap),
    ``f1``, ``d2`` (the frequency difference) and ``loudest`` (1 when the second peak is louder).
    """

    t1: np.ndarray
    span: np.ndarray
    f1: np.ndarray
    r: np.ndarray
    d2: np.ndarray
    d3: np.ndarray
    loudest: np.ndarray
    kind: np.ndarray

    def __len__(self) -> int:
        return int(self.t1.size)

    def take(self, mask: np.ndarray) -> Triplets:
        return Triplets(*(getattr(self, n)[mask] for n in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[Triplets]) -> Triplets:
        return Triplets(
            *(np.concatenate([getattr(p, n) for p in parts]) for n in Triplets.__dataclass_fields__)
        )


def peaks_to_triplets(peaks: Peaks, params: HashParams = HashParams()) -> Triplets:
    """All triplets of ``peaks`` (sorted by time) within the target zone."""
    idx = _triplet_indices(peaks.t, peaks.f, params.fan, float(DT_MIN), float(DT_MAX), D_MAX)
    i, j, k = idx[:, 0], idx[:, 1], idx[:, 2]
    t, f, m = peaks.t, peaks.f, peaks.m
    span = t[k] - t[i]
    loudest = np.argmax(np.stack([m[i], m[j], m[k]]), axis=0).astype(np.uint8)
    return Triplets(
        t1=t[i].astype(np.float32),
        span=span.astype(np.float32),
        f1=f[i].astype(np.float32),
        r=((t[j] - t[i]) / span).astype(np.float32),
        d2=(f[j] - f[i]).astype(np.float32),
        d3=(f[k] - f[i]).astype(np.float32),
        loudest=loudest,
        kind=np.zeros(span.size, np.uint8),
    )


def triplets_to_hashes(tr: Triplets) -> np.ndarray:
    """The one uint32 hash of each triplet, as stored in the index (nearest cell, no probing)."""
    return _pack(
        _cell(tr.r * R_LEVELS, R_LEVELS),
        _cell((tr.d2 + D_MAX) / D_STEP, _D_LEVELS),
        _cell((tr.d3 + D_MAX) / D_STEP, _D_LEVELS),
        tr.loudest.astype(np.int64),
        _cell(tr.f1 / BAND_ST, N_BANDS),
    )


def hashes_to_fields(hashes: np.ndarray) -> dict[str, np.ndarray]:
    """Inverse of the packing in ``triplets_to_hashes``: the quantised cells (round-trip tested)."""
    h = hashes.astype(np.int64)
    return {
        "band": h & 7,
        "loudest": (h >> 3) & 3,
        "d3": (h >> 5) & 63,
        "d2": (h >> 11) & 63,
        "r": (h >> 17) & 31,
    }


def probe_hashes(
    tr: Triplets, *, margin: float = 0.25, band_margin_st: float = 2.5
) -> tuple[np.ndarray, ...]:
    """Query-side hashes with neighbouring cells near edges: ``(hashes, triplet_row)`` sorted by hash."""
    fields = (
        (tr.r * R_LEVELS, R_LEVELS, margin),
        ((tr.d2 + D_MAX) / D_STEP, _D_LEVELS, margin),
        ((tr.d3 + D_MAX) / D_STEP, _D_LEVELS, margin),
        (tr.f1 / BAND_ST, N_BANDS, band_margin_st / BAND_ST),
    )
    rows = np.arange(len(tr))
    variants = [(rows, [])]
    for value, levels, m in fields:
        new = []
        for sel, cells in variants:
            v = value[sel]
            base = _cell(v, levels)
            frac = v - np.floor(v)
            new.append((sel, [*cells, base]))
            lo = (frac < m) & (base > 0)
            new.append((sel[lo], [*(c[lo] for c in cells), base[lo] - 1]))
            hi = (frac > 1 - m) & (base < levels - 1)
            new.append((sel[hi], [*(c[hi] for c in cells), base[hi] + 1]))
        variants = [(s, c) for s, c in new if s.size]
    if not variants:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    hashes = np.concatenate(
        [_pack(c[0], c[1], c[2], tr.loudest[s].astype(np.int64), c[3]) for s, c in variants]
    )
    owner = np.concatenate([s for s, _ in variants])
    order = np.argsort(hashes, kind="stable")
    return hashes[order], owner[order]


def _cell(v: np.ndarray, levels: int) -> np.ndarray:
    return np.clip(np.floor(v), 0, levels - 1).astype(np.int64)


def _pack(r, d2, d3, loudest, band) -> np.ndarray:
    return ((r << 17) | (d2 << 11) | (d3 << 5) | (loudest << 3) | band).astype(np.uint32)


@numba.njit(cache=True, nogil=True)
def _triplet_indices(t, f, fan, dt_min, dt_max, d_max):  # pragma: no cover - compiled
    """(i, j, k) for each p1=i with p2=j, p3=k among the ``fan`` nearest later peaks in its zone."""
    n = t.size
    out = np.empty((n * fan * (fan - 1) // 2 + 1, 3), np.int64)
    cand = np.empty(fan, np.int64)
    c = 0
    for i in range(n):
        got = 0
        for j in range(i + 1, n):
            d = t[j] - t[i]
            if d > dt_max:
                break
            if d >= dt_min and abs(f[j] - f[i]) <= d_max:
                cand[got] = j
                got += 1
                if got == fan:
                    break
        for a in range(got):
            for b in range(a + 1, got):
                j = cand[a]
                k = cand[b]
                if t[k] - t[j] >= dt_min:
                    out[c, 0] = i
                    out[c, 1] = j
                    out[c, 2] = k
                    c += 1
    return out[:c]
