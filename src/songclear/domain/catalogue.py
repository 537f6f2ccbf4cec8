"""The things rights are about: parties, artists, recordings, works, and a platform's library tracks.

All records are immutable. Each carries ``recorded_at``: when the ledger learnt this version of the fact. A later
version of the same id supersedes it from its own ``recorded_at`` on (see ``ledger.py``: bitemporal snapshots).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime

from songclear.domain.vocabulary import PartyKind

# The default 'known since' of facts built in code (tests, the demo): the beginning of time.
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


class Version(enum.StrEnum):
    """What a recording is, beyond its title. Different versions are different recordings."""

    STUDIO = "studio"
    LIVE = "live"
    INSTRUMENTAL = "instrumental"
    REMIX = "remix"
    ACOUSTIC = "acoustic"
    DEMO = "demo"
    RADIO_EDIT = "radio_edit"
    REMASTER = "remaster"
    COVER = "cover"
    CUT = "cut"
    VIDEO = (
        "video"  # a music video: its own ISRC, licensed with the release it belongs to (DDEX Video resource)
    )


class Availability(enum.StrEnum):
    LIVE = "live"
    TAKEN_DOWN = "taken_down"


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    id: str
    name: str
    kind: PartyKind
    aliases: tuple[str, ...] = ()
    recorded_at: datetime = BEGINNING


@dataclass(frozen=True, slots=True, kw_only=True)
class Artist:
    """A performer as the ledger knows them: one stable id, a display name and every other spelling (English
    name, pinyin, traditional form, nickname). Recordings credit artists by name; the linker resolves those names,
    and a platform's, to this id. ``party``: the party that represents the artist, if any (its name and aliases
    then spell the artist too)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    party: str | None = None
    recorded_at: datetime = BEGINNING


@dataclass(frozen=True, slots=True, kw_only=True)
class Work:
    """A musical composition (publishing rights). ``publishers`` are party ids that must license it."""

    id: str
    title: str
    iswc: str | None = None
    writers: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    recorded_at: datetime = BEGINNING


@dataclass(frozen=True, slots=True, kw_only=True)
class Recording:
    """A sound recording (master rights), keyed by its ISRC. ``owner`` is the label party id. ``artists``: the
    credited names, as a platform shows them; ``artist_aliases``: other spellings of the credited artists, one
    group per artist (a DDEX DisplayArtistName, the artist party's FullName, names in other scripts), which the
    linker takes as aliases of each other."""

    isrc: str
    title: str
    artists: tuple[str, ...] = ()
    duration_s: float | None = None
    version: Version = Version.STUDIO
    owner: str | None = None
    work_id: str | None = None
    recorded_at: datetime = BEGINNING
    artist_aliases: tuple[tuple[str, ...], ...] = ()

    @property
    def id(self) -> str:
        return self.isrc


@dataclass(frozen=True, slots=True, kw_only=True)
class LibraryTrack:
    """A platform's catalogue entry, as the platform knows it (its title and ISRC may be wrong)."""

    platform: str
    track_id: str
    title: str
    artist: str = ""
    isrc: str | None = None
    audio_path: str | None = None
    play_count: int | None = None
    availability: Availability = Availability.LIVE
    duration_s: float | None = None  # as the platform lists it: evidence for linking
    recorded_at: datetime = BEGINNING

    @property
    def key(self) -> str:
        return f"{self.platform}/{self.track_id}"


@dataclass(frozen=True, slots=True)
class TrackIdentity:
    """Which registered recording a library track really is, and how we know (ISRC, a metadata link, audio).

    ``contains``: other registered recordings the track's audio also holds (a medley, a track that copies part of
    another); each of them must be cleared too."""

    isrc: str
    source: str = "isrc"  # 'isrc' | 'link' | 'audio'
    evidence: str = ""
    contains: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)
