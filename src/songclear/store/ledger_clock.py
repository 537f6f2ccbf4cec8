"""The ledger's clock: at what transaction time (``recorded_at``) new facts may be recorded.

Transaction time only moves forward, so that an answer "as known at T" can never be rewritten: a new fact is
recorded no earlier than the newest thing the database already holds (the audit log's newest entry, the newest
import, the newest version of any fact), and no later than the system clock plus ``CLOCK_SKEW``. A correction of
the past is a new fact recorded *now* whose validity (a term, a termination) lies in the past. Replaying history
on an empty database (the demo) works as long as each step is later than the one before.

Read it inside a write session (``Database.session(write=True)``): writers are serialised, so no other writer can
slip an entry in between this check and the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from songclear.errors import ImportError_
from songclear.store import tables
from songclear.store.rows import utc

CLOCK_SKEW = timedelta(minutes=5)  # how far two writers' clocks may disagree


def newest_time(session: Session) -> datetime | None:
    """The latest transaction time in the database (None: nothing recorded yet).

    Each fact table is asked for the ``recorded_at`` of its newest row (by id, the primary key: one index probe,
    not a scan of ten million rows). Versions are appended in time order, so that row is the table's latest."""
    log = tables.audit_log
    found = [
        session.execute(select(log.c.at).order_by(log.c.seq.desc()).limit(1)).scalar(),
        session.execute(select(func.max(tables.imports.c.recorded_at))).scalar(),
    ]
    for table in tables.FACT_TABLES:
        found.append(
            session.execute(select(table.c.recorded_at).order_by(table.c.id.desc()).limit(1)).scalar()
        )
    times = [utc(t) for t in found if t is not None]
    return max(times) if times else None


def stamp(session: Session, requested: datetime | None, *, now: datetime, source: str) -> datetime:
    """The ``recorded_at`` for the facts of ``source`` (a file name): ``requested`` (None: ``now``) checked
    against the rule of the module doc. A requested time within ``CLOCK_SKEW`` of ``now`` that falls before the
    newest entry (another writer's clock a little ahead, a queued job) is stamped at that entry's time instead;
    anything else out of order is refused with ``ImportError_`` naming the file and the rule."""
    if requested is not None and requested.tzinfo is None:
        raise ImportError_(f"recorded-at {requested.isoformat()} has no time zone", source=source)
    at = utc(requested if requested is not None else now)
    assert at is not None
    latest = now + CLOCK_SKEW
    if at > latest:
        raise ImportError_(
            f"recorded-at {at.isoformat()} is in the future: the clock says {now.isoformat()} and the ledger "
            f"accepts at most {_minutes(CLOCK_SKEW)} of clock skew",
            source=source,
        )
    newest = newest_time(session)
    if newest is None or at >= newest:
        return at
    if at >= now - CLOCK_SKEW and newest <= latest:
        return newest
    raise ImportError_(
        f"recorded-at {at.isoformat()} is earlier than the newest entry of the ledger ({newest.isoformat()}): "
        "transaction time only moves forward, so that no answer 'as known at' a past time can be rewritten. "
        "Record a correction now, with its validity (a term, a termination) in the past",
        source=source,
    )


def _minutes(d: timedelta) -> str:
    return f"{int(d.total_seconds() // 60)} minutes"
