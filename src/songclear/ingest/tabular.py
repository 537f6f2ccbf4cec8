"""CSV and JSON imports of parties, recordings, works, grants, notices and library tracks (docs/import.md).

``read_facts`` is pure: it reads one file and returns its facts, or raises ``ImportError_`` naming the file, line
and column of the first bad cell; a file is never half-read, so the caller can apply it in one transaction.
``write_facts`` writes the same format (for exports, tests and the benchmark generator).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from songclear.domain.catalogue import BEGINNING
from songclear.domain.grants import Grant
from songclear.domain.territory import Territories
from songclear.errors import ImportError_, InputError
from songclear.ingest.columns import KINDS, LIST_SEP, TERRITORY_SEP, KindSpec, RowContext, RowError

FORMAT_VERSION = 1  # of the JSON envelope {"kind", "rows"}; written by write_facts, optional on read

Cells = dict[str, Any]  # column name -> raw cell (CSV text or a JSON value)


@dataclass(frozen=True, slots=True)
class TableWarning:
    """Something odd but tolerated in a row (a library track's malformed ISRC)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class TableImport:
    kind: str
    facts: list[Any]
    source: str  # the file name
    sha256: str  # of the file's bytes: re-importing the same file can be recognised
    rows: int
    warnings: list[TableWarning] = field(default_factory=list)


def read_facts(path: Path, kind: str | None = None, *, recorded_at: datetime | None = None) -> TableImport:
    """Read a CSV or JSON file of one kind of fact.

    ``kind`` is one of ``KINDS`` or None to detect it (from the JSON envelope, else from the column names).
    ``recorded_at`` is the 'known since' of rows without a recorded_at cell (default: the beginning of time).
    """
    source = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot read the file: {exc.strerror}", source=source) from None
    text = _decode(data, source)
    if _is_json(path, text):
        declared, columns, rows = _json_rows(text, source)
        spec = _choose_kind(kind, declared, columns, source, check_header=False)
    else:
        columns, rows = _csv_rows(text, source)
        spec = _choose_kind(kind, None, columns, source, check_header=True)
    facts, warnings = _build(spec, rows, source, recorded_at or BEGINNING)
    return TableImport(spec.name, facts, source, hashlib.sha256(data).hexdigest(), len(facts), warnings)


def detect_kind(columns: Iterable[str]) -> str | None:
    """The one kind whose required columns are all present and which knows every column; None if not exactly one."""
    names = {_column_name(c) for c in columns}
    fits = [s.name for s in KINDS.values() if set(s.required) <= names <= {c.name for c in s.columns}]
    return fits[0] if len(fits) == 1 else None


# -- decoding ------------------------------------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")  # with or without a BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportError_("not UTF-8 text", source=source, location=f"line {line}") from None


def _is_json(path: Path, text: str) -> bool:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix == ".json"
    return text.lstrip()[:1] in ("[", "{")


def _column_name(raw: str) -> str:
    return raw.strip().lower()


def _err(source: str, line: int, column: str | None, message: str) -> ImportError_:
    where = f"line {line}, column {column}" if column else f"line {line}"
    return ImportError_(message, source=source, location=where)


# -- CSV -----------------------------------------------------------------------------------------------------------


def _csv_rows(text: str, source: str) -> tuple[list[str], Iterator[tuple[int, Cells]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = _csv_records(reader, source)
    first = next(records, None)
    if first is None:
        raise _err(source, 1, None, "the file is empty: expected a header row naming the columns")
    header_line, raw_header = first
    header = [_column_name(h) for h in raw_header]
    for i, name in enumerate(header):
        if not name:
            raise _err(source, header_line, None, f"column {i + 1} of the header has no name")
        if name in header[:i]:
            raise _err(source, header_line, name, "the column appears twice in the header")

    def rows() -> Iterator[tuple[int, Cells]]:
        for line, record in records:
            if len(record) != len(header):
                raise _err(source, line, None, f"expected {len(header)} fields, found {len(record)}")
            yield line, dict(zip(header, record, strict=True))

    return header, rows()


def _csv_records(reader: Any, source: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted cell may span lines)."""
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _err(source, reader.line_num or start, None, f"malformed CSV: {exc}") from None
        if record and any(cell.strip() for cell in record):
            yield start, record


# -- JSON ----------------------------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


def _json_rows(text: str, source: str) -> tuple[str | None, list[str], Iterator[tuple[int, Cells]]]:
    """A list of row objects, or {"kind": ..., "rows": [...]} (optionally "version": 1)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _err(source, exc.lineno, None, f"not valid JSON: {exc.msg} (character {exc.colno})") from None
    except RecursionError:  # arrays or objects nested thousands deep: bad input, not a crash
        raise _err(source, 1, None, "not valid JSON: nested too deeply") from None
    declared = None
    if isinstance(doc, dict):
        unknown = sorted(set(doc) - {"kind", "rows", "version"})
        if unknown or not isinstance(doc.get("rows"), list):
            raise _err(source, 1, None, 'expected a list of rows or {"kind": ..., "rows": [...]}')
        if doc.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise _err(source, 1, None, f"unsupported version {doc['version']!r}: expected {FORMAT_VERSION}")
        declared, doc = doc.get("kind"), doc["rows"]
        if declared is not None and not isinstance(declared, str):
            raise _err(source, 1, None, f"'kind' must be text, found {declared!r}")
    elif not isinstance(doc, list):
        raise _err(source, 1, None, 'expected a list of rows or {"kind": ..., "rows": [...]}')
    lines = _row_lines(text)
    columns: dict[str, None] = {}
    for line, row in zip(lines, doc, strict=True):
        if not isinstance(row, dict):
            raise _err(source, line, None, f"a row must be an object, found {type(row).__name__}")
        columns.update(dict.fromkeys(_column_name(k) for k in row))
    rows = (
        (line, {_column_name(k): v for k, v in row.items()}) for line, row in zip(lines, doc, strict=True)
    )
    return declared, list(columns), rows


def _row_lines(text: str) -> list[int]:
    """The line each row object starts on: walk the (already valid) document with raw_decode."""
    dec = json.JSONDecoder()
    i = _WS.match(text).end()
    if text[i] == "{":
        i = _rows_value(text, i, dec)
    offsets = []
    i = _WS.match(text, i + 1).end()
    while text[i] != "]":
        offsets.append(i)
        _, i = dec.raw_decode(text, i)
        i = _WS.match(text, i).end()
        if text[i] == ",":
            i = _WS.match(text, i + 1).end()
    lines, line, pos = [], 1, 0
    for off in offsets:
        line += text.count("\n", pos, off)
        pos = off
        lines.append(line)
    return lines


def _rows_value(text: str, i: int, dec: json.JSONDecoder) -> int:
    """Offset of the '[' of the envelope's "rows" value (the last one, as json.loads keeps the last)."""
    found = -1
    i = _WS.match(text, i + 1).end()
    while text[i] != "}":
        key, i = dec.raw_decode(text, i)
        i = _WS.match(text, _WS.match(text, i).end() + 1).end()  # past ':'
        if key == "rows":
            found = i
        _, i = dec.raw_decode(text, i)
        i = _WS.match(text, i).end()
        if text[i] == ",":
            i = _WS.match(text, i + 1).end()
    return found


# -- kinds and rows ------------------------------------------------------------------------------------------------


def _choose_kind(
    kind: str | None, declared: str | None, columns: list[str], source: str, *, check_header: bool
) -> KindSpec:
    for given in (kind, declared):
        if given is not None and given not in KINDS:
            raise _err(source, 1, None, f"unknown kind {given!r}: expected one of {', '.join(KINDS)}")
    if kind and declared and kind != declared:
        raise _err(source, 1, None, f"the file declares kind {declared!r} but {kind!r} was asked for")
    name = kind or declared or detect_kind(columns)
    if name is None:
        what = "ambiguous" if _fits_any(columns) else "unknown"
        raise _err(
            source,
            1,
            None,
            f"{what} header ({', '.join(columns) or 'no columns'}): cannot tell which kind of facts this is; "
            f"name the kind ({', '.join(KINDS)})",
        )
    spec = KINDS[name]
    if check_header:
        known = {c.name for c in spec.columns}
        for col in columns:
            if col not in known:
                raise _err(source, 1, col, f"unknown column for {name}: expected {', '.join(sorted(known))}")
        for col in spec.required:
            if col not in columns:
                raise _err(source, 1, col, f"missing required column for {name}")
    return spec


def _fits_any(columns: list[str]) -> bool:
    names = set(columns)
    return any(set(s.required) <= names <= {c.name for c in s.columns} for s in KINDS.values())


def _blank(raw: Any) -> bool:
    if raw.__class__ is str:
        return not raw or raw.isspace()
    return raw is None or raw == []


def _build(
    spec: KindSpec, rows: Iterator[tuple[int, Cells]], source: str, recorded_at: datetime
) -> tuple[list[Any], list[TableWarning]]:
    columns, required = {c.name: c for c in spec.columns}, spec.required
    facts: list[Any] = []
    warnings: list[TableWarning] = []
    first_line: dict[str, int] = {}
    for line, cells in rows:
        values: dict[str, Any] = {}
        for name, raw in cells.items():
            col = columns.get(name)
            if col is None:
                raise _err(source, line, name, f"unknown column for {spec.name}")
            if _blank(raw):  # absent: the column's default applies
                continue
            try:
                values[name] = col.parse(raw)
            except (ValueError, InputError) as exc:
                raise _err(source, line, name, str(exc)) from None
        for name in required:
            if name not in values:
                raise _err(source, line, name, "missing required value")
        row_warnings: list[tuple[str, str]] = []
        try:
            fact = spec.build(values, RowContext(f"{source}:{line}", recorded_at, row_warnings))
        except RowError as exc:
            raise _err(source, line, exc.column, exc.message) from None
        except InputError as exc:  # a domain constructor refused the combination
            raise _err(source, line, None, str(exc)) from None
        key = spec.key(fact)
        if key in first_line:
            raise _err(source, line, spec.key_column, f"duplicate {key!r} (first on line {first_line[key]})")
        first_line[key] = line
        facts.append(fact)
        warnings.extend(TableWarning(line, col, msg) for col, msg in row_warnings)
    return facts, warnings


# -- writing -------------------------------------------------------------------------------------------------------


def write_facts(path: Path, kind: str, facts: Iterable[Any]) -> int:
    """Write facts of one kind as CSV (or JSON if ``path`` ends in .json); returns the number of rows written.

    Streams: ``facts`` may be a generator of millions of rows. ``read_facts`` reads the file back to equal facts
    (a grant's ``source`` becomes its own column; ``excluded_territories`` is folded into ``territories``).
    """
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    spec = KINDS[kind]
    names = [c.name for c in spec.columns if c.name != "excluded_territories"]
    seps = {c.name: LIST_SEP if c.type == "list" else TERRITORY_SEP for c in spec.columns}
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if path.suffix.lower() == ".json":
            out.write(f'{{"kind": "{kind}", "version": {FORMAT_VERSION}, "rows": [')
            for n, fact in enumerate(facts, start=1):
                row = {k: v for k, v in _cells(fact, names).items() if v is not None and v != []}
                out.write(("\n" if n == 1 else ",\n") + json.dumps(row, ensure_ascii=False))
            out.write("\n]}\n")
            return n
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for fact in facts:
            cells = _cells(fact, names)
            writer.writerow([_csv_cell(cells[name], seps[name], name) for name in names])
            n += 1
    return n


def _cells(fact: Any, names: list[str]) -> dict[str, Any]:
    out = {name: _plain(getattr(fact, name, None)) for name in names}
    if isinstance(fact, Grant):
        t = fact.termination
        out |= {
            "scope": "catalogue" if fact.catalogue else "listed",
            "start": fact.term.start.isoformat(),
            "end": _plain(fact.term.end),
            "tz": fact.term.tz,
            "terminated": _plain(t and t.effective),
            "termination_cause": _plain(t and t.cause),
            "termination_reference": (t and t.reference) or None,
            "source": fact.source or None,
        }
    if fact.recorded_at == BEGINNING:
        out["recorded_at"] = None
    return out


def _plain(value: Any) -> Any:
    """A domain value as a JSON value: enums by value, dates in ISO 8601, sets sorted."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Territories):
        return value.to_text().split()
    if isinstance(value, frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _csv_cell(value: Any, sep: str | None, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        for item in value:
            if sep in item or item != item.strip() or not item:
                raise InputError(f"cannot write {item!r} in column {name}: blank or contains {sep!r}")
        return (sep or " ").join(value)
    return repr(value) if isinstance(value, float) else str(value)
