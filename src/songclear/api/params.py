"""The shapes of values the API accepts in a query, a path or a JSON body, checked at the edge (400 before a handler
runs): a date or a date-time is an ISO 8601 string (a number is not a date: pydantic would read ``12`` as twelve
seconds after 1970) inside the span songclear reasons about (``domain.timespan``: 1900-01-01 to 2199-12-31), and a
count of days fits the calendar.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator

from songclear.domain.rules import MAX_EXPIRING_DAYS
from songclear.domain.timespan import check_day, check_instant
from songclear.errors import InputError

__all__ = ["MAX_EXPIRING_DAYS", "IsoDate", "IsoDateTime"]


def _iso_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # a default, or a caller in Python
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date string YYYY-MM-DD, got {type(value).__name__}")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}") from None
    try:
        return check_day(day, "the day")
    except InputError as e:
        raise ValueError(e.message) from None


def _iso_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"expected an ISO 8601 date-time (YYYY-MM-DDTHH:MM[:SS][+HH:MM]), got {value!r}"
        ) from None
    try:
        return check_instant(at, "the instant")
    except InputError as e:
        raise ValueError(e.message) from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
