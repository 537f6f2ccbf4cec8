"""Metadata links and their review: the queue of uncertain links, one track's proposal with its explanation and
decisions, and a reviewer's accept or reject (who and when recorded, audit-logged, as ``songclear review``)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from songclear.api.auth import RIGHTS_HOLDER, Caller, Principal, require_operator, require_platform
from songclear.api.pages import Paged, Window
from songclear.api.state import state
from songclear.errors import Forbidden
from songclear.store.links import LinkRepository

router = APIRouter(prefix="/platforms/{platform}", tags=["review"])
PLATFORM = Path(..., description="Platform party id, e.g. qq.")
TRACK_ID = Path(..., description="The platform's track id.")


class Verdict(BaseModel):
    note: str = Field("", description="Why (recorded with the decision).")


def _decisions_view(history) -> list[dict]:
    return [
        {"candidate": d.candidate, "decision": d.decision, "by": d.actor, "at": d.decided_at.isoformat()}
        for d in history
    ]


@router.get("/review", summary="Links waiting for a person: proposals in review with no decision since")
def review_queue(request: Request, platform: str = PLATFORM, who: Principal = Caller, window: Window = Paged):
    require_platform(who, platform)
    from songclear.app.review_view import audit_reading

    with state(request).db.session() as session:
        pending = LinkRepository(session).review_queue(platform)
        shown = pending[window.offset : window.offset + window.limit]
        reading = audit_reading(session, shown)
    return window.answer([s.as_dict() | reading[s.platform, s.track_id] for s in shown], len(pending))


@router.get(
    "/links/{track_id}",
    summary="A track's link proposal: every field's evidence, conflicts, alternatives and decisions",
)
def show_link(request: Request, platform: str = PLATFORM, track_id: str = TRACK_ID, who: Principal = Caller):
    if who.role != RIGHTS_HOLDER:  # a rights holder may see the links proposed to its own recordings (below)
        require_platform(who, platform)
    with state(request).db.session() as session:
        repo = LinkRepository(session)
        stored = repo.get(platform, track_id)
        history = repo.decisions(platform).get((platform, track_id), [])
        if who.role == RIGHTS_HOLDER:
            from songclear.store.repository import LedgerRepository

            isrc = stored.link.isrc
            if isrc is None or LedgerRepository(session).get_recording(isrc).owner != who.party:
                raise Forbidden(
                    f"the link of {platform}/{track_id} does not propose a recording of {who.party}"
                )
        from songclear.app.review_view import audit_reading

        reading = audit_reading(session, [stored])[platform, track_id]
    return stored.as_dict() | reading | {"decisions": _decisions_view(history)}


def _decide(request: Request, platform: str, track_id: str, decision: str, who: Principal, note: str) -> dict:
    from songclear.app.linking import decide_review

    require_operator(who, platform)
    st = state(request)
    d = decide_review(st.writer, platform, track_id, decision, actor=who.actor, note=note, at=st.clock())
    return {
        "track": f"{platform}/{track_id}", "candidate": d.candidate, "decision": d.decision, "by": d.actor,
        "at": d.decided_at.isoformat(),
    }  # fmt: skip


@router.post("/links/{track_id}/accept", summary="Accept the proposed link (admin, the platform)")
def accept_link(
    request: Request,
    body: Verdict | None = None,
    platform: str = PLATFORM,
    track_id: str = TRACK_ID,
    who: Principal = Caller,
) -> dict:
    return _decide(request, platform, track_id, "accept", who, body.note if body else "")


@router.post(
    "/links/{track_id}/reject", summary="Reject the proposed link: never proposed again (admin, the platform)"
)
def reject_link(
    request: Request,
    body: Verdict | None = None,
    platform: str = PLATFORM,
    track_id: str = TRACK_ID,
    who: Principal = Caller,
) -> dict:
    return _decide(request, platform, track_id, "reject", who, body.note if body else "")
