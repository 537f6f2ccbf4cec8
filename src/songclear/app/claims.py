"""Claim use cases: receive a claim (and its evidence files), answer it, counter-notice, suit, restore, alerts,
claimant statistics (show and withdraw: ``claim_cases``). Each step is stored with its audit-log entry in one
transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from songclear.app.claim_filing import Filing, parse_claim, parse_counter
from songclear.app.enforcement import ApplyReport, lift_claim_takedowns, put_in_force
from songclear.domain.enforcement.claimants import ClaimantStats, claimant_stats
from songclear.domain.enforcement.claims import Claim, ClaimAnswer, Outcome, Verdict, answer_claim, missing
from songclear.domain.enforcement.counternotice import (
    ClaimCase,
    CounterAnswer,
    may_restore,
    receive_counter_notice,
)
from songclear.domain.enforcement.deadlines import Alert, alerts, rules_for, takedown_due
from songclear.store.auditlog import log_event
from songclear.store.claims import ClaimRepository, answer_to_dict, claim_to_dict, counter_to_dict
from songclear.store.database import write_session


def add_claim(db, filing: Filing, *, now: datetime, actor: str) -> tuple[Claim, tuple[str, ...], bool]:
    """Store a claim and its evidence files (only files sent with it: ``claim_filing``). An incomplete claim is
    stored too (not executed): the answer says what is missing. Returns the claim, what it lacks, and whether it
    is new."""
    with write_session(db) as session:
        repo = ClaimRepository(session)
        claim = parse_claim(filing, lambda name, content: repo.store_evidence(name, content, at=now))
        lacking = missing(claim, rules_for(claim.regime))
        new = repo.save_claim(claim, lacking, at=now)
        if new:
            log_event(
                session, at=now, actor=actor, action="claim-received", subject=claim.id,
                payload={"claim": claim_to_dict(claim), "complete": not lacking, "missing": list(lacking)},
            )  # fmt: skip
    return claim, lacking, new


@dataclass(slots=True)
class AnswerReport:
    answer: ClaimAnswer
    applied: ApplyReport | None = None

    def as_dict(self) -> dict:
        return answer_to_dict(self.answer) | {"applied": self.applied.as_dict() if self.applied else None}


def answer(db, claim_id: str, *, now: datetime, actor: str, apply: bool = False) -> AnswerReport:
    """Answer a stored claim per item (claims.answer_claim) against the ledger, library and identities as known
    now; ``apply``: take down the infringing items at once (in the same transaction)."""
    from songclear.app.claim_cases import refuse_if_withdrawn, withdrawals
    from songclear.app.identities import identity_resolver
    from songclear.store.repository import LedgerRepository

    with write_session(db) as session:
        claims = ClaimRepository(session)
        claim, _ = claims.get(claim_id)
        refuse_if_withdrawn(claims, claim_id)
        repo = LedgerRepository(session)
        ledger = repo.load_ledger()
        library = {t.key: t for t in repo.iter_tracks(claim.platform)}
        resolve = identity_resolver(repo, claim.platform, None) if library else None
        identities = {k: resolve(t) for k, t in library.items()} if resolve else {}
        others = [c for c, _ in claims.all(claim.platform) if c.id != claim.id]
        history = [claims.case(c.id) for c in others]
        gone = withdrawals(claims, [c.id for c in others])
        others = [c for c in others if c.id not in gone]  # a withdrawn claim is no rival
        result = answer_claim(
            claim, ledger=ledger, library=library, identities=identities, at=now, actor=actor,
            other_claims=others, history=history,
        )  # fmt: skip
        report = AnswerReport(result)
        claims.add_step(claim_id, "answered", at=now, actor=actor, payload=answer_to_dict(result))
        log_event(
            session, at=now, actor=actor, action="claim-answered", subject=claim_id,
            payload={"outcome": result.outcome.value, "message": result.message(),
                     "items": {i.item: i.verdict.value for i in result.items}},
        )  # fmt: skip
        if apply and result.actions:
            report.applied = put_in_force(session, result.actions, now=now, actor=actor, claim_id=claim_id)
            claims.add_step(
                claim_id,
                "taken-down",
                at=now,
                actor=actor,
                payload={"actions": [a.id for a in result.actions]},
            )
    return report


def counter(db, claim_id: str, filing: Filing, *, now: datetime, actor: str) -> CounterAnswer:
    """Record a counter-notice (its evidence: only files sent with it); a valid one starts the regime's restore
    clock, an incomplete one is answered with what it lacks."""
    with write_session(db) as session:
        claims = ClaimRepository(session)
        case = claims.case(claim_id)
        notice = parse_counter(
            filing, claim_id, lambda name, content: claims.store_evidence(name, content, at=now)
        )
        result = receive_counter_notice(case, notice)
        payload = {
            "counter": counter_to_dict(notice),
            "valid": not result.missing,
            "missing": list(result.missing),
        }
        claims.add_step(claim_id, "counter", at=now, actor=actor, payload=payload)
        log_event(session, at=now, actor=actor, action="claim-counter", subject=claim_id, payload=payload)
    return result


def report_suit(
    db, claim_id: str, *, now: datetime, actor: str, reported_at: datetime | None = None
) -> ClaimCase:
    """The claimant reports a suit (or complaint): where the regime says so, this stops the restore clock."""
    at = reported_at or now
    with write_session(db) as session:
        claims = ClaimRepository(session)
        claims.case(claim_id)  # it exists
        claims.add_step(claim_id, "suit", at=now, actor=actor, payload={"reported_at": at.isoformat()})
        log_event(
            session, at=now, actor=actor, action="claim-suit", subject=claim_id, payload={"reported_at": at}
        )
        return claims.case(claim_id)


@dataclass(slots=True)
class RestoreReport:
    claim_id: str
    allowed: bool
    why: str
    reinstated: list[str] = field(default_factory=list)
    still_down: list[str] = field(default_factory=list)


def restore(db, claim_id: str, *, now: datetime, actor: str) -> RestoreReport:
    """Put the claim's items back, when ``may_restore`` allows it (a valid counter-notice, the window open, no
    suit). Refused otherwise, with the reason; nothing changes."""
    with write_session(db) as session:
        claims = ClaimRepository(session)
        case = claims.case(claim_id)
        ok, why = may_restore(case, now)
        out = RestoreReport(claim_id, ok, why)
        if not ok:
            return out
        ids, result = lift_claim_takedowns(
            session, claim_id, case.claim.platform, reason=f"restored after counter-notice: {why}", now=now,
            actor=actor, action="claim-restore",
        )  # fmt: skip
        out.reinstated, out.still_down = list(result.reinstated), list(result.still_down)
        claims.add_step(claim_id, "restored", at=now, actor=actor, payload={"actions": ids, "why": why})
    return out


def claim_alerts(db, now: datetime) -> list[Alert]:
    """What is due or overdue (``deadlines.alerts``) and every conflict between rival claims still in review
    (``rivals.conflict_alerts``); a withdrawn claim raises none. Overdue first, then by due time."""
    from songclear.app.availability import unavailable_now
    from songclear.app.claim_cases import withdrawals
    from songclear.domain.enforcement.rivals import conflict_alerts
    from songclear.store.repository import LedgerRepository

    with db.session() as session:
        claims = ClaimRepository(session)
        cases = claims.cases()
        gone = withdrawals(claims, [c.claim_id for c in cases])
        live = [c for c in cases if c.claim_id not in gone]
        done = set()
        for c in live:  # answered without taking down: perhaps the items are down already
            if c.executable and c.taken_down_at is None:
                items = [i.item for i in c.answer.items if i.verdict is Verdict.INFRINGING]
                down = unavailable_now(
                    LedgerRepository(session), items, territory=c.claim.territory, use=c.claim.use, at=now
                )
                if down >= set(items):
                    done.add(c.claim_id)
    out = alerts(live, now, already_down=done) + conflict_alerts(live, gone, now)
    out.sort(key=lambda a: (a.state != "overdue", a.due, a.claim_id, a.kind))
    return out


def claimants(db, *, min_items: int = 10, threshold: float = 0.5) -> list[ClaimantStats]:
    """Per claimant, from each claim's latest answer (an incomplete, unanswered claim counts as incomplete)."""
    with db.session() as session:
        answers = []
        for case in ClaimRepository(session).cases():
            if case.answer is not None:
                answers.append(case.answer)
            else:
                lacking = missing(case.claim, rules_for(case.claim.regime))
                if lacking:
                    answers.append(
                        ClaimAnswer(case.claim.id, case.claim.claimant, Outcome.INCOMPLETE, lacking)
                    )
    return claimant_stats(answers, min_items=min_items, threshold=threshold)


def claim_timeliness(db, platform: str | None = None) -> list[dict]:
    """Per claim: received, the takedown deadline, when it was taken down, and whether that was on time (for the
    regulator report). ``on_time`` is None while nothing was due (incomplete, or nothing infringing)."""
    out = []
    with db.session() as session:
        for case in ClaimRepository(session).cases(platform):
            rules = rules_for(case.claim.regime)
            due = takedown_due(rules, case.claim.received_at, order_deadline=case.claim.order_deadline)
            done = case.taken_down_at
            out.append(
                {
                    "claim": case.claim_id, "claimant": case.claim.claimant, "platform": case.claim.platform,
                    "regime": case.claim.regime.value, "received_at": case.claim.received_at,
                    "outcome": case.answer.outcome.value if case.answer else None, "due": due.due if case.executable else None,
                    "taken_down_at": done, "on_time": (done <= due.due) if case.executable and done else None,
                    "counter_at": case.counter_at, "suit_reported_at": case.suit_reported_at, "restored_at": case.restored_at,
                }
            )  # fmt: skip
    return out
