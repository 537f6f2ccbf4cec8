"""A claimant's standing: which rights in a recording or work the ledger says it holds, and through which chain.

Only a party with standing may have items taken down. It is the rights holder itself (the recording's owner, the
work's publisher), or a licensee down a chain of grants from that holder that holds at the claim's time and in
its territory, whatever the use (a label's exclusive download licensee may claim a download).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from songclear.domain.ledger import Ledger
from songclear.domain.rules import (
    GRANT_RULES,
    ClearanceQuery,
    Requirement,
    RuleInput,
    allows_model,
    allows_use,
)
from songclear.domain.vocabulary import Right

# The clearance registry without use and commercial model: standing is about holding the right, whatever the use.
STANDING_RULES = tuple(rule for rule in GRANT_RULES if rule not in (allows_use, allows_model))


@dataclass(frozen=True, slots=True)
class Standing:
    party: str
    right: Right
    subject: str  # ISRC or work id
    holder: str | None  # the rights holder per the ledger
    chain: tuple[str, ...]  # grant ids from the holder to the claimant (empty: the claimant is the holder)
    exclusive: bool = True  # the holder itself, or every grant of the chain is exclusive

    def describe(self, ledger: Ledger) -> str:
        if not self.chain:
            return f"{ledger.party_name(self.party)} holds it"
        kind = "an exclusive" if self.exclusive else "a non-exclusive"
        return f"{ledger.party_name(self.party)} is {kind} licensee ({' -> '.join(self.chain)})"


def standing(
    party: str, right: Right, subject: str, ledger: Ledger, at: datetime, territory: str
) -> Standing | None:
    """``party``'s rights in ``subject`` per the ledger at ``at``: the holder itself, or a licensee down a chain
    that holds there and then (an exclusive chain preferred); None if it has none. Whether a non-exclusive
    licensee may claim is the regime's question (``RegimeRules.exclusive_standing``)."""
    holders = ledger.holders(right, subject)
    if party in holders:
        return Standing(party, right, subject, party, ())
    q = ClearanceQuery(at=at, territory=territory)
    found: Standing | None = None
    for holder in holders:
        req = Requirement(right, subject, holder)
        for leaf in ledger.candidate_grants(party, right, subject, holder):
            chain = ledger.chain(leaf)
            ok = all(
                rule(
                    RuleInput(
                        g,
                        ledger.grants.get(g.parent) if g.parent else None,
                        i == 0 and g.parent is None,
                        req,
                        q,
                        ledger,
                    )
                )
                is None
                for i, g in enumerate(chain)
                for rule in STANDING_RULES
            )
            if ok:
                exclusive = all(g.exclusive for g in chain)
                if exclusive:
                    return Standing(party, right, subject, holder, tuple(g.id for g in chain), True)
                found = found or Standing(party, right, subject, holder, tuple(g.id for g in chain), False)
    return found


def related(a: Standing, b: Standing, ledger: Ledger) -> bool:
    """One party's rights come from the other's (a holder and its licensee, a licensee and its sublicensee):
    they are not rivals. Two parties whose rights merely share a holder are."""

    def licensors(x: Standing) -> set[str]:
        return {ledger.grants[g].licensor for g in x.chain if g in ledger.grants}

    return a.holder == b.holder and (a.party in licensors(b) or b.party in licensors(a))
