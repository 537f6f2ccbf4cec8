"""What a clearance decision is: its status, the grant chains that prove it, and the reasons for every other
outcome. How one is made is ``clearance.decide``; these are the values the audit, the reports, the takedowns and
the API pass around.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from songclear.domain.rules import Finding
from songclear.domain.territory_time import last_day
from songclear.domain.vocabulary import Right


class Status(enum.StrEnum):
    CLEARED = "cleared"
    EXPIRING = "expiring"
    CONFLICT = "conflict"
    BUFFER = "buffer"
    UNCLEARED = "uncleared"

    @property
    def has_licence(self) -> bool:
        """A valid chain exists (it may be contested or about to lapse)."""
        return self in (Status.CLEARED, Status.EXPIRING, Status.CONFLICT)


@dataclass(frozen=True, slots=True)
class Chain:
    """The grants that carry ``right`` in ``subject`` from the rights holder (first) down to the platform (last)."""

    right: Right
    subject: str
    grant_ids: tuple[str, ...]
    ends: datetime | None  # first instant the chain no longer holds; None: open-ended


@dataclass(frozen=True, slots=True)
class ClearanceDecision:
    track: str
    status: Status
    recording: str | None
    licensor: str | None  # the recording's owner, for per-licensor summaries
    chains: tuple[Chain, ...]
    reasons: tuple[Finding, ...]
    identity_source: str | None = None
    notice: str | None = None
    territory: str = "CN"  # the territory asked about: its days date the chains' ends

    @property
    def cleared_until(self) -> datetime | None:
        ends = [c.ends for c in self.chains if c.ends is not None]
        return min(ends) if ends else None

    @property
    def last_day(self) -> date | None:
        """The last day of the territory asked about (in China: of Asia/Shanghai) on which the proving chains
        hold, or None if open-ended."""
        end = self.cleared_until
        return None if end is None else last_day(end, self.territory)

    def explain(self) -> str:
        if self.status in (Status.CLEARED, Status.EXPIRING):
            chains = "; ".join(f"{c.right.value}: {' -> '.join(c.grant_ids)}" for c in self.chains)
            lapse = f" (last day {self.last_day})" if self.status is Status.EXPIRING else ""
            how = "".join(
                f"; {r.message}"
                for r in self.reasons
                if r.code.startswith("identified-by-") or r.code == "in-review"
            )
            return f"{self.status.value}{lapse}: {chains}{how}"
        return f"{self.status.value}: " + "; ".join(r.message for r in self.reasons)
