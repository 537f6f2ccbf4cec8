"""Claimant statistics: who claims how much, and how much of it is rejected.

Fraudulent claimants work through volume (DOMAIN.md: one claimed about 50 k songs): a claimant whose decided
items are mostly rejected (licensed, or not theirs) is flagged for a person to look at its chain of title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from songclear.domain.enforcement.claims import ClaimAnswer, Outcome, Verdict


@dataclass(frozen=True, slots=True)
class ClaimantStats:
    claimant: str
    claims: int
    incomplete: int
    items: int
    infringing: int
    rejected: int  # licensed or refused
    review: int
    flagged: bool

    @property
    def rejection_rate(self) -> float:
        decided = self.infringing + self.rejected
        return self.rejected / decided if decided else 0.0

    def as_dict(self) -> dict:
        return {
            "claimant": self.claimant, "claims": self.claims, "incomplete": self.incomplete, "items": self.items,
            "infringing": self.infringing, "rejected": self.rejected, "review": self.review,
            "rejection_rate": round(self.rejection_rate, 4), "flagged": self.flagged,
        }  # fmt: skip


def claimant_stats(
    answers: Iterable[ClaimAnswer], *, min_items: int = 10, threshold: float = 0.5
) -> list[ClaimantStats]:
    """Per claimant; flagged when at least ``min_items`` items were decided and more than ``threshold`` of them
    were rejected (a false claimant's whole claim counts as one rejected item per subject)."""
    acc: dict[str, Counter] = {}
    for a in answers:
        c = acc.setdefault(a.claimant, Counter())
        c["claims"] += 1
        c["incomplete"] += a.outcome is Outcome.INCOMPLETE
        if a.outcome is Outcome.FALSE_CLAIMANT:
            c["rejected"] += len(a.refused_subjects)
        for i in a.items:
            c["items"] += 1
            if i.verdict is Verdict.INFRINGING:
                c["infringing"] += 1
            elif i.verdict in (Verdict.LICENSED, Verdict.REFUSED):
                c["rejected"] += 1
            else:
                c["review"] += 1
    out = []
    for who in sorted(acc):
        c = acc[who]
        decided = c["infringing"] + c["rejected"]
        flagged = decided >= min_items and c["rejected"] / decided > threshold
        out.append(
            ClaimantStats(
                who,
                c["claims"],
                c["incomplete"],
                c["items"],
                c["infringing"],
                c["rejected"],
                c["review"],
                flagged,
            )
        )
    return out
