"""Counter-notices and the case a claim becomes: taken down, countered, sued over, restored.

A valid counter-notice (complete for the regime) starts the restore clock; one that lacks something is recorded
and answered with what it lacks, and starts nothing. Under the China network dissemination regime a valid
counter-notice also bars the claimant from notifying the same work again (``claims.answer_claim(history=...)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from songclear.domain.enforcement.calendars import CALENDARS, BusinessCalendar
from songclear.domain.enforcement.claims import Claim, ClaimAnswer, Verdict
from songclear.domain.enforcement.deadlines import (
    REGIMES,
    Deadline,
    Regime,
    RegimeRules,
    restore_window,
    rules_for,
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class CounterNotice:
    id: str
    claim_id: str
    respondent: str  # the uploader or the platform's content partner
    received_at: datetime
    forwarded_at: datetime | None = (
        None  # when it went to the claimant (the E-Commerce Law's clock starts here)
    )
    contact: str = ""
    address: str = ""
    identity: str = ""
    signature: str = ""
    items: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    statements: frozenset[str] = frozenset()


def counter_missing(notice: CounterNotice, rules: RegimeRules) -> tuple[str, ...]:
    present = {
        "respondent": bool(notice.respondent),
        "contact": bool(notice.contact.strip()),
        "address": bool(notice.address.strip()),
        "identity": bool(notice.identity.strip()),
        "signature": bool(notice.signature.strip()),
        "items": bool(notice.items),
        "evidence": bool(notice.evidence),
    }
    out = [f"{n}: required under {rules.regime}" for n in sorted(rules.counter_fields) if not present[n]]
    out += [
        f"statement '{s}': required under {rules.regime}"
        for s in sorted(rules.counter_statements - notice.statements)
    ]
    out += [f"evidence {h!r}: not a sha256 file hash" for h in notice.evidence if not _SHA256.match(h)]
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ClaimCase:
    """A claim and what happened to it since; each step returns a new case (the store keeps every step)."""

    claim: Claim
    answer: ClaimAnswer | None = None
    taken_down_at: datetime | None = None
    counter: CounterNotice | None = None
    counter_valid: bool = False
    suit_reported_at: datetime | None = None
    restored_at: datetime | None = None

    claim_id = property(lambda self: self.claim.id)
    regime = property(lambda self: self.claim.regime)
    received_at = property(lambda self: self.claim.received_at)
    order_deadline = property(lambda self: self.claim.order_deadline)

    @property
    def executable(self) -> bool:
        return self.answer is not None and any(i.verdict is Verdict.INFRINGING for i in self.answer.items)

    @property
    def counter_at(self) -> datetime | None:
        if self.counter is None or not self.counter_valid:
            return None
        return self.counter.forwarded_at or self.counter.received_at

    def answered(self, answer: ClaimAnswer) -> ClaimCase:
        return replace(self, answer=answer)

    def took_down(self, at: datetime) -> ClaimCase:
        return replace(self, taken_down_at=at)

    def suit_reported(self, at: datetime) -> ClaimCase:
        return replace(self, suit_reported_at=at)

    def restored(self, at: datetime) -> ClaimCase:
        return replace(self, restored_at=at)


@dataclass(frozen=True, slots=True)
class CounterAnswer:
    case: ClaimCase
    missing: tuple[str, ...]  # empty: valid, the restore clock runs
    window: tuple[Deadline, Deadline] | None  # (earliest, latest) restore; None: invalid, or human review


def receive_counter_notice(
    case: ClaimCase,
    notice: CounterNotice,
    *,
    regimes: Mapping[Regime, RegimeRules] = REGIMES,
    calendars: Mapping[str, BusinessCalendar] = CALENDARS,
) -> CounterAnswer:
    rules = rules_for(case.claim.regime, regimes)
    lacking = counter_missing(notice, rules)
    new = replace(case, counter=notice, counter_valid=not lacking)
    window = (
        None
        if lacking or new.counter_at is None
        else restore_window(rules, new.counter_at, calendars=calendars)
    )
    return CounterAnswer(new, lacking, window)


def may_restore(
    case: ClaimCase,
    now: datetime,
    *,
    regimes: Mapping[Regime, RegimeRules] = REGIMES,
    calendars: Mapping[str, BusinessCalendar] = CALENDARS,
) -> tuple[bool, str]:
    """May the items be put back at ``now``? (yes/no, why) — a valid counter-notice, the window open, no suit."""
    rules = rules_for(case.claim.regime, regimes)
    if case.counter_at is None:
        return False, "no valid counter-notice"
    if rules.restore_unless_suit and case.suit_reported_at is not None:
        return False, f"the claimant reported a suit on {case.suit_reported_at:%Y-%m-%d}"
    window = restore_window(rules, case.counter_at, calendars=calendars)
    if window is None:
        return False, f"{rules.regime}: a person decides the complaint"
    if now < window[0].due:
        return False, f"not before {window[0].due.isoformat()} ({window[0].basis})"
    return True, f"restore due by {window[1].due.isoformat()}"
