"""The regulator report: what a platform did about one notice, in a form a regulator (or a court) can read.

Per platform and notice: the library's status at the deadline, the takedowns with their timestamps, what remains
uncleared and why, the claims handled inside or outside their deadlines, the exposure table, the evidence
pictures of audio-based decisions, and the audit log's head hash (so a log cut back later is caught). One
``regulator_context(report)`` holds all of it as JSON-able data: the HTML renders from it, the CSVs are its
tables, and golden tests pin it. The PDF is the same HTML printed by headless Chromium.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from songclear.app.audit_run import AuditRun
from songclear.domain.decision import Status
from songclear.domain.grants import start_of_day
from songclear.domain.notices import Notice
from songclear.errors import SongclearError, StorageError
from songclear.reports.context import STATUS_COLOURS
from songclear.reports.tables import about_table, cells, templates, write_csv_tables
from songclear.reports.times import instant_text, zone_text

REGULATOR_CONTEXT_VERSION = 2  # 2: times in the notice's zone, party names, the period, notes


@dataclass(frozen=True, slots=True)
class TakedownRow:
    track: str
    title: str
    action: str  # 'remove' | 'geo_block' | 'disable_use'
    at: datetime
    actor: str
    reason: str
    undone_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim: str
    claimant: str
    regime: str
    received_at: datetime
    due: datetime | None  # when the takedown was due
    handled_at: datetime | None  # when it was answered / acted on
    outcome: str

    @property
    def on_time(self) -> bool | None:
        if self.due is None or self.handled_at is None:
            return None
        return self.handled_at <= self.due


@dataclass(frozen=True, slots=True)
class ExposureRow:
    track: str
    licensor: str
    days: int
    plays: int | None
    amount: str  # a decimal amount, as text


@dataclass(slots=True)
class RegulatorReport:
    platform: str
    platform_name: str
    notice: Notice
    at_deadline: AuditRun  # the audit on the notice's deadline (or tolerance end)
    now: AuditRun  # the audit on the report's day: what remains
    takedowns: Sequence[TakedownRow] = ()
    claims: Sequence[ClaimRow] = ()
    exposure: Sequence[ExposureRow] = ()
    exposure_terms: dict[str, str] = field(
        default_factory=dict
    )  # ExposureReport.terms(): period, step, rate...
    exposure_total: str = ""  # the sum of the amounts, with its currency
    log_head: str | None = None
    generated_for: str = ""  # the day the report speaks for, e.g. '2015-11-15'
    evidence: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    party_names: dict[str, str] = field(default_factory=dict)  # party id -> name, written beside each id
    notes: list[str] = field(default_factory=list)  # what the reader must know (e.g. no CJK font for the PDF)

    @property
    def tz(self) -> str:
        """The reader's time zone: the notice's."""
        return self.notice.tz

    @property
    def report_day(self) -> date:
        return date.fromisoformat(self.generated_for) if self.generated_for else self.now.at_day

    def period(self) -> tuple[datetime, datetime]:
        """The instants the report speaks for: from the first instant of the day the notice was issued to the
        end of the report day, in the notice's time zone ([start, end))."""
        return (
            start_of_day(self.notice.issued, self.tz),
            start_of_day(self.report_day + timedelta(days=1), self.tz),
        )


def _counts(run: AuditRun) -> dict[str, int]:
    return {s.value: run.summary.counts.get(s, 0) for s in Status}


def _claim_row(c: ClaimRow, end: datetime, when, name) -> dict:
    """A claim as the report day saw it: an answer given after the report day is not shown, and a claim due
    before the end of the report day and not handled by then is late."""
    handled = c.handled_at if c.handled_at is not None and c.handled_at < end else None
    if handled is not None and c.due is not None:
        on_time = handled <= c.due
    elif handled is None and c.due is not None and c.due < end:
        on_time = False
    else:
        on_time = None
    return {
        "claim": c.claim, "claimant": c.claimant, "claimant_name": name(c.claimant), "regime": c.regime,
        "received_at": when(c.received_at), "due": when(c.due), "handled_at": when(handled),
        "outcome": c.outcome, "on_time": on_time,
    }  # fmt: skip


