"""What the ledger remembers of each DDEX release, so that the newest message for a release replaces its deals.

DDEX says the newest message about a release is the whole truth about its deals: when a newer message arrives,
the grants made from the older one are superseded; an older or duplicate message is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from songclear.domain.catalogue import BEGINNING


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseDeals:
    key: str  # 'sender|recipient|release id' (ICPN, GRid or proprietary id)
    sender: str
    recipient: str
    release_id: str
    message_id: str
    message_created: datetime  # MessageCreatedDateTime of the message that set these deals
    grant_ids: tuple[str, ...]
    isrcs: tuple[str, ...] = ()
    state: str = "available"  # 'available' | 'no-deal' | 'taken-down' | 'purged'
    message_sha256: str = ""  # the SHA-256 of the message's file: orders two messages created at one instant
    recorded_at: datetime = BEGINNING

    @property
    def order(self) -> tuple[datetime, str]:
        """Where the message that set these deals stands among the sender's messages about the release."""
        return (self.message_created, self.message_sha256)
