"""Takedown plans, the actions put in force and their undos.

Append-only: an action, once stored, stays; undoing it is a row of its own in ``takedown_undos``, and the state of
a platform's tracks is rebuilt from both (``takedown.state_from_history``). The unique action id makes a second
insert of the same action fail rather than duplicate it; ``TakedownRepository.apply`` checks first, so a second
apply simply finds nothing to do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from songclear.domain.decision import Status
from songclear.domain.enforcement.auditlog import canonical_json
from songclear.domain.enforcement.takedown import (
    ActionKind,
    Deferred,
    ReasonKind,
    TakedownAction,
    TakedownPlan,
    TakedownReason,
    TrackState,
    Undo,
    state_from_history,
)
from songclear.errors import NotFound
from songclear.store import tables

P, A, U = tables.takedown_plans, tables.takedown_actions, tables.takedown_undos


def action_to_dict(a: TakedownAction) -> dict:
    r = a.reason
    return {
        "id": a.id, "track": a.track, "kind": a.kind.value, "territories": sorted(a.territories), "use": a.use,
        "reason": {
            "kind": r.kind.value, "ref": r.ref, "detail": r.detail, "codes": list(r.codes),
            "grants": list(r.grants), "notice": r.notice, "status": r.status.value if r.status else None,
        },
        "actor": a.actor, "at": a.at.isoformat(),
    }  # fmt: skip


def action_from_dict(d: dict) -> TakedownAction:
    r = d["reason"]
    reason = _reason(r)
    return TakedownAction(
        d["id"], d["track"], ActionKind(d["kind"]), reason, d["actor"], datetime.fromisoformat(d["at"]),
        frozenset(d["territories"]), d["use"],
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class StoredPlan:
    plan: TakedownPlan
    platform: str
    day: date
    applied_at: datetime | None
    applied_by: str | None

    @property
    def status(self) -> str:
        return "applied" if self.applied_at is not None else "planned"


@dataclass(frozen=True, slots=True)
class StoredAction:
    action: TakedownAction
    platform: str
    plan_id: str | None
    claim_id: str | None
    applied_at: datetime
    applied_by: str
    undo: Undo | None

    def as_dict(self) -> dict:
        out = action_to_dict(self.action) | {
            "platform": self.platform, "plan": self.plan_id, "claim": self.claim_id,
            "applied_at": self.applied_at.isoformat(), "applied_by": self.applied_by,
        }  # fmt: skip
        if self.undo is not None:
            u = self.undo
            out["undone"] = {"at": u.at.isoformat(), "by": u.actor, "reason": u.reason}
        else:
            out["undone"] = None
        return out


class TakedownRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- plans ------------------------------------------------------------------------------------------------

    def save_plan(self, plan: TakedownPlan, *, platform: str, day: date) -> bool:
        """Store ``plan`` (its id is a hash of its actions); False when a plan with that id is already stored."""
        if self.session.execute(select(P.c.id).where(P.c.plan_id == plan.id)).first() is not None:
            return False
        deferred = [{"track": d.track, "status": d.status.value, "detail": d.detail} for d in plan.deferred]
        self.session.execute(
            insert(P).values(
                plan_id=plan.id, platform=platform, day=day, notice=plan.notice, actor=plan.actor, at=plan.at,
                actions=canonical_json([action_to_dict(a) for a in plan.actions]),
                deferred=canonical_json(deferred),
            )
        )  # fmt: skip
        return True

    def get_plan(self, plan_id: str) -> StoredPlan:
        row = self.session.execute(select(P).where(P.c.plan_id == plan_id)).first()
        if row is None:
            raise NotFound(f"no takedown plan {plan_id!r}: make one with 'songclear takedown plan'")
        actions = tuple(action_from_dict(d) for d in json.loads(row.actions))
        deferred = tuple(
            Deferred(d["track"], Status(d["status"]), d["detail"]) for d in json.loads(row.deferred)
        )
        plan = TakedownPlan(row.plan_id, row.at, row.actor, actions, deferred, row.notice)
        return StoredPlan(plan, row.platform, row.day, row.applied_at, row.applied_by)

    def plans(self, platform: str) -> list[StoredPlan]:
        """The platform's stored plans, newest first."""
        rows = self.session.execute(
            select(P.c.plan_id).where(P.c.platform == platform).order_by(P.c.id.desc())
        )
        return [self.get_plan(r.plan_id) for r in rows.all()]

    def mark_applied(self, plan_id: str, *, at: datetime, actor: str) -> None:
        self.session.execute(
            update(P)
            .where(P.c.plan_id == plan_id, P.c.applied_at.is_(None))
            .values(applied_at=at, applied_by=actor)
        )

    # -- actions ----------------------------------------------------------------------------------------------

    def actions(self, platform: str | None = None, *, known_at: datetime | None = None) -> list[StoredAction]:
        """Every stored action (in force or undone), oldest first; ``known_at``: as applied and undone by then."""
        q = select(A).order_by(A.c.id)
        if platform is not None:
            q = q.where(A.c.platform == platform)
        if known_at is not None:
            q = q.where(A.c.applied_at <= known_at)
        undos = self.undos(known_at=known_at)
        out = []
        for r in self.session.execute(q):
            a = TakedownAction(
                r.action_id, r.track, ActionKind(r.kind), _reason(json.loads(r.reason)), r.actor, r.at,
                frozenset(json.loads(r.territories)), r.use,
            )  # fmt: skip
            out.append(
                StoredAction(
                    a, r.platform, r.plan_id, r.claim_id, r.applied_at, r.applied_by, undos.get(a.id)
                )
            )
        return out

    def undos(self, *, known_at: datetime | None = None) -> dict[str, Undo]:
        q = select(U)
        if known_at is not None:
            q = q.where(U.c.at <= known_at)
        return {
            r.action_id: Undo(r.action_id, r.track, r.actor, r.at, r.reason) for r in self.session.execute(q)
        }

    def state(self, platform: str | None = None) -> dict[str, TrackState]:
        """The tracks' state now: the actions in force on each restricted track."""
        stored = self.actions(platform)
        return state_from_history((s.action for s in stored), (s.action.id for s in stored if s.undo))

    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(set(ids))
        found: set[str] = set()
        for i in range(0, len(wanted), 5000):
            chunk = wanted[i : i + 5000]
            found |= set(
                self.session.execute(select(A.c.action_id).where(A.c.action_id.in_(chunk))).scalars()
            )
        return found

    def insert_actions(
        self, actions: Iterable[TakedownAction], *, applied_at: datetime, applied_by: str,
        plan_id: str | None = None, claim_id: str | None = None,
    ) -> None:  # fmt: skip
        rows = [
            {
                "action_id": a.id, "platform": a.track.split("/", 1)[0], "track": a.track, "kind": a.kind.value,
                "territories": canonical_json(sorted(a.territories)), "use": a.use,
                "reason": canonical_json(action_to_dict(a)["reason"]), "actor": a.actor, "at": a.at,
                "plan_id": plan_id, "claim_id": claim_id, "applied_at": applied_at, "applied_by": applied_by,
            }
            for a in actions
        ]  # fmt: skip
        if rows:
            self.session.execute(insert(A), rows)

    def insert_undos(self, undos: Iterable[Undo]) -> None:
        rows = [
            {"action_id": u.action_id, "track": u.track, "actor": u.actor, "at": u.at, "reason": u.reason}
            for u in undos
        ]
        if rows:
            self.session.execute(insert(U), rows)


def _reason(r: dict) -> TakedownReason:
    status = Status(r["status"]) if r.get("status") else None  # absent from actions stored before it was kept
    return TakedownReason(
        ReasonKind(r["kind"]),
        r["ref"],
        r["detail"],
        tuple(r["codes"]),
        tuple(r["grants"]),
        r["notice"],
        status,
    )
