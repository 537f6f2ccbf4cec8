"""Browsing the ledger's grants, recordings and works in SQL (current versions): filters, one page
(LIMIT/OFFSET over the key's current-version index), the total, and counts per value (facets).

A grant's state at an instant (``domain.grant_state``) is a SQL CASE here: its term is calendar days in its own
time zone, so the instant's local day is computed in Python for each time zone the grants use and picked per row
(``CASE term_tz``; a ``local`` term, DDEX's local dates, by the home territory's day); a termination is an
instant and compares directly, a local day's termination by the home territory's day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from songclear.domain.catalogue import Recording, Work
from songclear.domain.grant_state import GrantState
from songclear.domain.grants import DEFAULT_TZ, LOCAL, Grant, home_day, local_date, start_of_day
from songclear.errors import InputError, NotFound
from songclear.store import tables
from songclear.store.browse_tracks import compact_code, like_pattern, text_condition
from songclear.store.bulk import scan
from songclear.store.rows import CODECS, Memo

G, REC, W, P = tables.grants, tables.recordings, tables.works, tables.parties
GRANT_STATES = tuple(s.value for s in GrantState)


def _json_member(column, value: str):
    """``value`` is an element of the JSON list of strings in ``column`` (ids and ISRCs need no escapes)."""
    return column.like(like_pattern(f'"{value}"'), escape="\\")


def decoded(kind: type, stmt: Select, session: Session) -> list:
    codec, memo = CODECS[kind], Memo()
    return [codec.decode(r, memo) for part in scan(session, stmt) for r in part]


def fact_select(kind: type, *columns):
    codec = CODECS[kind]
    t = codec.table
    return select(*[t.c[c] for c in codec.columns], t.c.recorded_at, *columns)


def party_names(session: Session, ids) -> dict[str, str]:
    """Current names of the parties ``ids`` (unknown ids are absent)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    stmt = select(P.c.party_id, P.c.name).where(P.c.superseded_at.is_(None), P.c.party_id.in_(wanted))
    return dict(session.execute(stmt).all())


def _ranked(counts) -> list[tuple[str, int]]:
    return sorted(((str(k), n) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0]))


# -- grants ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrantFilter:
    licensor: str | None = None
    licensee: str | None = None
    recording: str | None = None  # an ISRC: grants that cover it (see ``GrantBrowser``)
    work: str | None = None  # a work id: likewise
    state: str | None = None  # a GrantState value at ``at``
    at: date | None = None  # the day ``state`` and the listed states are read at (its start in Asia/Shanghai)
    ending_before: date | None = None  # no longer holds at the start of that day
    exclusive: bool | None = None
    search: str | None = None  # in the grant id

    def __post_init__(self) -> None:
        if self.state is not None and self.state not in GRANT_STATES:
            raise InputError(f"a grant's state is one of {', '.join(GRANT_STATES)}, not {self.state!r}")
        if self.state is not None and self.at is None:
            raise InputError("a grant's state is read on a day: give the day (--at) with the state")

    @property
    def instant(self) -> datetime | None:
        return start_of_day(self.at) if self.at is not None else None


