"""The library scan: fingerprint every library track that has audio and record what registered recordings it
contains, with an evidence picture per match.

Resumable: the work list is the platform's tracks with audio minus those already recorded for the current state of
the fingerprint index (its version is the hash of its manifest), and each track's result is committed on its own,
so a killed scan resumes where it stopped and never writes a track twice. A file that cannot be decoded fails that
track (recorded with its error), not the scan. Workers run ``scan_track`` — a pure function of paths — on local
cores or on a Dask cluster; the results are identical either way.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from songclear.domain.identity import AudioMatch
from songclear.errors import SongclearError
from songclear.jobs.executor import run_tasks
from songclear.store.auditlog import log_event
from songclear.store.matches import AudioMatchRepository, ScanOutcome


@dataclass(frozen=True, slots=True)
class ScanTask:
    platform: str
    track_id: str
    audio_path: str
    index_path: str
    references: tuple[tuple[str, str], ...]  # (isrc, reference audio path) for evidence pictures
    evidence: bool = True


@dataclass(slots=True)
class ScanReport:
    platform: str
    index_version: str
    with_audio: int = 0
    already_done: int = 0
    scanned: int = 0
    matched: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (track id, message)
    elapsed_s: float = 0.0

    def as_dict(self) -> dict:
        return {
            "platform": self.platform,
            "index_version": self.index_version,
            "with_audio": self.with_audio,
            "already_done": self.already_done,
            "scanned": self.scanned,
            "matched": self.matched,
            "errors": [{"track": t, "message": m} for t, m in self.errors],
            "elapsed_s": round(self.elapsed_s, 3),
        }


def index_version(index_path: str | Path) -> str:
    """The identity of the index's current state: a new reference makes every track worth scanning again."""
    return hashlib.sha256((Path(index_path) / "manifest.json").read_bytes()).hexdigest()[:16]


@cache
def _open_index(index_path: str, version: str):
    from songclear.fingerprint import FingerprintIndex

    return FingerprintIndex.open(index_path, create=False)


def scan_track(task: ScanTask) -> ScanOutcome:
    """Scan one library track's audio against the index (runs in a worker process)."""
    from songclear.fingerprint import decode_file, render_evidence

    try:
        index = _open_index(task.index_path, index_version(task.index_path))
        samples = decode_file(task.audio_path)
        found = index.scan(samples)
    except SongclearError as e:
        return ScanOutcome(task.platform, task.track_id, task.audio_path, error=e.message)
    except OSError as e:
        return ScanOutcome(task.platform, task.track_id, task.audio_path, error=f"{task.audio_path}: {e}")
    found = sorted(found, key=lambda m: (m.query_start, m.recording_id))
    matches = tuple(
        AudioMatch(
            task.platform,
            task.track_id,
            m.recording_id,
            float(m.query_start),
            float(m.query_end),
            float(m.reference_start),
            float(m.reference_end),
            float(m.speed),
            float(m.pitch),
            float(m.score),
            float(m.confidence),
        )
        for m in found
    )
    refs = dict(task.references)
    evidence = []
    for m in found:
        png = None
        if task.evidence and m.recording_id in refs:
            try:
                png = render_evidence(m, samples, decode_file(refs[m.recording_id]))
            except SongclearError:
                png = None  # the reference file is gone: the match stands, without its picture
        evidence.append(png)
    return ScanOutcome(task.platform, task.track_id, task.audio_path, matches, tuple(evidence))


def run_scan(
    db,
    *,
    platform: str,
    index_path: str | Path,
    now: Callable[[], datetime],
    workers: int = 2,
    scheduler=None,
    evidence: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    limit: int | None = None,
    actor: str = "machine:scan",
) -> ScanReport:
    """Scan ``platform``'s library; ``limit`` stops after that many tracks (the rest stays for a later run)."""
    from songclear.errors import NotFound
    from songclear.store.repository import LedgerRepository

    started = time.perf_counter()
    if not (Path(index_path) / "manifest.json").exists():
        raise NotFound(f"no fingerprint index at {index_path}: add references first with 'songclear fp add'")
    version = index_version(index_path)
    report = ScanReport(platform, version)
    with db.session() as session:
        repo = LedgerRepository(session)
        if platform not in repo.platforms():
            raise NotFound(f"platform {platform!r} has no library tracks")
        tracks = [t for t in repo.iter_tracks(platform) if t.audio_path]
        matches = AudioMatchRepository(session)
        done = matches.scanned_track_ids(platform, version)
        refs = tuple(sorted((isrc, r.path) for isrc, r in matches.references().items()))
    report.with_audio = len(tracks)
    todo = [t for t in tracks if t.track_id not in done]
    report.already_done = len(tracks) - len(todo)
    if limit is not None:
        todo = todo[:limit]
    tasks = [ScanTask(platform, t.track_id, t.audio_path, str(index_path), refs, evidence) for t in todo]
    for n, outcome in enumerate(run_tasks(scan_track, tasks, workers=workers, scheduler=scheduler), start=1):
        with db.session() as session:  # one transaction per track: a crash loses at most the tracks in flight
            if AudioMatchRepository(session).record_scan(outcome, index_version=version, recorded_at=now()):
                report.scanned += 1
                report.matched += bool(outcome.matches)
                if outcome.error:
                    report.errors.append((outcome.track_id, outcome.error))
        if on_progress:
            on_progress(n, len(tasks))
    report.elapsed_s = time.perf_counter() - started
    if report.scanned:
        with db.session() as session:
            log_event(
                session, at=now(), actor=actor, action="scan", subject=platform,
                payload={k: v for k, v in report.as_dict().items() if k != "elapsed_s"},
            )  # fmt: skip
    return report
