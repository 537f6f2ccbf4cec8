"""The register of imports: one row per file imported (its name, content hash, kind, when and what it changed), so
that the same file is recognised when it comes again and the import can be named in the audit log."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from songclear.store import tables
from songclear.store.rows import instant_arg


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: int
    source: str
    sha256: str
    kind: str
    recorded_at: datetime
    counts: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "source": self.source, "sha256": self.sha256, "kind": self.kind,
            "recorded_at": self.recorded_at.isoformat(), "counts": self.counts,
        }  # fmt: skip


class ImportBook:
    """The imports register over ``self.session`` (``LedgerRepository`` is one)."""

    session: Session

    def begin_import(self, source: str, sha256: str, kind: str, recorded_at: datetime) -> int:
        """Register an import (a file) and return its id, to pass to ``record(import_id=...)``."""
        at = instant_arg(recorded_at, "recorded_at")
        stmt = insert(tables.imports).values(
            source=source, sha256=sha256, kind=kind, recorded_at=at, counts="{}"
        )
        return int(self.session.execute(stmt.returning(tables.imports.c.id)).scalar_one())

    def finish_import(self, import_id: int, counts: Mapping[str, int]) -> None:
        """Store what an import changed, e.g. ``RecordCounts.as_dict()``."""
        stmt = (
            update(tables.imports)
            .where(tables.imports.c.id == import_id)
            .values(counts=json.dumps(dict(counts)))
        )
        self.session.execute(stmt)

    def find_import(self, sha256: str, kind: str) -> ImportRecord | None:
        """The latest import of a file with this content and kind, if any."""
        t = tables.imports
        stmt = select(t).where(t.c.sha256 == sha256, t.c.kind == kind).order_by(t.c.id.desc()).limit(1)
        row = self.session.execute(stmt).first()
        return _import_record(row) if row is not None else None

    def imports(self, *, limit: int, offset: int = 0) -> tuple[list[ImportRecord], int]:
        """The files imported, newest first: a page of them, and how many there are."""
        t = tables.imports
        total = self.session.execute(select(func.count()).select_from(t)).scalar_one()
        rows = self.session.execute(select(t).order_by(t.c.id.desc()).limit(limit).offset(offset))
        return [_import_record(r) for r in rows], total


def _import_record(r) -> ImportRecord:
    return ImportRecord(
        id=r.id, source=r.source, sha256=r.sha256, kind=r.kind, recorded_at=r.recorded_at,
        counts=json.loads(r.counts or "{}"),
    )  # fmt: skip
