"""CSV and JSON imports of parties, recordings, works, grants, notices and library tracks (docs/import.md).

``open_table`` streams one file: it reads the header (or the JSON envelope) at once, then parses the rows as its
facts are iterated, never holding the file or its facts in memory, and raises ``ImportError_`` naming the file,
line and column of the first bad cell; what needs the whole file (a key repeated anywhere in it, a JSON envelope's
last keys) is checked when the last row has been read. The caller applies the facts as they come, inside one
transaction, so a bad last row still leaves nothing applied. ``read_facts`` is the same as a list (pure: no
database). ``write_facts`` writes the same format (for exports, tests and the benchmark generator).
"""

from __future__ import annotations

import csv
import json
from array import array
from collections.abc import Callable, Iterable, Iterator
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
from songclear.ingest.rowstream import (
    FORMAT_VERSION,
    Cells,
    JsonRows,
    TextSource,
    column_name,
    csv_rows,
    err,
    looks_like_json,
)

MAX_WARNINGS = 100  # warnings kept by a streamed import (all are counted); read_facts keeps every one
NO_RECORDED_AT = (
    "per-row recorded_at is not imported: a file is one transaction, recorded at one time "
    "(songclear import table --recorded-at, default now); leave the column empty or remove it"
)


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


class TableStream:
    """The facts of one file, parsed as they are iterated (once). After the last one: ``rows``, ``sha256`` (of
    every byte read), ``warnings`` (the first ``max_warnings``) and ``warnings_total``."""

    def __init__(
        self,
        path: Path,
        spec: KindSpec,
        text: TextSource,
        rows: Iterator[tuple[int, Cells]],
        *,
        recorded_at: datetime,
        json_doc: JsonRows | None,
        max_warnings: int | None,
    ) -> None:
        self.path, self.kind, self.source = path, spec.name, text.source
        self.spec = spec
        self._text, self._rows, self._json = text, rows, json_doc
        self._build = _row_builder(spec, text.source, recorded_at)
        self._max_warnings = max_warnings
        self.rows = 0
        self.warnings: list[TableWarning] = []
        self.warnings_total = 0
        self.sha256: str | None = None  # set once the whole file has been read

    def __iter__(self) -> Iterator[Any]:
        return (fact for _, fact in self.with_lines())

    def with_lines(self, *, whole_file_checks: bool = True) -> Iterator[tuple[int, Any]]:
        """(line, fact) for each row, then the checks that need the whole file."""
        keys = array("q")  # hash of each row's key: 8 bytes a row, to find a repeated key at the end
        key_of, build, kept = self.spec.key, self._build, self._max_warnings
        try:
            for line, cells in self._rows:
                fact, row_warnings = build(line, cells)
                if row_warnings:
                    self.warnings_total += len(row_warnings)
                    room = len(row_warnings) if kept is None else max(0, kept - len(self.warnings))
                    self.warnings.extend(row_warnings[:room])
                keys.append(hash(key_of(fact)))
                self.rows += 1
                yield line, fact
        except UnicodeDecodeError:
            raise self._text.not_utf8() from None
        if self._json is not None:
            _choose_kind(self.kind, self._json.declared, [], self.source, check_header=False)
        self.sha256 = self._text.sha256
        if whole_file_checks:
            self._check_unique(keys)

    def _check_unique(self, keys: array) -> None:
        """Refuse a key that occurs twice: equal hashes are confirmed by reading the file again (rarely)."""
        import numpy as np

        if len(keys) < 2:
            return
        ordered = np.sort(np.frombuffer(keys, dtype=np.int64))
        repeated = set(ordered[1:][ordered[1:] == ordered[:-1]].tolist())
        if not repeated:
            return
        first_line: dict[str, int] = {}
        with open_table(self.path, self.kind) as again:
            for line, fact in again.with_lines(whole_file_checks=False):
                key = self.spec.key(fact)
                if hash(key) not in repeated:
                    continue
                if key in first_line:
                    raise err(
                        self.source, line, self.spec.key_column,
                        f"duplicate {key!r} (first on line {first_line[key]})",
                    )  # fmt: skip
                first_line[key] = line

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> TableStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(
    path: Path,
    kind: str | None = None,
    *,
    recorded_at: datetime | None = None,
    max_warnings: int | None = MAX_WARNINGS,
) -> TableStream:
    """Open a CSV or JSON file of one kind of fact and read its header; the rows are read as the stream is.

    ``kind`` is one of ``KINDS`` or None to detect it (from the JSON envelope, else from the column names: for a
    JSON file without a declared kind, that reads the file once before the stream does). ``recorded_at`` is the
    'known since' given to every fact (default: the beginning of time). Close the stream (``with``) when done.
    """
    source = path.name
    try:
        is_json = looks_like_json(path)
    except OSError as exc:
        raise ImportError_(f"cannot read the file: {exc.strerror}", source=source) from None
    text = TextSource(path, source)
    try:
        json_doc = None
        if is_json:
            json_doc = JsonRows(text.text, source)
            json_doc.start()
            declared, columns = json_doc.declared, []
            if kind is None and declared is None:
                declared, columns = _json_columns(path, source)
            spec = _choose_kind(kind, declared, columns, source, check_header=False)
            rows = json_doc.rows()
        else:
            columns, rows = csv_rows(text.text, source)
            spec = _choose_kind(kind, None, columns, source, check_header=True)
    except UnicodeDecodeError:
        text.close()
        raise text.not_utf8() from None
    except BaseException:
        text.close()
        raise
    return TableStream(
        path,
        spec,
        text,
        rows,
        recorded_at=recorded_at or BEGINNING,
        json_doc=json_doc,
        max_warnings=max_warnings,
    )


