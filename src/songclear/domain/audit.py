"""Audit summaries: pure aggregation of clearance decisions for one platform at one instant.

Counts per status and per licensor, the share of the live library a stop notice would remove (uncleared and
buffer tracks that are still live: tolerated today, gone at the deadline), those already taken down apart, the
takedown list, the tracks whose clearance lapses next, and the difference between two sets of decisions (two
dates, or 'as known then' against 'as known now').
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from songclear.domain.decision import ClearanceDecision, Status
from songclear.domain.territory_time import day_begins_everywhere, last_day

# What a stop notice removes: what no valid chain clears.
REMOVED_BY_NOTICE = frozenset({Status.UNCLEARED, Status.BUFFER})


@dataclass(frozen=True, slots=True)
class Lapse:
    track: str
    recording: str | None
    last_day: date


@dataclass(slots=True)
class AuditSummary:
    total: int = 0
    counts: Counter = field(default_factory=Counter)  # Status -> n
    by_licensor: dict[str, Counter] = field(default_factory=dict)  # licensor id ('unknown') -> Status -> n
    takedown: list[str] = field(default_factory=list)  # live track keys a stop notice would remove
    lapsing: list[Lapse] = field(default_factory=list)  # soonest first, capped
    already_down: list[str] = field(default_factory=list)  # not cleared, and already taken down
    # The same counts for the tracks the platform has already taken down (a notice cannot remove them again).
    down_counts: Counter = field(default_factory=Counter)  # Status -> n
    down_by_licensor: dict[str, Counter] = field(default_factory=dict)

    @property
    def taken_down(self) -> int:
        return sum(self.down_counts.values())

    @property
    def live(self) -> int:
        return self.total - self.taken_down

    @property
    def removal_share(self) -> float:
        """The share of the live library a stop notice would remove."""
        return len(self.takedown) / self.live if self.live else 0.0

    def licensor_figures(self, licensor: str) -> tuple[int, int, int]:
        """(tracks, live tracks, live tracks a stop notice would remove) of one licensor's recordings."""
        counts, down = (
            self.by_licensor.get(licensor, Counter()),
            self.down_by_licensor.get(licensor, Counter()),
        )
        total = sum(counts.values())
        removed = sum(counts.get(st, 0) - down.get(st, 0) for st in REMOVED_BY_NOTICE)
        return total, total - sum(down.values()), removed

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "counts": {s.value: self.counts.get(s, 0) for s in Status},
            "removal_share": round(self.removal_share, 6),
            "by_licensor": {
                lic: {s.value: c.get(s, 0) for s in Status} for lic, c in sorted(self.by_licensor.items())
            },
            "takedown_count": len(self.takedown),
            "live": self.live,
            "taken_down": self.taken_down,
            "already_down_count": len(self.already_down),
            "lapsing": [
                {"track": lp.track, "recording": lp.recording, "last_day": lp.last_day.isoformat()}
                for lp in self.lapsing
            ],
        }


_LICENSED = frozenset(s for s in Status if s.has_licence)


def summarise(
    decisions: Iterable[ClearanceDecision], *, down: Set[str] = frozenset(), lapsing_limit: int = 20
) -> AuditSummary:
    """``down``: the keys of the tracks the platform has already taken down (a stop notice cannot remove them)."""
    decisions = decisions if isinstance(decisions, list) else list(decisions)
    summary = AuditSummary(total=len(decisions))
    # One C-level count of (licensor, status) pairs instead of three dict updates per decision.
    for (licensor, status), n in Counter((d.licensor, d.status) for d in decisions).items():
        summary.counts[status] += n
        summary.by_licensor.setdefault(licensor or "unknown", Counter())[status] += n
    removed = REMOVED_BY_NOTICE
    summary.takedown = sorted(d.track for d in decisions if d.status in removed and d.track not in down)
    if down:
        gone = [d for d in decisions if d.track in down]
        summary.already_down = sorted(d.track for d in gone if d.status in removed)
        for (licensor, status), n in Counter((d.licensor, d.status) for d in gone).items():
            summary.down_counts[status] += n
            summary.down_by_licensor.setdefault(licensor or "unknown", Counter())[status] += n
    summary.lapsing = _soonest_lapses(
        [(end, d) for d in decisions if d.status in _LICENSED and (end := d.cleared_until) is not None],
        lapsing_limit,
    )
    return summary


def _soonest_lapses(ending: list[tuple[datetime, ClearanceDecision]], limit: int) -> list[Lapse]:
    """The ``limit`` decisions whose chains lapse first, by (last day, track). Only those ending no later than
    the limit-th earliest end's last day can qualify: the others' last days are later, so they are not turned
    into Lapses and sorted."""
    if limit <= 0 or not ending:
        return []
    if len(ending) > limit:
        kth = heapq.nsmallest(limit, (end for end, _d in ending))[-1]
        territory = ending[0][1].territory  # one audit, one territory asked about
        last = last_day(kth, territory)
        bound = day_begins_everywhere(last + timedelta(days=1), territory)  # a later end has a later last day
        ending = [(end, d) for end, d in ending if end <= bound]
    lapses = [Lapse(d.track, d.recording, d.last_day) for _end, d in ending]
    lapses.sort(key=lambda lp: (lp.last_day, lp.track))
    return lapses[:limit]


@dataclass(frozen=True, slots=True)
class StatusChange:
    track: str
    before: Status | None
    after: Status | None
    before_reason: str
    after_reason: str


def diff(
    before: Mapping[str, ClearanceDecision], after: Mapping[str, ClearanceDecision]
) -> list[StatusChange]:
    """Tracks whose status differs between two decision sets, with the explanation on each side."""
    out = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b is not None and a is not None and a.status is b.status:
            continue
        out.append(
            StatusChange(
                key,
                b.status if b else None,
                a.status if a else None,
                b.explain() if b else "not in library",
                a.explain() if a else "not in library",
            )
        )
    return out
