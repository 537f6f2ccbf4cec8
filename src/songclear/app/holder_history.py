"""Since when: the first day a track has had its current clearance status, and the instant it last became available
or unavailable. Both for the rights holder's view (``holder_view``).

A decision changes only at a grant breakpoint of the track's identity (``timeline.grant_breakpoints``: a term
starting or ending, a termination, the 'expiring' horizon) or where a notice's tolerance starts or ends. So the
current status began at the latest such instant before which the status differed: walking the breakpoints back
from the day asked, one decision per breakpoint, never one per day.

Availability changes only where a takedown action starts or is undone, or where the platform's import recorded a
new version of the track (``taken_down`` / ``live``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from songclear.domain.catalogue import Availability, LibraryTrack, TrackIdentity
from songclear.domain.clearance import decide
from songclear.domain.decision import Status
from songclear.domain.enforcement.availability import ActionSpan, blocks
from songclear.domain.grants import DEFAULT_TZ, EARLIEST_DAY, local_date, start_of_day
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery

_TICK = timedelta(microseconds=1)


def _first_day_from(instant: datetime, tz: str = DEFAULT_TZ) -> date:
    """The first day whose first instant is at or after ``instant``: an audit of that day sees what began then."""
    day = local_date(instant, tz)
    return day if start_of_day(day, tz) >= instant else day + timedelta(days=1)


def _notice_points(ledger: Ledger, platform: str, territory: str) -> set[datetime]:
    out: set[datetime] = set()
    for n in ledger.notices.values():
        if n.applies_to(platform, territory):
            out.add(start_of_day(n.issued, n.tz))
            if n.tolerated_until < date.max:
                out.add(start_of_day(n.tolerated_until + timedelta(days=1), n.tz))
    return out


def status_since(
    track: LibraryTrack,
    identity: TrackIdentity | None,
    ledger: Ledger,
    query: ClearanceQuery,
    status: Status,
    memos: dict[datetime, dict] | None = None,
) -> date | None:
    """The first day (Asia/Shanghai) from which ``track`` has had ``status`` (its status at ``query.at``) without
    a break; None when it has had it as far back as the ledger's grants and notices go. ``memos``: decide()'s
    memo per instant, shared by the tracks of one view (a label's catalogue grants share their breakpoints)."""
    from songclear.app.timeline import grant_breakpoints

    memos = {} if memos is None else memos
    points = grant_breakpoints(track.platform, identity, ledger, query)
    points |= _notice_points(ledger, track.platform, query.territory)
    floor = start_of_day(EARLIEST_DAY)
    for point in sorted((p for p in points if floor < p <= query.at), reverse=True):
        at = point - _TICK
        before = decide(
            track, identity, ledger, dataclasses.replace(query, at=at), memo=memos.setdefault(at, {})
        )
        if before.status is not status:
            return _first_day_from(point)
    return None


def availability_since(
    spans: Iterable[ActionSpan],
    versions: Sequence[tuple[Availability, datetime, bool]],
    current: Availability,
    at: datetime,
    territory: str,
    use: str,
) -> tuple[bool, datetime | None]:
    """Whether the track is available for ``use`` in ``territory`` at ``at``, and since when (None: as far back
    as anything is recorded). ``spans``: the track's takedown actions; ``versions``: its recorded availability
    versions, oldest first (empty: it was always ``current``)."""
    mine = [s for s in spans if blocks(s.action, territory, use)]

    def recorded(t: datetime) -> Availability:
        if not versions:
            return current
        then = versions[0][0]  # before its first version the track was as first recorded
        for availability, since, _first in versions:
            if since <= t:
                then = availability
        return then

    def available(t: datetime) -> bool:
        return recorded(t) is not Availability.TAKEN_DOWN and not any(s.in_force(t) for s in mine)

    events = {s.start for s in mine} | {s.end for s in mine if s.end is not None}
    events |= {since for _a, since, first in versions if not first}
    now = available(at)
    for event in sorted((e for e in events if e <= at), reverse=True):
        if available(event - _TICK) is not now:
            return now, event
    return now, None
