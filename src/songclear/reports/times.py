"""How every report writes an instant: in the reader's time zone, to the second, the zone named.

The ledger keeps instants in UTC with microseconds; a regulator in Beijing reads '2015-11-01 10:00:00 CST', not
'2015-11-01T02:00:00.123456+00:00'. The reader's zone is the notice's (a regulator report), else Asia/Shanghai,
the zone the audits' days are read in. ``instant_text`` is the one formatter the audit report, the regulator
report (HTML, CSV, XLSX, PDF) and the rights-holder report use; ``zone_text`` is the sentence each report states
once ("Times are in Asia/Shanghai (CST, UTC+08:00)"), so an abbreviation such as CST is never ambiguous.
"""

from __future__ import annotations

from datetime import date, datetime

from songclear.domain.grants import DEFAULT_TZ, zone

FORMAT = "%Y-%m-%d %H:%M:%S"


def _abbreviation(local: datetime) -> str:
    """'CST'; a zone without a letter abbreviation ('+04') is written 'UTC+04'."""
    name = local.strftime("%Z")
    return f"UTC{name}" if name[:1] in "+-" else name


def _offset(local: datetime) -> str:
    text = local.strftime("%z")  # '+0800'
    return f"UTC{text[:3]}:{text[3:]}" if text else "UTC"


def instant_text(value: datetime | None, tz: str = DEFAULT_TZ) -> str | None:
    """'2015-11-01 10:00:00 CST': ``value`` in ``tz``, without microseconds, the zone's abbreviation after it.
    None stays None (a report prints its own 'none'). A naive value is taken as UTC (the ledger's)."""
    if value is None:
        return None
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone(tz))
    return f"{local:{FORMAT}} {_abbreviation(local)}"


def zone_text(tz: str = DEFAULT_TZ, *, on: date | None = None) -> str:
    """'Asia/Shanghai (CST, UTC+08:00)': the zone every time of a report is in, as it stood on ``on``."""
    day = on or date(2015, 1, 1)
    local = datetime(day.year, day.month, day.day, 12, tzinfo=zone(tz))
    return f"{tz} ({_abbreviation(local)}, {_offset(local)})"
