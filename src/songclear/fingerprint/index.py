"""The persistent fingerprint index: a directory of immutable, memory-mapped segments plus a JSON manifest.

Layout (format ``FORMAT_VERSION``)::

    manifest.json                   version, recordings {id: key, segment, seconds, hashes}, removed keys, segments
    seg-000001-<random>.hashes.npy  uint32, sorted
    seg-000001-<random>.values.npy  uint64, same order: key(24) | t1 half-frames(22) | span(8) | f1 quarter-st(8)
    writer.lock                     the writers' lock (files.py)

``add`` buffers fingerprints in memory and ``commit`` writes them as one new segment. Every change to the folder
(commit, remove, compact) happens under the writer lock and starts from the manifest *as it is on disk then*, so
two processes adding at once both keep their recordings (keys and segment names are never handed out twice: each
segment name carries a random part). Arrays are written first and the manifest last, each written to a temporary
file, fsynced and renamed, so a writer killed at any point leaves the previous state plus, at worst, segment files
no manifest names; the next writer deletes those. ``remove`` only records the key as removed: its entries are
filtered out at search time and dropped when segments are merged, which ``commit`` does when there are too many
segments or too many removed entries. Reopening reads the manifest and maps the arrays: no parsing of the
entries, so it takes milliseconds whatever the size. Readers take no lock: they see one manifest or the next.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from songclear.fingerprint.decode import ENGINE_RATE
from songclear.fingerprint.errors import ClipTooLong, FingerprintParameterError, IndexFormatError
from songclear.fingerprint.files import LOCK_FILE, sync_folder, write_atomically, writer_lock
from songclear.fingerprint.peaks import FRAME_RATE
from songclear.fingerprint.reference import (  # noqa: F401 - re-exported: the index's public names
    INDEX_HASHES,
    INDEX_PAIR_FAN,
    INDEX_PEAKS,
    T_BITS,
    Fingerprint,
    check_usable,
    file_peaks,
    fingerprint_file,
    fingerprint_peaks,
    fingerprint_samples,
)

if TYPE_CHECKING:
    from songclear.fingerprint.search import Match, SearchParams

FORMAT_NAME = "songclear-fingerprint-index"
FORMAT_VERSION = 1
_MAX_SEGMENTS = 8
_KEY_BITS, _T_BITS = 24, T_BITS


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
        if not (path / "manifest.json").exists():
            if not create:
                raise IndexFormatError(f"{path}: no fingerprint index here")
            with writer_lock(path):
                if not (path / "manifest.json").exists():
                    _write_json(path / "manifest.json", _empty_manifest())
        manifest = _read_manifest(path)
        while True:
            try:
                return cls(path, manifest)
            except IndexFormatError:
                # A writer merged segments between our reading the manifest and mapping them: read it again.
                again = _read_manifest(path)
                if again == manifest:
                    raise
                manifest = again

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

        Adding an id that is already indexed replaces it. Nothing is written until ``commit``. Audio with too few
        hashes to ever be matched (silence, a fraction of a second) is refused with ``NoUsableAudio``.
        """
        if not recording_id:
            raise FingerprintParameterError("recording id must be a non-empty string")
        if isinstance(audio, Fingerprint):
            fp, name = audio, recording_id
        elif isinstance(audio, str | Path):
            fp, name = fingerprint_file(audio), str(audio)
        else:
            fp, name = fingerprint_samples(audio), recording_id
        self._pending[recording_id] = check_usable(fp, name)

    def remove(self, recording_id: str) -> None:
        """Forget a recording; raises ``FingerprintParameterError`` if it is not indexed."""
        if (
            self._pending.pop(recording_id, None) is not None
            and recording_id not in self._manifest["recordings"]
        ):
            return
        with writer_lock(self.path):
            self._reload()
            entry = self._manifest["recordings"].pop(recording_id, None)
            if entry is None:
                raise FingerprintParameterError(f"recording {recording_id!r} is not in the index")
            self._manifest["removed"].append(entry["key"])
            self._write_manifest()

    def commit(self) -> None:
        """Write staged recordings as one segment; merge segments when there are many or much is removed.

        Under the writer lock, from the manifest as it is on disk now (module doc)."""
        with writer_lock(self.path):
            self._reload()
            if self._pending:
                self._commit_pending()
            self._delete_strays()
            removed = len(self._manifest["removed"])
            if len(self._segments) > _MAX_SEGMENTS or (
                removed and removed * 5 > len(self._manifest["recordings"])
            ):
                self.compact()

    def _commit_pending(self) -> None:
        for rid in [r for r in self._pending if r in self._manifest["recordings"]]:
            self._manifest["removed"].append(self._manifest["recordings"].pop(rid)["key"])
        hashes, values, entries = [], [], {}
        name = self._new_segment_name()
        for rid, fp in self._pending.items():
            key = self._manifest["next_key"]
            self._manifest["next_key"] += 1
            if key >= 2**_KEY_BITS:
                raise IndexFormatError(f"{self.path}: more than {2**_KEY_BITS} recordings ever added")
            hashes.append(fp.hashes)
            values.append(pack_values(key, fp))
            entries[rid] = {"key": key, "segment": name, "seconds": fp.seconds, "hashes": int(fp.hashes.size)}
        self._write_segment(name, np.concatenate(hashes), np.concatenate(values))
        self._manifest["segments"].append(name)
        self._manifest["recordings"].update(entries)
        self._write_manifest()
        self._pending.clear()
        self._segments.append(self._load_segment(name))

    def compact(self) -> None:
        """Merge all segments into one, dropping removed recordings."""
        with writer_lock(self.path):
            self._reload()
            if not self._segments:
                return
            hashes = np.concatenate([s.hashes for s in self._segments])
            values = np.concatenate([s.values for s in self._segments])
            if self._manifest["removed"]:
                keep = ~np.isin((values >> np.uint64(38)).astype(np.int64), self.removed_keys)
                hashes, values = hashes[keep], values[keep]
            name = self._new_segment_name()
            self._write_segment(name, hashes, values)
            self._manifest.update(segments=[name], removed=[])
            for entry in self._manifest["recordings"].values():
                entry["segment"] = name
            self._write_manifest()
            self._segments = [self._load_segment(name)]
            self._delete_strays()

    # -- queries -----------------------------------------------------------------------------------------------
    def search(
        self,
        audio: np.ndarray | str | Path,
        params: SearchParams | None = None,
        *,
        max_seconds: float | None = None,
    ) -> list[Match]:
        """Best matches of a clip (samples at the engine rate, or a file decoded as a stream), best first; empty
        when nothing passes the threshold. ``ClipTooLong`` when there is more than ``max_seconds`` of audio."""
        from songclear.fingerprint.search import SearchParams, search_peaks, search_samples

        params = params or SearchParams()
        if not isinstance(audio, str | Path):
            if max_seconds is not None and np.size(audio) > round(max_seconds * ENGINE_RATE):
                raise ClipTooLong("audio", max_seconds)
            return search_samples(self, audio, params)
        peaks, _ = file_peaks(audio, params.peaks, max_seconds=max_seconds)
        return search_peaks(self, peaks, params)

    def scan(self, audio: np.ndarray | str | Path, params: SearchParams | None = None) -> list[Match]:
        """Every matched segment of a whole file or signal, in query-time order. A file is streamed: memory is
        bounded by the analysis window, not the file's length (scanning.py)."""
        from songclear.fingerprint.scanning import scan_audio
        from songclear.fingerprint.search import SearchParams

        return scan_audio(self, audio, params or SearchParams())

    # -- files -------------------------------------------------------------------------------------------------
    def _reload(self) -> None:
        """Take the manifest as it is on disk (another writer may have committed) and map any new segments."""
        manifest = _read_manifest(self.path)
        loaded = {s.name: s for s in self._segments}
        self._segments = [loaded.get(n) or self._load_segment(n) for n in manifest["segments"]]
        self._directories = {n: d for n, d in self._directories.items() if n in manifest["segments"]}
        self._manifest = manifest
        self._cells = None

    def _new_segment_name(self) -> str:
        number = self._manifest["next_segment"]
        self._manifest["next_segment"] += 1
        return f"seg-{number:06d}-{secrets.token_hex(4)}"

    def _delete_strays(self) -> None:
        """Delete files the manifest does not name: a killed writer's segment or temporary files, segments merged
        away. Only under the writer lock, when no writer is between writing a segment and naming it."""
        named = {
            f"{s}{suffix}" for s in self._manifest["segments"] for suffix in (".hashes.npy", ".values.npy")
        }
        stray = [
            p
            for p in self.path.iterdir()
            if p.name not in named and (p.name.startswith("seg-") or p.name.endswith(".tmp")) and p.is_file()
        ]
        for p in stray:
            p.unlink(missing_ok=True)
        if stray:
            sync_folder(self.path)

    def _write_segment(self, name: str, hashes: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(hashes, kind="stable")
        for suffix, arr in ((".hashes.npy", hashes[order]), (".values.npy", values[order])):
            write_atomically(self.path / f"{name}{suffix}", lambda fh, arr=arr: np.save(fh, arr))

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


def _empty_manifest() -> dict:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "recordings": {},
        "removed": [],
        "segments": [],
        "next_key": 0,
        "next_segment": 1,
    }


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise IndexFormatError(f"{path}: unreadable manifest: {exc}") from exc
    if manifest.get("format") != FORMAT_NAME or manifest.get("version") != FORMAT_VERSION:
        raise IndexFormatError(
            f"{path}: index format {manifest.get('format')!r} v{manifest.get('version')}, "
            f"this engine reads {FORMAT_NAME!r} v{FORMAT_VERSION}; rebuild the index"
        )
    return manifest


def _write_json(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=1, sort_keys=True).encode()
    write_atomically(path, lambda fh: fh.write(text))


__all__ = ["LOCK_FILE", "Fingerprint", "FingerprintIndex", "fingerprint_file", "fingerprint_samples"]
