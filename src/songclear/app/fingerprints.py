"""Audio use cases: register reference audio for recordings, identify clips, scan a platform's library."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from songclear.errors import InputError, NotFound, SongclearError
from songclear.jobs.executor import run_tasks
from songclear.store.auditlog import log_event


def default_index_path(db_url: str) -> Path:
    """Beside a SQLite database file ('demo-out/songclear.db' -> 'demo-out/fingerprints'), else ./fingerprints."""
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        return Path(db_url.removeprefix("sqlite:///")).parent / "fingerprints"
    return Path("fingerprints")


@dataclass(frozen=True, slots=True)
class _Reference:
    isrc: str
    path: str


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _fingerprint(ref: _Reference):
    from songclear.fingerprint import fingerprint_file

    return ref, fingerprint_file(ref.path), _sha256(ref.path)


def _known_references(db, index_path: Path) -> dict[str, str]:
    """ISRC -> sha256 of the reference audio both the database and the index hold."""
    from songclear.fingerprint import FingerprintIndex
    from songclear.store.matches import AudioMatchRepository

    if not (index_path / "manifest.json").exists():
        return {}
    indexed = set(FingerprintIndex.open(index_path, create=False).recording_ids)
    with db.session() as session:
        refs = AudioMatchRepository(session).references()
    return {isrc: r.sha256 for isrc, r in refs.items() if isrc in indexed}


@dataclass(slots=True)
class AddReport:
    added: list[dict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"added": self.added, "unchanged": self.unchanged}


def add_references(
    db,
    index_path: Path,
    files: list[Path],
    isrcs: list[str],
    *,
    now: Callable[[], datetime],
    workers: int = 2,
    actor: str = "songclear",
) -> AddReport:
    """Fingerprint each file as the reference audio of its registered recording; the index commits once at the
    end, and the database remembers each reference file (evidence pictures decode it again)."""
    from songclear.domain.identifiers import normalise_isrc
    from songclear.fingerprint import FingerprintIndex
    from songclear.store.matches import AudioMatchRepository, ReferenceAudio
    from songclear.store.repository import LedgerRepository

    if not isrcs:
        isrcs = [f.stem for f in files]  # files named by their ISRC
    if len(isrcs) != len(files):
        raise InputError(
            f"{len(files)} files but {len(isrcs)} --recording values: give one per file, in order"
        )
    refs = []
    with db.session() as session:
        repo = LedgerRepository(session)
        for f, raw in zip(files, isrcs, strict=True):
            isrc = normalise_isrc(raw)
            repo.get_recording(isrc)  # NotFound: audio is registered for recordings the ledger knows
            if not f.is_file():
                raise NotFound(f"{f}: no such audio file")
            refs.append(_Reference(isrc, str(f.resolve())))
    report = AddReport()
    known = _known_references(db, index_path)
    fresh = []
    for ref in refs:
        if known.get(ref.isrc) == _sha256(ref.path):
            report.unchanged.append(ref.isrc)  # same audio already indexed: re-adding changes nothing
        else:
            fresh.append(ref)
    refs = fresh
    if not refs:
        return report
    results = list(run_tasks(_fingerprint, refs, workers=min(workers, len(refs))))
    with FingerprintIndex.open(index_path) as index:
        for ref, fp, _sha in results:
            index.add(ref.isrc, fp)
    with db.session() as session:
        matches = AudioMatchRepository(session)
        for ref, fp, sha in results:
            seconds = float(fp.seconds)
            matches.put_reference(ReferenceAudio(ref.isrc, ref.path, sha, seconds), recorded_at=now())
            log_event(
                session, at=now(), actor=actor, action="reference-audio", subject=ref.isrc,
                payload={"path": ref.path, "sha256": sha, "seconds": round(seconds, 2)},
            )  # fmt: skip
            report.added.append(
                {"recording": ref.isrc, "path": ref.path, "sha256": sha, "seconds": round(seconds, 2)}
            )
    return report


@dataclass(slots=True)
class ClipResult:
    clip: str
    matches: list = field(default_factory=list)
    error: str | None = None

    def as_dict(self, titles: dict[str, str]) -> dict:
        from songclear.app.views import match_fields

        return {
            "clip": self.clip,
            "error": self.error,
            "matches": [
                {"recording": m.recording_id, "title": titles.get(m.recording_id)} | match_fields(m)
                for m in self.matches
            ],
        }


def identify_clips(index_path: Path, clips: list[Path]) -> list[ClipResult]:
    """Identify each clip against the index (opened once); a clip that cannot be decoded fails alone."""
    from songclear.fingerprint import FingerprintIndex

    if not (index_path / "manifest.json").exists():
        raise NotFound(f"no fingerprint index at {index_path}: add references first with 'songclear fp add'")
    return search_clips(FingerprintIndex.open(index_path, create=False), clips)


def search_clips(index, clips: list[Path]) -> list[ClipResult]:
    """``identify_clips`` against an index already open (the server keeps one)."""
    from songclear.fingerprint import decode_file

    out = []
    for clip in clips:
        try:
            out.append(ClipResult(str(clip), index.search(decode_file(clip))))
        except SongclearError as e:
            out.append(ClipResult(str(clip), error=e.message))
    return out
