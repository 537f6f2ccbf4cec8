"""The regulator report: what a platform did about one notice, in a form a regulator (or a court) can read.

Per platform and notice: the library's status at the deadline, the takedowns with their timestamps, what remains
uncleared and why, the claims handled inside or outside their deadlines, the exposure table, the evidence
pictures of audio-based decisions, and the audit log's head hash (so a log cut back later is caught). One
``regulator_context(report)`` holds all of it as JSON-able data: the HTML renders from it, the CSVs are its
tables, and golden tests pin it. The PDF is the same HTML printed by headless Chromium.
"""

from __future__ import annotations

import base64
import csv
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from songclear.app.audit_run import AuditRun
from songclear.domain.decision import Status
from songclear.domain.notices import Notice
from songclear.errors import SongclearError, StorageError
from songclear.reports.context import STATUS_COLOURS

REGULATOR_CONTEXT_VERSION = 1


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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _counts(run: AuditRun) -> dict[str, int]:
    return {s.value: run.summary.counts.get(s, 0) for s in Status}


def regulator_context(report: RegulatorReport) -> dict:
    n = report.notice
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
    claims = [
        {
            "claim": c.claim,
            "claimant": c.claimant,
            "regime": c.regime,
            "received_at": _iso(c.received_at),
            "due": _iso(c.due),
            "handled_at": _iso(c.handled_at),
            "outcome": c.outcome,
            "on_time": c.on_time,
        }
        for c in report.claims
    ]
    return {
        "version": REGULATOR_CONTEXT_VERSION,
        "platform": report.platform,
        "platform_name": report.platform_name,
        "report_day": report.generated_for,
        "notice": {
            "id": n.id,
            "issuer": n.issuer,
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
                "at": _iso(t.at),
                "actor": t.actor,
                "reason": t.reason,
                "undone_at": _iso(t.undone_at),
            }
            for t in report.takedowns
        ],
        "remaining": remaining,
        "claims": claims,
        "claims_late": sum(1 for c in report.claims if c.on_time is False),
        "exposure": [
            {"track": e.track, "licensor": e.licensor, "days": e.days, "plays": e.plays, "amount": e.amount}
            for e in report.exposure
        ],
        "exposure_terms": dict(report.exposure_terms),
        "exposure_total": report.exposure_total,
        "evidence_tracks": sorted(report.evidence),
        "log_head": report.log_head,
    }


def render_regulator_html(report: RegulatorReport) -> str:
    env = Environment(
        loader=PackageLoader("songclear.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
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
    return env.get_template("regulator.html.j2").render(
        r=regulator_context(report), pictures=pictures, colours=colours
    )


CSV_TABLES = {
    "takedowns": ("track", "title", "action", "at", "actor", "reason", "undone_at"),
    "remaining": ("track", "title", "status", "reasons"),
    "claims": ("claim", "claimant", "regime", "received_at", "due", "handled_at", "outcome", "on_time"),
    "exposure": ("track", "licensor", "days", "plays", "amount"),
}


def write_regulator_csvs(report: RegulatorReport, folder: Path, stem: str) -> list[Path]:
    """One CSV per table of the report: ``<stem>-takedowns.csv`` and so on."""
    ctx = regulator_context(report)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for table, columns in CSV_TABLES.items():
        path = folder / f"{stem}-{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for row in ctx[table]:
                writer.writerow(
                    [
                        "; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                        for v in (row[c] for c in columns)
                    ]
                )
        out.append(path)
    return out


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
