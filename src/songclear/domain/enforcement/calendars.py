"""Business-day calendars: weekends, public holidays and (in China) weekend days made working days.

China moves working days around its holidays (调休): 2015-02-15, a Sunday, was a working day so that the Spring
Festival could run seven days. A calendar therefore holds both extra days off and extra working days.

The data comes from the maintained ``holidays`` package: US federal holidays (5 U.S.C. 6103, as observed) for any
year from 1990 to 2100, and for China the statutory holidays with the State Council's adjusted working days for
every year the package has the yearly announcement of (2001 on; each December's 国务院办公厅 notice fixes the next
year). China's announcements are the one thing a rule cannot compute, so ``CN_ANNOUNCED`` keeps ours as data: it
overrides the package for the years it lists (add a year there when the notice is out and the package is not yet
updated). Arithmetic on a day outside a calendar's ``years`` is an error, never a silent weekend-only guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from songclear.errors import InputError


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    name: str
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days that are working days
    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
    years: frozenset[int] | None = None  # years the holiday data covers; None: any (weekends only)

    def _check(self, day: date) -> None:
        if self.years is not None and day.year not in self.years:
            known = ", ".join(str(y) for y in sorted(self.years))
            raise InputError(
                f"calendar {self.name} has no holiday data for {day.year} (it covers {known}): "
                "pass a BusinessCalendar for that year"
            )

    def is_business_day(self, day: date) -> bool:
        self._check(day)
        if day in self.workdays:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_business_days(self, day: date, n: int) -> date:
        """The ``n``-th business day after ``day`` (``day`` itself is not counted); ``n`` = 0 gives ``day``."""
        if n < 0:
            raise InputError(f"cannot add {n} business days: count forward only")
        d = day
        while n > 0:
            d += timedelta(days=1)
            if self.is_business_day(d):
                n -= 1
        return d

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in (start, end]: the inverse of ``add_business_days``."""
        if end < start:
            return -self.business_days_between(end, start)
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.is_business_day(d)
        return count


def _days(*spans: str) -> frozenset[date]:
    """'2015-02-18..2015-02-24' or '2015-01-04' -> the set of days."""
    out: set[date] = set()
    for span in spans:
        first, _, last = span.partition("..")
        d, end = date.fromisoformat(first), date.fromisoformat(last or first)
        while d <= end:
            out.add(d)
            d += timedelta(days=1)
    return frozenset(out)


# State Council notices 国办发明电〔2014〕28号 (2015, plus the 2015-09-03 Victory Day holiday) and 〔2015〕18号 (2016):
# the days off and the weekend days worked. Kept as data, and checked against the package by the tests.
CN_ANNOUNCED: dict[int, tuple[frozenset[date], frozenset[date]]] = {
    2015: (
        _days("2015-01-01..2015-01-03", "2015-02-18..2015-02-24", "2015-04-04..2015-04-06", "2015-05-01..2015-05-03",
              "2015-06-20..2015-06-22", "2015-09-03..2015-09-05", "2015-09-26..2015-09-27", "2015-10-01..2015-10-07"),
        _days("2015-01-04", "2015-02-15", "2015-02-28", "2015-09-06", "2015-10-10"),
    ),
    2016: (
        _days("2016-01-01..2016-01-03", "2016-02-07..2016-02-13", "2016-04-02..2016-04-04", "2016-04-30..2016-05-02",
              "2016-06-09..2016-06-11", "2016-09-15..2016-09-17", "2016-10-01..2016-10-07"),
        _days("2016-02-06", "2016-02-14", "2016-06-12", "2016-09-18", "2016-10-08", "2016-10-09"),
    ),
}  # fmt: skip

US_YEARS = range(1990, 2101)


def _cn_package_years() -> frozenset[int]:
    """The years the ``holidays`` package has China's announced schedule for (its adjusted days)."""
    from holidays.countries.china import ChinaStaticHolidays

    return frozenset(ChinaStaticHolidays.special_public_holidays)


def _cn() -> BusinessCalendar:
    import holidays

    years = _cn_package_years() | frozenset(CN_ANNOUNCED)
    package = holidays.country_holidays("CN", years=sorted(years))
    days_off = {d for d in package if d.year in years and d.year not in CN_ANNOUNCED}
    worked = {d for d in package.weekend_workdays if d.year in years and d.year not in CN_ANNOUNCED}
    for off, work in CN_ANNOUNCED.values():
        days_off |= off
        worked |= work
    return BusinessCalendar("CN", frozenset(days_off), frozenset(worked), years=years)


def _us() -> BusinessCalendar:
    import holidays

    package = holidays.country_holidays("US", years=US_YEARS, categories=("public",))
    # As observed: a Saturday holiday is taken on the Friday before, a Sunday one on the Monday after; the
    # package lists both the day and its observed day, and the weekend one is not a business day anyway.
    return BusinessCalendar("US", frozenset(package), years=frozenset(US_YEARS))


# Weekends only: for regimes counted in calendar days, and for tests of the arithmetic.
WEEKENDS_ONLY = BusinessCalendar("weekends")


class _Calendars(Mapping[str, BusinessCalendar]):
    """The shipped calendars by name, each built on first use (the US one spans 111 years)."""

    _build = {"CN": _cn, "US": _us, "weekends": lambda: WEEKENDS_ONLY}

    def __getitem__(self, name: str) -> BusinessCalendar:
        if name not in self._build:
            raise KeyError(name)
        return _built(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._build)

    def __len__(self) -> int:
        return len(self._build)


@cache
def _built(name: str) -> BusinessCalendar:
    return _Calendars._build[name]()


CALENDARS: Mapping[str, BusinessCalendar] = _Calendars()


def __getattr__(name: str) -> BusinessCalendar:  # CN and US, built when first asked for
    if name in ("CN", "US"):
        return CALENDARS[name]
    raise AttributeError(name)


def calendar_with(
    base: BusinessCalendar, *, holidays: Iterable[date] = (), years: Iterable[int] = ()
) -> BusinessCalendar:
    """``base`` with more holidays (and the years they cover): how a caller extends the shipped data."""
    yrs = None if base.years is None and not years else frozenset(base.years or ()) | frozenset(years)
    return BusinessCalendar(base.name, base.holidays | frozenset(holidays), base.workdays, base.weekend, yrs)