class GrantBrowser:
    """``recording``: grants whose scope lists the ISRC, the catalogue grants its owner gave (no parent), and the
    catalogue sublicences below those (a catalogue sublicence covers whatever its parent covers). ``work``: the
    same with the work id and its publishers."""

    def __init__(self, session: Session, f: GrantFilter) -> None:
        self.session, self.f = session, f
        self.state = self._state_at(f.instant) if f.instant is not None else None

    def _local_day(self, instant: datetime):
        """The local day of ``instant`` in each grant's own time zone (a CASE over the zones in use)."""
        zones = sorted(
            z
            for (z,) in self.session.execute(
                select(G.c.term_tz).where(G.c.superseded_at.is_(None)).distinct()
            )
        )
        fallback = literal(local_date(instant, DEFAULT_TZ), Date)
        if not zones:
            return fallback
        return case(
            {z: literal(home_day(instant, z), Date) for z in zones}, value=G.c.term_tz, else_=fallback
        )

    @staticmethod
    def _terminated_by(instant: datetime):
        """The grant's termination has taken effect by ``instant`` (in the home territory): an instant compares
        directly; a local day's termination (stored as that day's start in UTC) by the home territory's day."""
        local_day = start_of_day(home_day(instant, LOCAL), "UTC")
        local = G.c.termination_local.is_(true())
        return and_(
            G.c.termination_effective.is_not(None),
            or_(
                and_(local, G.c.termination_effective <= local_day),
                and_(
                    or_(G.c.termination_local.is_(None), G.c.termination_local.is_(false())),
                    G.c.termination_effective <= instant,
                ),
            ),
        )

    def _state_at(self, instant: datetime):
        local = self._local_day(instant)
        terminated = self._terminated_by(instant)
        return case(
            (terminated, literal(GrantState.TERMINATED.value, String)),
            (and_(G.c.term_end.is_not(None), G.c.term_end < local), literal(GrantState.ENDED.value, String)),
            (G.c.term_start > local, literal(GrantState.NOT_STARTED.value, String)),
            else_=literal(GrantState.IN_TERM.value, String),
        ).label("state")

    def _covering(self, members, holders: list[str]):
        """Ids of the current grants that list a subject (``members``), the root catalogue grants of its
        ``holders``, and every catalogue sublicence below those."""
        current = G.c.superseded_at.is_(None)
        root_catalogue = and_(G.c.catalogue.is_(true()), G.c.parent.is_(None), G.c.licensor.in_(holders))
        base = select(G.c.grant_id).where(current, or_(members, root_catalogue if holders else false()))
        found = base.cte("covering", recursive=True)
        child = G.alias("child")
        found = found.union(
            select(child.c.grant_id)
            .join(found, child.c.parent == found.c.grant_id)
            .where(child.c.superseded_at.is_(None), child.c.catalogue.is_(true()))
        )
        return select(found.c.grant_id)

    def conditions(self) -> list:
        f, s = self.f, self.session
        out = [G.c.superseded_at.is_(None)]
        if f.licensor is not None:
            out.append(G.c.licensor == f.licensor)
        if f.licensee is not None:
            out.append(G.c.licensee == f.licensee)
        if f.exclusive is not None:
            out.append(G.c.exclusive.is_(true()) if f.exclusive else G.c.exclusive.is_(false()))
        if f.search:
            out.append(text_condition([G.c.grant_id], f.search))
        if f.recording is not None:
            isrc = compact_code(f.recording) or f.recording
            owner = s.execute(
                select(REC.c.owner).where(REC.c.superseded_at.is_(None), REC.c.isrc == isrc)
            ).scalar()
            out.append(
                G.c.grant_id.in_(self._covering(_json_member(G.c.recordings, isrc), [owner] if owner else []))
            )
        if f.work is not None:
            row = s.execute(
                select(W.c.publishers).where(W.c.superseded_at.is_(None), W.c.work_id == f.work)
            ).first()
            publishers = json.loads(row[0]) if row else []
            out.append(G.c.grant_id.in_(self._covering(_json_member(G.c.works, f.work), publishers)))
        if f.state is not None:
            out.append(self.state == f.state)
        if f.ending_before is not None:
            day = start_of_day(f.ending_before)
            out.append(
                or_(
                    and_(G.c.term_end.is_not(None), G.c.term_end < self._local_day(day)),
                    self._terminated_by(day),
                )
            )
        return out

    def total(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(G).where(*self.conditions())).scalar_one()
        )

    def page(self, *, limit: int, offset: int) -> list[Grant]:
        stmt = fact_select(Grant).where(*self.conditions()).order_by(G.c.grant_id).limit(limit).offset(offset)
        return decoded(Grant, stmt, self.session)

    def stream(self):
        stmt = fact_select(Grant).where(*self.conditions()).order_by(G.c.grant_id)
        codec, memo = CODECS[Grant], Memo()
        for part in scan(self.session, stmt):
            yield from (codec.decode(r, memo) for r in part)

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Under the filter: grants per licensor, licensee, exclusivity and (with a day) state."""
        state = self.state if self.state is not None else literal("", String)
        stmt = (
            select(G.c.licensor, G.c.licensee, G.c.exclusive, state, func.count())
            .where(*self.conditions())
            .group_by(G.c.licensor, G.c.licensee, G.c.exclusive, state)
        )
        names = ("licensor", "licensee", "exclusive", "state")
        counts: dict[str, dict] = {n: {} for n in names}
        for row in self.session.execute(stmt):
            for name, value in zip(names, row[:-1], strict=True):
                value = ("yes" if value else "no") if name == "exclusive" else value
                counts[name][value] = counts[name].get(value, 0) + row[-1]
        if self.state is None:
            del counts["state"]
        return {n: _ranked(c) for n, c in counts.items()}


# -- recordings -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordingFilter:
    owner: str | None = None
    work: str | None = None
    version: str | None = None
    search: str | None = None  # in the title, the artists or the ISRC
    credited: tuple[str, ...] = ()  # ... or credits one of these names (an artist's other spellings)


class RecordingBrowser:
    def __init__(self, session: Session, f: RecordingFilter) -> None:
        self.session, self.f = session, f

    def conditions(self) -> list:
        f = self.f
        out = [REC.c.superseded_at.is_(None)]
        if f.owner is not None:
            out.append(REC.c.owner == f.owner)
        if f.work is not None:
            out.append(REC.c.work_id == f.work)
        if f.version is not None:
            out.append(REC.c.version == f.version)
        if f.search:
            found = [text_condition([REC.c.title, REC.c.artists], f.search)]
            if code := compact_code(f.search):
                found.append(REC.c.isrc.like(like_pattern(code), escape="\\"))
            found += [_json_member(REC.c.artists, name) for name in f.credited]
            out.append(or_(*found))
        return out

    def total(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(REC).where(*self.conditions())).scalar_one()
        )

    def page(self, *, limit: int, offset: int) -> list[Recording]:
        stmt = (
            fact_select(Recording).where(*self.conditions()).order_by(REC.c.isrc).limit(limit).offset(offset)
        )
        return decoded(Recording, stmt, self.session)

    def stream(self):
        stmt = fact_select(Recording).where(*self.conditions()).order_by(REC.c.isrc)
        codec, memo = CODECS[Recording], Memo()
        for part in scan(self.session, stmt):
            yield from (codec.decode(r, memo) for r in part)

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Under the filter: recordings per owner (``unknown``: none) and version."""
        owner = func.coalesce(REC.c.owner, literal("unknown", String))
        stmt = (
            select(owner, REC.c.version, func.count())
            .where(*self.conditions())
            .group_by(owner, REC.c.version)
        )
        counts: dict[str, dict] = {"owner": {}, "version": {}}
        for o, v, n in self.session.execute(stmt):
            counts["owner"][o] = counts["owner"].get(o, 0) + n
            counts["version"][v] = counts["version"].get(v, 0) + n
        return {k: _ranked(c) for k, c in counts.items()}


