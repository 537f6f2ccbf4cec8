"""Business-day calendars: weekends, public holidays and (in China) weekend days made working days.

China moves working days around its holidays (调休): 2015-02-15, a Sunday, was a working day so that the Spring
Festival could run seven days. A calendar therefore holds both extra days off and extra working days. The
``holidays`` package is not a dependency, so the CN and US sets for 2015-2016 ship here as data; for other years
pass your own ``BusinessCalendar``. Arithmetic on a day outside a calendar's ``years`` is an error, never a
silent weekend-only guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

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


# State Council notices 国办发明电〔2014〕28号 (2015, plus the 2015-09-03 Victory Day holiday) and 〔2015〕18号 (2016).
CN = BusinessCalendar(
    "CN",
    holidays=_days(
        "2015-01-01..2015-01-03", "2015-02-18..2015-02-24", "2015-04-04..2015-04-06", "2015-05-01..2015-05-03",
        "2015-06-20..2015-06-22", "2015-09-03..2015-09-05", "2015-09-26..2015-09-27", "2015-10-01..2015-10-07",
        "2016-01-01..2016-01-03", "2016-02-07..2016-02-13", "2016-04-02..2016-04-04", "2016-04-30..2016-05-02",
        "2016-06-09..2016-06-11", "2016-09-15..2016-09-17", "2016-10-01..2016-10-07",
    ),
    workdays=_days(
        "2015-01-04", "2015-02-15", "2015-02-28", "2015-09-06", "2015-10-10",
        "2016-02-06", "2016-02-14", "2016-06-12", "2016-09-18", "2016-10-08", "2016-10-09",
    ),
    years=frozenset({2015, 2016}),
)  # fmt: skip

# US federal holidays (5 U.S.C. 6103) as observed: a Saturday holiday on the Friday before, a Sunday one on Monday.
US = BusinessCalendar(
    "US",
    holidays=_days(
        "2015-01-01", "2015-01-19", "2015-02-16", "2015-05-25", "2015-07-03", "2015-09-07", "2015-10-12",
        "2015-11-11", "2015-11-26", "2015-12-25",
        "2016-01-01", "2016-01-18", "2016-02-15", "2016-05-30", "2016-07-04", "2016-09-05", "2016-10-10",
        "2016-11-11", "2016-11-24", "2016-12-26",
    ),
    years=frozenset({2015, 2016}),
)  # fmt: skip

# Weekends only: for regimes counted in calendar days, and for tests of the arithmetic.
WEEKENDS_ONLY = BusinessCalendar("weekends")

CALENDARS: dict[str, BusinessCalendar] = {c.name: c for c in (CN, US, WEEKENDS_ONLY)}


def calendar_with(
    base: BusinessCalendar, *, holidays: Iterable[date] = (), years: Iterable[int] = ()
) -> BusinessCalendar:
    """``base`` with more holidays (and the years they cover): how a caller extends the shipped data."""
    yrs = None if base.years is None and not years else frozenset(base.years or ()) | frozenset(years)
    return BusinessCalendar(base.name, base.holidays | frozenset(holidays), base.workdays, base.weekend, yrs)
