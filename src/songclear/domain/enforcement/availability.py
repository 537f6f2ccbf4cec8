"""Is a track available in a territory, for a use, at an instant? Takedowns as they were in force over time.

A takedown action is in force from the instant it was applied until it was undone. A removal takes a track down
everywhere; a geo-block only in its territories (a US-only claim blocks the US, not China); disabling a use only
for that use. The audit asks about one territory and one use, so "already down" means "not available for the
question asked". Imported availability (a platform's own ``taken_down`` flag) is the track's, not an action's:
the callers combine both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from songclear.domain.enforcement.takedown import ActionKind, TakedownAction


@dataclass(frozen=True, slots=True)
class ActionSpan:
    """``action`` was in force from ``start`` until ``end`` (None: it still is)."""

    action: TakedownAction
    start: datetime
    end: datetime | None = None

    def in_force(self, at: datetime) -> bool:
        return self.start <= at and (self.end is None or at < self.end)


def blocks(action: TakedownAction, territory: str, use: str) -> bool:
    """Does ``action`` make its track unavailable for ``use`` in ``territory``?"""
    if action.kind is ActionKind.REMOVE:
        return True
    if action.kind is ActionKind.GEO_BLOCK:
        return territory in action.territories
    return action.use == use


def unavailable_at(spans: Iterable[ActionSpan], at: datetime, territory: str, use: str) -> set[str]:
    """The tracks some action in force at ``at`` makes unavailable for ``use`` in ``territory``."""
    return {s.action.track for s in spans if s.in_force(at) and blocks(s.action, territory, use)}


def unavailable_days(
    spans: Iterable[ActionSpan], territory: str, use: str, day_of: Callable[[datetime], date]
) -> dict[str, list[tuple[date, date | None]]]:
    """Per track, the [from, to) days (``day_of`` an instant: the territory's day) actions kept it unavailable
    for ``use`` in ``territory``; to None: still. A day counts from the day the action was applied (the exposure rule: a
    takedown on a day ends that day's exposure)."""
    out: dict[str, list[tuple[date, date | None]]] = {}
    for s in spans:
        if blocks(s.action, territory, use):
            end = day_of(s.end) if s.end is not None else None
            out.setdefault(s.action.track, []).append((day_of(s.start), end))
    return out
