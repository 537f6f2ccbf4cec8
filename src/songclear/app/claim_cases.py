"""A claim's case as a compliance team reads it (``show``), and its withdrawal, which is how a conflict between
rival claimants ends (``domain.enforcement.rivals``). A withdrawal is a ``withdrawn`` claim step with its audit-log
entry, in one transaction; the claim's own takedowns still in force are lifted with it."""

from __future__ import annotations

from datetime import datetime

from songclear.domain.enforcement.claims import missing
from songclear.domain.enforcement.deadlines import rules_for
from songclear.domain.enforcement.rivals import Withdrawal, case_state, in_conflict, rivals_standing
from songclear.errors import InputError, StateConflict
from songclear.store.auditlog import log_event
from songclear.store.claims import ClaimRepository, answer_to_dict, claim_to_dict
from songclear.store.database import write_session

WITHDRAWN = "withdrawn"  # the claim step


def withdrawals(claims: ClaimRepository, claim_ids) -> dict[str, Withdrawal]:
    """The withdrawn claims among ``claim_ids``, each with its withdrawal."""
    out = {}
    for cid in claim_ids:
        for step, at, actor, payload in claims.steps(cid):
            if step == WITHDRAWN:
                out[cid] = Withdrawal(cid, at, actor, payload.get("reason", ""))
                break
    return out


def refuse_if_withdrawn(claims: ClaimRepository, claim_id: str) -> None:
    found = withdrawals(claims, [claim_id]).get(claim_id)
    if found is not None:
        raise StateConflict(
            f"claim {claim_id} was withdrawn on {found.at:%Y-%m-%d %H:%M} by {found.actor}: nothing to answer"
        )


def withdraw(db, claim_id: str, *, reason: str, now: datetime, actor: str) -> dict:
    """Withdraw a claim (the claimant retracts it, or settled with a rival): recorded once, its takedowns in force
    lifted (a track another removal holds stays down). Withdrawing twice is refused."""
    from songclear.app.enforcement import lift_claim_takedowns

    if not reason.strip():
        raise InputError("a withdrawal needs a reason (--reason)")
    with write_session(db) as session:
        claims = ClaimRepository(session)
        case = claims.case(claim_id)
        refuse_if_withdrawn(claims, claim_id)
        ids, result = lift_claim_takedowns(
            session, claim_id, case.claim.platform, reason=f"claim withdrawn: {reason}", now=now, actor=actor,
            action="claim-withdraw-undo",
        )  # fmt: skip
        payload = {"reason": reason, "lifted": ids, "rivals": list(rivals_standing(case, {}))}
        claims.add_step(claim_id, WITHDRAWN, at=now, actor=actor, payload=payload)
        log_event(session, at=now, actor=actor, action="claim-withdrawn", subject=claim_id, payload=payload)
    return {
        "claim": claim_id, "reason": reason, "at": now, "by": actor, "lifted": ids,
        "reinstated": list(result.reinstated), "still_down": list(result.still_down),
    }  # fmt: skip


def show(db, claim_id: str) -> dict:
    """The claim, what it lacks, its state, its steps, its latest answer, its rivals and its withdrawal."""
    with db.session() as session:
        claims = ClaimRepository(session)
        case = claims.case(claim_id)
        steps = claims.steps(claim_id)
        others = [c.id for c, _ in claims.all(case.claim.platform) if c.id != claim_id]
        gone = withdrawals(claims, [claim_id, *others])
    w = gone.get(claim_id)
    return {
        "claim": claim_to_dict(case.claim),
        "missing": list(missing(case.claim, rules_for(case.claim.regime))),
        "state": case_state(case, w),
        "steps": [{"step": s, "at": at, "actor": actor} for s, at, actor, _ in steps],
        "answer": answer_to_dict(case.answer) if case.answer else None,
        "conflict_items": list(in_conflict(case)),
        "rivals": list(rivals_standing(case, gone)),
        "withdrawn": {"at": w.at, "by": w.actor, "reason": w.reason} if w else None,
    }
