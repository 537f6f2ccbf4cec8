"""Takedown use cases: plan from the audit, apply atomically, undo, list; reinstate; re-audit after a change.

Every state change and its audit-log entries are written in one transaction (a write session): a failure part way
leaves no action, no availability change and no log entry of the run. The time of each step (``now``) is passed
in: the CLI passes the clock, the demo its story's dates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from songclear.app.availability import action_spans
from songclear.app.reaudit import Reaudit, reaudit  # noqa: F401 - re-audit after a change (its own module)
from songclear.domain.catalogue import Availability
from songclear.domain.decision import ClearanceDecision
from songclear.domain.enforcement.availability import unavailable_at
from songclear.domain.enforcement.takedown import (
    ReasonKind,
    TakedownAction,
    TakedownPlan,
    UndoResult,
    apply_actions,
    plan_takedowns,
    reinstatement_list,
    undo_actions,
)
from songclear.errors import InputError, NotFound, StorageError
from songclear.store.auditlog import log_event
from songclear.store.database import write_session
from songclear.store.takedowns import StoredAction, TakedownRepository, action_to_dict


def decisions_at(repo, platform: str, day: date, query, *, known_at: datetime | None = None) -> dict:
    """The platform's decisions on ``day`` (no timeline), by track key."""
    from songclear.app.audit import run_audit

    run = run_audit(repo, platform=platform, day=day, query=query, known_at=known_at, with_timeline=False)
    return {d.track: d for d in run.decisions}, run.tracks


def plan(
    db, *, platform: str, day: date, query, now: datetime, actor: str, notice: str | None = None,
    territories: Iterable[str] = (), use: str | None = None,
) -> tuple[TakedownPlan, bool]:  # fmt: skip
    """Plan the takedowns of ``platform``'s uncleared live tracks on ``day`` and store the plan ('planned').
    Returns the plan and whether it is new (the same actions planned at the same time are one plan)."""
    from songclear.store.repository import LedgerRepository

    with write_session(db) as session:
        repo = LedgerRepository(session)
        decisions, tracks = decisions_at(repo, platform, day, query)
        found = None
        if notice is not None:
            found = repo.load_ledger().notices.get(notice)
            if found is None:
                raise NotFound(f"no notice {notice!r} in the ledger")
        blocked = unavailable_at(action_spans(session, platform), now, query.territory, query.use)
        p = plan_takedowns(
            decisions.values(), tracks, at=now, actor=actor, notice=found, territories=territories, use=use,
            unavailable=blocked,
        )  # fmt: skip
        new = TakedownRepository(session).save_plan(p, platform=platform, day=day)
        if new:
            log_event(
                session, at=now, actor=actor, action="takedown-plan", subject=p.id,
                payload={"platform": platform, "day": day, "notice": notice, "actions": [a.id for a in p.actions],
                         "deferred": [d.track for d in p.deferred]},
            )  # fmt: skip
    return p, new


@dataclass(slots=True)
class ApplyReport:
    applied: list[TakedownAction] = field(default_factory=list)
    skipped: list[TakedownAction] = field(default_factory=list)  # in force already, or undone since
    taken_down: list[str] = field(default_factory=list)  # tracks that went from live to taken down
    restricted: list[str] = field(default_factory=list)  # tracks newly geo-blocked or with a use disabled
    stale: list[TakedownAction] = field(default_factory=list)  # its track was taken down or put back since

    def as_dict(self) -> dict:
        return {
            "applied": [action_to_dict(a) for a in self.applied],
            "skipped": [a.id for a in self.skipped],
            "stale": [a.id for a in self.stale],
            "taken_down": self.taken_down,
            "restricted": self.restricted,
        }


