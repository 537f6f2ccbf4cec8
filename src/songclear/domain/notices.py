"""Notices: a regulator's order to stop distributing unlicensed music by a deadline.

The 2015 NCAC order was issued 2015-07-08 with a 2015-07-31 deadline; platforms then had a buffer for licensing
talks until the November clean-up. Between ``issued`` and the end of the tolerance (``buffer_end``, or the
deadline when there is no buffer) an uncleared track is in the ``buffer``: still uncleared, but tolerated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from songclear.domain.catalogue import BEGINNING
from songclear.domain.grants import DEFAULT_TZ, local_date
from songclear.domain.territory import Territories


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    id: str
    issuer: str
    title: str
    issued: date
    effective: date  # the deadline
    buffer_end: date | None = None
    platforms: frozenset[str] = frozenset()  # empty: every platform
    territories: Territories = Territories(frozenset({"CN"}))
    tz: str = DEFAULT_TZ
    recorded_at: datetime = BEGINNING

    @property
    def tolerated_until(self) -> date:
        return self.buffer_end or self.effective

    def applies_to(self, platform: str, territory: str) -> bool:
        return (not self.platforms or platform in self.platforms) and self.territories.covers(territory)

    def tolerates(self, platform: str, territory: str, instant: datetime) -> bool:
        """Is an uncleared track of ``platform`` tolerated at ``instant`` by this notice?"""
        if not self.applies_to(platform, territory):
            return False
        d = local_date(instant, self.tz)
        return self.issued <= d <= self.tolerated_until
