"""Domain facts <-> table rows, one codec per kind of fact.

``encode`` gives the fact's own columns (no recorded_at): two versions are the same fact exactly when their
encodings are equal, which is how ``record()`` tells an unchanged fact from a new version. ``decode`` builds the
domain object straight from a result row. Sets are written sorted so equal sets encode equally; decoding goes
through a per-load ``Memo`` because most rows share their territories, uses and lists, and a 10 M-row load
should neither parse nor keep the same value a million times.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table

from songclear.domain.catalogue import Availability, LibraryTrack, Party, Recording, Version, Work
from songclear.domain.grants import Grant, Term, Termination, TerminationCause
from songclear.domain.notices import Notice
from songclear.domain.releases import ReleaseDeals
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right
from songclear.store import tables

Fact = Party | Work | Recording | Grant | Notice | LibraryTrack | ReleaseDeals


def utc(instant: datetime | None) -> datetime | None:
    if instant is None:
        return None
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: an instant needs a time zone")
    return instant.astimezone(UTC)


def _list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def _set(values: Iterable[str]) -> str:
    return _list(sorted(values))


def _words(values: Iterable[str]) -> str:
    return " ".join(sorted(values))


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
            v = self._tuples[text] = tuple(json.loads(text))
        return v

    def set(self, text: str) -> frozenset[str]:
        v = self._sets.get(text)
        if v is None:
            v = self._sets[text] = frozenset(json.loads(text))
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


@dataclass(frozen=True, slots=True)
class Codec:
    """How one kind of fact maps to its table. ``key`` names the entity-key columns, in index order."""

    kind: str
    type: type
    table: Table
    key: tuple[str, ...]
    key_of: Callable[[Any], tuple]
    encode: Callable[[Any], dict[str, Any]]
    decode: Callable[[Mapping[str, Any], Memo], Any]

    @property
    def columns(self) -> tuple[str, ...]:
        """The fact's own columns (key included), in table order."""
        spine = {"id", "recorded_at", "superseded_at", "import_id"}
        return tuple(c.name for c in self.table.columns if c.name not in spine)


def _party_row(p: Party) -> dict[str, Any]:
    return {"party_id": p.id, "name": p.name, "kind": p.kind.value, "aliases": _list(p.aliases)}


def _party(r: Mapping[str, Any], m: Memo) -> Party:
    return Party(
        id=r["party_id"], name=r["name"], kind=PartyKind(r["kind"]), aliases=m.tuple(r["aliases"]),
        recorded_at=r["recorded_at"],
    )  # fmt: skip


def _work_row(w: Work) -> dict[str, Any]:
    return {
        "work_id": w.id, "title": w.title, "iswc": w.iswc, "writers": _list(w.writers),
        "publishers": _list(w.publishers),
    }  # fmt: skip


def _work(r: Mapping[str, Any], m: Memo) -> Work:
    return Work(
        id=r["work_id"], title=r["title"], iswc=r["iswc"], writers=m.tuple(r["writers"]),
        publishers=m.tuple(r["publishers"]), recorded_at=r["recorded_at"],
    )  # fmt: skip


def _recording_row(x: Recording) -> dict[str, Any]:
    return {
        "isrc": x.isrc, "title": x.title, "artists": _list(x.artists), "duration_s": x.duration_s,
        "version": x.version.value, "owner": x.owner, "work_id": x.work_id,
    }  # fmt: skip


def _recording(r: Mapping[str, Any], m: Memo) -> Recording:
    return Recording(
        isrc=r["isrc"], title=r["title"], artists=m.tuple(r["artists"]), duration_s=r["duration_s"],
        version=Version(r["version"]), owner=r["owner"], work_id=r["work_id"], recorded_at=r["recorded_at"],
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
    }  # fmt: skip