def put_in_force(
    session, actions: Iterable[TakedownAction], *, now: datetime, actor: str, plan_id: str | None = None,
    claim_id: str | None = None, planned_at: datetime | None = None,
) -> ApplyReport:  # fmt: skip
    """Inside the caller's transaction: store the actions not stored yet, take down the tracks they remove
    (a new LibraryTrack version, recorded at ``now``), log each action. ``planned_at``: when the actions were
    planned; an action whose track was taken down or put back after that is stale and not applied (a plan made
    before an undo must not put the takedown back)."""
    actions = list(actions)
    repo = TakedownRepository(session)
    stored = repo.stored_ids(a.id for a in actions)
    fresh = [a for a in actions if a.id not in stored]  # an action undone since is not put back by its plan
    stale: list[TakedownAction] = []
    if planned_at is not None and fresh:
        moved = _changed_since(repo, {a.track.split("/", 1)[0] for a in fresh}, planned_at)
        stale = [a for a in fresh if a.track in moved]
        fresh = [a for a in fresh if a.track not in moved]
    result = apply_actions(repo.state(), fresh)
    report = ApplyReport(list(result.applied), [a for a in actions if a.id in stored] + list(result.skipped))
    report.stale = stale
    repo.insert_actions(result.applied, applied_at=now, applied_by=actor, plan_id=plan_id, claim_id=claim_id)
    report.taken_down, report.restricted = list(result.taken_down), list(result.restricted)
    set_availability(session, result.taken_down, Availability.TAKEN_DOWN, now)
    for a in result.applied:
        log_event(
            session, at=now, actor=actor, action="takedown", subject=a.track,
            payload=action_to_dict(a) | {"plan": plan_id, "claim": claim_id},
        )  # fmt: skip
    return report


def _changed_since(repo: TakedownRepository, platforms: set[str], at: datetime) -> set[str]:
    """Tracks of ``platforms`` on which an action was applied or undone after ``at``."""
    out: set[str] = set()
    for platform in platforms:
        for s in repo.actions(platform):
            if s.applied_at > at or (s.undo is not None and s.undo.at > at):
                out.add(s.action.track)
    return out


def apply_plan(db, plan_id: str, *, now: datetime, actor: str) -> tuple[ApplyReport, str]:
    """Apply a stored plan in one transaction. Idempotent: a second run applies nothing. Returns the report and
    the plan's platform."""
    try:
        with write_session(db) as session:
            repo = TakedownRepository(session)
            stored = repo.get_plan(plan_id)
            report = put_in_force(
                session, stored.plan.actions, now=now, actor=actor, plan_id=plan_id, planned_at=stored.plan.at
            )
            if stored.applied_at is None:
                repo.mark_applied(plan_id, at=now, actor=actor)
                log_event(
                    session, at=now, actor=actor, action="takedown-plan-applied", subject=plan_id,
                    payload={
                        "applied": len(report.applied), "skipped": len(report.skipped), "stale": len(report.stale),
                    },
                )  # fmt: skip
    except IntegrityError as e:  # another apply of the same actions committed first
        raise StorageError(f"plan {plan_id} was applied concurrently; run it again to see the result") from e
    return report, stored.platform


def set_availability(session, keys: Iterable[str], availability: Availability, now: datetime) -> None:
    from songclear.store.repository import LedgerRepository

    repo = LedgerRepository(session)
    changed = []
    for key in keys:
        platform, track_id = key.split("/", 1)
        track = repo.get_track(platform, track_id)
        if track.availability is not availability:
            changed.append(dataclasses.replace(track, availability=availability))
    if changed:
        repo.record(changed, recorded_at=now)


def lift(session, result: UndoResult, *, now: datetime, actor: str, action: str = "takedown-undo") -> None:
    """Inside the caller's transaction: store the undos, put reinstated tracks back live, log each undo."""
    TakedownRepository(session).insert_undos(result.undone)
    set_availability(session, result.reinstated, Availability.LIVE, now)
    for u in result.undone:
        log_event(
            session, at=now, actor=actor, action=action, subject=u.track,
            payload={"action": u.action_id, "reason": u.reason, "live": u.track in result.reinstated},
        )  # fmt: skip


