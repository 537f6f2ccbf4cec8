"""Reference fingerprints: what the index stores for one recording, computed from samples or streamed from a file.

A recording's stored rows are its triplets (hashes.py), then its pairs (pairs.py), each in the order of their first
peak. ``fingerprint_file`` builds them a block of peaks at a time as the file is decoded: the rows whose first
peak lies before a block's end minus ``ROW_REACH`` frames need no later peak, so they are final and the peaks
before them can go. The result is identical to fingerprinting the whole signal at once (tested), and a 10-hour
file is never held as samples, peaks or rows, only as its (much smaller) fingerprint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from songclear.fingerprint import hashes, pairs
from songclear.fingerprint.decode import ENGINE_RATE, iter_decode
from songclear.fingerprint.errors import FingerprintParameterError, NoUsableAudio
from songclear.fingerprint.hashes import HashParams, Triplets, peaks_to_triplets, triplets_to_hashes
from songclear.fingerprint.pairs import pairs_to_hashes, peaks_to_pairs
from songclear.fingerprint.peaks import PeakParams, Peaks, extract_peaks, iter_peak_blocks

INDEX_PEAKS = PeakParams(per_second=32.0)
INDEX_HASHES = HashParams(fan=4)
INDEX_PAIR_FAN = 2
T_BITS = 22  # t1 in half-frames: one recording up to 18.6 hours
ROW_REACH = max(hashes.DT_MAX, pairs.DT_MAX) + 1
"""Frames past a row's first peak within which all its other peaks lie (triplets span at most ``DT_MAX``)."""

MIN_REFERENCE_HASHES = 100
"""Fewer hashes than this (about half a second of music) and a reference could never be matched: refused."""


@dataclass(frozen=True)
class Fingerprint:
    """What the index stores for one recording; cheap to pickle, so workers can compute it from a path."""

    hashes: np.ndarray  # uint32
    t1: np.ndarray  # uint32, half-frames
    span: np.ndarray  # uint8, half-frames
    f1: np.ndarray  # uint8, quarter-semitones above FMIN_HZ
    seconds: float


def fingerprint_samples(samples: np.ndarray) -> Fingerprint:
    """Reference fingerprint of mono float audio at the engine rate."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1 or samples.size == 0:
        raise FingerprintParameterError("audio must be a non-empty mono array at the engine rate")
    return fingerprint_peaks(extract_peaks(samples, INDEX_PEAKS), samples.size / ENGINE_RATE)


def fingerprint_file(path: str | Path) -> Fingerprint:
    """Decode ``path`` (any format PyAV reads) and fingerprint it; raises ``DecodeError`` naming the file.

    Streamed: samples, peaks and rows are held a minute or two at a time (module doc).
    """
    chunks, seconds = counted(iter_decode(path))
    return fingerprint_blocks(iter_peak_blocks(chunks, INDEX_PEAKS), seconds)


def check_usable(fp: Fingerprint, name: str) -> Fingerprint:
    """``fp``, or ``NoUsableAudio`` naming ``name`` when it has too few hashes to ever be matched."""
    if fp.hashes.size < MIN_REFERENCE_HASHES:
        raise NoUsableAudio(name, int(fp.hashes.size), float(fp.seconds), MIN_REFERENCE_HASHES)
    return fp


def counted(chunks: Iterable[np.ndarray]) -> tuple[Iterator[np.ndarray], Callable[[], float]]:
    """``chunks`` passed through, and a function giving the seconds they held (final once they are consumed)."""
    total = 0

    def passing() -> Iterator[np.ndarray]:
        nonlocal total
        for chunk in chunks:
            total += chunk.size
            yield chunk

    return passing(), lambda: total / ENGINE_RATE


def file_peaks(
    path: str | Path, params: PeakParams, *, max_seconds: float | None = None
) -> tuple[Peaks, float]:
    """Peaks of an audio file and its duration in seconds, decoded and analysed a chunk at a time
    (``ClipTooLong`` past ``max_seconds``)."""
    chunks, seconds = counted(iter_decode(path, max_seconds=max_seconds))
    parts = [p for p, _ in iter_peak_blocks(chunks, params)]
    return concat_peaks(parts), seconds()


def fingerprint_peaks(peaks: Peaks, seconds: float) -> Fingerprint:
    """The stored triplet and pair hashes of a recording's peaks (see hashes.py and pairs.py)."""
    tr = peaks_to_triplets(peaks, INDEX_HASHES)
    pr = peaks_to_pairs(peaks, INDEX_PAIR_FAN)
    return _assemble([_stored(tr, triplets_to_hashes), _stored(pr, pairs_to_hashes)], seconds)


def fingerprint_blocks(blocks: Iterable[tuple[Peaks, int]], seconds: Callable[[], float]) -> Fingerprint:
    """``fingerprint_peaks`` of the peaks ``iter_peak_blocks`` yields, built as they arrive (module doc)."""
    triplet_parts, pair_parts = [], []
    held = concat_peaks([])
    done = 0.0  # rows whose first peak is before this frame are stored
    for block, final in blocks:
        held = concat_peaks([held, block])
        upto = final - ROW_REACH
        if upto <= done:
            continue
        tr, pr = peaks_to_triplets(held, INDEX_HASHES), peaks_to_pairs(held, INDEX_PAIR_FAN)
        triplet_parts.append(_stored(tr.take(tr.t1 < upto), triplets_to_hashes))
        pair_parts.append(_stored(pr.take(pr.t1 < upto), pairs_to_hashes))
        held, done = take_peaks(held, held.t >= upto), upto
    tr, pr = peaks_to_triplets(held, INDEX_HASHES), peaks_to_pairs(held, INDEX_PAIR_FAN)
    triplet_parts.append(_stored(tr, triplets_to_hashes))
    pair_parts.append(_stored(pr, pairs_to_hashes))
    return _assemble(triplet_parts + pair_parts, seconds())


def concat_peaks(parts: list[Peaks]) -> Peaks:
    if not parts:
        empty = np.zeros(0, np.float32)
        return Peaks(empty, empty, empty)
    return Peaks(*(np.concatenate([getattr(p, n) for p in parts]) for n in ("t", "f", "m")))


def take_peaks(peaks: Peaks, mask: np.ndarray) -> Peaks:
    return Peaks(peaks.t[mask], peaks.f[mask], peaks.m[mask])


def _stored(rows: Triplets, to_hashes) -> tuple[np.ndarray, ...]:
    """(hashes, t1 half-frames, span half-frames, f1 quarter-semitones) of the rows that fit the entry layout."""
    t1 = np.round(rows.t1 * 2)
    keep = t1 < 2**T_BITS
    return (
        to_hashes(rows)[keep],
        t1[keep].astype(np.uint32),
        np.clip(np.round(rows.span[keep] * 2), 0, 255).astype(np.uint8),
        np.clip(np.round(rows.f1[keep] * 4), 0, 255).astype(np.uint8),
    )


def _assemble(parts: list[tuple[np.ndarray, ...]], seconds: float) -> Fingerprint:
    columns = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    return Fingerprint(
        hashes=columns[0].astype(np.uint32, copy=False),
        t1=columns[1],
        span=columns[2],
        f1=columns[3],
        seconds=seconds,
    )
