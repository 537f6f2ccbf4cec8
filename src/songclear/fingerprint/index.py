"""The persistent fingerprint index: a directory of immutable, memory-mapped segments plus a JSON manifest.

Layout (format ``FORMAT_VERSION``)::

    manifest.json           version, recordings {id: key, segment, seconds, hashes}, removed keys, segments
    seg-000001.hashes.npy   uint32, sorted
    seg-000001.values.npy   uint64, same order: key(24) | t1 half-frames(22) | span half-frames(8) | f1 quarter-st(8)

``add`` buffers fingerprints in memory and ``commit`` writes them as one new segment (arrays first, manifest last,
each through a rename, so a crash leaves the previous state). ``remove`` only records the key as removed: its
entries are filtered out at search time and dropped when segments are merged, which ``commit`` does when there are
too many segments or too many removed entries. Reopening reads the manifest and maps the arrays: no parsing of the
entries, so it takes milliseconds whatever the size.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from songclear.fingerprint.decode import ENGINE_RATE, iter_decode
from songclear.fingerprint.errors import FingerprintParameterError, IndexFormatError
from songclear.fingerprint.hashes import HashParams, Triplets, peaks_to_triplets, triplets_to_hashes
from songclear.fingerprint.pairs import pairs_to_hashes, peaks_to_pairs
from songclear.fingerprint.peaks import FRAME_RATE, PeakParams, Peaks, extract_peaks, extract_peaks_stream

if TYPE_CHECKING:
    from songclear.fingerprint.search import Match, SearchParams

FORMAT_NAME = "songclear-fingerprint-index"
FORMAT_VERSION = 1
INDEX_PEAKS = PeakParams(per_second=32.0)
INDEX_HASHES = HashParams(fan=4)
INDEX_PAIR_FAN = 2
_MAX_SEGMENTS = 8
_KEY_BITS, _T_BITS = 24, 22


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

    Streamed: the decoded samples are analysed a minute at a time, never held whole.
    """
    return fingerprint_peaks(*file_peaks(path, INDEX_PEAKS))


def file_peaks(path: str | Path, params: PeakParams) -> tuple[Peaks, float]:
    """Peaks of an audio file and its duration in seconds, decoded and analysed a chunk at a time."""
    total = 0

    def chunks():
        nonlocal total
        for chunk in iter_decode(path):
            total += chunk.size
            yield chunk

    peaks = extract_peaks_stream(chunks(), params)
    return peaks, total / ENGINE_RATE


def fingerprint_peaks(peaks: Peaks, seconds: float) -> Fingerprint:
    """The stored triplet and pair hashes of a recording's peaks (see hashes.py and pairs.py)."""
    tr = peaks_to_triplets(peaks, INDEX_HASHES)
    pr = peaks_to_pairs(peaks, INDEX_PAIR_FAN)
    rows = Triplets.concat([tr, pr])
    t1 = np.round(rows.t1 * 2)
    keep = t1 < 2**_T_BITS
    hashes = np.concatenate([triplets_to_hashes(tr), pairs_to_hashes(pr)])
    return Fingerprint(
        hashes=hashes[keep],
        t1=t1[keep].astype(np.uint32),
        span=np.clip(np.round(rows.span[keep] * 2), 0, 255).astype(np.uint8),
        f1=np.clip(np.round(rows.f1[keep] * 4), 0, 255).astype(np.uint8),
        seconds=seconds,
    )


def pack_values(key: int, fp: Fingerprint) -> np.ndarray:
    return (
        (np.uint64(key) << np.uint64(38))
        | (fp.t1.astype(np.uint64) << np.uint64(16))
        | (fp.span.astype(np.uint64) << np.uint64(8))
        | fp.f1.astype(np.uint64)
    )


