"""Bulk reads and writes at driver speed, for million-row imports and scans.

Reads: SQLAlchemy compiles, binds and executes the select; on SQLite the rows are then taken straight from the
driver's cursor, skipping the per-row Row machinery, and each converting column (text dates and instants, 0/1
booleans) goes through SQLAlchemy's own result processor, memoised because a million rows of one import share a
handful of dates and instants. On PostgreSQL, where psycopg already returns Python types, SQLAlchemy's rows
stream through a server-side cursor.

Writes: SQLite gets the driver's executemany with pre-converted values; PostgreSQL gets COPY. Both run on the
session's own connection, inside its transaction. Table and column names come from ``tables/``, never from
input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, Table, Text, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

_MEMO_LIMIT = 4096  # distinct values kept per column; a scan of all-distinct values just recomputes


def _memoised(convert: Callable[[Any], Any]) -> tuple[dict[Any, Any], Callable[[Any], Any]]:
    """A memo of ``convert`` (None maps to None, as SQLAlchemy never converts NULL) and the function filling it."""
    memo: dict[Any, Any] = {None: None}

    def process(value: Any) -> Any:
        if value is None:
            return None
        out = memo.get(value)
        if out is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
                memo[None] = None
            out = memo[value] = convert(value)
        return out

    return memo, process


def _row_converter(
    width: int, processors: list[tuple[int, Callable[[Any], Any]]]
) -> Callable[[tuple], tuple]:
    """One function converting a whole row: a generated tuple expression, like namedtuple's, because a Python
    loop over the columns of a million rows costs seconds. Only column indexes go into the source."""
    env: dict[str, Any] = {}
    parts = []
    converted = dict(processors)
    for i in range(width):
        if i in converted:
            env[f"m{i}"], env[f"p{i}"] = _memoised(converted[i])
            parts.append(f"(m{i}[r[{i}]] if r[{i}] in m{i} else p{i}(r[{i}]))")
        else:
            parts.append(f"r[{i}]")
    return eval(f"lambda r: ({', '.join(parts)},)", env)  # noqa: S307 - source built from integers only


def scan(session: Session, stmt: Select, *, batch: int = 10_000) -> Iterator[Sequence[Any]]:
    """Yield the rows of ``stmt`` in lists of up to ``batch`` tuples, typed as SQLAlchemy would type them."""
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "sqlite":
        # psycopg converts dates and instants itself: SQLAlchemy's rows cost little, and yield_per streams
        # through a server-side cursor (its buffered strategy pre-reads a row, so the raw cursor is not ours).
        result = conn.execute(stmt, execution_options={"yield_per": batch})
        try:
            yield from result.partitions()
        finally:
            result.close()
        return
    processors = []
    for i, col in enumerate(stmt.selected_columns):
        convert = col.type.dialect_impl(dialect).result_processor(dialect, None)
        if convert is not None:
            processors.append((i, convert))
    convert_row = _row_converter(len(stmt.selected_columns), processors) if processors else None
    result = conn.execute(stmt)  # sqlite3 steps its cursor lazily: fetchmany() is the streaming
    try:
        cursor = result.cursor
        while part := cursor.fetchmany(batch):
            yield list(map(convert_row, part)) if convert_row else part
    finally:
        result.close()


def _convert(row: tuple, processors: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    out = list(row)
    for i, convert in processors:
        value = out[i]
        if value is not None:
            out[i] = convert(value)
    return tuple(out)


def key_in(column: ColumnElement, values: list[Any], dialect_name: str) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL one array parameter (= ANY) instead of thousands of parameters."""
    if dialect_name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Text)))
    return column.in_(values)


def insert_rows(session: Session, table: Table, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of Python values in ``names`` order) into ``table``."""
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    # sqlite3 stores bools as 0/1 itself; dates and instants need SQLAlchemy's text format.
    processors = [
        (i, convert)
        for i, name in enumerate(names)
        if not isinstance(table.c[name].type, Boolean)
        and (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if processors:
        rows = [_convert(row, processors) for row in rows]
    conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows
    )
