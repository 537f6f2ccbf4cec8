"""Reports as an Excel workbook (openpyxl), beside their CSVs: one sheet per table, and an 'about' sheet first that
says what the workbook speaks for (platform, day, time zone, exposure terms, notes).

A compliance team hands spreadsheets around; a CSV opened in Excel loses its UTF-8 (月光码头 becomes mojibake) and
guesses types. The workbook keeps text as text, numbers as numbers. Written in openpyxl's write-only mode, row by
row, so a million-decision audit does not sit in memory twice. Three things a platform's data must not do:

- **run as a formula**: a title such as ``=HYPERLINK("http://...")`` is written as a text cell, never a formula;
- **break the file**: control characters XML cannot hold are dropped, and text is cut at Excel's 32 767 characters;
- **overflow a sheet**: past Excel's 1 048 576 rows a table goes on in 'decisions (2)' and so on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included
MAX_TEXT = 32_767  # Excel's characters per cell
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: its name (at most 31 characters), its column names, and its rows (values in column order:
    text, numbers, booleans, None; a list is joined with '; ')."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence]


def _sheet_name(name: str, taken: set[str]) -> str:
    base = (name.translate(_BAD_SHEET_CHARS).strip() or "sheet")[:31]
    out, n = base, 2
    while out.lower() in taken:
        suffix = f" ({n})"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(out.lower())
    return out


def _text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    clean = ILLEGAL_CHARACTERS_RE.sub("", value)
    return clean if len(clean) <= MAX_TEXT else clean[: MAX_TEXT - 1] + "…"


def _cell(ws, value):
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    cell = WriteOnlyCell(ws, value=_text(str(value)))
    cell.data_type = "s"  # text stays text: '=...' is never a formula
    return cell


def _header(ws, columns: Sequence[str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(len(name) + 4, 12), 48)
    cells = []
    for name in columns:
        cell = WriteOnlyCell(ws, value=_text(name))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cells.append(cell)
    ws.append(cells)


def write_xlsx(
    target: Path | BinaryIO,
    sheets: Sequence[Sheet],
    *,
    about: Sequence[tuple[str, object]] = (),
    created: datetime | None = None,
) -> dict[str, int]:
    """Write the workbook: an 'about' sheet (field, value) when ``about`` is given, then each table. ``created``:
    the date the workbook's properties carry (a report's day, so the same report gives the same properties).
    Returns the data rows written per table."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    if created is not None:
        wb.properties.created = wb.properties.modified = created.replace(tzinfo=None)
    taken: set[str] = set()
    if about:
        ws = wb.create_sheet(_sheet_name("about", taken))
        _header(ws, ("field", "value"))
        ws.column_dimensions["B"].width = 90
        for key, value in about:
            ws.append([_cell(ws, key), _cell(ws, value)])
    counts: dict[str, int] = {}
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_name(sheet.name, taken))
        _header(ws, sheet.columns)
        n = in_sheet = 0
        for row in sheet.rows:
            if in_sheet == MAX_ROWS - 1:  # the sheet is full: the table goes on in the next one
                ws = wb.create_sheet(_sheet_name(sheet.name, taken))
                _header(ws, sheet.columns)
                in_sheet = 0
            ws.append([_cell(ws, v) for v in row])
            n, in_sheet = n + 1, in_sheet + 1
        counts[sheet.name] = n
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return counts
