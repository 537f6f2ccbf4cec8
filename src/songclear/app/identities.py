"""How the audit learns which recording each library track is: its ISRC, or what its audio matched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from songclear.domain.catalogue import LibraryTrack, TrackIdentity

IdentityResolver = Callable[[LibraryTrack], TrackIdentity | None]


def isrc_identity(track: LibraryTrack) -> TrackIdentity | None:
    return TrackIdentity(track.isrc) if track.isrc else None


def audio_resolver(repo, platform: str | None, known_at: datetime | None) -> IdentityResolver:
    """Identities from the library scan's audio matches as known at ``known_at``: audio wins over the ISRC."""
    from songclear.domain.identity import resolve_identity
    from songclear.store.matches import AudioMatchRepository

    found = AudioMatchRepository(repo.session).matches_by_track(platform, known_at=known_at)
    if not found:
        return isrc_identity
    return lambda t: resolve_identity(t, found.get((t.platform, t.track_id), ()))
