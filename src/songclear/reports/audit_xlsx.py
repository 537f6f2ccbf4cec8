"""The audit as an XLSX workbook (``songclear audit --xlsx FILE``): the CSVs' tables, one sheet each, after an 'about'
sheet saying what was audited. The columns are the CSVs' (docs/reports.md), so a sheet and its CSV read alike."""

from __future__ import annotations

from datetime import datetime

from songclear.app.audit_run import AuditRun
from songclear.domain.grants import DEFAULT_TZ
from songclear.reports.csvout import DECISION_COLUMNS, SUMMARY_COLUMNS, decision_rows, summary_rows
from songclear.reports.times import instant_text, zone_text
from songclear.reports.xlsx import Sheet, write_xlsx

NOTICE_COLUMNS = ("notice", "title", "issuer", "issuer_name", "issued", "deadline", "buffer_end")


def _about(run: AuditRun) -> list[tuple[str, object]]:
    q = run.query
    return [
        ("platform", f"{run.platform_name} ({run.platform})"),
        ("audited day", run.at_day.isoformat()),
        ("territory", q.territory),
        ("use", q.use),
        ("commercial model", q.commercial_model or "any"),
        ("ledger as known at", instant_text(run.known_at, DEFAULT_TZ) if run.known_at else "as known now"),
        ("time zone", zone_text(DEFAULT_TZ, on=run.at_day)),
        ("expiring means", f"the proving chain lapses within {q.expiring_days} days"),
        ("tracks", run.summary.total),
    ]


def _summary(run: AuditRun) -> list[tuple]:
    share = SUMMARY_COLUMNS.index("removed_share")
    return [(*row[:share], float(row[share]), *row[share + 1 :]) for row in summary_rows(run)]


def write_audit_xlsx(run: AuditRun, target) -> dict[str, int]:
    """Sheets 'about', 'summary' (the summary CSV), 'decisions' (the decisions CSV), 'notices'."""
    names = run.party_names
    notices = [
        (n.id, n.title, n.issuer, names.get(n.issuer, n.issuer), n.issued.isoformat(), n.effective.isoformat(),
         n.buffer_end.isoformat() if n.buffer_end else "")
        for n in run.notices
    ]  # fmt: skip
    sheets = [
        Sheet("summary", SUMMARY_COLUMNS, _summary(run)),
        Sheet("decisions", DECISION_COLUMNS, decision_rows(run)),
        Sheet("notices", NOTICE_COLUMNS, notices),
    ]
    day = run.at_day
    return write_xlsx(target, sheets, about=_about(run), created=datetime(day.year, day.month, day.day))
