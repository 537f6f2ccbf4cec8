"""The work behind the API's long requests, as plain functions of their inputs: an upload imported, an audit, a
library scan, a regulator report. The routers call them directly (``POST /imports``) or hand them to the job
runner as ``work(progress) -> result`` (``POST /jobs/...``); each opens its own database sessions.

A job's files (a report's HTML, CSVs, PDF) are kept in the content-addressed file store (``evidence_files``, by
sha256) and listed in its result, so they survive a restart and download from any server process.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path, PurePath

from songclear.api.uploads import Upload
from songclear.errors import ImportError_, InputError

TABLE_SUFFIXES = (".csv", ".json")


def party_mapping(items: list[str]) -> dict[str, str]:
    """DDEX party ids mapped to ledger parties, from ``DPID=party`` values."""
    mapping = {}
    for item in items:
        if "=" not in item:
            raise InputError(f"party expects DPID=party, got {item!r}")
        k, v = item.split("=", 1)
        mapping[k.strip()] = v.strip()
    return mapping


def import_upload(db, upload: Upload, kind: str | None, mapping: dict, now: datetime, actor: str) -> dict:
    """Import an uploaded table or DDEX message in one transaction; answers as ``songclear import --json``."""
    from songclear.app.imports import import_ddex, import_table
    from songclear.app.views import import_view

    suffix = Path(upload.name).suffix.lower()
    if suffix not in (*TABLE_SUFFIXES, ".xml"):
        raise InputError(f"{upload.name}: send a .csv or .json table or a .xml DDEX message")
    with tempfile.TemporaryDirectory(prefix="songclear-import-") as folder:
        path = Path(folder) / upload.name  # the client's name, so the ledger and the errors name its file
        path.write_bytes(upload.data)
        try:
            if suffix == ".xml":
                outcome = import_ddex(db, path, recorded_at=now, party_ids=mapping, actor=actor)
            else:
                outcome = import_table(db, path, kind=kind, recorded_at=now, actor=actor)
        except ImportError_ as e:  # name the uploaded file, not the temporary copy
            raise type(e)(e.detail.replace(folder + "/", ""), source=upload.name, location=e.location) from e
    outcome.source = upload.name
    return import_view([outcome])


def import_work(db, upload: Upload, kind: str | None, mapping: dict, now: datetime, actor: str):
    def work(progress: Callable) -> dict:
        progress(0, 1, f"importing {upload.name}")
        result = import_upload(db, upload, kind, mapping, now, actor)
        progress(1, 1, "imported")
        return result

    return work


def audit_work(
    db, *, platform: str, day: date, query, known_at: datetime | None, current_ledger: Callable | None = None
):
    """The audit's summary, takedown list and timeline (as ``songclear audit --json``, without decisions: those
    are paged by ``GET /platforms/{p}/audit``). ``current_ledger``: the server's ledger as known now (used when
    ``known_at`` is None), fetched in the job's thread."""

    def work(progress: Callable) -> dict:
        from songclear.app.audit import run_audit
        from songclear.app.views import audit_view
        from songclear.store.repository import LedgerRepository

        progress(0, 1, f"auditing {platform} on {day}")
        ledger = current_ledger() if current_ledger is not None and known_at is None else None
        with db.session() as session:
            run = run_audit(
                LedgerRepository(session), platform=platform, day=day, query=query, known_at=known_at,
                ledger=ledger,
            )  # fmt: skip
        progress(1, 1, f"{run.summary.total} tracks audited")
        return audit_view(run)

    return work


def every_platform_audit_work(db, *, day: date, query, known_at: datetime | None, current_ledger: Callable):
    """Every platform's library, one after the other in this thread over one ledger (the server's, or the one as
    known at ``known_at``), as ``songclear audit --all-platforms --json``; progress per platform."""

    def work(progress: Callable) -> dict:
        import time

        from songclear.app.audit import run_audit
        from songclear.app.views import every_platform_view, platform_summary_view
        from songclear.store.repository import LedgerRepository

        started = time.perf_counter()
        with db.session() as session:
            repo = LedgerRepository(session)
            platforms = repo.platforms()
            ledger = current_ledger() if known_at is None else repo.load_ledger(known_at)
            found = []
            for i, platform in enumerate(platforms):
                progress(i, len(platforms), f"auditing {platform} on {day}")
                run = run_audit(
                    repo, platform=platform, day=day, query=query, known_at=known_at, ledger=ledger,
                    keep_tracks=False,
                )  # fmt: skip
                found.append(platform_summary_view(run))
        progress(len(platforms), len(platforms), f"{len(platforms)} platforms audited")
        return every_platform_view(day, query, known_at, found, time.perf_counter() - started)

    return work


def scan_work(db, *, platform: str, index_path: Path, clock: Callable[[], datetime], actor: str,
              limit: int | None, evidence: bool):  # fmt: skip
    """A library scan in this thread (one worker: the server's threads are the parallelism); progress per track."""

    def work(progress: Callable) -> dict:
        from songclear.jobs.scan import run_scan

        progress(0, None, f"scanning {platform}")
        report = run_scan(
            db, platform=platform, index_path=index_path, now=clock, workers=1, evidence=evidence, limit=limit,
            actor=actor, on_progress=lambda n, total: progress(n, total, f"scanned {n} of {total} tracks"),
        )  # fmt: skip
        return report.as_dict()

    return work


def report_work(
    db, writer, *, platform: str, notice: str, day: date, formats: tuple[str, ...], now: datetime
):
    def work(progress: Callable) -> dict:
        from songclear.app.regulator_report import build_regulator_report, write_report_files
        from songclear.reports.regulator import regulator_context

        report = build_regulator_report(db, platform=platform, notice_id=notice, day=day, progress=progress)
        files = write_report_files(report, formats, progress)
        stored = store_files(writer, files, now)
        progress(5, 5, f"{len(files)} files written")
        context = regulator_context(report)
        summary = {
            k: context[k] for k in ("platform", "report_day", "notice", "at_deadline", "now", "log_head")
        }
        return summary | {
            "notes": list(report.notes),
            "files": [
                {"name": name, "sha256": sha, "size": len(files[name]), "media_type": media_type(name)}
                for name, sha in stored.items()
            ],
        }

    return work


def store_files(db, files: dict[str, bytes], now: datetime) -> dict[str, str]:
    """Keep each file by its sha256 (the same content is stored once); returns name -> sha256."""
    from songclear.store.claims import ClaimRepository

    with db.session() as session:
        repo = ClaimRepository(session)
        return {name: repo.store_evidence(name, data, at=now) for name, data in files.items()}


def stored_file(db, sha256: str) -> bytes:
    from songclear.store.claims import ClaimRepository

    with db.session() as session:
        return ClaimRepository(session).evidence(sha256)


MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def media_type(name: str) -> str:
    """The Content-Type a job's file is served with."""
    return MEDIA_TYPES.get(PurePath(name).suffix, "application/octet-stream")
