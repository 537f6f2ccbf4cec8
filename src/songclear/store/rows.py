"""Domain facts <-> table rows, one codec per kind of fact.

``encode`` gives the fact's own columns (no recorded_at): two versions are the same fact exactly when their
encodings are equal apart from provenance (a grant's ``source``: where the ledger first learnt it, e.g.
'grants.csv:12'), which is how ``record()`` tells an unchanged fact from a new version. ``decode`` builds the
domain object straight from a result row. Sets are written sorted so equal sets encode equally; decoding goes
through a per-load ``Memo`` because most rows share their territories, uses and lists, and a 10 M-row load
should neither parse nor keep the same value a million times.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table

from songclear.domain.catalogue import Artist, Availability, LibraryTrack, Party, Recording, Version, Work
from songclear.domain.grants import Grant, Term, Termination, TerminationCause
from songclear.domain.notices import Notice
from songclear.domain.releases import ReleaseDeals
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right
from songclear.errors import InputError
from songclear.store import tables

Fact = Party | Artist | Work | Recording | Grant | Notice | LibraryTrack | ReleaseDeals


def utc(instant: datetime | None) -> datetime | None:
    if instant is None:
        return None
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: an instant needs a time zone")
    return instant.astimezone(UTC)


def instant_arg(value: datetime | None, name: str) -> datetime | None:
    """``value`` in UTC; an InputError naming ``name`` when it has no time zone."""
    try:
        return utc(value)
    except ValueError:
        raise InputError(
            f"{name} {value!r} has no time zone: give an instant such as 2015-07-31T00:00+08:00"
        ) from None


_JSON = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":")
)  # built once: json.dumps(...) builds one per call


def _list(values: Iterable[str]) -> str:
    return _JSON.encode(list(values)) if values else "[]"


def _set(values: Iterable[str]) -> str:
    return _list(sorted(values))


def _words(values: Iterable[str]) -> str:
    return " ".join(sorted(values))


def _strings(text: str) -> list[str]:
    """A JSON list of strings as ``_list`` writes it. Ids and ISRCs need no escapes: '["a","b"]' splits on
    '","' (a JSON string without a backslash cannot hold a quote); anything else goes through the parser."""
    if text == "[]":
        return []
    if text.startswith('["') and text.endswith('"]') and "\\" not in text and " " not in text:
        return text[2:-2].split('","')
    return json.loads(text)


class Memo:
    """Parses each distinct stored text once per load and shares the resulting immutable value."""

    def __init__(self) -> None:
        self._tuples: dict[str, tuple[str, ...]] = {}
        self._sets: dict[str, frozenset[str]] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._territories: dict[str, Territories] = {}
        self._rights: dict[str, frozenset[Right]] = {}
        self._terms: dict[tuple, Term] = {}

    def tuple(self, text: str) -> tuple[str, ...]:
        v = self._tuples.get(text)
        if v is None:
            v = self._tuples[text] = tuple(_strings(text))
        return v

    def set(self, text: str) -> frozenset[str]:
        v = self._sets.get(text)
        if v is None:
            v = self._sets[text] = frozenset(_strings(text))
        return v

    def words(self, text: str) -> frozenset[str]:
        v = self._words.get(text)
        if v is None:
            v = self._words[text] = frozenset(text.split())
        return v

    def territories(self, text: str) -> Territories:
        v = self._territories.get(text)
        if v is None:
            v = self._territories[text] = Territories.from_text(text)
        return v

    def rights(self, text: str) -> frozenset[Right]:
        v = self._rights.get(text)
        if v is None:
            v = self._rights[text] = frozenset(Right(r) for r in text.split())
        return v

    def term(self, start, end, tz: str) -> Term:
        k = (start, end, tz)
        v = self._terms.get(k)
        if v is None:
            v = self._terms[k] = Term(start, end, tz)
        return v


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: codecs key dicts on the hot path
class Codec:
    """How one kind of fact maps to its table.

    ``encode`` returns the fact's columns as a dict in table order (``columns``); ``decode`` takes a result row
    holding those columns in the same order followed by ``recorded_at``, and unpacks it by position (speed)."""

    kind: str
    type: type
    table: Table
    key: tuple[str, ...]  # the entity-key columns, in index order
    key_of: Callable[[Any], tuple]
    encode: Callable[[Any], dict[str, Any]]
    decode: Callable[[Sequence[Any], Memo], Any]
    columns: tuple[str, ...] = ()
    # The encoded values without the provenance columns (None: there are none): what "the same fact" compares.
    fact_part: Callable[[tuple], tuple] | None = None

    @classmethod
    def of(
        cls, kind: str, type_: type, table: Table, key: tuple[str, ...], key_of, encode, decode,
        provenance: tuple[str, ...] = (),
    ) -> Codec:  # fmt: skip
        spine = {"id", "recorded_at", "superseded_at", "import_id"}
        columns = tuple(c.name for c in table.columns if c.name not in spine)
        kept = [i for i, c in enumerate(columns) if c not in provenance]
        fact_part = itemgetter(*kept) if len(kept) < len(columns) else None
        return cls(kind, type_, table, key, key_of, encode, decode, columns, fact_part)

    def same_fact(self, a: tuple, b: tuple) -> bool:
        """Whether two encodings are the same fact (provenance aside)."""
        return a == b or (self.fact_part is not None and self.fact_part(a) == self.fact_part(b))


def _party_row(p: Party) -> dict[str, Any]:
    return {"party_id": p.id, "name": p.name, "kind": p.kind.value, "aliases": _list(p.aliases)}


def _party(r: Sequence[Any], m: Memo) -> Party:
    party_id, name, kind, aliases, recorded_at = r
    return Party(
        id=party_id, name=name, kind=PartyKind(kind), aliases=m.tuple(aliases), recorded_at=recorded_at
    )


def _artist_row(a: Artist) -> dict[str, Any]:
    return {"artist_id": a.id, "name": a.name, "aliases": _list(a.aliases), "party": a.party}


def _artist(r: Sequence[Any], m: Memo) -> Artist:
    artist_id, name, aliases, party, recorded_at = r
    return Artist(id=artist_id, name=name, aliases=m.tuple(aliases), party=party, recorded_at=recorded_at)


def _work_row(w: Work) -> dict[str, Any]:
    return {
        "work_id": w.id, "title": w.title, "iswc": w.iswc, "writers": _list(w.writers),
        "publishers": _list(w.publishers),
    }  # fmt: skip


def _work(r: Sequence[Any], m: Memo) -> Work:
    work_id, title, iswc, writers, publishers, recorded_at = r
    return Work(
        id=work_id, title=title, iswc=iswc, writers=m.tuple(writers), publishers=m.tuple(publishers),
        recorded_at=recorded_at,
    )  # fmt: skip


def _recording_row(x: Recording) -> dict[str, Any]:
    return {
        "isrc": x.isrc, "title": x.title, "artists": _list(x.artists), "duration_s": x.duration_s,
        "version": x.version.value, "owner": x.owner, "work_id": x.work_id,
        "artist_aliases": _JSON.encode([list(g) for g in x.artist_aliases]) if x.artist_aliases else None,
    }  # fmt: skip


_VERSIONS = {v.value: v for v in Version}


def _recording(r: Sequence[Any], m: Memo) -> Recording:
    isrc, title, artists, duration_s, version, owner, work_id, aliases, recorded_at = r
    return Recording(
        isrc=isrc, title=title, artists=m.tuple(artists), duration_s=duration_s, version=_VERSIONS[version],
        owner=owner, work_id=work_id, recorded_at=recorded_at,
        artist_aliases=tuple(tuple(g) for g in json.loads(aliases)) if aliases else (),
    )  # fmt: skip


def _grant_row(g: Grant) -> dict[str, Any]:
    t = g.termination
    return {
        "grant_id": g.id, "licensor": g.licensor, "licensee": g.licensee, "rights": _words(g.rights),
        "term_start": g.term.start, "term_end": g.term.end, "term_tz": g.term.tz,
        "territories": g.territories.to_text(), "uses": _words(g.uses),
        "commercial_models": _words(g.commercial_models), "recordings": _set(g.recordings),
        "works": _set(g.works), "catalogue": g.catalogue, "exclusive": g.exclusive,
        "sublicensable": g.sublicensable, "parent": g.parent, "issued": g.issued,
        "termination_effective": utc(t.effective) if t else None,
        "termination_cause": t.cause.value if t else None,
        "termination_reference": t.reference if t else None, "source": g.source,
        "termination_local": True if t and t.local else None,
    }  # fmt: skip


_CAUSES = {c.value: c for c in TerminationCause}


def _grant(r: Sequence[Any], m: Memo) -> Grant:
    (
        grant_id, licensor, licensee, rights, term_start, term_end, term_tz, territories, uses, models,
        recordings, works, catalogue, exclusive, sublicensable, parent, issued, ended, cause, reference, source,
        local, recorded_at,
    ) = r  # fmt: skip
    return Grant(
        id=grant_id, licensor=licensor, licensee=licensee, rights=m.rights(rights),
        term=m.term(term_start, term_end, term_tz), territories=m.territories(territories), uses=m.words(uses),
        commercial_models=m.words(models), recordings=m.set(recordings), works=m.set(works),
        catalogue=catalogue, exclusive=exclusive, sublicensable=sublicensable, parent=parent, issued=issued,
        termination=Termination(ended, _CAUSES[cause], reference or "", bool(local)) if cause is not None else None,
        source=source, recorded_at=recorded_at,
    )  # fmt: skip


def _notice_row(n: Notice) -> dict[str, Any]:
    return {
        "notice_id": n.id, "issuer": n.issuer, "title": n.title, "issued": n.issued, "effective": n.effective,
        "buffer_end": n.buffer_end, "platforms": _set(n.platforms), "territories": n.territories.to_text(),
        "tz": n.tz,
    }  # fmt: skip


def _notice(r: Sequence[Any], m: Memo) -> Notice:
    notice_id, issuer, title, issued, effective, buffer_end, platforms, territories, tz, recorded_at = r
    return Notice(
        id=notice_id, issuer=issuer, title=title, issued=issued, effective=effective, buffer_end=buffer_end,
        platforms=m.set(platforms), territories=m.territories(territories), tz=tz, recorded_at=recorded_at,
    )  # fmt: skip


def _track_row(t: LibraryTrack) -> dict[str, Any]:
    return {
        "platform": t.platform, "track_id": t.track_id, "title": t.title, "artist": t.artist, "isrc": t.isrc,
        "audio_path": t.audio_path, "play_count": t.play_count, "availability": t.availability.value,
        "duration_s": t.duration_s,
    }  # fmt: skip


_AVAILABILITY = {a.value: a for a in Availability}


def _track(r: Sequence[Any], m: Memo) -> LibraryTrack:
    platform, track_id, title, artist, isrc, audio_path, play_count, availability, duration_s, recorded_at = r
    return LibraryTrack(
        platform=platform, track_id=track_id, title=title, artist=artist, isrc=isrc, audio_path=audio_path,
        play_count=play_count, availability=_AVAILABILITY[availability], duration_s=duration_s,
        recorded_at=recorded_at,
    )  # fmt: skip


def _deals_row(d: ReleaseDeals) -> dict[str, Any]:
    return {
        "release_key": d.key, "sender": d.sender, "recipient": d.recipient, "release_id": d.release_id,
        "message_id": d.message_id, "message_created": utc(d.message_created), "grant_ids": _list(d.grant_ids),
        "isrcs": _list(d.isrcs), "state": d.state, "message_sha256": d.message_sha256 or None,
    }  # fmt: skip


def _deals(r: Sequence[Any], m: Memo) -> ReleaseDeals:
    (
        key, sender, recipient, release_id, message_id, message_created, grant_ids, isrcs, state, sha,
        recorded_at,
    ) = r  # fmt: skip
    return ReleaseDeals(
        key=key, sender=sender, recipient=recipient, release_id=release_id, message_id=message_id,
        message_created=message_created, grant_ids=m.tuple(grant_ids), isrcs=m.tuple(isrcs), state=state,
        message_sha256=sha or "", recorded_at=recorded_at,
    )  # fmt: skip


CODECS: dict[type, Codec] = {
    c.type: c
    for c in (
        Codec.of("party", Party, tables.parties, ("party_id",), lambda x: (x.id,), _party_row, _party),
        Codec.of("artist", Artist, tables.artists, ("artist_id",), lambda x: (x.id,), _artist_row, _artist),
        Codec.of("work", Work, tables.works, ("work_id",), lambda x: (x.id,), _work_row, _work),
        Codec.of("recording", Recording, tables.recordings, ("isrc",), lambda x: (x.isrc,), _recording_row, _recording),
        Codec.of(
            "grant", Grant, tables.grants, ("grant_id",), lambda x: (x.id,), _grant_row, _grant,
            provenance=("source",),
        ),
        Codec.of("notice", Notice, tables.notices, ("notice_id",), lambda x: (x.id,), _notice_row, _notice),
        Codec.of(
            "library_track", LibraryTrack, tables.library_tracks, ("platform", "track_id"),
            lambda x: (x.platform, x.track_id), _track_row, _track,
        ),
        Codec.of(
            "release_deals", ReleaseDeals, tables.release_deals, ("release_key",), lambda x: (x.key,), _deals_row,
            _deals,
        ),
    )
}  # fmt: skip


def codec_for(fact: object) -> Codec:
    try:
        return CODECS[type(fact)]
    except KeyError:
        raise TypeError(f"cannot record {type(fact).__name__}: not a ledger fact") from None
