"""The audit log in the database: entries are appended in the same transaction as the fact they record, so a
rolled-back import leaves no entry, and a committed one always has its entry. Nothing here updates or deletes.

Entries are kept in time order (``log verify`` checks it): an entry dated before the newest one by less than the
clock skew two writers' clocks may have (``ledger_clock.CLOCK_SKEW``) is dated at the newest entry's time; one
dated further back is refused. Append inside a write session (``Database.session(write=True)``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from songclear.domain.enforcement.auditlog import LogEntry, LogProblem, append, verify
from songclear.errors import LedgerIntegrityError
from songclear.store import tables
from songclear.store.ledger_clock import CLOCK_SKEW

T = tables.audit_log


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def head(self) -> LogEntry | None:
        row = self.session.execute(select(T).order_by(T.c.seq.desc()).limit(1)).first()
        return _entry(row) if row is not None else None

    def append(self, *, at: datetime, actor: str, action: str, subject: str, payload: Any = None) -> LogEntry:
        head = self.head()
        if head is not None and at.tzinfo is not None and at < head.at:
            if head.at - at > CLOCK_SKEW:
                raise LedgerIntegrityError(
                    f"a {action!r} log entry dated {at.isoformat()} would come before the newest entry "
                    f"({head.at.isoformat()}, {head.action} by {head.actor}): the audit log is kept in time order"
                )
            at = head.at  # another writer's clock is a little ahead: keep the log in order
        entry = append(head, at=at, actor=actor, action=action, subject=subject, payload=payload)
        self.session.execute(
            insert(T).values(
                seq=entry.seq, at=entry.at, actor=entry.actor, action=entry.action, subject=entry.subject,
                payload=entry.payload, prev_hash=entry.prev_hash, hash=entry.hash,
            )
        )  # fmt: skip
        return entry

    def entries(self, *, batch: int = 10_000) -> Iterator[LogEntry]:
        """Every entry in stored order (by row id: an entry moved or renumbered shows up as out of sequence)."""
        result = self.session.execute(select(T).order_by(T.c.id).execution_options(yield_per=batch))
        for row in result:
            yield _entry(row)

    def page(
        self,
        *,
        limit: int,
        offset: int = 0,
        action: str | None = None,
        since: datetime | None = None,
        subject: str | None = None,
    ) -> tuple[list[LogEntry], int]:
        """Newest first: ``limit`` entries after skipping ``offset``, filtered by action, time and subject; and how
        many entries match in all."""
        where = []
        if action is not None:
            where.append(T.c.action == action)
        if since is not None:
            where.append(T.c.at >= since)
        if subject is not None:
            where.append(T.c.subject == subject)
        total = self.session.execute(select(func.count()).select_from(T).where(*where)).scalar_one()
        q = select(T).where(*where).order_by(T.c.seq.desc()).limit(limit).offset(offset)
        return [_entry(r) for r in self.session.execute(q)], total

    def verify(self, *, expected_head: str | None = None) -> tuple[int, list[LogProblem]]:
        entries = list(self.entries())
        return len(entries), verify(entries, expected_head=expected_head)


def _entry(r) -> LogEntry:
    return LogEntry(r.seq, r.at, r.actor, r.action, r.subject, r.payload, r.prev_hash, r.hash)


def log_event(
    session: Session, *, at: datetime, actor: str, action: str, subject: str, payload: Any = None
) -> LogEntry:
    return AuditLog(session).append(at=at, actor=actor, action=action, subject=subject, payload=payload)
