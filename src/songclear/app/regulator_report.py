"""The regulator report of one platform for one notice on one day (docs/enforcement.md, "Reports"): the audit
at the notice's deadline and on the report day, the takedowns with their timestamps, the claims and whether they
were handled in time, exposure, the audio evidence, and the audit log's head. Written as files: HTML, one CSV per
table, an XLSX workbook, and a PDF printed by Debian's Chromium (which checks first that a CJK font is installed:
when none is, the report's notes and the command's output say so). Used by ``songclear report regulator``, the
API's report jobs and the demo.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from songclear.errors import InputError, NotFound

FORMATS = ("html", "csv", "xlsx", "pdf")


@dataclass(frozen=True, slots=True)
class WrittenReport:
    """The files a report command wrote, and what the reader must be told (e.g. no CJK font for the PDF)."""

    paths: list[str]
    warnings: list[str] = field(default_factory=list)
    summary: list[str] = field(
        default_factory=list
    )  # what a person reads in the terminal: the report in brief


def build_regulator_report(
    db, *, platform: str, notice_id: str, day: date, progress: Callable = lambda *a: None
):
    """What ``platform`` did about notice ``notice_id``, as the report speaks for ``day``."""
    from songclear.app.audit import make_query, run_audit
    from songclear.app.claims import claim_timeliness
    from songclear.app.exposure import exposure_report
    from songclear.app.identities import attach_audio_evidence
    from songclear.reports.regulator import ClaimRow, ExposureRow, RegulatorReport, TakedownRow
    from songclear.store.auditlog import AuditLog
    from songclear.store.repository import LedgerRepository
    from songclear.store.takedowns import TakedownRepository

    with db.session() as session:
        repo = LedgerRepository(session)
        if platform not in repo.platforms():
            raise NotFound(f"platform {platform!r} has no library tracks")
        ledger = repo.load_ledger()
        notice = ledger.notices.get(notice_id)
        if notice is None:
            raise NotFound(f"no notice {notice_id!r} in the ledger")
        if day <= notice.issued:
            raise InputError(f"the report day {day} must be after the notice was issued ({notice.issued})")
        progress(1, 5, "auditing the library at the notice's deadline")
        deadline = run_audit(
            repo,
            platform=platform,
            day=notice.effective,
            query=make_query(notice.effective),
            with_timeline=False,
        )
        progress(2, 5, f"auditing the library on {day}")
        now = run_audit(repo, platform=platform, day=day, query=make_query(day), with_timeline=False)
        attach_audio_evidence(now, repo)
        takedowns = [
            TakedownRow(
                s.action.track, now.tracks[s.action.track].title if s.action.track in now.tracks else "",
                s.action.kind.value, s.applied_at, s.applied_by, s.action.reason.detail,
                s.undo.at if s.undo else None,
            )
            for s in TakedownRepository(session).actions(platform)
        ]  # fmt: skip
        head = AuditLog(session).head()
    progress(3, 5, "claims and exposure")
    claims = [
        ClaimRow(c["claim"], c["claimant"], c["regime"], _dt(c["received_at"]), _dt(c["due"]),
                 _dt(c["taken_down_at"]), c["outcome"])
        for c in claim_timeliness(db, platform)
    ]  # fmt: skip
    exposure = exposure_report(db, platform=platform, start=notice.issued, end=day)
    named = {
        platform,
        notice.issuer,
        *(c.claimant for c in claims),
        *(r["licensor"] for r in exposure.rows()),
    }
    return RegulatorReport(
        platform=platform, platform_name=now.platform_name, notice=notice, at_deadline=deadline, now=now,
        takedowns=takedowns, claims=claims,
        exposure=[
            ExposureRow(r["track"], r["licensor"], int(r["days"]), int(r["plays"]) if r["plays"] else None, r["amount"])
            for r in exposure.rows()
        ],
        exposure_terms=exposure.terms(), exposure_total=f"{exposure.total} {exposure.rates.currency}",
        log_head=head.hash if head else None, generated_for=day.isoformat(), evidence=now.evidence,
        party_names={p: ledger.party_name(p) for p in named if p},
    )  # fmt: skip


def write_report_files(
    report, formats: tuple[str, ...], progress: Callable = lambda *a: None
) -> dict[str, bytes]:
    """The report's files by name (``regulator-<platform>-<notice>.html`` and so on). Before a PDF is printed,
    a missing CJK font is added to ``report.notes`` (the HTML and PDF then say so)."""
    from songclear.reports.fonts import cjk_font_warning
    from songclear.reports.regulator import (
        html_to_pdf,
        render_regulator_html,
        write_regulator_csvs,
        write_regulator_xlsx,
    )

    stem = f"regulator-{report.platform}-{report.notice.id}"
    if "pdf" in formats and (warning := cjk_font_warning()) and warning not in report.notes:
        report.notes.append(warning)
    progress(4, 5, "rendering")
    html = render_regulator_html(report)
    files: dict[str, bytes] = {}
    if "html" in formats:
        files[f"{stem}.html"] = html.encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="songclear-report-") as folder:
        if "csv" in formats:
            for path in write_regulator_csvs(report, Path(folder), stem):
                files[path.name] = path.read_bytes()
        if "xlsx" in formats:
            write_regulator_xlsx(report, Path(folder) / f"{stem}.xlsx")
            files[f"{stem}.xlsx"] = (Path(folder) / f"{stem}.xlsx").read_bytes()
        if "pdf" in formats:
            progress(4, 5, "printing the PDF with Chromium")
            files[f"{stem}.pdf"] = html_to_pdf(html, Path(folder) / f"{stem}.pdf").read_bytes()
    return files


def _dt(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def write_regulator_report(
    db,
    *,
    platform: str,
    notice_id: str,
    day: date,
    out: Path,
    formats: tuple[str, ...] = FORMATS,
    progress: Callable = lambda *a: None,
) -> WrittenReport:
    """Build the report and write its files under ``out`` (the CSVs in ``out/regulator-csv``): their paths, and
    the report's notes as warnings."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise InputError(f"unknown report format {sorted(unknown)[0]!r}: use {', '.join(FORMATS)}")
    report = build_regulator_report(db, platform=platform, notice_id=notice_id, day=day, progress=progress)
    written = []
    for name, content in write_report_files(report, formats, progress).items():
        folder = out / "regulator-csv" if name.endswith(".csv") else out
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        written.append(str(folder / name))
    return WrittenReport(written, list(report.notes))
