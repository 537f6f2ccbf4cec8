"""One search over the ledger and the libraries: a track, recording, work, grant, party or artist by any id, title
or alias — as known now, each kind a few hits (exact ids first) with how many there are in all.

Text is matched in every spelling ``linking.variants.spellings`` gives (as typed, width-folded, simplified,
traditional), ignoring case; ISRCs and ISWCs also as typed with or without separators. An artist found by any of
its spellings also finds the recordings that credit it under any other (the artist table: docs/linking.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from songclear.domain.catalogue import Party, Recording
from songclear.errors import InputError
from songclear.store import tables
from songclear.store.browse_ledger import (
    GrantBrowser,
    GrantFilter,
    RecordingBrowser,
    RecordingFilter,
    WorkBrowser,
    WorkFilter,
    decoded,
    fact_select,
)
from songclear.store.browse_tracks import TrackBrowser, TrackFilter, compact_code, text_condition

MAX_QUERY = 200  # characters: a title or an id, not a document
P, A, REC = tables.parties, tables.artists, tables.recordings


@dataclass(slots=True)
class Hits:
    items: list = field(default_factory=list)
    total: int = 0


@dataclass(slots=True)
class SearchResult:
    """What one search found, per kind. ``grants``/``tracks``/``recordings``/``works`` are None where the asker may
    not see that kind at all."""

    query: str
    parties: Hits
    artists: Hits
    recordings: Hits | None
    works: Hits | None
    grants: Hits | None
    tracks: Hits | None

    @property
    def count(self) -> int:
        kinds = (self.parties, self.artists, self.recordings, self.works, self.grants, self.tracks)
        return sum(h.total for h in kinds if h is not None)


@dataclass(frozen=True, slots=True)
class Scope:
    """What the asker may see: ``platforms`` whose tracks (None: every one); grants given by ``licensor`` or held
    by ``licensee`` only; recordings of ``owner`` only; ``works`` ids only; ``None`` everywhere: everything.
    ``tracks``/``grants``/``catalogue`` False: that kind is not searched."""

    platforms: tuple[str, ...] | None = None
    licensor: str | None = None
    licensee: str | None = None
    owner: str | None = None
    works: tuple[str, ...] | None = None
    tracks: bool = True
    grants: bool = True
    catalogue: bool = True


def _first_exact(column, value: str):
    return case((func.lower(column) == value.lower(), 0), else_=1)


def _parties(session: Session, words: str, limit: int) -> Hits:
    where = (P.c.superseded_at.is_(None), text_condition([P.c.party_id, P.c.name, P.c.aliases], words))
    total = session.execute(select(func.count()).select_from(P).where(*where)).scalar_one()
    stmt = fact_select(Party).where(*where).order_by(_first_exact(P.c.party_id, words), P.c.party_id)
    return Hits(decoded(Party, stmt.limit(limit), session), int(total))


def _artists(session: Session, words: str, limit: int) -> Hits:
    where = (A.c.superseded_at.is_(None), text_condition([A.c.artist_id, A.c.name, A.c.aliases], words))
    total = session.execute(select(func.count()).select_from(A).where(*where)).scalar_one()
    stmt = (
        select(A.c.artist_id, A.c.name, A.c.aliases, A.c.party)
        .where(*where)
        .order_by(_first_exact(A.c.artist_id, words), A.c.artist_id)
        .limit(limit)
    )
    items = [
        {"id": r.artist_id, "name": r.name, "aliases": json.loads(r.aliases), "party": r.party}
        for r in session.execute(stmt)
    ]
    return Hits(items, int(total))


def _recordings(session: Session, words: str, limit: int, owner: str | None, artists: list[dict]) -> Hits:
    credited = tuple(sorted({n for a in artists for n in (a["name"], *a["aliases"]) if n}))
    browser = RecordingBrowser(session, RecordingFilter(owner=owner, search=words, credited=credited))
    code = compact_code(words) or words
    stmt = (
        fact_select(Recording)
        .where(*browser.conditions())
        .order_by(_first_exact(REC.c.isrc, code), REC.c.isrc)
    )
    return Hits(decoded(Recording, stmt.limit(limit), session), browser.total())


def search(session: Session, words: str, *, limit: int = 20, scope: Scope = Scope()) -> SearchResult:
    words = (words or "").strip()
    if not words:
        raise InputError("search for something: an id, a title, a name or an alias")
    if len(words) > MAX_QUERY:
        raise InputError(f"a search is at most {MAX_QUERY} characters, got {len(words)}")
    artists = _artists(session, words, limit)
    recordings = works = grants = tracks = None
    if scope.catalogue:
        recordings = _recordings(session, words, limit, scope.owner, artists.items)
        wb = WorkBrowser(session, WorkFilter(search=words, works=scope.works))
        works = Hits(wb.page(limit=limit, offset=0), wb.total())
    if scope.grants:
        gb = GrantBrowser(
            session, GrantFilter(search=words, licensor=scope.licensor, licensee=scope.licensee)
        )
        grants = Hits(gb.page(limit=limit, offset=0), gb.total())
    if scope.tracks:
        tracks = _tracks(session, words, limit, scope.platforms)
    return SearchResult(words, _parties(session, words, limit), artists, recordings, works, grants, tracks)


def _tracks(session: Session, words: str, limit: int, platforms: tuple[str, ...] | None) -> Hits:
    if "/" in words:  # a track key PLATFORM/TRACK_ID
        platform, track_id = words.split("/", 1)
        if platforms is None or platform in platforms:
            exact = TrackBrowser(session, TrackFilter(platform=platform, platforms=platforms))
            t = tables.library_tracks
            keys = session.execute(
                select(t.c.platform, t.c.track_id).where(
                    t.c.superseded_at.is_(None), t.c.platform == platform, t.c.track_id == track_id
                )
            ).all()
            if keys:
                return Hits(exact.rows_of([tuple(k) for k in keys]), 1)
    browser = TrackBrowser(session, TrackFilter(search=words, platforms=platforms))
    return Hits(browser.page(limit=limit, offset=0), browser.total())