def read_facts(path: Path, kind: str | None = None, *, recorded_at: datetime | None = None) -> TableImport:
    """Read a whole CSV or JSON file of one kind of fact (see ``open_table``) into a list, with every warning."""
    with open_table(path, kind, recorded_at=recorded_at, max_warnings=None) as table:
        facts = list(table)
    assert table.sha256 is not None
    return TableImport(table.kind, facts, table.source, table.sha256, table.rows, table.warnings)


def detect_kind(columns: Iterable[str]) -> str | None:
    """The one kind whose required columns are all present and which knows every column; None if not exactly one."""
    names = {column_name(c) for c in columns}
    fits = [s.name for s in KINDS.values() if set(s.required) <= names <= {c.name for c in s.columns}]
    return fits[0] if len(fits) == 1 else None


def _json_columns(path: Path, source: str) -> tuple[str | None, list[str]]:
    """A first pass over a JSON file whose kind is not named: the union of its rows' keys, and its declared kind."""
    text = TextSource(path, source)
    try:
        doc = JsonRows(text.text, source)
        columns: dict[str, None] = {}
        for _, row in doc.rows():
            columns.update(dict.fromkeys(row))
        return doc.declared, list(columns)
    except UnicodeDecodeError:
        raise text.not_utf8() from None
    finally:
        text.close()


# -- kinds and rows ------------------------------------------------------------------------------------------------


def _choose_kind(
    kind: str | None, declared: str | None, columns: list[str], source: str, *, check_header: bool
) -> KindSpec:
    for given in (kind, declared):
        if given is not None and given not in KINDS:
            raise err(source, 1, None, f"unknown kind {given!r}: expected one of {', '.join(KINDS)}")
    if kind and declared and kind != declared:
        raise err(source, 1, None, f"the file declares kind {declared!r} but {kind!r} was asked for")
    # An empty recorded_at column, as write_facts wrote until issue 10, is tolerated; a value in it is refused at
    # its row (_row_builder).
    columns = [c for c in columns if c != "recorded_at"]
    name = kind or declared or detect_kind(columns)
    if name is None:
        what = "ambiguous" if _fits_any(columns) else "unknown"
        raise err(
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
                raise err(source, 1, col, f"unknown column for {name}: expected {', '.join(sorted(known))}")
        for col in spec.required:
            if col not in columns:
                raise err(source, 1, col, f"missing required column for {name}")
    return spec


def _fits_any(columns: list[str]) -> bool:
    names = set(columns)
    return any(set(s.required) <= names <= {c.name for c in s.columns} for s in KINDS.values())


def _blank(raw: Any) -> bool:
    if raw.__class__ is str:
        return not raw or raw.isspace()
    return raw is None or raw == []


def _row_builder(
    spec: KindSpec, source: str, recorded_at: datetime
) -> Callable[[int, Cells], tuple[Any, list[TableWarning]]]:
    """The function turning one row's cells into its fact and its warnings (or raising ``ImportError_``)."""
    columns, required = {c.name: c for c in spec.columns}, spec.required

    def build(line: int, cells: Cells) -> tuple[Any, list[TableWarning]]:
        values: dict[str, Any] = {}
        for name, raw in cells.items():
            col = columns.get(name)
            if col is None:
                if name == "recorded_at" and _blank(raw):
                    continue
                message = NO_RECORDED_AT if name == "recorded_at" else f"unknown column for {spec.name}"
                raise err(source, line, name, message)
            if _blank(raw):  # absent: the column's default applies
                continue
            try:
                values[name] = col.parse(raw)
            except (ValueError, InputError) as exc:
                raise err(source, line, name, str(exc)) from None
        for name in required:
            if name not in values:
                raise err(source, line, name, "missing required value")
        row_warnings: list[tuple[str, str]] = []
        try:
            fact = spec.build(values, RowContext(f"{source}:{line}", recorded_at, row_warnings))
        except RowError as exc:
            raise err(source, line, exc.column, exc.message) from None
        except InputError as exc:  # a domain constructor refused the combination
            raise err(source, line, None, str(exc)) from None
        return fact, [TableWarning(line, col, msg) for col, msg in row_warnings]

    return build


def find_line(path: Path, kind: str, key: str) -> int | None:
    """The line of the row whose key is ``key`` (to name it in an error found after the file was read)."""
    with open_table(path, kind) as table:
        for line, fact in table.with_lines(whole_file_checks=False):
            if table.spec.key(fact) == key:
                return line
    return None


def fact_cells(kind: str, fact: Any) -> dict[str, Any]:
    """A fact as the cells of its row (JSON values, as ``write_facts`` writes them): ``build_fact`` reads them
    back to an equal fact. A grant's exclusions are in its ``territories`` cell ("Worldwide -TW")."""
    return _cells(fact, [c.name for c in KINDS[kind].columns if c.name != "excluded_territories"])


def build_fact(kind: str, cells: dict[str, Any], *, recorded_at: datetime | None = None) -> Any:
    """One row's cells (CSV text or JSON values; blank: the column's default) -> its fact, parsed and checked as
    an imported row is. Raises ``InputError`` naming the column ("column end: ..."): an edit made by hand."""
    build = _row_builder(KINDS[kind], kind, recorded_at or BEGINNING)
    try:
        fact, _ = build(1, cells)
    except ImportError_ as exc:
        where = (exc.location or "").removeprefix("line 1").removeprefix(", ")
        raise InputError(f"{where}: {exc.detail}" if where else exc.detail) from None
    return fact


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
            "terminated": _plain(t and (t.day if t.local else t.effective)),  # a local day: its date
            "termination_cause": _plain(t and t.cause),
            "termination_reference": (t and t.reference) or None,
            "source": fact.source or None,
        }
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
