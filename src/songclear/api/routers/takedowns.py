"""Takedowns and reinstatements of one platform (as ``songclear takedown plan|apply|undo|list`` and
``songclear reinstate``): reading is for admin, the regulator and the platform; acting for admin and the platform."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from songclear.api.auth import Caller, Principal, require_operator, require_platform
from songclear.api.pages import Paged, Window
from songclear.api.params import IsoDate
from songclear.api.state import state
from songclear.errors import NotFound

router = APIRouter(prefix="/platforms/{platform}", tags=["takedowns"])
PLATFORM = Path(..., description="Platform party id, e.g. qq.")
PLAN_ID = Path(..., description="The plan's id.")
AtDay = Annotated[IsoDate, Query(description="Day judged (YYYY-MM-DD, read in Asia/Shanghai).")]


class PlanRequest(BaseModel):
    at: IsoDate = Field(description="Day audited (YYYY-MM-DD, read in Asia/Shanghai).")
    notice: str | None = Field(None, description="The regulator notice the takedowns answer.")
    geo_block: list[str] = Field([], description="Geo-block these territories instead of removing.")
    disable_use: str | None = Field(None, description="Disable only this use, e.g. PermanentDownload.")
    territory: str = "CN"
    use: str = "Stream"


class UndoRequest(BaseModel):
    actions: list[str] = Field(min_length=1, description="Ids of the actions to lift.")
    reason: str = Field(description="Why (recorded with who and when).")


class ReinstateRequest(BaseModel):
    at: IsoDate = Field(description="Day judged (YYYY-MM-DD, read in Asia/Shanghai).")
    territory: str = "CN"
    use: str = "Stream"


def _plan_view(plan, platform: str, day: date, status: str, **extra) -> dict:
    from songclear.store.takedowns import action_to_dict

    return {
        "plan": plan.id, "platform": platform, "day": day.isoformat(), "status": status, **extra,
        "notice": plan.notice, "actions": [action_to_dict(a) for a in plan.actions],
        "deferred": [{"track": d.track, "status": d.status.value, "detail": d.detail} for d in plan.deferred],
    }  # fmt: skip


@router.post(
    "/takedowns/plans", status_code=201, summary="Plan the takedowns of the uncleared live tracks on a day"
)
def plan_takedowns(
    request: Request, body: PlanRequest, platform: str = PLATFORM, who: Principal = Caller
) -> dict:
    from songclear.app.audit import make_query
    from songclear.app.enforcement import plan
    from songclear.domain.territory import normalise_code
    from songclear.domain.vocabulary import normalise_use

    require_operator(who, platform)
    st = state(request)
    disable = normalise_use(body.disable_use) if body.disable_use else None
    p, new = plan(
        st.writer, platform=platform, day=body.at, query=make_query(body.at, territory=body.territory, use=disable or body.use),
        now=st.clock(), actor=who.actor, notice=body.notice, territories=[normalise_code(t) for t in body.geo_block],
        use=disable,
    )  # fmt: skip
    return _plan_view(p, platform, body.at, "planned", new=new)


def _stored_plan(request: Request, platform: str, plan_id: str):
    from songclear.store.takedowns import TakedownRepository

    with state(request).db.session() as session:
        stored = TakedownRepository(session).get_plan(plan_id)
    if stored.platform != platform:
        raise NotFound(f"no takedown plan {plan_id!r} on {platform}")
    return stored


@router.get(
    "/takedowns/plans/{plan_id}", summary="A stored takedown plan: its actions, deferred tracks, status"
)
def get_plan(
    request: Request, platform: str = PLATFORM, plan_id: str = PLAN_ID, who: Principal = Caller
) -> dict:
    require_platform(who, platform)
    s = _stored_plan(request, platform, plan_id)
    applied = {"applied_at": s.applied_at.isoformat() if s.applied_at else None, "applied_by": s.applied_by}
    return _plan_view(s.plan, platform, s.day, s.status, **applied)


@router.post("/takedowns/plans/{plan_id}/apply", summary="Apply a plan in one transaction (idempotent)")
def apply_plan(
    request: Request, platform: str = PLATFORM, plan_id: str = PLAN_ID, who: Principal = Caller
) -> dict:
    from songclear.app.enforcement import apply_plan as apply

    require_operator(who, platform)
    _stored_plan(request, platform, plan_id)
    st = state(request)
    report, _ = apply(st.writer, plan_id, now=st.clock(), actor=who.actor)
    return {"plan": plan_id, "platform": platform, "status": "applied"} | report.as_dict()


@router.get("/takedowns", summary="The takedown actions in force (or every action, with undone ones)")
def list_takedowns(
    request: Request,
    platform: str = PLATFORM,
    who: Principal = Caller,
    window: Window = Paged,
    undone: bool = Query(False, description="Include the actions undone since."),
) -> dict:
    from songclear.store.takedowns import TakedownRepository

    require_platform(who, platform)
    with state(request).db.session() as session:
        stored = TakedownRepository(session).actions(platform)
    return window.of([s for s in stored if undone or s.undo is None], lambda s: s.as_dict())


@router.post(
    "/takedowns/undo", summary="Lift takedown actions (each undo is its own record, with who and why)"
)
def undo_takedowns(
    request: Request, body: UndoRequest, platform: str = PLATFORM, who: Principal = Caller
) -> dict:
    from songclear.app.enforcement import undo
    from songclear.store.takedowns import TakedownRepository

    require_operator(who, platform)
    st = state(request)
    with st.db.session() as session:
        own = {s.action.id for s in TakedownRepository(session).actions(platform)}
    foreign = [a for a in body.actions if a not in own]
    if foreign:
        raise NotFound(f"no takedown action {', '.join(foreign)} on {platform}")
    r = undo(st.writer, body.actions, reason=body.reason, now=st.clock(), actor=who.actor)
    return {
        "undone": [
            {
                "action": u.action_id,
                "track": u.track,
                "by": u.actor,
                "at": u.at.isoformat(),
                "reason": u.reason,
            }
            for u in r.undone
        ],
        "reinstated": list(r.reinstated),
        "still_down": list(r.still_down),
    }


def _reinstatement(
    request: Request, platform: str, day: date, territory: str, use: str, who: Principal, apply: bool
):
    from songclear.app.audit import make_query
    from songclear.app.enforcement import reinstate

    st = state(request)
    r = reinstate(
        st.writer if apply else st.db, platform=platform, day=day, query=make_query(day, territory=territory, use=use), now=st.clock(),
        actor=who.actor, apply=apply,
    )  # fmt: skip
    view = r.as_dict()
    view["day"] = r.day.isoformat()
    return view


@router.get(
    "/reinstatements", summary="Taken-down tracks whose decision now clears them, with the proving chains"
)
def reinstatement_list(
    request: Request,
    *,
    platform: str = PLATFORM,
    who: Principal = Caller,
    window: Window = Paged,
    at: AtDay,
    territory: str = Query("CN", description="ISO 3166 code the decisions are asked for."),
    use: str = Query("Stream", description="DDEX UseType the decisions are asked for."),
) -> dict:
    require_platform(who, platform)
    view = _reinstatement(request, platform, at, territory, use, who, apply=False)
    return {"platform": platform, "day": view["day"], "candidates": window.of(view["candidates"])}


@router.post("/reinstatements", summary="Reinstate the cleared tracks (undo their decision-based actions)")
def reinstate_tracks(
    request: Request, body: ReinstateRequest, platform: str = PLATFORM, who: Principal = Caller
):
    require_operator(who, platform)
    return _reinstatement(request, platform, body.at, body.territory, body.use, who, apply=True)
