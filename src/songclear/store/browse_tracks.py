"""Browsing library tracks in SQL: filters, one page (LIMIT/OFFSET), the total, and counts per value (facets),
each track with how it is identified and whose recording it is — as known now.

How a track is identified is worked out in SQL the way ``domain.identity.resolve_identity`` does it, strongest
evidence first, from the current rows (``identity_source``):

- ``audio``: its newest scan found a match of at least ``DECIDING_CONFIDENCE``. Which recording is the primary
  one depends on how the matches overlap (a greedy rule SQL cannot state), so it is computed in Python for the
  tracks that have such matches — as many as the scans matched, never the whole library — and joined in as a
  relation from one JSON parameter (``json_each`` / ``json_to_recordset``);
- ``link``: the newest review decision accepted a candidate, or the current link is automatic from metadata or
  audio (not from the ISRC) and names a recording or a work, and no newer rejection refused that candidate;
- ``review``: the current link waits for a person (the track is still judged by its listed ISRC);
- ``isrc``: the listed ISRC; ``none``: nothing identifies it.

The recording it is judged as is joined to ``recordings`` (current version) for its owner: the ``licensor`` of
the audit. A test checks every track of a world against ``identity_resolver`` (tests/store/test_browse_tracks.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session

from songclear.domain.identity import DECIDING_CONFIDENCE
from songclear.errors import InputError
from songclear.store import tables
from songclear.store.bulk import scan

T = tables.library_tracks
L = tables.track_links
R = tables.review_decisions
REC = tables.recordings

IDENTITY_SOURCES = ("audio", "link", "review", "isrc", "none")
AVAILABILITIES = ("live", "taken_down")
UNKNOWN = "unknown"  # the licensor of a track judged as no registered recording (as the audit's by_licensor)
FACETS = ("platform", "availability", "identity_source", "licensor")


@dataclass(frozen=True, slots=True)
class TrackFilter:
    """Which tracks: every field None means 'any'. ``platforms``: the only platforms that may be listed (a
    dashboard user's); ``licensor`` ``unknown``: tracks judged as no registered recording; ``recording``: tracks
    judged as that ISRC (by their listed ISRC, a link or their audio)."""

    platform: str | None = None
    availability: str | None = None
    identity_source: str | None = None
    licensor: str | None = None
    recording: str | None = None  # the ISRC it is judged as
    search: str | None = None
    platforms: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.availability is not None and self.availability not in AVAILABILITIES:
            raise InputError(f"availability is one of {', '.join(AVAILABILITIES)}, not {self.availability!r}")
        if self.identity_source is not None and self.identity_source not in IDENTITY_SOURCES:
            raise InputError(
                f"identity source is one of {', '.join(IDENTITY_SOURCES)}, not {self.identity_source!r}"
            )

    @property
    def needs_identity(self) -> bool:
        return any(v is not None for v in (self.identity_source, self.licensor, self.recording))


@dataclass(frozen=True, slots=True)
class TrackRow:
    platform: str
    track_id: str
    title: str
    artist: str
    isrc: str | None  # as the platform lists it
    availability: str
    play_count: int | None
    identity_source: str
    recording: str | None  # the registered recording it is judged as (None: none)
    licensor: str | None  # that recording's owner

    @property
    def key(self) -> str:
        return f"{self.platform}/{self.track_id}"


_LIKE_SPECIAL = re.compile(r"([\\%_])")


def like_pattern(text_: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` escaped (use with ``escape='\\\\'``)."""
    escaped = _LIKE_SPECIAL.sub(r"\\\1", text_)
    return f"%{escaped}%"


def text_condition(columns: list, words: str) -> ColumnElement[bool]:
    """Any of ``columns`` contains any spelling of ``words`` (as typed, width-folded, simplified, traditional),
    ignoring case."""
    from songclear.linking.variants import spellings

    patterns = [like_pattern(s) for s in spellings(words)] or [like_pattern(words)]
    return or_(*(c.ilike(p, escape="\\") for c in columns for p in patterns))


def compact_code(words: str) -> str | None:
    """An ISRC or ISWC as typed ('CN-J01-14-00001', 'cnj0114'): upper case without separators; None when it
    cannot be part of one."""
    compact = re.sub(r"[\s\-.]", "", words.upper())
    return compact if compact.isalnum() and compact.isascii() else None


def audio_identities(session: Session, platform: str | None) -> dict[tuple[str, str], str]:
    """(platform, track_id) -> the recording its newest scan's audio identifies it as (resolve_identity's rule),
    for the tracks whose newest scan has a match of at least DECIDING_CONFIDENCE."""
    from songclear.domain.catalogue import LibraryTrack
    from songclear.domain.identity import resolve_identity
    from songclear.store.matches import AudioMatchRepository

    found = AudioMatchRepository(session).matches_by_track(platform)
    out = {}
    for (p, track_id), matches in found.items():
        if not any(m.confidence >= DECIDING_CONFIDENCE for m in matches):
            continue
        ident = resolve_identity(LibraryTrack(platform=p, track_id=track_id, title=""), matches)
        if ident is not None and ident.source == "audio":
            out[p, track_id] = ident.isrc
    return out


# The audio identities of one listing, as a temporary table (per connection, emptied and refilled by each
# listing): joined by its primary key, one index probe per track on SQLite and PostgreSQL alike. (A relation
# from a JSON parameter joins without an index on SQLite: every track would scan it.)
_AUDIO = Table(
    "browse_audio_identities",
    MetaData(),
    Column("p", Text, primary_key=True),
    Column("t", Text, primary_key=True),
    Column("i", Text, nullable=False),
)
_AUDIO_DDL = "CREATE TEMPORARY TABLE IF NOT EXISTS browse_audio_identities (p TEXT, t TEXT, i TEXT NOT NULL, PRIMARY KEY (p, t))"


def _audio_table(session: Session, audio: dict[tuple[str, str], str]) -> Table:
    conn = session.connection()
    conn.exec_driver_sql(_AUDIO_DDL)
    conn.execute(delete(_AUDIO))
    rows = [{"p": p, "t": t, "i": i} for (p, t), i in audio.items()]
    for start in range(0, len(rows), 5_000):
        conn.execute(insert(_AUDIO), rows[start : start + 5_000])
    return _AUDIO


def _newest_verdict():
    """Review decisions joined so that only each track's newest one (by decided_at, then id: the order of
    ``LinkRepository.decisions``) matches: an index probe per track, and the NOT EXISTS only for tracks decided."""
    verdict, newer = R.alias("verdict"), R.alias("newer")
    is_newest = ~exists().where(
        newer.c.platform == verdict.c.platform,
        newer.c.track_id == verdict.c.track_id,
        or_(
            newer.c.decided_at > verdict.c.decided_at,
            and_(newer.c.decided_at == verdict.c.decided_at, newer.c.id > verdict.c.id),
        ),
    )
    return verdict, is_newest


class TrackBrowser:
    """The queries of one listing (one filter), on one session. Identity columns are joined only where a filter,
    a facet or the shown page needs them."""

    def __init__(self, session: Session, f: TrackFilter) -> None:
        self.session, self.f = session, f
        self.dialect = session.connection().dialect.name
        self.audio = audio_identities(session, f.platform)
        verdict, newest = _newest_verdict()
        audio = _audio_table(session, self.audio) if self.audio else None
        joined = T.outerjoin(
            L, and_(L.c.platform == T.c.platform, L.c.track_id == T.c.track_id, L.c.superseded_at.is_(None))
        ).outerjoin(
            verdict, and_(verdict.c.platform == T.c.platform, verdict.c.track_id == T.c.track_id, newest)
        )
        if audio is not None:
            joined = joined.outerjoin(audio, and_(audio.c.p == T.c.platform, audio.c.t == T.c.track_id))
        by_audio = audio.c.i.is_not(None) if audio is not None else false()
        accepted = verdict.c.decision == "accept"
        refused = case(
            (and_(verdict.c.decision == "reject", or_(verdict.c.candidate == L.c.isrc, verdict.c.candidate == L.c.work_id)), 1),
            else_=0,
        )  # fmt: skip
        auto_link = and_(
            L.c.outcome == "auto", L.c.source != "isrc", or_(L.c.isrc.is_not(None), L.c.work_id.is_not(None)),
            refused == 0,
        )  # fmt: skip
        in_review = and_(L.c.outcome == "review", refused == 0)
        listed = and_(T.c.isrc.is_not(None), T.c.isrc != "")
        self.source = case(
            (by_audio, literal("audio", String)), (accepted, literal("link", String)),
            (auto_link, literal("link", String)), (in_review, literal("review", String)),
            (listed, literal("isrc", String)), else_=literal("none", String),
        ).label("identity_source")  # fmt: skip
        judged_as = case(
            (by_audio, audio.c.i if audio is not None else null()), (accepted, verdict.c.candidate),
            (auto_link, L.c.isrc), else_=T.c.isrc,
        )  # fmt: skip
        self.joined = joined.outerjoin(REC, and_(REC.c.isrc == judged_as, REC.c.superseded_at.is_(None)))
        self.recording = REC.c.isrc.label("recording")
        self.licensor = REC.c.owner.label("licensor")

    # -- conditions ---------------------------------------------------------------------------------------------

    def conditions(self) -> list[ColumnElement[bool]]:
        f = self.f
        out: list[ColumnElement[bool]] = [T.c.superseded_at.is_(None)]
        if f.platform is not None:
            out.append(T.c.platform == f.platform)
        if f.platforms is not None:
            out.append(T.c.platform.in_(f.platforms) if f.platforms else false())
        if f.availability is not None:
            out.append(T.c.availability == f.availability)
        if f.search:
            found = [text_condition([T.c.title, T.c.artist, T.c.track_id], f.search)]
            code = compact_code(f.search)
            if code:
                found.append(T.c.isrc.like(like_pattern(code), escape="\\"))
            out.append(or_(*found))
        if f.identity_source is not None:
            out.append(self.source == f.identity_source)
        if f.licensor is not None:
            out.append(REC.c.owner.is_(None) if f.licensor == UNKNOWN else REC.c.owner == f.licensor)
        if f.recording is not None:
            out.append(REC.c.isrc == (compact_code(f.recording) or f.recording))
        return out

    def _base(self, *columns) -> Select:
        source = self.joined if self.f.needs_identity else T
        return select(*columns).select_from(source).where(*self.conditions())

    # -- answers --------------------------------------------------------------------------------------------------

    def total(self) -> int:
        return int(self.session.execute(self._base(func.count())).scalar_one())

    def page(self, *, limit: int, offset: int) -> list[TrackRow]:
        """The tracks of the page, in (platform, track id) order: their keys first (the filter's query, LIMIT and
        OFFSET), then the identity of those keys only."""
        keys = self._base(T.c.platform, T.c.track_id).order_by(T.c.platform, T.c.track_id)
        found = [tuple(k) for k in self.session.execute(keys.limit(limit).offset(offset))]
        return self.rows_of(found)

    def rows_of(self, keys: list[tuple[str, str]]) -> list[TrackRow]:
        """The rows of ``keys`` (a page), with their identity, in the order given."""
        if not keys:
            return []
        stmt = (
            select(*self._row_columns())
            .select_from(self.joined)
            .where(T.c.superseded_at.is_(None), keys_in(keys))
        )
        rows = {(r.platform, r.track_id): _row(r) for r in self.session.execute(stmt)}
        return [rows[k] for k in keys if k in rows]

    def stream(self, batch: int = 5_000) -> Iterator[TrackRow]:
        """Every track of the filter, in (platform, track id) order, with its identity (an export)."""
        stmt = (
            select(*self._row_columns())
            .select_from(self.joined)
            .where(*self.conditions())
            .order_by(T.c.platform, T.c.track_id)
        )
        for part in scan(self.session, stmt, batch=batch):
            yield from (_row(r) for r in part)

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Under the filter: tracks per platform, availability, identity source and licensor (``unknown``: no
        registered recording), most first — one grouped query."""
        owner = func.coalesce(REC.c.owner, literal(UNKNOWN, String))
        stmt = (
            select(T.c.platform, T.c.availability, self.source, owner, func.count())
            .select_from(self.joined)
            .where(*self.conditions())
            .group_by(T.c.platform, T.c.availability, self.source, owner)
        )
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for row in self.session.execute(stmt):
            n = row[-1]
            for name, value in zip(FACETS, row[:-1], strict=True):
                counts[name][value] = counts[name].get(value, 0) + n
        return {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in counts.items()}

    def _row_columns(self) -> list[Any]:
        return [
            T.c.platform, T.c.track_id, T.c.title, T.c.artist, T.c.isrc, T.c.availability, T.c.play_count,
            self.source, self.recording, self.licensor,
        ]  # fmt: skip


def keys_in(keys: list[tuple[str, str]]) -> ColumnElement[bool]:
    """(platform, track_id) in ``keys``, as one ``platform = ? AND track_id IN (...)`` per platform: the
    current-version index answers it (a row-value IN makes SQLite scan the whole table)."""
    return _keys_in(T, keys)


def _row(r) -> TrackRow:
    return TrackRow(*r)


def identity_evidence(session: Session, keys: list[tuple[str, str]]) -> tuple[dict, dict, dict]:
    """For the tracks ``keys`` only (a page): the matches of each one's newest scan, its current link and its
    review decisions, in the shapes of ``AudioMatchRepository.matches_by_track``, ``LinkRepository.current``
    and ``LinkRepository.decisions`` (as known now)."""
    from songclear.domain.identity import ReviewDecision
    from songclear.store.links import _stored
    from songclear.store.matches import _match

    if not keys:
        return {}, {}, {}
    S, M = tables.scanned_tracks, tables.audio_matches
    newest: dict[tuple[str, str], tuple] = {}
    for r in session.execute(
        select(S.c.platform, S.c.track_id, S.c.index_version, S.c.recorded_at).where(_keys_in(S, keys))
    ):
        k = (r.platform, r.track_id)
        if k not in newest or r.recorded_at > newest[k][0]:
            newest[k] = (r.recorded_at, r.index_version)
    found: dict[tuple[str, str], list] = {}
    if newest:
        stmt = (
            select(M)
            .where(_keys_in(M, list(newest)))
            .order_by(M.c.platform, M.c.track_id, M.c.query_start, M.c.isrc)
        )
        for r in session.execute(stmt):
            if newest[r.platform, r.track_id][1] == r.index_version:
                found.setdefault((r.platform, r.track_id), []).append(_match(r))
    links = {
        (r.platform, r.track_id): _stored(r)
        for r in session.execute(select(L).where(L.c.superseded_at.is_(None), _keys_in(L, keys)))
    }
    decisions: dict[tuple[str, str], list] = {}
    for r in session.execute(select(R).where(_keys_in(R, keys)).order_by(R.c.decided_at, R.c.id)):
        decisions.setdefault((r.platform, r.track_id), []).append(
            ReviewDecision(r.candidate, r.decision, r.actor, r.decided_at)
        )
    return found, links, decisions


def _keys_in(table: Table, keys: list[tuple[str, str]]) -> ColumnElement[bool]:
    by_platform: dict[str, list[str]] = {}
    for platform, track_id in keys:
        by_platform.setdefault(platform, []).append(track_id)
    return or_(*(and_(table.c.platform == p, table.c.track_id.in_(ids)) for p, ids in by_platform.items()))
