"""The result of one library audit, as handed to the CLI, the reports and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from songclear.domain.audit import AuditSummary, StatusChange
from songclear.domain.catalogue import LibraryTrack
from songclear.domain.decision import ClearanceDecision, Status
from songclear.domain.notices import Notice
from songclear.domain.rules import ClearanceQuery


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """Library status counts on one day (the report's week-by-week chart)."""

    day: date
    counts: dict[Status, int]


@dataclass(slots=True)
class AuditRun:
    platform: str
    platform_name: str
    query: ClearanceQuery
    at_day: date  # the calendar day audited (query.at is its first instant in Asia/Shanghai)
    known_at: datetime | None  # None: as known now
    decisions: list[ClearanceDecision]
    tracks: dict[str, LibraryTrack]  # track key -> track, for titles and artists
    summary: AuditSummary
    notices: list[Notice] = field(default_factory=list)
    timeline: list[TimelinePoint] = field(default_factory=list)
    # Only when known_at is set: tracks whose decision differs 'as known then' vs 'as known now'.
    changes_vs_now: list[StatusChange] | None = None
    licensor_names: dict[str, str] = field(default_factory=dict)
    # The names of the other parties a report names beside their ids (the notices' issuers).
    party_names: dict[str, str] = field(default_factory=dict)
    # grant id -> (licensor name, licensee name), so reports can draw a chain as 'Label -> QQ Music -> NetEase'.
    grant_parties: dict[str, tuple[str, str]] = field(default_factory=dict)
    # track key -> (caption, PNG) of the audio matches that identified it: the evidence the report shows.
    evidence: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    elapsed_s: float = 0.0
