"""The home page, the review queue of uncertain metadata links, and the audit log with its verification."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from songclear.api.auth import ADMIN, REGULATOR, require
from songclear.api.state import state
from songclear.errors import InputError, NotFound
from songclear.store.repository import LedgerRepository
from songclear.web.access import may_act_for_platform, may_read_platform, visible_platforms
from songclear.web.render import PREFIX, PageRoute, page, redirect
from songclear.web.session import Viewer, Viewing, Writing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
root = APIRouter(include_in_schema=False)
LOG_LIMIT = 200


@root.get("/")
def to_dashboard():
    return RedirectResponse(f"{PREFIX}/", status_code=307)


@router.get("/")
def home(request: Request, who: Viewer = Viewing):
    st = state(request)
    with st.db.session() as session:
        platforms = visible_platforms(who, LedgerRepository(session).platforms())
    ledger = st.ledger()
    names = {p: ledger.party_name(p) for p in platforms}
    return page(request, "home.html.j2", platforms=platforms, names=names)


@router.get("/platforms/{platform}/review")
def review_queue(request: Request, platform: str, who: Viewer = Viewing):
    """Tracks whose metadata link is uncertain ('review'), those not yet decided first."""
    from songclear.store.links import LinkRepository

    may_read_platform(who, platform)
    with state(request).db.session() as session:
        links = LinkRepository(session)
        current = links.current(platform)
        decided = links.decisions(platform)
        ledger = LedgerRepository(session)
        rows = []
        for (_, track_id), s in sorted(current.items()):
            history = decided.get((platform, track_id), [])
            candidate = s.link.isrc or s.link.work_id
            verdict = next((d for d in reversed(history) if d.candidate == candidate), None)
            if s.link.outcome != "review" and verdict is None:
                continue
            # Only the queue's tracks and candidates are read, not the library and the ledger.
            rows.append(
                {
                    "track_id": track_id, "track": _or_none(ledger.get_track, platform, track_id),
                    "link": s.as_dict(), "verdict": verdict,
                    "title": getattr(_or_none(ledger.get_recording, s.link.isrc), "title", None),
                }
            )  # fmt: skip
        from songclear.app.review_view import audit_reading

        reading = audit_reading(session, [current[platform, r["track_id"]] for r in rows])
    for r in rows:
        r["audit"] = reading[platform, r["track_id"]]
    rows.sort(key=lambda r: (r["verdict"] is not None, r["track_id"]))
    return page(request, "review.html.j2", platform=platform, rows=rows)


@router.post("/platforms/{platform}/review/{track_id}")
def review_decide(
    request: Request,
    platform: str,
    track_id: str,
    decision: str = Form(...),
    note: str = Form(""),
    who: Viewer = Writing,
):
    from songclear.app.linking import decide_review

    may_act_for_platform(who, platform)
    if decision not in ("accept", "reject"):
        raise InputError(f"a review decision is 'accept' or 'reject', not {decision!r}")
    st = state(request)
    v = decide_review(st.db, platform, track_id, decision, actor=who.actor, note=note, at=st.clock())
    return redirect(
        request,
        f"{PREFIX}/platforms/{platform}/review",
        f"{platform}/{track_id}: {v.decision}ed {v.candidate}.",
    )


@router.get("/log")
def audit_log(request: Request, verify: str | None = None, who: Viewer = Viewing):
    """The newest entries of the audit log; with ``verify``, the whole hash chain recomputed."""
    from songclear.store.auditlog import AuditLog

    require(who.principal, ADMIN, REGULATOR)  # as GET /log/verify: the log spans every platform
    with state(request).db.session() as session:
        log = AuditLog(session)
        entries = list(log.entries())
        checked = log.verify() if verify else None
    head = entries[-1].hash if entries else None
    from songclear.web.log_rows import log_row

    return page(
        request, "log.html.j2", entries=[log_row(e) for e in reversed(entries[-LOG_LIMIT:])], total=len(entries),
        head=head,
        checked=checked, limit=LOG_LIMIT,
    )  # fmt: skip


def _or_none(get, *key):
    """``get(*key)``, or None when a key is None or names nothing (a track since removed, an unknown ISRC)."""
    if any(k is None for k in key):
        return None
    try:
        return get(*key)
    except NotFound:
        return None
