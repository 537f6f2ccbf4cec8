"""The service itself: health, and the audit log (its entries, its verification)."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Query, Request

from songclear.api.auth import ADMIN, REGULATOR, Caller, Principal, require
from songclear.api.pages import Paged, Window
from songclear.api.params import IsoDateTime
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


@router.get("/log", summary="The audit log, newest first, filtered by action and time (admin, regulator)")
def log_entries(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    kind: str | None = Query(
        None, description="Only entries of this action, e.g. takedown, import, claim-received."
    ),
    since: Annotated[
        IsoDateTime | None, Query(description="Only entries at or after this instant (ISO; UTC if naive).")
    ] = None,
    subject: str | None = Query(
        None, description="Only entries about this subject (a track, a claim, a plan)."
    ),
) -> dict:
    """Each entry as ``songclear log show --json`` prints it."""
    from songclear.store.auditlog import AuditLog

    require(who, ADMIN, REGULATOR)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with state(request).db.session() as session:
        entries, total = AuditLog(session).page(
            limit=window.limit, offset=window.offset, action=kind, since=since, subject=subject
        )
    return window.answer([e.as_dict() for e in entries], total)
