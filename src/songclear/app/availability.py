"""Which of a platform's tracks were unavailable, at an instant or day by day, for one territory and use.

Two sources, combined: the takedown actions in force (a removal everywhere, a geo-block in its territories, a
disabled use for that use: ``domain.enforcement.availability``), and the track's own availability as the ledger
recorded it (a platform's import saying ``taken_down``; a removal also records one). The audit's "already down",
the takedown plan's "nothing to do" and the exposure's days down all come from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from songclear.domain.catalogue import Availability, LibraryTrack
from songclear.domain.enforcement.availability import ActionSpan, unavailable_at, unavailable_days
from songclear.domain.territory_time import day_of

DownDays = dict[str, list[tuple[date, date | None]]]


def action_spans(session, platform: str, known_at: datetime | None = None) -> list[ActionSpan]:
    """The platform's takedown actions with the span each was in force (as applied and undone by ``known_at``)."""
    from songclear.store.takedowns import TakedownRepository

    return [
        ActionSpan(s.action, s.applied_at, s.undo.at if s.undo else None)
        for s in TakedownRepository(session).actions(platform, known_at=known_at)
    ]


def down_at(
    repo, platform: str, tracks: Iterable[LibraryTrack], query, known_at: datetime | None = None
) -> frozenset[str]:
    """The tracks unavailable for ``query.use`` in ``query.territory`` at ``query.at``: taken down as the ledger
    then knew the track (tracks changed since count as they were then), or blocked by an action in force."""
    then = repo.availability_then(platform, query.at, known_at)
    blocked = unavailable_at(
        action_spans(repo.session, platform, known_at), query.at, query.territory, query.use
    )
    down = Availability.TAKEN_DOWN
    return frozenset(t.key for t in tracks if then.get(t.key, t.availability) is down or t.key in blocked)


def down_days(repo, platform: str, *, territory: str, use: str, since: date) -> DownDays:
    """Per track, the [from, to) days of ``territory`` (``territory_time.day_of``: in China, of Asia/Shanghai)
    it was unavailable for ``use`` there (to None: still). A track first recorded as taken down counts as down
    from ``since`` (nothing says it was ever live)."""

    def local(at: datetime) -> date:
        return day_of(at, territory)

    out = unavailable_days(action_spans(repo.session, platform), territory, use, local)
    for key, versions in repo.availability_history(platform).items():
        for i, (availability, at, first) in enumerate(versions):
            if availability is not Availability.TAKEN_DOWN:
                continue
            start = since if first else local(at)
            end = local(versions[i + 1][1]) if i + 1 < len(versions) else None
            out.setdefault(key, []).append((start, end))
    return out


def unavailable_now(repo, keys: Iterable[str], *, territory: str, use: str, at: datetime) -> set[str]:
    """Which of the track ``keys`` are unavailable for ``use`` in ``territory`` at ``at`` (an instant now or
    past): recorded as taken down, or blocked by an action in force. Unknown keys are not unavailable."""
    from songclear.errors import NotFound

    out: set[str] = set()
    by_platform: dict[str, list[str]] = {}
    for key in keys:
        by_platform.setdefault(key.split("/", 1)[0], []).append(key)
    for platform, mine in by_platform.items():
        blocked = unavailable_at(action_spans(repo.session, platform), at, territory, use)
        for key in mine:
            if key in blocked:
                out.add(key)
                continue
            try:
                track = repo.get_track(platform, key.split("/", 1)[1])
            except NotFound:
                continue
            if track.availability is Availability.TAKEN_DOWN:
                out.add(key)
    return out
