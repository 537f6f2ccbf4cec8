"""What day it is in a territory: its time zones, when a day begins there, which days are current there.

A date with no zone of its own (a DDEX deal's ``StartDate``/``EndDate``, a grant whose ``tz`` is ``local``) is a
day of the territory asked about: the DDEX knowledge base has a deal run "from 0:01 local time on the start date
until 23:59 local time on the end date", and ERN 4 has it end at midnight at the end of its end date. A day asked
about (``--at``) is a day of the territory asked about too.

A territory's zones are the IANA time zone database's (``zone.tab`` of the ``tzdata`` package): US spans Honolulu
to New York, RU Kaliningrad to Kamchatka. Two exceptions: CN is Asia/Shanghai alone (the PRC's legal time is
Beijing time nationwide; Asia/Urumqi is Xinjiang's customary time), and XK (Kosovo), BV and HM, which the database
does not list, get Europe/Belgrade, UTC and UTC+5. ``Worldwide`` (a takedown claim may ask about the whole world)
spans UTC+14 to UTC-12.

Where a territory spans several zones, songclear reads a local day **strictly**: a clearance answers for the whole
territory, so

- a day ``D`` *has begun* in the territory when it has begun in every zone of it (``day_begins_everywhere``): an
  audit of day ``D`` asks at that instant, when every part of the territory is on ``D``;
- a local term starting on ``D`` holds from that same instant (by then it holds in every zone), and one ending on
  ``D`` holds until ``D + 1`` begins in the first zone (``day_begins_somewhere``): from then on, serving the track
  somewhere in the territory would be outside the term.

So a local term holds at an instant only if it holds in every zone of the territory; for a territory with one zone
(CN, HK, JP, FR...) both instants are that zone's midnight. Every value here is cached per (territory, day) or
(territory, instant): the clearance rules ask for the same few instants millions of times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo

_OVERRIDES: dict[str, tuple[str, ...]] = {
    "CN": ("Asia/Shanghai",),  # Beijing time is the legal time of the whole PRC
    "XK": ("Europe/Belgrade",),  # Kosovo: not in zone.tab; the tz database maps it to Europe/Belgrade
    "BV": ("Etc/UTC",),  # Bouvet Island (uninhabited, 3°E)
    "HM": ("Etc/GMT-5",),  # Heard and McDonald Islands (uninhabited, 73°E): UTC+5
    # Worldwide (a claim for the whole world): the earth's first and last days, UTC+14 (Kiritimati) to UTC-12
    "Worldwide": ("Etc/GMT-14", "Etc/GMT+12"),
}
_FALLBACK = ("Etc/UTC",)
_ONE_MICROSECOND = timedelta(microseconds=1)


@cache
def _zone_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for line in (files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, _coordinates, name, *_comment = line.split("\t")
            table.setdefault(code, []).append(name)
    out = {code: tuple(names) for code, names in table.items()}
    out.update(_OVERRIDES)
    return out


@cache
def zone_names(territory: str) -> tuple[str, ...]:
    """The IANA zones of an ISO 3166-1 code (UTC for a code the table lacks)."""
    return _zone_table().get(territory, _FALLBACK)


@cache
def zones(territory: str) -> tuple[ZoneInfo, ...]:
    return tuple(ZoneInfo(n) for n in zone_names(territory))


def _starts(day: date, territory: str) -> list[datetime]:
    return [datetime(day.year, day.month, day.day, tzinfo=z) for z in zones(territory)]


@lru_cache(maxsize=8192)
def day_begins_everywhere(day: date, territory: str) -> datetime:
    """The instant ``day`` has begun in every zone of ``territory`` (its midnight, for a single-zone territory),
    as a time of the zone where it begins last: an audit of ``day`` asks at this instant."""
    return max(_starts(day, territory))


@lru_cache(maxsize=8192)
def day_begins_somewhere(day: date, territory: str) -> datetime:
    """The instant ``day`` begins in the first zone of ``territory`` to reach it."""
    return min(_starts(day, territory))


@lru_cache(maxsize=65536)
def local_days(instant: datetime, territory: str) -> tuple[date, date]:
    """The earliest and the latest calendar day current in ``territory`` at ``instant`` (equal for one zone)."""
    ds = [instant.astimezone(z).date() for z in zones(territory)]
    return (ds[0], ds[0]) if len(ds) == 1 else (min(ds), max(ds))


def day_of(instant: datetime, territory: str) -> date:
    """The day of ``territory`` that ``instant`` falls on: the latest day that has begun everywhere in it (the
    day an audit asking at ``instant`` is about)."""
    return local_days(instant, territory)[0]


def last_day(end: datetime, territory: str) -> date:
    """The last day of ``territory`` on which something ending at ``end`` (its first instant no longer valid)
    still holds when that day is asked about."""
    return day_of(end - _ONE_MICROSECOND, territory)
