"""What songclear reads from a DDEX ERN message: immutable records, no XML left in them.

The model keeps only what the rights ledger needs: who sends to whom and when, which releases (and through
their resources, which ISRCs), and each release's deals. Values are already validated and normalised (ISRCs
compact, territories checked, use types and commercial models from the DDEX vocabulary).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from songclear.domain.territory import Territories


class MessageKind(enum.StrEnum):
    NEW_RELEASE = "NewReleaseMessage"
    UPDATE_RELEASE = "UpdateReleaseMessage"
    PURGE_RELEASE = "PurgeReleaseMessage"


class ControlType(enum.StrEnum):
    LIVE = "LiveMessage"
    TEST = "TestMessage"


@dataclass(frozen=True, slots=True)
class DdexParty:
    party_id: str  # the DPID (or another PartyId) as sent
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SoundRecording:
    """A resource with an ISRC: a sound recording, or a video (``video``)."""

    reference: str  # the message-local ResourceReference (A1)
    isrc: str
    title: str = ""
    artists: tuple[str, ...] = ()  # the DisplayArtistName, else each DisplayArtist's name
    duration_s: float | None = None
    iswc: str | None = None
    artist_aliases: tuple[tuple[str, ...], ...] = ()  # per artist, every spelling the message gives it
    video: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseIds:
    icpn: str | None = None
    grid: str | None = None
    isrc: str | None = None  # ERN 3.x lets a track release be identified by its ISRC
    proprietary: str | None = None  # 'Namespace:value'
    catalog_number: str | None = None

    @property
    def primary(self) -> str | None:
        """The id a release is keyed on: ICPN, else GRid, else ISRC, else proprietary id, else catalogue number."""
        return self.icpn or self.grid or self.isrc or self.proprietary or self.catalog_number


@dataclass(frozen=True, slots=True, kw_only=True)
class DdexRelease:
    reference: str  # the message-local ReleaseReference (R0); '' in a purge
    ids: ReleaseIds
    title: str = ""
    isrcs: tuple[str, ...] = ()  # its resources with an ISRC (sound recordings, videos), in message order
    xpath: str = ""

    @property
    def release_id(self) -> str:
        return self.ids.primary or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DdexDeal:
    release_reference: str
    index: int  # position among the release's deals in the message (stable ids)
    territories: Territories | None  # None only for a TakeDown deal that names no territory
    start: date | None
    end: date | None  # inclusive; None: until further notice
    tz: str = "local"  # the zone of start and end: 'local' (each territory's days, grants.LOCAL) or an offset
    uses: frozenset[str] = frozenset()
    commercial_models: frozenset[str] = frozenset()
    takedown: bool = False  # ERN 3.x TakeDown flag
    xpath: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DdexMessage:
    source: str  # the file it was read from
    kind: MessageKind
    version: str  # 'ern/382', 'ern/43' ...
    message_id: str  # as sent, or 'sha256:...' of the file when the header leaves it empty
    thread_id: str
    created: datetime  # MessageCreatedDateTime, aware (UTC assumed if the message gives no offset)
    control: ControlType
    sender: DdexParty
    recipient: DdexParty
    recordings: tuple[SoundRecording, ...] = ()
    releases: tuple[DdexRelease, ...] = ()
    deals: tuple[DdexDeal, ...] = ()
    warnings: tuple[str, ...] = ()
    sha256: str = ""  # of the message's file: orders two messages about a release created at the same instant

    @property
    def order(self) -> tuple[datetime, str]:
        """Where this message stands among the sender's messages about a release: (created, file hash)."""
        return (self.created, self.sha256)

    @property
    def is_test(self) -> bool:
        return self.control is ControlType.TEST

    def release_key(self, release: DdexRelease) -> str:
        return release_key(self.sender.party_id, self.recipient.party_id, release.release_id)

    def release_keys(self) -> tuple[str, ...]:
        """The ReleaseDeals keys this message touches, to fetch ``existing`` before ``apply_message``."""
        return tuple(dict.fromkeys(self.release_key(r) for r in self.releases))

    def deals_of(self, release: DdexRelease) -> tuple[DdexDeal, ...]:
        return tuple(d for d in self.deals if d.release_reference == release.reference)


def release_key(sender_dpid: str, recipient_dpid: str, release_id: str) -> str:
    """'sender|recipient|release id', on the DDEX party ids as sent (stable whatever party_ids maps them to)."""
    return f"{sender_dpid}|{recipient_dpid}|{release_id}"
