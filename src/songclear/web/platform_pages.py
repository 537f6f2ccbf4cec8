"""A platform's pages: the overview (an audit at a day), the takedown queue with plan/apply/undo, reinstatement."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Form, Request

from songclear.api.state import state
from songclear.app.audit import make_query, run_audit
from songclear.domain.decision import Status
from songclear.errors import InputError, NotFound
from songclear.reports.chart import timeline_svg
from songclear.store.repository import LedgerRepository
from songclear.store.takedowns import TakedownRepository
from songclear.web.access import may_act_for_platform, may_read_platform, parse_day, today
from songclear.web.render import PREFIX, PageRoute, page, redirect
from songclear.web.session import Viewer, Viewing, Writing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
PAGE = 50  # decisions per page
EXPOSURE_DEFAULT_DAYS = 91  # without a notice: the quarter before the day


def _day(request: Request, at: str | None) -> date:
    st = state(request)
    return parse_day(at, today(st.clock(), st.demo))


def _exposure(db, platform: str, notices, day: date):
    from songclear.app.exposure import exposure_report

    start = min((n.issued for n in notices), default=day - timedelta(days=EXPOSURE_DEFAULT_DAYS))
    if start >= day:
        return None
    return exposure_report(db, platform=platform, start=start, end=day)


@router.get("/platforms/{platform}")
def overview(
    request: Request,
    platform: str,
    at: str | None = None,
    status: str | None = None,
    offset: int = 0,
    who: Viewer = Viewing,
):
    """The audit of the library at a day: counts, status over time around the notices, lapses, exposure."""
    from markupsafe import Markup

    may_read_platform(who, platform)
    day = _day(request, at)
    if status is not None and status not in {s.value for s in Status}:
        raise InputError(f"unknown status {status!r}")
    st = state(request)
    with st.db.session() as session:
        run = run_audit(
            LedgerRepository(session), platform=platform, day=day, query=make_query(day), ledger=st.ledger()
        )
    exposure = _exposure(st.db, platform, run.notices, day)
    shown = [d for d in run.decisions if status is None or d.status.value == status]
    offset = max(0, offset)
    return page(
        request, "overview.html.j2", run=run, day=day, platform=platform, status=status,
        counts={s.value: run.summary.counts.get(s, 0) for s in Status},
        chart=Markup(timeline_svg(run.timeline, run.notices)),  # chart.py escapes every text node itself
        lapsing=run.summary.lapsing[:10], exposure=exposure,
        decisions=shown[offset : offset + PAGE], shown=len(shown), offset=offset, size=PAGE,
    )  # fmt: skip


@router.get("/platforms/{platform}/takedowns")
def takedowns(request: Request, platform: str, who: Viewer = Viewing):
    """The takedown queue: the plans (planned, applied), the actions in force (to undo), a form to plan."""
    may_read_platform(who, platform)
    st = state(request)
    with st.db.session() as session:
        repo = LedgerRepository(session)
        if platform not in repo.platforms():
            raise NotFound(f"platform {platform!r} has no library tracks")
        notices = [n for n in st.ledger().notices.values() if n.applies_to(platform, "CN")]
        plans = TakedownRepository(session).plans(platform)
        actions = [s for s in TakedownRepository(session).actions(platform) if s.undo is None]
        titles = {t.key: t.title for t in repo.iter_tracks(platform)}
    return page(
        request, "takedowns.html.j2", platform=platform, plans=plans, actions=actions, titles=titles,
        notices=notices, day=_day(request, None),
    )  # fmt: skip


@router.post("/platforms/{platform}/takedowns/plan")
def plan_takedowns(
    request: Request, platform: str, at: str = Form(""), notice: str = Form(""), who: Viewer = Writing
):
    from songclear.app.enforcement import plan

    may_act_for_platform(who, platform)
    day = _day(request, at)
    st = state(request)
    p, new = plan(
        st.db, platform=platform, day=day, query=make_query(day), now=st.clock(), actor=who.actor,
        notice=notice or None,
    )  # fmt: skip
    said = "Planned" if new else "The same plan was made before"
    return redirect(
        request,
        f"{PREFIX}/takedowns/plans/{p.id}",
        f"{said}: {len(p.actions)} actions, {len(p.deferred)} deferred.",
    )


@router.get("/takedowns/plans/{plan_id}")
def plan_page(request: Request, plan_id: str, who: Viewer = Viewing):
    with state(request).db.session() as session:
        stored = TakedownRepository(session).get_plan(plan_id)
        may_read_platform(who, stored.platform)
        titles = {t.key: t.title for t in LedgerRepository(session).iter_tracks(stored.platform)}
    return page(request, "plan.html.j2", stored=stored, titles=titles)


@router.post("/takedowns/plans/{plan_id}/apply")
def apply(request: Request, plan_id: str, who: Viewer = Writing):
    from songclear.app.enforcement import apply_plan

    st = state(request)
    with st.db.session() as session:
        may_act_for_platform(who, TakedownRepository(session).get_plan(plan_id).platform)
    report, platform = apply_plan(st.db, plan_id, now=st.clock(), actor=who.actor)
    return redirect(
        request,
        f"{PREFIX}/platforms/{platform}/takedowns",
        f"Applied plan {plan_id}: {len(report.applied)} actions put in force, {len(report.taken_down)} tracks "
        f"taken down, {len(report.skipped)} skipped.",
    )


@router.post("/platforms/{platform}/takedowns/undo")
def undo(
    request: Request,
    platform: str,
    action: list[str] = Form([]),
    reason: str = Form(""),
    who: Viewer = Writing,
):
    from songclear.app.enforcement import in_force
    from songclear.app.enforcement import undo as undo_actions

    may_act_for_platform(who, platform)
    if not action:
        raise InputError("tick the actions to undo")
    st = state(request)
    ours = {s.action.id for s in in_force(st.db, platform)}
    foreign = [a for a in action if a not in ours]
    if foreign:
        raise NotFound(f"no action in force on {platform}: {', '.join(foreign)}")
    result = undo_actions(st.db, action, reason=reason, now=st.clock(), actor=who.actor)
    return redirect(
        request,
        f"{PREFIX}/platforms/{platform}/takedowns",
        f"Undid {len(result.undone)} actions; live again: {', '.join(result.reinstated) or 'none'}.",
    )


@router.get("/platforms/{platform}/reinstate")
def reinstatement_list(request: Request, platform: str, at: str | None = None, who: Viewer = Viewing):
    """Tracks that are down and that the ledger now clears, with the chains that prove it."""
    from songclear.app.enforcement import reinstate

    may_read_platform(who, platform)
    day = _day(request, at)
    st = state(request)
    found = reinstate(
        st.db, platform=platform, day=day, query=make_query(day), now=st.clock(), actor=who.actor, apply=False
    )
    return page(request, "reinstate.html.j2", platform=platform, day=day, found=found)


@router.post("/platforms/{platform}/reinstate")
def reinstate_apply(request: Request, platform: str, at: str = Form(""), who: Viewer = Writing):
    from songclear.app.enforcement import reinstate

    may_act_for_platform(who, platform)
    day = _day(request, at)
    st = state(request)
    done = reinstate(
        st.db, platform=platform, day=day, query=make_query(day), now=st.clock(), actor=who.actor, apply=True
    )
    back = done.applied.reinstated if done.applied else []
    return redirect(
        request,
        f"{PREFIX}/platforms/{platform}/reinstate?at={day}",
        f"Reinstated {len(back)} tracks: {', '.join(back) or 'none'}.",
    )
