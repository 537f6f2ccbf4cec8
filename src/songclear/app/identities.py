"""How the audit learns which recording each library track is: what its audio matched, a reviewed or automatic
metadata link, or the ISRC the platform listed — in that order of strength (domain/identity.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from songclear.domain.catalogue import LibraryTrack, TrackIdentity

IdentityResolver = Callable[[LibraryTrack], TrackIdentity | None]


def isrc_identity(track: LibraryTrack) -> TrackIdentity | None:
    return TrackIdentity(track.isrc) if track.isrc else None


def identity_resolver(repo, platform: str | None, known_at: datetime | None) -> IdentityResolver:
    """Identities from the audio matches, links and review decisions known at ``known_at`` (None: now)."""
    from songclear.store.links import LinkRepository
    from songclear.store.matches import AudioMatchRepository

    found = AudioMatchRepository(repo.session).matches_by_track(platform, known_at=known_at)
    links_repo = LinkRepository(repo.session)
    links = links_repo.current(platform, known_at=known_at)
    decisions = links_repo.decisions(platform, known_at=known_at)
    return resolver_over(found, links, decisions)


def page_resolver(session, keys: list[tuple[str, str]]) -> IdentityResolver:
    """Identities as known now for the tracks ``keys`` only (a page of a listing): their evidence alone is read."""
    from songclear.store.browse_tracks import identity_evidence

    return resolver_over(*identity_evidence(session, keys))


def resolver_over(found: dict, links: dict, decisions: dict) -> IdentityResolver:
    """The resolver over loaded evidence: audio matches, current links and review decisions per (platform,
    track id), as ``AudioMatchRepository.matches_by_track`` and ``LinkRepository`` give them."""
    from songclear.domain.identity import resolve_identity

    if not (found or links or decisions):
        return isrc_identity

    def resolve(t: LibraryTrack) -> TrackIdentity | None:
        key = (t.platform, t.track_id)
        stored = links.get(key)
        link = stored.link if stored else None
        verdict = decisions.get(key, [None])[-1]
        if (
            verdict is not None
            and verdict.decision == "reject"
            and link
            and verdict.candidate in (link.isrc, link.work_id)
        ):
            link = None  # the reviewer refused this candidate: judge the track without it
        return resolve_identity(t, found.get(key, ()), link=link, decision=verdict)

    return resolve


def attach_audio_evidence(run, repo, *, limit: int = 200) -> None:
    """Give the report the evidence pictures of the matches that identified tracks by their audio."""
    from songclear.store.matches import AudioMatchRepository

    matches = AudioMatchRepository(repo.session)
    for d in run.decisions:
        if d.identity_source != "audio" or len(run.evidence) >= limit:
            continue
        platform, track_id = d.track.split("/", 1)
        pictures = [(m.describe(), png) for m, png in matches.evidence(platform, track_id) if png]
        if pictures:
            run.evidence[d.track] = pictures
