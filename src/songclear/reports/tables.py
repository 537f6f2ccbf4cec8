"""What the handed-over reports share: their Jinja templates, and tables written as CSV files and workbook sheets
(a list cell joined with '; ', an empty cell for None)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def templates() -> Environment:
    """The reports' templates. StrictUndefined: a misspelt field fails the render (and the tests) instead of
    printing nothing."""
    return Environment(
        loader=PackageLoader("songclear.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def cells(row: Mapping, columns: Sequence[str]) -> list:
    """A row's cells in the columns' order, ready for a CSV writer or a sheet."""
    return [
        "; ".join(v) if isinstance(v, list) else ("" if v is None else v) for v in (row[c] for c in columns)
    ]


def about_table(rows: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], list[dict]]:
    """The (field, value) rows of what a report speaks for, as a table: columns and rows."""
    return ("field", "value"), [{"field": f, "value": v} for f, v in rows]


def write_csv_tables(
    folder: Path, stem: str, tables: Mapping[str, tuple[Sequence[str], Iterable[Mapping]]]
) -> list[Path]:
    """``<stem>-<table>.csv`` in ``folder`` for each table (name -> (columns, rows)), a header first."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for table, (columns, rows) in tables.items():
        path = folder / f"{stem}-{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows(cells(row, columns) for row in rows)
        out.append(path)
    return out
