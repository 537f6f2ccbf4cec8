"""Grants: who lets whom do what with which rights, where and when.

A grant runs licensor -> licensee. A *root* grant comes from the rights holder (the recording's owner, or the
work's publisher); a *sublicence* names a ``parent`` grant whose licensee is this grant's licensor. Terms are
calendar dates, inclusive at both ends, read in the grant's own time zone (contracts in China are dated in
Asia/Shanghai); a query is an instant, so 'valid on 2015-07-31 in Shanghai' and 'in New York' can differ.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from songclear.domain.catalogue import BEGINNING
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import Right

DEFAULT_TZ = "Asia/Shanghai"

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
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(zone(tz)).date()


def start_of_day(day: date, tz: str = DEFAULT_TZ) -> datetime:
    """The instant a calendar day begins in ``tz`` (how a date-only query is read)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone(tz))


@dataclass(frozen=True, slots=True)
class Term:
    start: date
    end: date | None = None  # None: until further notice
    tz: str = DEFAULT_TZ

    def covers(self, instant: datetime) -> bool:
        d = local_date(instant, self.tz)
        return self.start <= d and (self.end is None or d <= self.end)

    def end_instant(self) -> datetime | None:
        """The first instant after the term (end is inclusive); None when it never ends (no end, or the last
        day of the calendar: the "perpetual" marker 9999-12-31)."""
        if self.end is None or self.end >= LATEST_DAY:
            return None
        return start_of_day(self.end + timedelta(days=1), self.tz)

    def start_instant(self) -> datetime:
        return start_of_day(self.start, self.tz)

    def within(self, other: Term) -> bool:
        """True if every instant of self lies in ``other``."""
        if self.start_instant() < other.start_instant():
            return False
        other_end = other.end_instant()
        if other_end is None:
            return True
        mine = self.end_instant()
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
    """A grant stops being valid from ``effective`` (an instant) on, for ``cause``; ``reference`` names the source."""

    effective: datetime
    cause: TerminationCause
    reference: str = ""


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

    def effective_end(self) -> datetime | None:
        """The first instant the grant no longer holds: its term's end or its termination, whichever is first."""
        ends = [e for e in (self.term.end_instant(), self.termination and self.termination.effective) if e]
        return min(ends) if ends else None

    def lists(self, right: Right, subject: str) -> bool:
        return subject in (self.recordings if right is Right.MASTER else self.works)
