"""Grants: who lets whom do what with which rights, where and when.

A grant runs licensor -> licensee. A *root* grant comes from the rights holder (the recording's owner, or the
work's publisher); a *sublicence* names a ``parent`` grant whose licensee is this grant's licensor. Terms are
calendar dates, inclusive at both ends, read in the grant's own time zone (contracts in China are dated in
Asia/Shanghai), or, for a term whose zone is ``local`` (a DDEX deal's dates), in the local time of the territory
asked about (``territory_time``); a query is an instant in a territory, so 'valid on 2015-07-31 in Shanghai' and 'in
New York' can differ.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from songclear.domain.catalogue import BEGINNING
from songclear.domain.territory import Territories
from songclear.domain.territory_time import day_begins_everywhere, day_begins_somewhere, day_of, local_days
from songclear.domain.vocabulary import Right

DEFAULT_TZ = "Asia/Shanghai"
# The zone of a term dated in the local time of each territory asked about (DDEX deal dates, docs/ddex.md).
LOCAL = "local"
# The territory whose days a local date is read in when no territory is asked about (the ledger's home).
HOME_TERRITORY = "CN"
_OFFSET = re.compile(r"^([+-])(\d\d):(\d\d)$")

# The calendar the ledger works in. No licence predates recorded sound, and an instant of the year 1 cannot be
# moved between time zones, so facts and questions are dated from 1900 on. The last day, 9999-12-31, is the
# common "perpetual" marker (DDEX senders use it too): a term ending then is open-ended (``Term.end_instant``).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date.max


def day_out_of_range(day: date) -> str | None:
    """Why ``day`` cannot be a date of the ledger (None when it can)."""
    if EARLIEST_DAY <= day <= LATEST_DAY:
        return None
    return f"date {day.isoformat()} is outside the supported range {EARLIEST_DAY}..{LATEST_DAY}"


def instant_out_of_range(instant: datetime) -> str | None:
    """Why an instant cannot be stored (None when it can): before 1900, or within a day of the end of time."""
    try:
        utc = instant.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or utc.date() < EARLIEST_DAY or utc.date() >= LATEST_DAY:
        return (
            f"date-time {instant.isoformat()} is outside the supported range "
            f"{EARLIEST_DAY}..{LATEST_DAY - timedelta(days=1)}"
        )
    return None


@cache
def zone(name: str) -> tzinfo:
    """An IANA zone, or a fixed UTC offset written ``+08:00`` (a DDEX date-time's own offset)."""
    m = _OFFSET.match(name)
    if m is None:
        return ZoneInfo(name)
    sign, hours, minutes = m.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if offset >= timedelta(hours=24):
        raise ValueError(f"UTC offset {name!r} is not less than 24 hours")
    return timezone(-offset if sign == "-" else offset)


@lru_cache(maxsize=65536)
def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(zone(tz)).date()


def start_of_day(day: date, tz: str = DEFAULT_TZ) -> datetime:
    """The instant a calendar day begins in ``tz`` (how a date-only query is read)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone(tz))


@lru_cache(maxsize=65536)
def _first_instant(day: date, tz: str, territory: str) -> datetime:
    """When a term starting on ``day`` begins (cached: the rules and the timeline ask for it per decision)."""
    return day_begins_everywhere(day, territory) if tz == LOCAL else start_of_day(day, tz)


@lru_cache(maxsize=65536)
def _first_instant_after(day: date, tz: str, territory: str) -> datetime:
    """When a term ending on ``day`` (inclusive) has ended."""
    after = day + timedelta(days=1)
    return day_begins_somewhere(after, territory) if tz == LOCAL else start_of_day(after, tz)


def days_at(instant: datetime, tz: str, territory: str = HOME_TERRITORY) -> tuple[date, date]:
    """The earliest and latest calendar days a date of zone ``tz`` can be at ``instant`` in ``territory``: the
    day in ``tz``, or for a ``local`` date the days current across the territory's zones."""
    if tz == LOCAL:
        return local_days(instant, territory)
    d = local_date(instant, tz)
    return d, d


def home_day(instant: datetime, tz: str) -> date:
    """The day ``instant`` falls on for a date of zone ``tz`` read in the home territory: the day in ``tz``, or
    for a ``local`` date the home territory's day (where a person edits or browses the ledger by day)."""
    return days_at(instant, tz, HOME_TERRITORY)[0]


def display_zone(tz: str) -> str:
    """The zone an instant of a term of zone ``tz`` is shown in: ``tz`` itself, the home zone for ``local``."""
    return DEFAULT_TZ if tz == LOCAL else tz


@dataclass(frozen=True, slots=True)
class Term:
    """From ``start`` to ``end``, both days inclusive, read in ``tz``: an IANA zone, a fixed offset ``+08:00``, or
    ``local`` (each territory's own days, read strictly where a territory spans several zones: the term holds at an
    instant only if it holds in every zone of the territory asked about; see ``territory_time``)."""

    start: date
    end: date | None = None  # None: until further notice
    tz: str = DEFAULT_TZ

    @property
    def is_local(self) -> bool:
        return self.tz == LOCAL

    def covers(self, instant: datetime, territory: str = HOME_TERRITORY) -> bool:
        first, last = days_at(instant, self.tz, territory)
        return self.start <= first and (self.end is None or last <= self.end)

    def end_instant(self, territory: str = HOME_TERRITORY) -> datetime | None:
        """The first instant after the term (end is inclusive) in ``territory``; None when it never ends (no
        end, or the last day of the calendar: the "perpetual" marker 9999-12-31)."""
        if self.end is None or self.end >= LATEST_DAY:
            return None
        return _first_instant_after(self.end, self.tz, territory if self.tz == LOCAL else "")

    def start_instant(self, territory: str = HOME_TERRITORY) -> datetime:
        """The first instant of the term in ``territory``."""
        return _first_instant(self.start, self.tz, territory if self.tz == LOCAL else "")

    def within(self, other: Term, territory: str = HOME_TERRITORY) -> bool:
        """True if every instant of self lies in ``other`` (in ``territory``)."""
        if self.start_instant(territory) < other.start_instant(territory):
            return False
        other_end = other.end_instant(territory)
        if other_end is None:
            return True
        mine = self.end_instant(territory)
        return mine is not None and mine <= other_end

    def __str__(self) -> str:
        return f"{self.start}..{self.end or 'open'}"


class TerminationCause(enum.StrEnum):
    TERMINATED = "terminated"  # ended early by the parties
    TAKEDOWN = "takedown"  # DDEX 3.x TakeDown flag
    PURGED = "purged"  # DDEX PurgeReleaseMessage
    SUPERSEDED = "superseded"  # a newer message for the release replaced its deals
    WITHDRAWN = "withdrawn"  # a re-sent release without deals (DDEX 4.x)


@dataclass(frozen=True, slots=True)
class Termination:
    """A grant stops being valid from ``effective`` (an instant) on, for ``cause``; ``reference`` names the source.

    ``local``: ``effective`` is the start (UTC) of a local day — a DDEX takedown dated ``StartDate`` D — and the
    grant stops when D begins in the territory asked about (in its first zone to reach D: ``effective_in``)."""

    effective: datetime
    cause: TerminationCause
    reference: str = ""
    local: bool = False

    @classmethod
    def on_local_day(cls, day: date, cause: TerminationCause, reference: str = "") -> Termination:
        return cls(start_of_day(day, "UTC"), cause, reference, local=True)

    @property
    def day(self) -> date | None:
        """The local day it takes effect on, for a ``local`` termination."""
        return self.effective.astimezone(UTC).date() if self.local else None

    def effective_in(self, territory: str = HOME_TERRITORY) -> datetime:
        """The first instant the grant no longer holds in ``territory``."""
        if not self.local:
            return self.effective
        return day_begins_somewhere(self.effective.astimezone(UTC).date(), territory)

    def day_in(self, tz: str, territory: str = HOME_TERRITORY) -> date:
        """The day it takes effect on, as read in a term of zone ``tz`` asked about in ``territory``."""
        if self.local:
            return self.effective.astimezone(UTC).date()
        return day_of(self.effective, territory) if tz == LOCAL else local_date(self.effective, tz)


@dataclass(frozen=True, slots=True, kw_only=True)
class Grant:
    id: str
    licensor: str
    licensee: str
    rights: frozenset[Right]
    term: Term
    territories: Territories
    uses: frozenset[str]
    commercial_models: frozenset[str] = frozenset()  # empty: any commercial model
    recordings: frozenset[str] = frozenset()  # ISRCs, for a listed scope
    works: frozenset[str] = frozenset()  # work ids, for a listed scope
    catalogue: bool = False  # whole catalogue of the licensor (a sublicence: whatever its parent covers)
    exclusive: bool = False
    sublicensable: bool = False
    parent: str | None = None
    issued: date | None = None  # when it was signed; defaults to the term start
    termination: Termination | None = None
    source: str = ""  # where the fact came from: 'file.csv:12', a DDEX message id
    recorded_at: datetime = BEGINNING
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def issued_on(self) -> date:
        return self.issued or self.term.start

    @property
    def is_sublicence(self) -> bool:
        return self.parent is not None

    def effective_end(self, territory: str = HOME_TERRITORY) -> datetime | None:
        """The first instant the grant no longer holds in ``territory``: its term's end or its termination,
        whichever is first."""
        end = self.term.end_instant(territory)
        t = self.termination
        if t is None:
            return end
        stop = t.effective_in(territory)
        return stop if end is None or stop < end else end

    def lists(self, right: Right, subject: str) -> bool:
        return subject in (self.recordings if right is Right.MASTER else self.works)
