"""The span of time songclear reasons about: the days 1900-01-01 to 2199-12-31, and the instants within them.

A day or an instant a user gives (a query's day, "as known at", "now", a suit reported at) must fall inside it: the
clock arithmetic of an audit (a day's first instant in Asia/Shanghai, a deadline days later, a lapse horizon)
stays inside what ``datetime`` holds, so a year 1 or 9999 is refused as input rather than overflowing later. Facts
the ledger holds may name farther days (an open-ended grant ending 9999-12-31): this bounds questions, not facts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from songclear.errors import InputError

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
SPAN = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def check_day(value: date, what: str) -> date:
    """``value`` if it lies in the span; else InputError naming ``what``."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InputError(f"{what} must be a day from {SPAN}, got {value.isoformat()}")
    return value


def check_instant(value: datetime, what: str) -> datetime:
    """``value`` (naive: read as UTC) if its day, in UTC, lies in the span; else InputError naming ``what``."""
    if not FIRST_DAY.year <= value.year <= LAST_DAY.year:  # far enough from year 1 and 9999 to convert safely
        raise InputError(f"{what} must be an instant from {SPAN}, got {value.isoformat()}")
    check_day((value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date(), what)
    return value
