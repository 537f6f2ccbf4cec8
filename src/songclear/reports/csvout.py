"""CSV reports of an audit: one row per track, and the status counts per licensor.

Column order is part of the format (docs/reports.md): add columns at the end, never reorder. Text is written
as-is (UTF-8 is the caller's stream encoding; open files with ``encoding="utf-8", newline=""``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from songclear.app.audit_run import AuditRun
from songclear.domain.decision import Status
from songclear.reports.context import chain_compact

DECISION_COLUMNS: tuple[str, ...] = (
    "platform",
    "track_id",
    "title",
    "artist",
    "status",
    "recording",
    "licensor",
    "licensor_name",
    "chain",
    "last_day",
    "reasons",
    "notice",
    "identity_source",
    "availability",
)

SUMMARY_COLUMNS: tuple[str, ...] = (
    "scope",
    "licensor",
    "licensor_name",
    *(s.value for s in Status),
    "total",
    "removed",
    "removed_share",
    "live",
    "already_down",
)


def decision_rows(run: AuditRun) -> Iterator[tuple]:
    """One row per decision, in the audit's order, in ``DECISION_COLUMNS`` order (the CSV's and the XLSX's)."""
    for d in run.decisions:
        track = run.tracks.get(d.track)
        platform, _, track_id = d.track.partition("/")
        last_day = d.last_day if d.status.has_licence else None
        yield (
            track.platform if track else platform,
            track.track_id if track else track_id,
            track.title if track else "",
            track.artist if track else "",
            d.status.value,
            d.recording or "",
            d.licensor or "",
            run.licensor_names.get(d.licensor, d.licensor) if d.licensor else "",
            chain_compact(d.chains),
            last_day.isoformat() if last_day else "",
            "; ".join(r.message for r in d.reasons),
            d.notice or "",
            d.identity_source or "",
            track.availability.value if track else "",
        )


def write_decisions_csv(run: AuditRun, out: TextIO) -> int:
    """One row per decision, in the audit's order; returns the number of data rows written."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(DECISION_COLUMNS)
    n = 0
    for row in decision_rows(run):
        w.writerow(row)
        n += 1
    return n


def summary_rows(run: AuditRun) -> list[tuple]:
    """The library row (scope 'library') then one row per licensor (scope 'licensor'), in ``SUMMARY_COLUMNS``
    order."""
    s = run.summary
    rows = [("library", "", "", s.counts, (s.total, s.live, len(s.takedown)))]
    rows += [
        ("licensor", lic, run.licensor_names.get(lic, lic), counts, s.licensor_figures(lic))
        for lic, counts in sorted(s.by_licensor.items())
    ]
    out = []
    for scope, lic, name, counts, (total, live, removed) in rows:
        # "removed": live tracks a stop notice would remove, as a share of the live ones; "already_down": not
        # cleared but already taken down.
        already = sum(counts.get(st, 0) for st in (Status.UNCLEARED, Status.BUFFER)) - removed
        share = f"{removed / live:.6f}" if live else "0.000000"
        out.append(
            (scope, lic, name, *(counts.get(st, 0) for st in Status), total, removed, share, live, already)
        )
    return out


def write_summary_csv(run: AuditRun, out: TextIO) -> int:
    """The library row (scope 'library') then one row per licensor (scope 'licensor'); returns data rows."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(SUMMARY_COLUMNS)
    rows = summary_rows(run)
    w.writerows(rows)
    return len(rows)
