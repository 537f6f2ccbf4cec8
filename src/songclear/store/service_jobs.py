"""The service's background jobs (imports, audits, scans, report generation): who started each, its state, its
progress and its result, so a client can poll it and a restarted server knows what it left unfinished.

A job goes queued -> running -> done | failed. ``party`` is the party the starter acts for: a party-bound caller
sees only its party's jobs. Unlike the ledger, these rows are updated in place: they are the service's working
state, not facts (what a job changed in the ledger is logged by the work itself).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from songclear.errors import NotFound
from songclear.store import tables

T = tables.service_jobs
STATES = ("queued", "running", "done", "failed")
INTERRUPTED = "interrupted: the server stopped before the job finished; start it again"


@dataclass(frozen=True, slots=True)
class ServiceJob:
    job_id: str
    kind: str
    actor: str
    role: str
    party: str | None
    params: dict
    state: str
    done: int
    total: int | None
    message: str | None
    result: dict | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def as_dict(self) -> dict:
        return {
            "id": self.job_id, "kind": self.kind, "state": self.state, "actor": self.actor, "role": self.role,
            "party": self.party, "params": self.params,
            "progress": {"done": self.done, "total": self.total, "message": self.message},
            "result": self.result, "error": self.error, "created_at": self.created_at.isoformat(),
            "started_at": _iso(self.started_at), "finished_at": _iso(self.finished_at),
        }  # fmt: skip


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self, *, kind: str, actor: str, role: str, party: str | None, params: dict, now: datetime
    ) -> ServiceJob:
        job_id = secrets.token_hex(8)
        self.session.execute(
            insert(T).values(
                job_id=job_id, kind=kind, actor=actor, role=role, party=party,
                params=json.dumps(params, ensure_ascii=False, sort_keys=True, default=str), state="queued",
                done=0, total=None, created_at=now,
            )
        )  # fmt: skip
        return self.get(job_id)

    def get(self, job_id: str) -> ServiceJob:
        row = self.session.execute(select(T).where(T.c.job_id == job_id)).first()
        if row is None:
            raise NotFound(f"no job {job_id!r}")
        return _job(row)

    def page(
        self, *, party: str | None = None, kind: str | None = None, state: str | None = None,
        limit: int = 100, offset: int = 0,
    ) -> tuple[list[ServiceJob], int]:  # fmt: skip
        """Newest first; ``party``: only the jobs started for that party."""
        where = []
        if party is not None:
            where.append(T.c.party == party)
        if kind is not None:
            where.append(T.c.kind == kind)
        if state is not None:
            where.append(T.c.state == state)
        total = self.session.execute(select(func.count()).select_from(T).where(*where)).scalar_one()
        q = select(T).where(*where).order_by(T.c.id.desc()).limit(limit).offset(offset)
        return [_job(r) for r in self.session.execute(q)], total

    def start(self, job_id: str, *, now: datetime) -> None:
        self._set(job_id, state="running", started_at=now)

    def progress(self, job_id: str, *, done: int, total: int | None, message: str | None) -> None:
        self._set(job_id, done=done, total=total, message=message)

    def finish(self, job_id: str, result: dict, *, now: datetime) -> None:
        text = json.dumps(result, ensure_ascii=False, sort_keys=True, default=str)
        self._set(job_id, state="done", result=text, finished_at=now)

    def fail(self, job_id: str, error: str, *, now: datetime) -> None:
        self._set(job_id, state="failed", error=error, finished_at=now)

    def interrupt_unfinished(self, *, now: datetime) -> int:
        """Mark the jobs a stopped server left queued or running as failed; returns how many."""
        done = self.session.execute(
            update(T)
            .where(T.c.state.in_(("queued", "running")))
            .values(state="failed", error=INTERRUPTED, finished_at=now)
        )
        return done.rowcount or 0

    def _set(self, job_id: str, **values) -> None:
        if not self.session.execute(update(T).where(T.c.job_id == job_id).values(**values)).rowcount:
            raise NotFound(f"no job {job_id!r}")


def _job(r) -> ServiceJob:
    return ServiceJob(
        r.job_id, r.kind, r.actor, r.role, r.party, json.loads(r.params), r.state, r.done, r.total, r.message,
        json.loads(r.result) if r.result is not None else None, r.error, r.created_at, r.started_at,
        r.finished_at,
    )  # fmt: skip