def regulator_context(report: RegulatorReport) -> dict:
    n = report.notice
    start, end = report.period()
    tz = report.tz

    def when(value: datetime | None) -> str | None:
        return instant_text(value, tz)

    def name(party: str | None) -> str:
        return report.party_names.get(party, party or "") if party else ""

    remaining = [
        {
            "track": d.track,
            "title": report.now.tracks[d.track].title if d.track in report.now.tracks else "",
            "status": d.status.value,
            "reasons": [r.message for r in d.reasons],
        }
        for d in report.now.decisions
        if d.status in (Status.UNCLEARED, Status.BUFFER)
    ]
    takedowns = [t for t in report.takedowns if start <= t.at < end]
    claims = [_claim_row(c, end, when, name) for c in report.claims if start <= c.received_at < end]
    return {
        "version": REGULATOR_CONTEXT_VERSION,
        "platform": report.platform,
        "platform_name": report.platform_name,
        "report_day": report.report_day.isoformat(),
        "time_zone": zone_text(tz, on=report.report_day),
        "period": {
            "from": n.issued.isoformat(),
            "to": report.report_day.isoformat(),
            "takedowns_left_out": len(report.takedowns) - len(takedowns),
            "claims_left_out": len(report.claims) - len(claims),
        },
        "notice": {
            "id": n.id,
            "issuer": n.issuer,
            "issuer_name": name(n.issuer),
            "title": n.title,
            "issued": n.issued.isoformat(),
            "deadline": n.effective.isoformat(),
            "buffer_end": n.buffer_end.isoformat() if n.buffer_end else None,
        },
        "at_deadline": {
            "day": report.at_deadline.at_day.isoformat(),
            "total": report.at_deadline.summary.total,
            "counts": _counts(report.at_deadline),
            "removal_share": round(report.at_deadline.summary.removal_share, 6),
        },
        "now": {
            "day": report.now.at_day.isoformat(),
            "total": report.now.summary.total,
            "counts": _counts(report.now),
        },
        "takedowns": [
            {
                "track": t.track,
                "title": t.title,
                "action": t.action,
                "at": when(t.at),
                "actor": t.actor,
                "reason": t.reason,
                "undone_at": when(t.undone_at) if t.undone_at is not None and t.undone_at < end else None,
            }
            for t in takedowns
        ],
        "remaining": remaining,
        "claims": claims,
        "claims_late": sum(1 for c in claims if c["on_time"] is False),
        "exposure": [
            {
                "track": e.track,
                "licensor": e.licensor,
                "licensor_name": name(e.licensor),
                "days": e.days,
                "plays": e.plays,
                "amount": e.amount,
            }  # fmt: skip
            for e in report.exposure
        ],
        "exposure_terms": dict(report.exposure_terms),
        "exposure_total": report.exposure_total,
        "evidence_tracks": sorted(report.evidence),
        "log_head": report.log_head,
        "notes": list(report.notes),
    }


def render_regulator_html(report: RegulatorReport) -> str:
    pictures = [
        {
            "track": key,
            "caption": caption,
            "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        }
        for key, items in sorted(report.evidence.items())
        for caption, png in items
    ]
    colours = {s.value: c for s, c in STATUS_COLOURS.items()}
    return (
        templates()
        .get_template("regulator.html.j2")
        .render(r=regulator_context(report), pictures=pictures, colours=colours)
    )


CSV_TABLES = {
    "takedowns": ("track", "title", "action", "at", "actor", "reason", "undone_at"),
    "remaining": ("track", "title", "status", "reasons"),
    "claims": (
        "claim", "claimant", "claimant_name", "regime", "received_at", "due", "handled_at", "outcome", "on_time",
    ),
    "exposure": ("track", "licensor", "licensor_name", "days", "plays", "amount"),
}  # fmt: skip


def about_rows(ctx: dict) -> list[tuple[str, str]]:
    """What the report speaks for, as (field, value) rows: the 'about' CSV and the workbook's first sheet."""
    n, period = ctx["notice"], ctx["period"]
    rows = [
        ("platform", f"{ctx['platform_name']} ({ctx['platform']})"),
        ("notice", f"{n['id']}: {n['title']}"),
        ("issuer", f"{n['issuer_name']} ({n['issuer']})"),
        ("issued", n["issued"]),
        ("deadline", n["deadline"]),
        ("buffer until", n["buffer_end"] or "none"),
        ("report day", ctx["report_day"]),
        ("time zone", ctx["time_zone"]),
        ("period", f"{period['from']} to {period['to']}: the takedowns applied and the claims received then"),
        ("takedowns left out", f"{period['takedowns_left_out']} (dated outside the period)"),
        ("claims left out", f"{period['claims_left_out']} (dated outside the period)"),
    ]
    rows += [(f"exposure {k}", v) for k, v in ctx["exposure_terms"].items()]
    rows.append(("exposure total", ctx["exposure_total"] or "none"))
    rows.append(("audit log head", ctx["log_head"] or "none"))
    rows += [("note", note) for note in ctx["notes"]]
    return rows


def write_regulator_csvs(report: RegulatorReport, folder: Path, stem: str) -> list[Path]:
    """One CSV per table of the report (``<stem>-takedowns.csv`` and so on), and ``<stem>-about.csv``: what it
    speaks for (period, time zone, exposure terms and total, notes)."""
    ctx = regulator_context(report)
    tables = {"about": about_table(about_rows(ctx))}
    tables |= {table: (columns, ctx[table]) for table, columns in CSV_TABLES.items()}
    return write_csv_tables(folder, stem, tables)


def write_regulator_xlsx(report: RegulatorReport, target) -> dict[str, int]:
    """The report's tables as one workbook: 'about' first, then a sheet per CSV table."""
    from songclear.reports.xlsx import Sheet, write_xlsx

    ctx = regulator_context(report)
    sheets = [
        Sheet(table, columns, [cells(row, columns) for row in ctx[table]])
        for table, columns in CSV_TABLES.items()
    ]
    day = report.report_day
    return write_xlsx(target, sheets, about=about_rows(ctx), created=datetime(day.year, day.month, day.day))


class PdfError(SongclearError):
    exit_code = StorageError.exit_code
    http_status = 503
    title = "PDF renderer unavailable"


def chromium_binary() -> str | None:
    return next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


def html_to_pdf(html: str, pdf_path: Path, *, timeout: float = 120.0) -> Path:
    """Print the HTML to PDF with headless Chromium (Debian's ``chromium``; nothing is downloaded)."""
    browser = chromium_binary()
    if browser is None:
        raise PdfError("cannot write a PDF: Chromium is not installed (Debian: apt-get install chromium)")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="songclear-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path.resolve()}", page.resolve().as_uri(),
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise PdfError(
            f"Chromium could not print the report (exit {done.returncode}): {done.stderr.strip()[-300:]}"
        )
    return pdf_path
