"""Reference checks on table imports: every id a row names must be in the ledger or in the same file.

A grant names its licensor, licensee and parent; a library track its platform; a recording its owner and work; a
work its publishers; a notice its issuer and platforms; an artist its party. An id that is neither current in the
ledger nor a key of the file being imported (anywhere in it: the file is one transaction) is *dangling*: the
import is refused naming the file, line and column of the first such row, or, with ``allow_dangling``, the rows
are imported with one warning each.

The check streams with the import: the ids a row names are looked up in batches (distinct ids, one ``IN`` query per
kind), ids found are remembered (a library names the same platform a million times), and an id not found yet is
kept with the rows that name it and looked up once more when the whole file has been written (a parent grant or
a publisher further down the same file). Memory holds the distinct ids awaiting a lookup, not the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from songclear.domain.catalogue import Artist, LibraryTrack, Recording, Work
from songclear.domain.grants import Grant
from songclear.domain.notices import Notice
from songclear.errors import ImportError_
from songclear.store import tables

LOOKUP_BATCH = 2_000  # distinct ids (or rows naming them) gathered before a lookup
KNOWN_LIMIT = 100_000  # ids remembered as present; past it the memory is cleared (they are looked up again)
KEPT_ROWS = 100  # rows kept per dangling id for the warnings (all are counted)

# target -> (table, key column), and how a target is named in a message
_TARGETS = {
    "party": (tables.parties, "party_id"),
    "work": (tables.works, "work_id"),
    "grant": (tables.grants, "grant_id"),
}
_IMPORTED_BY = {"party": "parties", "work": "works", "grant": "grants"}


def references(fact: Any) -> list[tuple[str, str, str]]:
    """The ids ``fact`` names, as (column, target kind, id): what must exist for the row to make sense."""
    if isinstance(fact, Grant):
        out = [("licensor", "party", fact.licensor), ("licensee", "party", fact.licensee)]
        if fact.parent:
            out.append(("parent", "grant", fact.parent))
        return out
    if isinstance(fact, LibraryTrack):
        return [("platform", "party", fact.platform)]
    if isinstance(fact, Recording):
        out = [("owner", "party", fact.owner)] if fact.owner else []
        return out + ([("work_id", "work", fact.work_id)] if fact.work_id else [])
    if isinstance(fact, Work):
        return [("publishers", "party", p) for p in fact.publishers]
    if isinstance(fact, Notice):
        return [("issuer", "party", fact.issuer)] + [
            ("platforms", "party", p) for p in sorted(fact.platforms)
        ]
    if isinstance(fact, Artist):
        return [("party", "party", fact.party)] if fact.party else []
    return []


@dataclass(frozen=True, slots=True, order=True)
class Dangling:
    """A row naming an id the ledger and its file do not hold."""

    line: int
    column: str
    key: str  # the row's own key (a grant id, an ISRC, platform/track_id)
    target: str  # 'party', 'work' or 'grant'
    value: str

    def warning(self) -> str:
        return (
            f"line {self.line}, column {self.column}: unknown {self.target} {self.value!r} "
            "(imported anyway: --allow-dangling)"
        )


@dataclass(slots=True)
class _Unresolved:
    rows: list[Dangling] = field(default_factory=list)  # the first KEPT_ROWS
    count: int = 0


@dataclass(slots=True)
class DanglingRows:
    """The dangling rows of a file: the first ones by line (at most ``KEPT_ROWS``) and how many in all."""

    first: list[Dangling]
    total: int

    def __bool__(self) -> bool:
        return self.total > 0

    def error(self, source: str) -> ImportError_:
        d = self.first[0]
        more = f" ({self.total - 1} more rows name unknown ids)" if self.total > 1 else ""
        return ImportError_(
            f"{d.key}: unknown {d.target} {d.value!r}: it is neither in the ledger nor in this file{more}. "
            f"Import the {_IMPORTED_BY[d.target]} first (the files of one command are imported parties, artists, "
            "works, recordings, grants, notices, library), or import with --allow-dangling",
            source=source,
            location=f"line {d.line}, column {d.column}",
        )

    def notes(self) -> list[str]:
        out = [d.warning() for d in self.first]
        if self.total > len(self.first):
            out.append(f"... and {self.total - len(self.first)} more rows with unknown ids")
        return out


class ReferenceCheck:
    """Watches the (line, fact) rows of one file on their way to ``record``; ``finish()`` after the last one."""

    def __init__(self, session, key_of) -> None:
        self._session, self._key_of = session, key_of
        self._known: dict[str, set[str]] = {t: set() for t in _TARGETS}
        self._pending: dict[tuple[str, str], list[Dangling]] = {}
        self._pending_rows = 0
        self._unresolved: dict[tuple[str, str], _Unresolved] = {}

    def watch(self, rows: Iterable[tuple[int, Any]]) -> Iterator[Any]:
        for line, fact in rows:
            refs = references(fact)
            if refs:
                key = None
                for column, target, value in refs:
                    if value in self._known[target]:
                        continue
                    key = key if key is not None else self._key_of(fact)
                    self._pending.setdefault((target, value), []).append(
                        Dangling(line, column, key, target, value)
                    )
                    self._pending_rows += 1
                if len(self._pending) >= LOOKUP_BATCH or self._pending_rows >= LOOKUP_BATCH:
                    self._flush()
            yield fact

    def _flush(self) -> None:
        by_target: dict[str, list[str]] = {}
        for target, value in self._pending:
            by_target.setdefault(target, []).append(value)
        for target, values in by_target.items():
            found = existing(self._session, target, values)
            known = self._known[target]
            if len(known) + len(found) > KNOWN_LIMIT:
                known.clear()
            known |= found
            for value in values:
                if value in found:
                    continue
                rows = self._pending[(target, value)]
                kept = self._unresolved.setdefault((target, value), _Unresolved())
                kept.count += len(rows)
                kept.rows.extend(rows[: max(0, KEPT_ROWS - len(kept.rows))])
        self._pending.clear()
        self._pending_rows = 0

    def finish(self) -> DanglingRows:
        """Once every row has been written: the ids still unknown (a later row of the file may have added one)."""
        self._flush()
        by_target: dict[str, list[str]] = {}
        for target, value in self._unresolved:
            by_target.setdefault(target, []).append(value)
        still: list[_Unresolved] = []
        for target, values in by_target.items():
            found = existing(self._session, target, values)
            still += [self._unresolved[(target, v)] for v in values if v not in found]
        rows = sorted(d for u in still for d in u.rows)
        return DanglingRows(rows[:KEPT_ROWS], sum(u.count for u in still))


def existing(session, target: str, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` that have a current version in the ledger (as ``session`` sees it)."""
    table, column = _TARGETS[target]
    key = table.c[column]
    wanted = sorted(set(ids))
    out: set[str] = set()
    for i in range(0, len(wanted), LOOKUP_BATCH):
        chunk = wanted[i : i + LOOKUP_BATCH]
        out.update(
            session.execute(select(key).where(table.c.superseded_at.is_(None), key.in_(chunk))).scalars()
        )
    return out