def _grant(r: Mapping[str, Any], m: Memo) -> Grant:
    cause = r["termination_cause"]
    termination = (
        Termination(r["termination_effective"], TerminationCause(cause), r["termination_reference"] or "")
        if cause is not None
        else None
    )
    return Grant(
        id=r["grant_id"], licensor=r["licensor"], licensee=r["licensee"], rights=m.rights(r["rights"]),
        term=m.term(r["term_start"], r["term_end"], r["term_tz"]), territories=m.territories(r["territories"]),
        uses=m.words(r["uses"]), commercial_models=m.words(r["commercial_models"]),
        recordings=m.set(r["recordings"]), works=m.set(r["works"]), catalogue=r["catalogue"],
        exclusive=r["exclusive"], sublicensable=r["sublicensable"], parent=r["parent"], issued=r["issued"],
        termination=termination, source=r["source"], recorded_at=r["recorded_at"],
    )  # fmt: skip


def _notice_row(n: Notice) -> dict[str, Any]:
    return {
        "notice_id": n.id, "issuer": n.issuer, "title": n.title, "issued": n.issued, "effective": n.effective,
        "buffer_end": n.buffer_end, "platforms": _set(n.platforms), "territories": n.territories.to_text(),
        "tz": n.tz,
    }  # fmt: skip


def _notice(r: Mapping[str, Any], m: Memo) -> Notice:
    return Notice(
        id=r["notice_id"], issuer=r["issuer"], title=r["title"], issued=r["issued"], effective=r["effective"],
        buffer_end=r["buffer_end"], platforms=m.set(r["platforms"]), territories=m.territories(r["territories"]),
        tz=r["tz"], recorded_at=r["recorded_at"],
    )  # fmt: skip


def _track_row(t: LibraryTrack) -> dict[str, Any]:
    return {
        "platform": t.platform, "track_id": t.track_id, "title": t.title, "artist": t.artist, "isrc": t.isrc,
        "audio_path": t.audio_path, "play_count": t.play_count, "availability": t.availability.value,
    }  # fmt: skip


_AVAILABILITY = {a.value: a for a in Availability}


def _track(r: Mapping[str, Any], m: Memo) -> LibraryTrack:
    return LibraryTrack(
        platform=r["platform"], track_id=r["track_id"], title=r["title"], artist=r["artist"], isrc=r["isrc"],
        audio_path=r["audio_path"], play_count=r["play_count"], availability=_AVAILABILITY[r["availability"]],
        recorded_at=r["recorded_at"],
    )  # fmt: skip


def _deals_row(d: ReleaseDeals) -> dict[str, Any]:
    return {
        "release_key": d.key, "sender": d.sender, "recipient": d.recipient, "release_id": d.release_id,
        "message_id": d.message_id, "message_created": utc(d.message_created), "grant_ids": _list(d.grant_ids),
        "isrcs": _list(d.isrcs), "state": d.state,
    }  # fmt: skip


def _deals(r: Mapping[str, Any], m: Memo) -> ReleaseDeals:
    return ReleaseDeals(
        key=r["release_key"], sender=r["sender"], recipient=r["recipient"], release_id=r["release_id"],
        message_id=r["message_id"], message_created=r["message_created"], grant_ids=m.tuple(r["grant_ids"]),
        isrcs=m.tuple(r["isrcs"]), state=r["state"], recorded_at=r["recorded_at"],
    )  # fmt: skip


CODECS: dict[type, Codec] = {
    c.type: c
    for c in (
        Codec("party", Party, tables.parties, ("party_id",), lambda x: (x.id,), _party_row, _party),
        Codec("work", Work, tables.works, ("work_id",), lambda x: (x.id,), _work_row, _work),
        Codec("recording", Recording, tables.recordings, ("isrc",), lambda x: (x.isrc,), _recording_row, _recording),
        Codec("grant", Grant, tables.grants, ("grant_id",), lambda x: (x.id,), _grant_row, _grant),
        Codec("notice", Notice, tables.notices, ("notice_id",), lambda x: (x.id,), _notice_row, _notice),
        Codec(
            "library_track", LibraryTrack, tables.library_tracks, ("platform", "track_id"),
            lambda x: (x.platform, x.track_id), _track_row, _track,
        ),
        Codec("release_deals", ReleaseDeals, tables.release_deals, ("release_key",), lambda x: (x.key,), _deals_row, _deals),
    )
}  # fmt: skip


def codec_for(fact: object) -> Codec:
    try:
        return CODECS[type(fact)]
    except KeyError:
        raise TypeError(f"cannot record {type(fact).__name__}: not a ledger fact") from None
