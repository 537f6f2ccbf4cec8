"""Safe edits of a grant by hand: end it, or amend some of its fields. Each edit is a new version of the grant.

Nothing is overwritten: the edit records a new version of the grant now (``store.ledger_clock``: transaction time
only moves forward), so an audit 'as known at' an earlier time still sees what was known then, and the edit appends
one audit-log entry (``grant-end``, ``grant-amend``) with the fields before and after, in the same transaction.

- ``end_grant``: the grant no longer holds from the start of a day in its own time zone. It is recorded as a
  *termination* (cause ``terminated``, the reason as its reference), not as a new end of term: the term stays what
  was signed, and the early end is a fact of its own, with its cause and reference, as a DDEX takedown or a
  termination column in a grants table records it.
- ``amend_grant``: any column of a grants table (docs/import.md) but the id, given as text and parsed and checked
  exactly as an imported row is (``ingest.tabular.build_fact``, the parsers of ``ingest.columns``); a blank value
  clears an optional field. The parties and parent it names must be in the ledger, and no cycle of sublicences may
  result.

An edit that changes nothing records nothing (``recorded_at`` is None).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from songclear.domain.grants import (
    Grant,
    Termination,
    TerminationCause,
    display_zone,
    home_day,
    instant_out_of_range,
    start_of_day,
    zone,
)
from songclear.errors import InputError, LedgerIntegrityError
from songclear.store import tables
from songclear.store.auditlog import log_event
from songclear.store.database import write_session
from songclear.store.ledger_clock import stamp

FIXED = {"id": "the id names the grant", "source": "it says where a version came from: the edit sets it"}
_TERMINATION = ("terminated", "termination_cause", "termination_reference")


@dataclass(slots=True)
class GrantEdit:
    grant: str
    action: str  # 'end' or 'amend'
    before: dict[str, Any]  # the fields that change, as the cells of a grants table
    after: dict[str, Any]
    recorded_at: datetime | None = None  # when the new version was recorded; None: nothing changed
    sublicences: list[str] = field(default_factory=list)  # current grants whose parent is this one
    last_day: date | None = None  # the last day the grant holds, in its time zone (None: open-ended)
    tz: str = ""  # the grant's time zone

    def as_dict(self) -> dict:
        return {
            "grant": self.grant, "action": self.action, "changed": bool(self.after), "before": self.before,
            "after": self.after, "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "sublicences": self.sublicences,
            "last_day": self.last_day.isoformat() if self.last_day else None, "tz": self.tz,
        }  # fmt: skip


def end_grant(db, grant_id: str, *, on: date, reason: str, now: datetime, actor: str) -> GrantEdit:
    """End ``grant_id`` from the start of ``on`` in its time zone, for ``reason`` (module doc)."""
    reason = reason.strip()
    if not reason:
        raise InputError("give the reason the grant ends (--reason), e.g. the letter that ends it")

    def ended(g: Grant) -> Grant:
        # A term of local dates (DDEX) ends on a local day, when it begins in the territory asked about.
        if g.term.is_local:
            termination = Termination.on_local_day(on, TerminationCause.TERMINATED, reason)
        else:
            termination = Termination(start_of_day(on, g.term.tz), TerminationCause.TERMINATED, reason)
        effective = termination.effective_in()
        if (why := instant_out_of_range(effective)) is not None:
            raise InputError(f"--on {on}: {why}")
        t, end = g.termination, g.term.end_instant()
        if t is not None and t.effective_in() <= effective:
            raise InputError(
                f"grant {g.id} has ended already, from {_day(t.effective_in(), g)} ({t.cause.value}"
                f"{': ' + t.reference if t.reference else ''}); to change that, amend its 'terminated' field"
            )
        if end is not None and end <= effective:
            raise InputError(
                f"grant {g.id}'s term ends on {g.term.end} already: ending it from {on} changes nothing"
            )
        return dataclasses.replace(g, termination=termination)

    return _edit(
        db, grant_id, "end", ended, now=now, actor=actor, note={"on": on.isoformat(), "reason": reason}
    )


def amend_grant(db, grant_id: str, changes: Mapping[str, str], *, now: datetime, actor: str) -> GrantEdit:
    """Set the given fields of ``grant_id`` (column name -> text; blank clears) as a new version (module doc)."""
    from songclear.ingest.columns import GRANT_COLUMNS
    from songclear.ingest.tabular import build_fact

    known = [c.name for c in GRANT_COLUMNS]
    if not changes:
        raise InputError(
            f"name the fields to change, e.g. --end 2015-10-31 (a grant's fields: {', '.join(known)})"
        )
    for name in changes:
        if name in FIXED:
            raise InputError(f"--{name} cannot be amended: {FIXED[name]}")
        if name not in known:
            raise InputError(
                f"unknown field --{name}: a grant's fields are {', '.join(f for f in known if f not in FIXED)}"
            )

    def amended(g: Grant) -> Grant:
        cells = grant_cells(g)
        if "terminated" in changes and not changes["terminated"].strip():
            for name in _TERMINATION:  # no termination: no cause or reference either
                cells[name] = None
        cells.update(changes)
        return build_fact("grants", cells)

    return _edit(db, grant_id, "amend", amended, now=now, actor=actor, note={})


def _edit(db, grant_id: str, action: str, change, *, now: datetime, actor: str, note: dict) -> GrantEdit:
    from songclear.app.references import existing, references
    from songclear.store.repository import LedgerRepository

    with write_session(db) as session:
        repo = LedgerRepository(session)
        current = repo.get_grant(grant_id)  # NotFound
        new = change(current)
        was, now_cells = grant_cells(current), grant_cells(new)
        fields = [k for k in now_cells if k != "source" and was.get(k) != now_cells.get(k)]
        edit = GrantEdit(
            grant_id, action, {k: was.get(k) for k in fields}, {k: now_cells.get(k) for k in fields}
        )
        edit.sublicences = _children(session, grant_id)
        end = (new if fields else current).effective_end()
        edit.last_day = home_day(end - timedelta(microseconds=1), new.term.tz) if end else None
        edit.tz = new.term.tz
        if not fields:
            return edit
        for column, target, value in set(references(new)) - set(references(current)):
            if not existing(session, target, [value]):
                raise InputError(f"--{column}: unknown {target} {value!r}: it is not in the ledger")
        at = stamp(session, None, now=now, source=f"grant {grant_id}")
        source = f"grant {action} by {actor}"
        repo.record([dataclasses.replace(new, source=source, recorded_at=at)], recorded_at=at)
        cycle = repo.parent_cycle(None, grant_ids=[grant_id])
        if cycle is not None:
            raise LedgerIntegrityError(
                f"grant {grant_id}: its chain of parents {' -> '.join(cycle)} would come back to itself "
                "(a cycle of sublicences)"
            )
        log_event(
            session, at=at, actor=actor, action=f"grant-{action}", subject=grant_id,
            payload={**note, "before": edit.before, "after": edit.after},
        )  # fmt: skip
        edit.recorded_at = at
    return edit


def grant_cells(g: Grant) -> dict[str, Any]:
    """A grant as the cells of its row, its termination in its own time zone (a day when it starts one)."""
    from songclear.ingest.tabular import fact_cells

    cells = fact_cells("grants", g)
    t = g.termination
    if t is not None and t.local:
        cells["terminated"] = t.day.isoformat()  # a local day (DDEX), in the territory asked about
    elif t is not None:
        tz = display_zone(g.term.tz)
        local = t.effective.astimezone(zone(tz))
        starts_day = local == start_of_day(local.date(), tz)
        cells["terminated"] = local.date().isoformat() if starts_day else local.isoformat()
    return cells


def _children(session, grant_id: str) -> list[str]:
    t = tables.grants
    q = select(t.c.grant_id).where(t.c.superseded_at.is_(None), t.c.parent == grant_id).order_by(t.c.grant_id)
    return list(session.execute(q).scalars())


def _day(instant: datetime, g: Grant) -> str:
    return home_day(instant, g.term.tz).isoformat()