def lift_claim_takedowns(
    session, claim_id: str, platform: str, *, reason: str, now: datetime, actor: str, action: str
) -> tuple[list[str], UndoResult]:
    """Inside the caller's transaction: lift the removals a claim caused that are still in force (a restore after
    a counter-notice, a withdrawal). Returns their action ids and the undo; a track another removal holds stays down."""
    takedowns = TakedownRepository(session)
    ids = [
        s.action.id for s in takedowns.actions(platform)
        if s.claim_id == claim_id and s.undo is None and s.action.reason.kind is ReasonKind.CLAIM
    ]  # fmt: skip
    result = undo_actions(takedowns.state(), ids, at=now, actor=actor, reason=reason)
    lift(session, result, now=now, actor=actor, action=action)
    return ids, result


def undo(db, action_ids: list[str], *, reason: str, now: datetime, actor: str) -> UndoResult:
    """Lift the given actions (never deleted: each undo is a row of its own); tracks no removal keeps down go live."""
    if not reason.strip():
        raise InputError("an undo needs a reason (--reason)")
    with write_session(db) as session:
        repo = TakedownRepository(session)
        known = {s.action.id: s for s in repo.actions()}
        unknown = [i for i in action_ids if i not in known]
        if unknown:
            raise NotFound(f"no takedown action {', '.join(unknown)}")
        result = undo_actions(repo.state(), action_ids, at=now, actor=actor, reason=reason)
        lift(session, result, now=now, actor=actor)
    return result


def in_force(db, platform: str) -> list[StoredAction]:
    with db.session() as session:
        return [s for s in TakedownRepository(session).actions(platform) if s.undo is None]


@dataclass(slots=True)
class Reinstatement:
    platform: str
    day: date
    candidates: list = field(default_factory=list)  # takedown.ReinstatementCandidate
    chains: dict[str, list[list[str]]] = field(
        default_factory=dict
    )  # track -> the grant chains that clear it
    applied: UndoResult | None = None

    def as_dict(self) -> dict:
        return {
            "platform": self.platform,
            "day": self.day,
            "candidates": [
                {
                    "track": c.track, "before": c.before.value if c.before else None, "after": c.after.value,
                    "proof": c.proof, "chains": self.chains.get(c.track, []), "lift": list(c.lift),
                    "blocked_by": list(c.blocked_by),
                }
                for c in self.candidates
            ],
            "reinstated": list(self.applied.reinstated) if self.applied else [],
            "still_down": list(self.applied.still_down) if self.applied else [],
        }  # fmt: skip


def reinstate(
    db, *, platform: str, day: date, query, now: datetime, actor: str, apply: bool
) -> Reinstatement:
    """Restricted tracks of ``platform`` whose decision on ``day`` (as known now) clears them, with the chains
    that prove it; ``apply``: lift their decision-based actions (claim actions stay: ``blocked_by``)."""
    from songclear.store.repository import LedgerRepository

    with write_session(db) if apply else db.session() as session:
        repo = LedgerRepository(session)
        takedowns = TakedownRepository(session)
        stored = [s for s in takedowns.actions(platform) if s.undo is None]
        state = takedowns.state(platform)
        out = Reinstatement(platform, day)
        if not stored:
            return out
        now_decisions, _ = decisions_at(repo, platform, day, query)
        # 'before' is the status each track was taken down with, which its actions keep.
        out.candidates = reinstatement_list({}, now_decisions, state)
        out.chains = {c.track: _chains(now_decisions[c.track]) for c in out.candidates}
        if apply and out.candidates:
            result = None
            for c in out.candidates:
                reason = f"cleared by a new decision: {c.proof}"
                step = undo_actions(state, c.lift, at=now, actor=actor, reason=reason)
                state = step.state
                result = step if result is None else _merge(result, step)
            out.applied = result
            lift(session, result, now=now, actor=actor, action="reinstate")
    return out


def _chains(d: ClearanceDecision) -> list[list[str]]:
    return [list(c.grant_ids) for c in d.chains]


def _merge(a: UndoResult, b: UndoResult) -> UndoResult:
    return UndoResult(b.state, a.undone + b.undone, a.reinstated + b.reinstated, a.still_down + b.still_down)
