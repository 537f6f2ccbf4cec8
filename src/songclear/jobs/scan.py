"""The library scan: fingerprint every library track that has audio and record what registered recordings it
contains, with an evidence picture per match.

Resumable: the work list is the platform's tracks with audio minus those already recorded for the current state of
the fingerprint index (its version is the hash of its manifest), and results are committed in small batches, each
with its audit-log entry in the same transaction, so a killed scan resumes where it stopped, never writes a track
twice, and leaves a log that lists exactly the tracks it committed. A file that cannot be decoded fails that
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

from songclear.app.limits import SCAN_COMMIT_EVERY, SCAN_COMMIT_SECONDS
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
    """Scan one library track's audio against the index (runs in a worker process).

    Streamed: the file is decoded and matched a window at a time, and the evidence pictures are drawn as a
    second pass reaches each match, from excerpts of the track and of the reference, so memory does not grow with
    the length of the file."""
    try:
        index = _open_index(task.index_path, index_version(task.index_path))
        found = sorted(index.scan(task.audio_path), key=lambda m: (m.query_start, m.recording_id))
        evidence = _evidence(task, found) if task.evidence else [None] * len(found)
    except SongclearError as e:
        return ScanOutcome(task.platform, task.track_id, task.audio_path, error=e.message)
    except OSError as e:
        return ScanOutcome(task.platform, task.track_id, task.audio_path, error=f"{task.audio_path}: {e}")
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
    return ScanOutcome(task.platform, task.track_id, task.audio_path, matches, tuple(evidence))


def _evidence(task: ScanTask, found: list) -> list[bytes | None]:
    """One picture per match whose reference audio is known (None for the others, or when the reference file is
    gone or broken: the match stands without its picture)."""
    from songclear.fingerprint import decode_excerpts, evidence_spans, iter_excerpts, render_evidence

    refs = dict(task.references)
    pictures: list[bytes | None] = [None] * len(found)
    drawn = [i for i, m in enumerate(found) if m.recording_id in refs]
    spans = [evidence_spans(found[i]) for i in drawn]
    for k, query in iter_excerpts(task.audio_path, [q for q, _ in spans]):
        m, ((q_at, _), (r_at, r_to)) = found[drawn[k]], spans[k]
        try:
            (reference,) = decode_excerpts(refs[m.recording_id], [(r_at, r_to)])
        except (SongclearError, OSError):
            continue
        pictures[drawn[k]] = render_evidence(m, query, reference, query_offset=q_at, reference_offset=r_at)
    return pictures


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
    commit_every: int = SCAN_COMMIT_EVERY,
    commit_seconds: float = SCAN_COMMIT_SECONDS,
) -> ScanReport:
    """Scan ``platform``'s library; ``limit`` stops after that many tracks (the rest stays for a later run).

    Results are committed in batches of ``commit_every`` tracks (or every ``commit_seconds``), each batch with
    its audit-log entry in the same transaction: whatever a killed scan committed is in the log, and nothing
    else is."""
    from songclear.errors import InputError, NotFound
    from songclear.store.repository import LedgerRepository

    if commit_every < 1:
        raise InputError("--commit-every must be at least 1")
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
    batch: list[ScanOutcome] = []
    batch_since = 0.0
    for n, outcome in enumerate(run_tasks(scan_track, tasks, workers=workers, scheduler=scheduler), start=1):
        if not batch:
            batch_since = time.monotonic()
        batch.append(outcome)
        if len(batch) >= commit_every or time.monotonic() - batch_since >= commit_seconds:
            _commit_batch(db, batch, report, now=now, actor=actor)
            batch = []
        if on_progress:
            on_progress(n, len(tasks))
    if batch:
        _commit_batch(db, batch, report, now=now, actor=actor)
    report.elapsed_s = time.perf_counter() - started
    return report


def _commit_batch(db, batch: list[ScanOutcome], report: ScanReport, *, now, actor: str) -> None:
    """Record a batch of tracks and its audit-log entry in one transaction (a track recorded before, by a scan
    running alongside, is skipped and not logged again); then count them in the report."""
    with db.session() as session:
        repo = AudioMatchRepository(session)
        at = now()
        recorded = [
            o for o in batch if repo.record_scan(o, index_version=report.index_version, recorded_at=at)
        ]
        if recorded:
            log_event(
                session, at=at, actor=actor, action="scan", subject=report.platform,
                payload={
                    "index_version": report.index_version,
                    "scanned": len(recorded),
                    "matched": sum(bool(o.matches) for o in recorded),
                    "tracks": [o.track_id for o in recorded],
                    "errors": [{"track": o.track_id, "message": o.error} for o in recorded if o.error],
                },
            )  # fmt: skip
    report.scanned += len(recorded)
    report.matched += sum(bool(o.matches) for o in recorded)
    report.errors.extend((o.track_id, o.error) for o in recorded if o.error)