# -- works ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkFilter:
    publisher: str | None = None
    search: str | None = None  # in the title, the writers, the work id or the ISWC
    works: tuple[str, ...] | None = None  # only these ids (a rights holder's own); None: any


class WorkBrowser:
    def __init__(self, session: Session, f: WorkFilter) -> None:
        self.session, self.f = session, f

    def conditions(self) -> list:
        f = self.f
        out = [W.c.superseded_at.is_(None)]
        if f.publisher is not None:
            out.append(_json_member(W.c.publishers, f.publisher))
        if f.works is not None:
            out.append(W.c.work_id.in_(f.works) if f.works else false())
        if f.search:
            found = [text_condition([W.c.title, W.c.writers, W.c.work_id], f.search)]
            if code := compact_code(f.search):
                found.append(W.c.iswc.like(like_pattern(code), escape="\\"))
            out.append(or_(*found))
        return out

    def total(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(W).where(*self.conditions())).scalar_one()
        )

    def page(self, *, limit: int, offset: int) -> list[Work]:
        stmt = fact_select(Work).where(*self.conditions()).order_by(W.c.work_id).limit(limit).offset(offset)
        return decoded(Work, stmt, self.session)

    def stream(self):
        stmt = fact_select(Work).where(*self.conditions()).order_by(W.c.work_id)
        codec, memo = CODECS[Work], Memo()
        for part in scan(self.session, stmt):
            yield from (codec.decode(r, memo) for r in part)

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Under the filter: works per publisher (a work with two publishers counts for each)."""
        dialect = self.session.connection().dialect.name
        if dialect == "postgresql":
            each = func.json_array_elements_text(cast(W.c.publishers, JSON)).table_valued("value")
        else:
            each = func.json_each(W.c.publishers).table_valued("value")
        stmt = (
            select(each.c.value, func.count())
            .select_from(W)
            .join(each, true())
            .where(*self.conditions())
            .group_by(each.c.value)
        )
        return {"publisher": _ranked(dict(self.session.execute(stmt).all()))}


def require_work(session: Session, work_id: str) -> None:
    found = session.execute(
        select(W.c.work_id).where(W.c.superseded_at.is_(None), W.c.work_id == work_id)
    ).first()
    if found is None:
        raise NotFound(f"no work {work_id!r}")
