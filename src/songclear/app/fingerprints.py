"""Audio use cases: register reference audio for recordings, identify clips, scan a platform's library."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from songclear.app.limits import IDENTIFY_MAX_SECONDS
from songclear.app.progress import Progress, ticking
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
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _Fingerprinted:
    """What a worker sends back for one reference file: its fingerprint and hash, or why it could not be used."""

    ref: _Reference
    fingerprint: object | None = None  # songclear.fingerprint.Fingerprint
    sha256: str | None = None
    error: str | None = None


def _fingerprint(ref: _Reference) -> _Fingerprinted:
    """Runs in a worker: every expected failure comes back as a result (plain strings), never as an exception
    across the process boundary, so one bad file cannot break the pool and the batch goes on."""
    from songclear.fingerprint.reference import check_usable, fingerprint_file

    try:
        fp = check_usable(fingerprint_file(ref.path), ref.path)
        return _Fingerprinted(ref, fp, _sha256(ref.path))
    except SongclearError as e:
        return _Fingerprinted(ref, error=e.message)
    except OSError as e:
        return _Fingerprinted(ref, error=f"{ref.path}: {e.strerror or e}")


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
    failed: list[dict] = field(default_factory=list)  # {recording, path, message}: not registered

    def as_dict(self) -> dict:
        return {"added": self.added, "unchanged": self.unchanged, "failed": self.failed}


def add_references(
    db,
    index_path: Path,
    files: list[Path],
    isrcs: list[str],
    *,
    now: Callable[[], datetime],
    workers: int = 2,
    actor: str = "songclear",
    progress: Progress | None = None,
) -> AddReport:
    """Fingerprint each file as the reference audio of its registered recording; the index commits once at the
    end, and the database remembers each reference file (evidence pictures decode it again).

    A file that cannot be decoded or gives no usable audio (silence, a fraction of a second) is not registered:
    it is listed in ``failed`` and the other files are. The index commit and the database rows are written under
    the index's writer lock, so two runs at once both keep their references and agree on which file is a
    recording's reference. ``progress(files done, files to fingerprint)``: called as each file is done."""
    from songclear.domain.identifiers import normalise_isrc
    from songclear.fingerprint import FingerprintIndex
    from songclear.fingerprint.files import writer_lock
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
        if ref.isrc in known and known[ref.isrc] == _sha256(ref.path):
            report.unchanged.append(ref.isrc)  # same audio already indexed: re-adding changes nothing
        else:
            fresh.append(ref)
    tasks = run_tasks(_fingerprint, fresh, workers=min(workers, len(fresh))) if fresh else []
    results = list(ticking(tasks, progress, total=len(fresh), every=1))
    good = [r for r in results if r.error is None]
    report.failed = [
        {"recording": r.ref.isrc, "path": r.ref.path, "message": r.error}
        for r in sorted(results, key=lambda r: r.ref.path)
        if r.error is not None
    ]
    if not good:
        return report
    with writer_lock(index_path):
        with FingerprintIndex.open(index_path) as index:
            for r in good:
                index.add(r.ref.isrc, r.fingerprint)
        with db.session() as session:
            matches = AudioMatchRepository(session)
            for r in good:
                seconds = float(r.fingerprint.seconds)
                matches.put_reference(
                    ReferenceAudio(r.ref.isrc, r.ref.path, r.sha256, seconds), recorded_at=now()
                )
                log_event(
                    session, at=now(), actor=actor, action="reference-audio", subject=r.ref.isrc,
                    payload={"path": r.ref.path, "sha256": r.sha256, "seconds": round(seconds, 2)},
                )  # fmt: skip
                report.added.append(
                    {
                        "recording": r.ref.isrc,
                        "path": r.ref.path,
                        "sha256": r.sha256,
                        "seconds": round(seconds, 2),
                    }
                )
    return report


@dataclass(slots=True)
class ClipResult:
    clip: str
    matches: list = field(default_factory=list)
    error: str | None = None
    failure: SongclearError | None = field(
        default=None, repr=False
    )  # the error itself (its class, its status)

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


def identify_clips(
    index_path: Path, clips: list[Path], *, max_seconds: float | None = IDENTIFY_MAX_SECONDS
) -> list[ClipResult]:
    """Identify each clip against the index (opened once); a clip that cannot be decoded, or holds more than
    ``max_seconds`` of audio, fails alone."""
    from songclear.fingerprint import FingerprintIndex

    if not (index_path / "manifest.json").exists():
        raise NotFound(f"no fingerprint index at {index_path}: add references first with 'songclear fp add'")
    return search_clips(FingerprintIndex.open(index_path, create=False), clips, max_seconds=max_seconds)


def search_clips(
    index, clips: list[Path], *, max_seconds: float | None = IDENTIFY_MAX_SECONDS
) -> list[ClipResult]:
    """``identify_clips`` against an index already open (the server keeps one). Each clip is decoded as a stream
    and refused (``ClipTooLong``) as soon as it passes ``max_seconds``: only that much is ever decoded."""
    out = []
    for clip in clips:
        try:
            out.append(ClipResult(str(clip), index.search(clip, max_seconds=max_seconds)))
        except SongclearError as e:
            out.append(ClipResult(str(clip), error=e.message, failure=e))
    return out
