"""Reading many rows fast: plain DBAPI tuples, converted only where a column's type needs it.

SQLAlchemy compiles, binds and executes the select; the rows are then taken straight from the driver's cursor,
skipping the per-row Row machinery, and each converting column (SQLite's text dates and instants, its 0/1
booleans) goes through SQLAlchemy's own result processor, memoised because a million rows of one import share
a handful of dates and instants. On PostgreSQL, where psycopg already returns Python types, SQLAlchemy's own rows stream through a
server-side cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

_MEMO_LIMIT = 4096  # distinct values kept per column; a scan of all-distinct values just recomputes


def _memoised(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        out = memo.get(value)
        if out is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            out = memo[value] = convert(value)
        return out

    return process


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
            processors.append((i, _memoised(convert)))
    result = conn.execute(stmt)  # sqlite3 steps its cursor lazily: fetchmany() is the streaming
    try:
        cursor = result.cursor
        while part := cursor.fetchmany(batch):
            yield [_convert(row, processors) for row in part] if processors else part
    finally:
        result.close()


def _convert(row: tuple, processors: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    out = list(row)
    for i, convert in processors:
        value = out[i]
        if value is not None:
            out[i] = convert(value)
    return tuple(out)
