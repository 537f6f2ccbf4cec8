"""Rival claimants: how a conflict between two claims is shown and how it ends.

Two unrelated parties with standing on the same recording and territory (``claims.answer_claim``: each item they
both claim is a ``conflict``) are not for the platform to rank: it cannot try title between two rights holders.
Neither claim takes those items down; both stay in review, listed among the alerts with the takedown deadline their
regime would have set, until one claim is withdrawn (the claimants settled, or a court decided). Then the other is
answered again and, with no rival left, judged like any claim. A withdrawal is a record of its own (who, when,
why): nothing is deleted, and a withdrawn claim is never answered or executed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from songclear.domain.enforcement.calendars import CALENDARS, BusinessCalendar
from songclear.domain.enforcement.claims import Outcome, Verdict
from songclear.domain.enforcement.counternotice import ClaimCase
from songclear.domain.enforcement.deadlines import (
    REGIMES,
    Alert,
    Regime,
    RegimeRules,
    rules_for,
    takedown_due,
)


@dataclass(frozen=True, slots=True)
class Withdrawal:
    claim_id: str
    at: datetime
    actor: str
    reason: str


def in_conflict(case: ClaimCase) -> tuple[str, ...]:
    """Items of the case's latest answer that are in conflict with another claim."""
    if case.answer is None:
        return ()
    return tuple(i.item for i in case.answer.items if i.verdict is Verdict.CONFLICT)


def rivals_standing(case: ClaimCase, withdrawn: Mapping[str, Withdrawal]) -> tuple[str, ...]:
    """The rival claims named by the case's latest answer that have not been withdrawn since."""
    if case.answer is None:
        return ()
    return tuple(c for c in case.answer.conflicts if c not in withdrawn)


def case_state(case: ClaimCase, withdrawal: Withdrawal | None = None) -> str:
    """One word for where a case stands, the most decisive step first."""
    if withdrawal is not None:
        return "withdrawn"
    if case.restored_at is not None:
        return "restored"
    if case.counter is not None and case.counter_valid:
        return "countered"
    if in_conflict(case):
        return "conflict"
    if case.taken_down_at is not None:
        return "taken-down"
    if case.answer is None:
        return "received"
    return {Outcome.INCOMPLETE: "incomplete", Outcome.FALSE_CLAIMANT: "refused"}.get(
        case.answer.outcome, "answered"
    )


def conflict_alerts(
    cases: Iterable[ClaimCase],
    withdrawn: Mapping[str, Withdrawal],
    now: datetime,
    *,
    regimes: Mapping[Regime, RegimeRules] = REGIMES,
    calendars: Mapping[str, BusinessCalendar] = CALENDARS,
) -> list[Alert]:
    """One alert per claim whose items are in conflict and which is not withdrawn, always listed (a person must
    decide), due when its regime's takedown would be: overdue past it."""
    out = []
    for case in cases:
        items = in_conflict(case)
        if not items or case.claim_id in withdrawn:
            continue
        rules = rules_for(case.regime, regimes)
        due = takedown_due(
            rules, case.received_at, calendars=calendars, order_deadline=case.order_deadline
        ).due
        standing = rivals_standing(case, withdrawn)
        if standing:
            detail = f"{', '.join(items)} claimed also by {', '.join(standing)}: in review until one claim is withdrawn"
        else:
            gone = ", ".join(case.answer.conflicts)
            detail = f"rival claim {gone} withdrawn: answer {case.claim_id} again"
        out.append(Alert(case.claim_id, "conflict", "overdue" if now >= due else "due", due, detail))
    return out
