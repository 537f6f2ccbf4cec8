"""Infringement claims: completeness, the claimant's standing, the answer per item, counter-notices.

A claim is checked before anything is taken down: complete for its regime (what is missing is said), from a party
with rights in what it claims (the owner or publisher, or a licensee whose chain runs down from it: anyone else is
a false claimant), not one of two unrelated claimants on one recording and territory (a conflict is shown, never
won silently), and not a re-notification the regime forbids. Each item is then judged by the platform's own chains
for the claimant's right: no valid chain -> infringing (a takedown with its deadline); a valid chain -> rejected
with the chain as proof; an item we cannot tie to the claimed recording or work -> review.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from songclear.domain.catalogue import LibraryTrack, TrackIdentity
from songclear.domain.clearance import evaluate_chain
from songclear.domain.enforcement.calendars import CALENDARS, BusinessCalendar
from songclear.domain.enforcement.deadlines import (
    REGIMES,
    Deadline,
    Regime,
    RegimeRules,
    rules_for,
    takedown_due,
)
from songclear.domain.enforcement.standing import Standing, related, standing
from songclear.domain.enforcement.takedown import ActionKind, TakedownAction, make_action, reason_for_claim
from songclear.domain.identifiers import is_valid_isrc, is_valid_iswc, normalise_iswc
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery, Requirement
from songclear.domain.territory import WORLDWIDE
from songclear.domain.vocabulary import Right

if TYPE_CHECKING:
    from songclear.domain.enforcement.counternotice import ClaimCase

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    id: str
    regime: Regime
    claimant: str  # party id of the rights holder the claim is made for
    platform: str
    received_at: datetime
    agent: str | None = None  # who filed it on the claimant's behalf
    agent_authorisation: str | None = None  # sha256 of the authorisation document
    contact: str = ""
    address: str = ""
    identity: str = ""  # proof of real identity (E-Commerce Law)
    signature: str = ""
    recordings: tuple[str, ...] = ()  # ISRCs
    works: tuple[str, ...] = ()  # ISWCs
    items: tuple[str, ...] = ()  # library track keys 'platform/track_id' (or track ids on ``platform``)
    territory: str = "CN"
    use: str = "Stream"
    evidence: tuple[str, ...] = ()  # sha256 of each evidence file (the files are stored by hash)
    statements: frozenset[str] = frozenset()
    order_deadline: datetime | None = None  # a regulator order's own deadline

    def item_keys(self) -> tuple[str, ...]:
        return tuple(i if "/" in i else f"{self.platform}/{i}" for i in self.items)


def missing(claim: Claim, rules: RegimeRules) -> tuple[str, ...]:
    """What the claim lacks for its regime, in words a claimant can act on; empty when it is complete."""
    present = {
        "claimant": bool(claim.claimant),
        "contact": bool(claim.contact.strip()),
        "address": bool(claim.address.strip()),
        "identity": bool(claim.identity.strip()),
        "signature": bool(claim.signature.strip()),
        "subjects": bool(claim.recordings or claim.works),
        "items": bool(claim.items),
        "evidence": bool(claim.evidence),
    }
    out = [
        f"{name}: required under {rules.regime}" for name in sorted(rules.claim_fields) if not present[name]
    ]
    out += [
        f"statement '{s}': required under {rules.regime}"
        for s in sorted(rules.claim_statements - claim.statements)
    ]
    if claim.agent and not claim.agent_authorisation:
        out.append(
            f"agent authorisation: {claim.agent} files for {claim.claimant} without a proof of authority"
        )
    out += [f"recording {r!r}: not a valid ISRC" for r in claim.recordings if not is_valid_isrc(r)]
    out += [f"work {w!r}: not a valid ISWC" for w in claim.works if not is_valid_iswc(w)]
    hashes = [*claim.evidence, *([claim.agent_authorisation] if claim.agent_authorisation else [])]
    out += [f"evidence {h!r}: not a sha256 file hash" for h in hashes if not _SHA256.match(h)]
    return tuple(out)


class Verdict(enum.StrEnum):
    INFRINGING = "infringing"  # no valid chain for the claimant's right: take down
    LICENSED = "licensed"  # rejected: the platform's chain is the proof
    REVIEW = "review"  # cannot tie the item to what is claimed, or not in the library
    REFUSED = "refused"  # the claimant holds no rights in it, or may not re-notify it
    CONFLICT = "conflict"  # another unrelated claimant claims the same recording and territory


class Outcome(enum.StrEnum):
    INCOMPLETE = "incomplete"  # nothing executed; the claimant is told what is missing
    FALSE_CLAIMANT = "false_claimant"  # no rights in anything claimed
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    item: str
    verdict: Verdict
    detail: str
    recording: str | None = None
    proof: tuple[tuple[str, ...], ...] = ()  # LICENSED: the platform's chains (grant ids, holder first)
    action: TakedownAction | None = None  # INFRINGING: the takedown
    due: Deadline | None = None  # INFRINGING: when it must be done


@dataclass(frozen=True, slots=True)
class ClaimAnswer:
    claim_id: str
    claimant: str
    outcome: Outcome
    missing: tuple[str, ...] = ()
    items: tuple[ItemAnswer, ...] = ()
    refused_subjects: tuple[str, ...] = ()  # subjects the claimant has no rights in (or may not re-notify)
    conflicts: tuple[str, ...] = ()  # ids of the other claims it conflicts with

    @property
    def actions(self) -> tuple[TakedownAction, ...]:
        return tuple(i.action for i in self.items if i.action is not None)

    def message(self) -> str:
        if self.outcome is Outcome.INCOMPLETE:
            return f"claim {self.claim_id} is incomplete and was not executed: " + "; ".join(self.missing)
        if self.outcome is Outcome.FALSE_CLAIMANT:
            return f"claim {self.claim_id} refused: {self.claimant} holds no rights in " + ", ".join(
                self.refused_subjects
            )
        n = Counter(i.verdict for i in self.items)
        return f"claim {self.claim_id}: " + ", ".join(f"{n[v]} {v.value}" for v in Verdict if n[v])


def _subjects(claim: Claim, ledger: Ledger) -> tuple[list[tuple[Right, str, str]], list[str]]:
    """((right, subject id, as claimed) ..., claimed identifiers the ledger does not know)."""
    by_iswc = {w.iswc: w.id for w in ledger.works.values() if w.iswc}
    known, unknown = [], []
    for r in claim.recordings:
        (known if r in ledger.recordings else unknown).append(
            (Right.MASTER, r, r) if r in ledger.recordings else r
        )
    for w in claim.works:
        wid = by_iswc.get(normalise_iswc(w)) if is_valid_iswc(w) else None
        (known if wid else unknown).append((Right.COMPOSITION, wid, w) if wid else w)
    return known, unknown


def _platform_chain(
    platform: str, req: Requirement, query: ClearanceQuery, ledger: Ledger
) -> tuple[tuple[str, ...] | None, list[str]]:
    why = []
    for leaf in sorted(
        ledger.candidate_grants(platform, req.right, req.subject, req.holder), key=lambda g: g.id
    ):
        chain = ledger.chain(leaf)
        finding = evaluate_chain(chain, req, query, ledger)
        if finding is None:
            return tuple(g.id for g in chain), []
        why.append(finding.message)
    return None, why or [f"{req.describe()}: no grant to {ledger.party_name(platform)}"]


def answer_claim(
    claim: Claim,
    *,
    ledger: Ledger,
    library: Mapping[str, LibraryTrack],
    identities: Mapping[str, TrackIdentity | None],
    at: datetime,
    actor: str,
    other_claims: Iterable[Claim] = (),
    history: Iterable[ClaimCase] = (),
    regimes: Mapping[Regime, RegimeRules] = REGIMES,
    calendars: Mapping[str, BusinessCalendar] = CALENDARS,
) -> ClaimAnswer:
    """The answer to ``claim`` at ``at`` (the module docstring says how). ``identities``: each library track's
    resolved identity (ISRC, accepted link or audio match); ``other_claims``: claims on the same platform, for
    conflicts; ``history``: earlier cases, for the re-notification bar."""
    rules = rules_for(claim.regime, regimes)
    lacking = missing(claim, rules)
    if lacking:
        return ClaimAnswer(claim.id, claim.claimant, Outcome.INCOMPLETE, lacking)
    known, unknown = _subjects(claim, ledger)
    found = {
        (r, s): standing(claim.claimant, r, s, ledger, claim.received_at, claim.territory)
        for r, s, _ in known
    }
    stand = {k: v if _may_claim(v, rules) else None for k, v in found.items()}
    refused = [
        _why_no_standing(found[(r, s)], as_claimed, r, s, ledger, rules)
        for r, s, as_claimed in known
        if stand[(r, s)] is None
    ]
    if known and len(refused) == len(known) and not unknown:
        return ClaimAnswer(claim.id, claim.claimant, Outcome.FALSE_CLAIMANT, refused_subjects=tuple(refused))

    barred = _barred(claim, history, regimes)
    rivals: dict[tuple[Right, str], list[str]] = {}
    for other in other_claims:
        if other.id == claim.id or other.claimant == claim.claimant or other.territory != claim.territory:
            continue
        for r, s, _ in _subjects(other, ledger)[0]:
            theirs = standing(other.claimant, r, s, ledger, other.received_at, other.territory)
            mine, theirs = (
                stand.get((r, s)),
                theirs if _may_claim(theirs, rules_for(other.regime, regimes)) else None,
            )
            if mine is not None and theirs is not None and not related(mine, theirs, ledger):
                rivals.setdefault((r, s), []).append(other.id)

    query = ClearanceQuery(at=claim.received_at, territory=claim.territory, use=claim.use)
    due = takedown_due(rules, claim.received_at, calendars=calendars, order_deadline=claim.order_deadline)
    claimed = {s for _, s, _ in known}
    items = []
    for key in claim.item_keys():
        items.append(
            _answer_item(
                claim, key, library, identities, ledger, claimed, stand, barred, rivals, query, due, at, actor
            )
        )
    conflicts = tuple(sorted({c for ids in rivals.values() for c in ids}))
    refused += [f"{s} (re-notified after a valid counter-notice)" for s in sorted(barred)]
    return ClaimAnswer(
        claim.id, claim.claimant, Outcome.ANSWERED, (), tuple(items), tuple(refused), conflicts
    )


def _may_claim(found: Standing | None, rules: RegimeRules) -> bool:
    return found is not None and (found.exclusive or not rules.exclusive_standing)


def _why_no_standing(
    found: Standing | None, as_claimed: str, right: Right, subject: str, ledger: Ledger, rules: RegimeRules
) -> str:
    holder = ledger.party_name(_holder(right, subject, ledger))
    if found is None:
        return f"{as_claimed} ({holder} holds it)"
    return (
        f"{as_claimed} ({found.describe(ledger)}; under {rules.regime} only {holder}, the rights holder, or an "
        "exclusive licensee may claim)"
    )


def _holder(right: Right, subject: str, ledger: Ledger) -> str | None:
    holders = ledger.holders(right, subject)
    return holders[0] if holders else None


def _answer_item(
    claim, key, library, identities, ledger, claimed, stand, barred, rivals, query, due, at, actor
) -> ItemAnswer:
    if key not in library:
        return ItemAnswer(key, Verdict.REVIEW, f"{key} is not in the library of {claim.platform}")
    ident = identities.get(key)
    if ident is None or not ident.isrc:
        return ItemAnswer(
            key,
            Verdict.REVIEW,
            f"{key} is not identified (no ISRC, link or audio match): a person must check it",
        )
    recs = [r for r in (ident.isrc, *ident.contains) if r in ledger.recordings]
    hits: list[tuple[Right, str]] = []
    for r in recs:
        if r in claimed:
            hits.append((Right.MASTER, r))
        work = ledger.recordings[r].work_id
        if work in claimed:
            hits.append((Right.COMPOSITION, work))
    how = f" ({ident.evidence})" if ident.evidence else ""
    if not hits:
        return ItemAnswer(
            key, Verdict.REVIEW, f"{key} is recording {ident.isrc}{how}, not what the claim names", ident.isrc
        )
    if all(s in barred for _, s in hits):
        return ItemAnswer(
            key,
            Verdict.REFUSED,
            f"{key}: the claimant may not re-notify after a valid counter-notice",
            ident.isrc,
        )
    ours = [(r, s) for r, s in hits if stand.get((r, s)) is not None and s not in barred]
    if not ours:
        return ItemAnswer(
            key,
            Verdict.REFUSED,
            f"{key}: {claim.claimant} holds no rights in {', '.join(s for _, s in hits)}",
            ident.isrc,
        )
    rival = sorted({c for h in ours for c in rivals.get(h, [])})
    if rival:
        return ItemAnswer(
            key, Verdict.CONFLICT, f"{key}: claimed also by {', '.join(rival)}; a person decides", ident.isrc
        )
    proofs, failures = [], []
    for r, s in ours:
        chain, why = _platform_chain(claim.platform, Requirement(r, s, stand[(r, s)].holder), query, ledger)
        if chain is None:
            failures += why
        else:
            proofs.append(chain)
    if failures:
        detail = f"claim {claim.id}: {key} is {ident.isrc}{how}; " + "; ".join(failures)
        action = _claim_action(claim, key, detail, actor, at)
        return ItemAnswer(key, Verdict.INFRINGING, detail, ident.isrc, (), action, due)
    chains = "; ".join(" -> ".join(c) for c in proofs)
    return ItemAnswer(key, Verdict.LICENSED, f"{key} is licensed: {chains}", ident.isrc, tuple(proofs))


def _claim_action(claim: Claim, key: str, detail: str, actor: str, at: datetime) -> TakedownAction:
    """A claim speaks for its territory: the item is blocked there (a US-only claim does not take a track down
    where the platform is licensed), removed only for a worldwide claim."""
    reason = reason_for_claim(claim.id, detail)
    if claim.territory == WORLDWIDE:
        return make_action(key, ActionKind.REMOVE, reason, actor=actor, at=at)
    return make_action(key, ActionKind.GEO_BLOCK, reason, actor=actor, at=at, territories=(claim.territory,))


def _barred(claim: Claim, history: Iterable[ClaimCase], regimes: Mapping[Regime, RegimeRules]) -> set[str]:
    """Subjects this claimant may not notify again: an earlier case under a no-re-notify regime ended in a valid
    counter-notice for them."""
    out: set[str] = set()
    subjects = set(claim.recordings) | set(claim.works)
    for case in history:
        old = case.claim
        if old.claimant != claim.claimant or case.counter is None or not case.counter_valid:
            continue
        if rules_for(old.regime, regimes).renotify_after_counter:
            continue
        out |= subjects & (set(old.recordings) | set(old.works))
    return out
