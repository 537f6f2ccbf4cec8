"""The audit log page's rows, made readable: the time in one short column, a file's name beside its hash, and the
payload as a one-line summary that opens to the whole of it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from songclear.domain.enforcement.auditlog import LogEntry

SUMMARY_CHARS = 90  # the payload's closed line


@dataclass(frozen=True, slots=True)
class LogRow:
    entry: LogEntry
    at: str  # 'YYYY-MM-DD HH:MM' in UTC, the log's time line
    at_full: str  # the instant in ISO 8601, for the cell's tooltip
    subject: str  # shortened when it is a file's hash with the file named beside it
    file: str | None
    summary: str
    payload: str  # the whole payload, indented


def log_row(e: LogEntry) -> LogRow:
    data = e.data()
    file = e.file
    return LogRow(
        entry=e,
        at=f"{e.at:%Y-%m-%d %H:%M}",
        at_full=e.at.isoformat(),
        subject=f"{e.subject[:12]}…" if file else e.subject,
        file=file,
        summary=summary(data),
        payload=json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True),
    )


def summary(data: Any) -> str:
    """The payload's scalar fields as 'key: value, ...', cut at ``SUMMARY_CHARS``; lists and objects by size."""
    if not isinstance(data, dict):
        text = json.dumps(data, ensure_ascii=False)
    else:
        parts = []
        for k, v in data.items():
            if isinstance(v, list):
                parts.append(f"{k}: {len(v)} item{'' if len(v) == 1 else 's'}")
            elif isinstance(v, dict):
                parts.append(f"{k}: {{…}}")
            else:
                parts.append(f"{k}: {v}")
        text = ", ".join(parts)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
