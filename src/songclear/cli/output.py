"""Printing: JSON for machines (--json), Rich tables for people."""

from __future__ import annotations

import json
from datetime import date, datetime

from rich.console import Console
from rich.table import Table

from songclear.domain.decision import Status

# Not a terminal (CI logs, pipes): a wide fixed width rather than Rich's 80 columns.
_probe = Console()
console = _probe if _probe.is_terminal else Console(width=140)
STATUS_STYLE = {
    Status.CLEARED: "green",
    Status.EXPIRING: "yellow",
    Status.CONFLICT: "magenta",
    Status.BUFFER: "blue",
    Status.UNCLEARED: "red",
}


def emit_json(payload: dict) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=_default))


def _default(o):
    if isinstance(o, datetime | date):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def parse_day(text: str, flag: str) -> date:
    from songclear.domain.timespan import check_day
    from songclear.errors import InputError

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag} expects a date YYYY-MM-DD, got {text!r}") from None
    return check_day(day, flag)


def parse_instant(text: str, flag: str) -> datetime:
    """An ISO date or date-time; naive values are UTC (the ledger records in UTC)."""
    from datetime import UTC

    from songclear.domain.timespan import check_instant
    from songclear.errors import InputError

    try:
        value = check_instant(datetime.fromisoformat(text), flag)
    except ValueError:
        raise InputError(
            f"{flag} expects an ISO date-time such as 2015-11-20T00:00:00+08:00, got {text!r}"
        ) from None
    from songclear.domain.grants import instant_out_of_range

    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if (why := instant_out_of_range(value)) is not None:
        raise InputError(f"{flag}: {why}")
    return value


def status_table(title: str, counts: dict[str, int], total: int) -> Table:
    table = Table(title=title)
    table.add_column("status")
    table.add_column("tracks", justify="right")
    table.add_column("share", justify="right")
    for s in Status:
        n = counts.get(s.value, 0)
        table.add_row(f"[{STATUS_STYLE[s]}]{s.value}[/]", str(n), f"{(n / total if total else 0):.1%}")
    table.add_row("[bold]total[/]", str(total), "")
    return table


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 track', '2 tracks', '0 tracks' (``plural_form`` for irregular words: plural(2, 'entry', 'entries'))."""
    word = singular if n == 1 else (plural_form or f"{singular}s")
    return f"{n:,} {word}"


def show(value) -> str:
    """A value as a person reads it: no Python reprs (None is '-', lists and mappings are spelt out)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k} {show(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(show(v) for v in value) or "-"
    return str(value)


def write_csv(columns, rows) -> None:
    """CSV on standard output: a header of ``columns``, then each row (a mapping) with lists joined by '; ' and
    None as an empty cell."""
    import csv
    import sys

    from songclear.app.browse import csv_cell

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
