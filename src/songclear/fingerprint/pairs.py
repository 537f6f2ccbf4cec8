"""Pair hashes (after Wang 2003): two peaks, their absolute frequency, frequency difference and time gap.

A pair survives when two peaks survive, a triplet only when three do, so under heavy noise or speech far more
pairs than triplets of a copy are left. Pairs are not invariant to speed or pitch changes (the triplets cover
those); they serve the copies that were only degraded. Pair hashes live in the same index arrays as the triplet
hashes, told apart by the top bit, and their rows use the same fields (``t1``, ``span`` = the time gap, ``f1``)
so one search and one verification step handle both families.

Hash layout (``uint32``): ``1 << 31 | f1 cell << 13 | df cell << 7 | dt cell << 1 | second peak louder``.
"""

from __future__ import annotations

import numba
import numpy as np

from songclear.fingerprint.hashes import Triplets
from songclear.fingerprint.peaks import Peaks

PAIR_BIT = np.uint32(1 << 31)
F_STEP = 0.5  # semitones per cell of f1 and of df
F_LEVELS = 128
DF_MAX = 12.0
DF_LEVELS = int(2 * DF_MAX / F_STEP)  # 48
DT_MIN = 3
DT_MAX = 63  # frames (~1 s)


def peaks_to_pairs(peaks: Peaks, fan: int) -> Triplets:
    """Pairs of each peak with its ``fan`` nearest later peaks in the zone, as rows of kind 1 (see module doc)."""
    idx = _pair_indices(peaks.t, peaks.f, max(0, fan), float(DT_MIN), float(DT_MAX), DF_MAX)
    i, j = idx[:, 0], idx[:, 1]
    t, f, m = peaks.t, peaks.f, peaks.m
    n = i.size
    return Triplets(
        t1=t[i].astype(np.float32),
        span=(t[j] - t[i]).astype(np.float32),
        f1=f[i].astype(np.float32),
        r=np.zeros(n, np.float32),
        d2=(f[j] - f[i]).astype(np.float32),
        d3=np.zeros(n, np.float32),
        loudest=(m[j] > m[i]).astype(np.uint8),
        kind=np.ones(n, np.uint8),
    )


def pairs_to_hashes(pr: Triplets) -> np.ndarray:
    """The stored hash of each pair row (nearest cell)."""
    return _pack(
        _cell(pr.f1 / F_STEP, F_LEVELS),
        _cell((pr.d2 + DF_MAX) / F_STEP, DF_LEVELS),
        _cell(pr.span - DT_MIN + 0.5, DT_MAX - DT_MIN + 1),
        pr.loudest.astype(np.int64),
    )


def pair_hashes_to_fields(hashes: np.ndarray) -> dict[str, np.ndarray]:
    """Inverse of the packing in ``pairs_to_hashes``: the quantised cells (round-trip tested)."""
    h = hashes.astype(np.int64)
    return {
        "pair": (h >> 31) & 1,
        "f1": (h >> 13) & 127,
        "df": (h >> 7) & 63,
        "dt": (h >> 1) & 63,
        "louder": h & 1,
    }


def probe_pair_hashes(pr: Triplets, *, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """Query-side pair hashes, with the neighbouring cell of each field whose value lies near an edge."""
    fields = (
        (pr.f1 / F_STEP, F_LEVELS),
        ((pr.d2 + DF_MAX) / F_STEP, DF_LEVELS),
        (pr.span - DT_MIN + 0.5, DT_MAX - DT_MIN + 1),
    )
    variants = [(np.arange(len(pr)), [])]
    for value, levels in fields:
        new = []
        for sel, cells in variants:
            v = value[sel]
            base = _cell(v, levels)
            frac = v - np.floor(v)
            new.append((sel, [*cells, base]))
            for mask, step in (
                ((frac < margin) & (base > 0), -1),
                ((frac > 1 - margin) & (base < levels - 1), 1),
            ):
                new.append((sel[mask], [*(c[mask] for c in cells), base[mask] + step]))
        variants = [(s, c) for s, c in new if s.size]
    if not variants:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    hashes = np.concatenate([_pack(*c, pr.loudest[s].astype(np.int64)) for s, c in variants])
    owner = np.concatenate([s for s, _ in variants])
    return hashes, owner


def _cell(v: np.ndarray, levels: int) -> np.ndarray:
    return np.clip(np.floor(v), 0, levels - 1).astype(np.int64)


def _pack(f1, df, dt, louder) -> np.ndarray:
    return ((1 << 31) | (f1 << 13) | (df << 7) | (dt << 1) | louder).astype(np.uint32)


@numba.njit(cache=True, nogil=True)
def _pair_indices(t, f, fan, dt_min, dt_max, df_max):  # pragma: no cover - compiled
    n = t.size
    out = np.empty((n * fan + 1, 2), np.int64)
    c = 0
    for i in range(n if fan > 0 else 0):
        got = 0
        for j in range(i + 1, n):
            d = t[j] - t[i]
            if d > dt_max:
                break
            if d >= dt_min and abs(f[j] - f[i]) < df_max:
                out[c, 0] = i
                out[c, 1] = j
                c += 1
                got += 1
                if got == fan:
                    break
    return out[:c]