def unpack_values(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(key, t1 frames, span frames, f1 semitones)`` of packed entries."""
    v = values.astype(np.uint64)
    key = (v >> np.uint64(38)).astype(np.int64)
    t1 = ((v >> np.uint64(16)) & np.uint64(2**_T_BITS - 1)).astype(np.float32) * 0.5
    span = ((v >> np.uint64(8)) & np.uint64(255)).astype(np.float32) * 0.5
    f1 = (v & np.uint64(255)).astype(np.float32) * 0.25
    return key, t1, span, f1


@dataclass(frozen=True)
class Segment:
    name: str
    hashes: np.ndarray
    values: np.ndarray


class FingerprintIndex:
    """Open with ``FingerprintIndex.open(path)``; use as a context manager to commit on exit."""

    def __init__(self, path: Path, manifest: dict) -> None:
        self.path = path
        self._manifest = manifest
        self._segments = [self._load_segment(name) for name in manifest["segments"]]
        self._pending: dict[str, Fingerprint] = {}
        self._directories: dict[str, np.ndarray] = {}
        self._cells: tuple | None = None

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> FingerprintIndex:
        """Open the index at ``path``; create an empty one there if absent and ``create``."""
        path = Path(path)
        manifest_path = path / "manifest.json"
        if not manifest_path.exists():
            if not create:
                raise IndexFormatError(f"{path}: no fingerprint index here")
            path.mkdir(parents=True, exist_ok=True)
            manifest = {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "recordings": {},
                "removed": [],
                "segments": [],
                "next_key": 0,
                "next_segment": 1,
            }
            _write_json(manifest_path, manifest)
            return cls(path, manifest)
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, ValueError) as exc:
            raise IndexFormatError(f"{path}: unreadable manifest: {exc}") from exc
        if manifest.get("format") != FORMAT_NAME or manifest.get("version") != FORMAT_VERSION:
            raise IndexFormatError(
                f"{path}: index format {manifest.get('format')!r} v{manifest.get('version')}, "
                f"this engine reads {FORMAT_NAME!r} v{FORMAT_VERSION}; rebuild the index"
            )
        return cls(path, manifest)

    def __enter__(self) -> FingerprintIndex:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()

    # -- contents ----------------------------------------------------------------------------------------------
    @property
    def recording_ids(self) -> list[str]:
        return sorted(set(self._manifest["recordings"]) | set(self._pending))

    def __contains__(self, recording_id: str) -> bool:
        return recording_id in self._pending or recording_id in self._manifest["recordings"]

    def __len__(self) -> int:
        return len(self.recording_ids)

    @property
    def seconds(self) -> float:
        """Total duration of the committed recordings."""
        return float(sum(r["seconds"] for r in self._manifest["recordings"].values()))

    @property
    def nbytes(self) -> int:
        """Bytes of the committed segment arrays (what a query maps)."""
        return int(sum(s.hashes.nbytes + s.values.nbytes for s in self._segments))

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(self._segments)

    def directory(self, segment: str, build: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """A lookup directory of one segment's hashes, built on first use and kept while the index is open."""
        if segment not in self._directories:
            self._directories[segment] = build(np.asarray(self._segment(segment).hashes))
        return self._directories[segment]

    def cell_counts(self, frames_per_cell: float, margin: int) -> np.ndarray:
        """Per recording key: how many cells of ``frames_per_cell`` its duration spans, plus ``margin`` + 16."""
        state = (self._manifest["next_key"], len(self._manifest["recordings"]), frames_per_cell, margin)
        if self._cells is None or self._cells[0] != state:
            lengths = np.ones(max(1, self._manifest["next_key"]), np.int64)
            for entry in self._manifest["recordings"].values():
                lengths[entry["key"]] = int(entry["seconds"] * FRAME_RATE / frames_per_cell) + 16 + margin
            self._cells = (state, lengths)
        return self._cells[1]

    def _segment(self, name: str) -> Segment:
        return next(s for s in self._segments if s.name == name)

    def key_to_recording(self) -> dict[int, str]:
        return {r["key"]: rid for rid, r in self._manifest["recordings"].items()}

    @property
    def removed_keys(self) -> np.ndarray:
        return np.asarray(self._manifest["removed"], dtype=np.int64)

    # -- changes -----------------------------------------------------------------------------------------------
    def add(self, recording_id: str, audio: np.ndarray | str | Path | Fingerprint) -> None:
        """Stage a recording (samples at the engine rate, a file path, or a precomputed ``Fingerprint``).

        Adding an id that is already indexed replaces it. Nothing is written until ``commit``.
        """
        if not recording_id:
            raise FingerprintParameterError("recording id must be a non-empty string")
        if isinstance(audio, Fingerprint):
            fp = audio
        elif isinstance(audio, str | Path):
            fp = fingerprint_file(audio)
        else:
            fp = fingerprint_samples(audio)
        self._pending[recording_id] = fp

    def remove(self, recording_id: str) -> None:
        """Forget a recording; raises ``FingerprintParameterError`` if it is not indexed."""
        if (
            self._pending.pop(recording_id, None) is not None
            and recording_id not in self._manifest["recordings"]
        ):
            return
        entry = self._manifest["recordings"].pop(recording_id, None)
        if entry is None:
            raise FingerprintParameterError(f"recording {recording_id!r} is not in the index")
        self._manifest["removed"].append(entry["key"])
        self._write_manifest()

    def commit(self) -> None:
        """Write staged recordings as one segment; merge segments when there are many or much is removed."""
        if self._pending:
            for rid in [r for r in self._pending if r in self._manifest["recordings"]]:
                self._manifest["removed"].append(self._manifest["recordings"].pop(rid)["key"])
            hashes, values, entries = [], [], {}
            name = f"seg-{self._manifest['next_segment']:06d}"
            for rid, fp in self._pending.items():
                key = self._manifest["next_key"]
                self._manifest["next_key"] += 1
                if key >= 2**_KEY_BITS:
                    raise IndexFormatError(f"{self.path}: more than {2**_KEY_BITS} recordings ever added")
                hashes.append(fp.hashes)
                values.append(pack_values(key, fp))
                entries[rid] = {
                    "key": key,
                    "segment": name,
                    "seconds": fp.seconds,
                    "hashes": int(fp.hashes.size),
                }
            self._write_segment(name, np.concatenate(hashes), np.concatenate(values))
            self._manifest["next_segment"] += 1
            self._manifest["segments"].append(name)
            self._manifest["recordings"].update(entries)
            self._pending.clear()
            self._write_manifest()
            self._segments.append(self._load_segment(name))
        removed = len(self._manifest["removed"])
        if len(self._segments) > _MAX_SEGMENTS or (
            removed and removed * 5 > len(self._manifest["recordings"])
        ):
            self.compact()

    def compact(self) -> None:
        """Merge all segments into one, dropping removed recordings."""
        if not self._segments:
            return
        hashes = np.concatenate([s.hashes for s in self._segments])
        values = np.concatenate([s.values for s in self._segments])
        if self._manifest["removed"]:
            keep = ~np.isin((values >> np.uint64(38)).astype(np.int64), self.removed_keys)
            hashes, values = hashes[keep], values[keep]
        name = f"seg-{self._manifest['next_segment']:06d}"
        self._write_segment(name, hashes, values)
        old = self._manifest["segments"]
        self._manifest.update(segments=[name], removed=[], next_segment=self._manifest["next_segment"] + 1)
        for entry in self._manifest["recordings"].values():
            entry["segment"] = name
        self._write_manifest()
        self._segments = [self._load_segment(name)]
        for stale in old:
            for suffix in (".hashes.npy", ".values.npy"):
                (self.path / f"{stale}{suffix}").unlink(missing_ok=True)

    # -- queries -----------------------------------------------------------------------------------------------
    def search(self, samples: np.ndarray, params: SearchParams | None = None) -> list[Match]:
        """Best matches of a clip (mono, engine rate), best first; empty when nothing passes the threshold."""
        from songclear.fingerprint.search import SearchParams, search_samples

        return search_samples(self, samples, params or SearchParams())

    def scan(self, audio: np.ndarray | str | Path, params: SearchParams | None = None) -> list[Match]:
        """Every matched segment of a whole file or signal, in query-time order."""
        from songclear.fingerprint.search import SearchParams, scan_peaks, scan_samples

        params = params or SearchParams()
        if not isinstance(audio, str | Path):
            return scan_samples(self, audio, params)
        return scan_peaks(self, *file_peaks(audio, params.peaks), params)

    # -- files -------------------------------------------------------------------------------------------------
    def _write_segment(self, name: str, hashes: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(hashes, kind="stable")
        for suffix, arr in ((".hashes.npy", hashes[order]), (".values.npy", values[order])):
            tmp = self.path / f"{name}{suffix}.tmp"
            with open(tmp, "wb") as fh:
                np.save(fh, arr)
            os.replace(tmp, self.path / f"{name}{suffix}")

    def _load_segment(self, name: str) -> Segment:
        try:
            hashes = np.load(self.path / f"{name}.hashes.npy", mmap_mode="r")
            values = np.load(self.path / f"{name}.values.npy", mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise IndexFormatError(f"{self.path}: segment {name} unreadable: {exc}") from exc
        if hashes.dtype != np.uint32 or values.dtype != np.uint64 or hashes.shape != values.shape:
            raise IndexFormatError(f"{self.path}: segment {name} damaged")
        return Segment(name, hashes, values)

    def _write_manifest(self) -> None:
        _write_json(self.path / "manifest.json", self._manifest)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)
