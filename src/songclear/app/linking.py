"""Linking use cases: propose which registered recording each library track is, and record reviewers' verdicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from songclear.app.progress import ticking
from songclear.domain.identity import TrackLink
from songclear.store.auditlog import log_event


@dataclass(slots=True)
class LinkReport:
    platform: str
    tracks: int = 0
    outcomes: Counter = field(default_factory=Counter)
    changed: int = 0
    review: list[dict] = field(default_factory=list)
    artists: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "platform": self.platform,
            "tracks": self.tracks,
            "auto": self.outcomes.get("auto", 0),
            "review": self.outcomes.get("review", 0),
            "none": self.outcomes.get("none", 0),
            "changed": self.changed,
            "artists": self.artists,
            "review_queue": self.review,
        }


def _details(p) -> dict:
    return {
        "reasons": list(p.reasons),
        "conflicts": list(p.conflicts),
        "flags": list(p.flags),
        "alternatives": [[isrc, round(score, 4)] for isrc, score in p.alternatives],
        "fields": [f.line() for f in p.score.fields] if p.score is not None else [],
    }


def recording_artists(recordings, aliases, table_size: int) -> dict:
    """How the recordings' artist credits (from tables or DDEX messages) resolve against the artist table: the
    distinct names credited, how many name an artist of the table, and up to 20 that name none."""
    from songclear.linking.credits import credits

    names = {c.shown: c for r in recordings for c in credits(r.artists, aliases)}
    unmatched = sorted(n for n, c in names.items() if not any(aliases.artist_id(s) for s in c.spellings))
    return {
        "table": table_size,
        "credited_names": len(names),
        "in_table": len(names) - len(unmatched),
        "not_in_table": unmatched[:20] if table_size else [],
    }


def link_platform(
    db, platform: str, *, now: datetime, actor: str = "machine:link", progress: Callable | None = None
) -> LinkReport:
    """Link every library track of ``platform``; audio matches win over metadata, rejected pairs stay rejected.
    ``progress(done, total)``: called as the tracks are linked."""
    from songclear.domain.identity import resolve_identity
    from songclear.linking.aliases import ArtistAliases
    from songclear.linking.linker import LinkTrack, link_tracks
    from songclear.store.links import LinkRepository
    from songclear.store.matches import AudioMatchRepository
    from songclear.store.repository import LedgerRepository

    report = LinkReport(platform)
    with db.session() as session:
        repo = LedgerRepository(session)
        _require(repo, platform)
        ledger = repo.load_ledger()
        artists = repo.list_artists()
        tracks = list(repo.iter_tracks(platform))
        found = AudioMatchRepository(session).matches_by_track(platform)
        links = LinkRepository(session)
        rejected = links.rejected_pairs(platform)
    audio = {}
    for t in tracks:
        ident = resolve_identity(t, found.get((t.platform, t.track_id), ()))
        if ident is not None and ident.source == "audio":
            audio[t.key] = ident.isrc
    aliases = ArtistAliases.from_ledger(
        parties=ledger.parties.values(), recordings=ledger.recordings.values(), artists=artists
    )
    report.artists = recording_artists(ledger.recordings.values(), aliases, len(artists))
    proposals = link_tracks(
        ticking((LinkTrack.from_library(t, t.duration_s) for t in tracks), progress, len(tracks)),
        ledger.recordings.values(),
        ledger.works,
        aliases,
        audio=audio,
        rejected=rejected,
    )
    rows = []
    for p in proposals:
        track_id = p.track_key.split("/", 1)[1]
        link = TrackLink(
            p.outcome, p.isrc, p.work_id, p.source, p.score.total if p.score else None, p.explanation
        )
        rows.append((track_id, link, _details(p)))
        report.outcomes[p.outcome] += 1
        if p.outcome == "review":
            report.review.append(
                {
                    "track": p.track_key,
                    "recording": p.isrc,
                    "work": p.work_id,
                    "explanation": p.explanation.splitlines()[0],
                    "reasons": list(p.reasons),
                }
            )
    report.tracks = len(rows)
    with db.session() as session:
        report.changed = LinkRepository(session).record(platform, rows, recorded_at=now)
        summary = {k: v for k, v in report.as_dict().items() if k not in ("review_queue", "artists")}
        log_event(session, at=now, actor=actor, action="link", subject=platform, payload=summary)
    return report


def decide_review(db, platform: str, track_id: str, decision: str, *, actor: str, note: str, at: datetime):
    """Record a reviewer's verdict on a track's proposed link, and log it, in one transaction."""
    from songclear.store.links import LinkRepository

    with db.session() as session:
        verdict = LinkRepository(session).decide(platform, track_id, decision, actor=actor, note=note, at=at)
        log_event(
            session, at=at, actor=actor, action="review", subject=f"{platform}/{track_id}",
            payload={"candidate": verdict.candidate, "decision": decision, "note": note},
        )  # fmt: skip
    return verdict


LINK_STATUSES = ("auto", "review", "none")
LINK_COLUMNS = ("track", "title", "artist", "outcome", "recording", "work", "source", "score", "reasons")


def list_links(db, platform: str, status: str | None = None) -> list[dict]:
    """Every library track of ``platform`` with its current link proposal: outcome, recording, work, source,
    score and the reasons it is not automatic (``outcome`` null: never linked). ``status``: only that outcome."""
    from songclear.errors import InputError
    from songclear.store.links import LinkRepository
    from songclear.store.repository import LedgerRepository

    if status is not None and status not in LINK_STATUSES:
        raise InputError(f"--status is one of {', '.join(LINK_STATUSES)}, not {status!r}")
    with db.session() as session:
        repo = LedgerRepository(session)
        _require(repo, platform)
        current = LinkRepository(session).current(platform)
        rows = []
        for t in repo.iter_tracks(platform):
            stored = current.get((platform, t.track_id))
            if stored is None:
                if status is None:
                    rows.append(dict.fromkeys(LINK_COLUMNS) | {"track": t.key, "title": t.title, "artist": t.artist,
                                "reasons": [f"not linked yet: run 'songclear link --platform {platform}'"]})  # fmt: skip
                continue
            if status is not None and stored.link.outcome != status:
                continue
            d = stored.as_dict()
            rows.append({"track": t.key, "title": t.title, "artist": t.artist, "outcome": d["outcome"],
                         "recording": d["recording"], "work": d["work"], "source": d["source"],
                         "score": d["score"], "reasons": d["reasons"]})  # fmt: skip
    return rows


def require_platform(db, platform: str) -> None:
    """NotFound (exit 3) for a platform with no library tracks, as ``songclear link`` says."""
    from songclear.store.repository import LedgerRepository

    with db.session() as session:
        _require(LedgerRepository(session), platform)


def _require(repo, platform: str) -> None:
    from songclear.errors import NotFound

    if platform not in repo.platforms():
        raise NotFound(f"platform {platform!r} has no library tracks")
