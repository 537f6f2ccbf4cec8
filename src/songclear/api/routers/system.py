"""The service itself: health, and the audit log's verification."""

from __future__ import annotations

from fastapi import APIRouter, Request

from songclear.api.auth import ADMIN, REGULATOR, Caller, Principal, require
from songclear.api.state import state
from songclear.errors import StorageError

router = APIRouter(tags=["system"])


@router.get("/health", summary="Is the service up and its database at the newest schema? (no token needed)")
def health(request: Request) -> dict:
    db = state(request).db
    revision, head = db.revision(), db.head()
    if revision != head:
        raise StorageError(
            f"database schema at {revision or 'none'}, expected {head}: run `songclear db upgrade`"
        )
    return {"status": "ok", "schema": revision, "demo": state(request).demo}


@router.get("/log/verify", summary="Recompute the audit log's hash chain (admin, regulator)")
def log_verify(request: Request, who: Principal = Caller) -> dict:
    from songclear.store.auditlog import AuditLog

    require(who, ADMIN, REGULATOR)
    with state(request).db.session() as session:
        log = AuditLog(session)
        count, problems = log.verify()
        newest = log.head()
    return {
        "entries": count,
        "head": newest.hash if newest else None,
        "ok": not problems,
        "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in problems],
    }
