"""The ledger repository: append-only, bitemporal persistence of domain facts over one session (transaction).

Recording a fact compares it with the current version of its key: the same fact (provenance aside, see rows.py)
-> nothing is written (re-importing the same facts, from any file, changes nothing); different or new -> a version is appended at ``recorded_at`` and the previous one gets
``superseded_at = recorded_at``. Reading 'as known at T' picks, per key, the version with
``recorded_at <= T < superseded_at``. Bulk paths use Core statements in batches (one IN-lookup and one
executemany per batch) and build domain objects straight from rows: no ORM identity map, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from songclear.domain.catalogue import Artist, Availability, LibraryTrack, Party, Recording, Work
from songclear.domain.grants import Grant
from songclear.domain.ledger import Ledger
from songclear.domain.notices import Notice
from songclear.domain.releases import ReleaseDeals
from songclear.errors import InputError, LedgerIntegrityError, NotFound
from songclear.store import tables
from songclear.store.bulk import insert_rows, key_in, scan
from songclear.store.import_records import ImportBook
from songclear.store.rows import CODECS, Codec, Fact, Memo, codec_for, instant_arg, utc

LOOKUP_BATCH = 5_000  # keys per current-version lookup: well under SQLite's 32 766 bound parameters
# Told of each version ``record`` writes: (codec, key, the current version's column values or None, the new ones).
Observer = Callable[[Codec, tuple, tuple | None, tuple], None]


@dataclass(frozen=True, slots=True)
class RecordCounts:
    added: int = 0  # new versions written (new keys and changed facts)
    unchanged: int = 0  # facts equal to their current version: nothing written

    def __add__(self, other: RecordCounts) -> RecordCounts:
        return RecordCounts(self.added + other.added, self.unchanged + other.unchanged)

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "unchanged": self.unchanged}


def _visible(table: Table, known_at: datetime | None) -> ColumnElement[bool]:
    """The versions current 'as known at' ``known_at`` (None: now)."""
    if known_at is None:
        return table.c.superseded_at.is_(None)
    return and_(
        table.c.recorded_at <= known_at,
        or_(table.c.superseded_at.is_(None), table.c.superseded_at > known_at),
    )


class LedgerRepository(ImportBook):
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- writing ------------------------------------------------------------------------------------------------

    def record(
        self,
        facts: Iterable[Fact],
        *,
        recorded_at: datetime,
        import_id: int | None = None,
        observe: Observer | None = None,
    ) -> RecordCounts:
        """Append a version for each fact that is new or differs from its current version (see module doc).
        ``observe(codec, key, before, after)`` is told of each version written: ``before`` the current version's
        column values (None for a new key), ``after`` the new one's (a dry run lists them)."""
        at = instant_arg(recorded_at, "recorded_at")
        assert at is not None
        return self._batched(facts, lambda codec, batch: self._write(codec, batch, at, import_id, observe))

    def compare(self, facts: Iterable[Fact]) -> RecordCounts:
        """What ``record`` would count, writing nothing: ``added`` the facts that are new or differ from their
        current version, ``unchanged`` the others."""
        return self._batched(facts, self._compare)

    def _batched(
        self, facts: Iterable[Fact], flush: Callable[[Codec, dict[tuple, tuple]], RecordCounts]
    ) -> RecordCounts:
        """Encode ``facts`` and hand them to ``flush`` in batches of one kind, keyed by entity key."""
        pending: dict[Codec, dict[tuple, tuple]] = {}
        counts = RecordCounts()
        for fact in facts:
            codec = codec_for(fact)
            batch = pending.setdefault(codec, {})
            key = codec.key_of(fact)
            if key in batch:  # the same key twice: apply the first before comparing the second
                counts += flush(codec, batch)
                batch.clear()
            try:
                batch[key] = tuple(codec.encode(fact).values())  # encode() lists the columns in table order
            except ValueError as e:  # a naive datetime inside the fact
                raise InputError(f"{codec.kind} {'/'.join(key)}: {e}") from e
            if len(batch) >= LOOKUP_BATCH:
                counts += flush(codec, batch)
                batch.clear()
        for codec, batch in pending.items():
            if batch:
                counts += flush(codec, batch)
        return counts

    def _compare(self, codec: Codec, batch: dict[tuple, tuple]) -> RecordCounts:
        current = self._current(codec, list(batch))
        same = sum(
            1
            for key, values in batch.items()
            if (cur := current.get(key)) and codec.same_fact(cur[2], values)
        )
        return RecordCounts(added=len(batch) - same, unchanged=same)

    def _write(
        self,
        codec: Codec,
        batch: dict[tuple, tuple],
        at: datetime,
        import_id: int | None,
        observe: Observer | None = None,
    ) -> RecordCounts:
        current = self._current(codec, list(batch))
        superseded: list[int] = []
        inserts: list[tuple] = []
        for key, values in batch.items():
            cur = current.get(key)
            if cur is None:
                if observe is not None:
                    observe(codec, key, None, values)
            else:
                version_id, cur_recorded, cur_values = cur
                if codec.same_fact(cur_values, values):
                    continue
                if observe is not None:
                    observe(codec, key, cur_values, values)
                if cur_recorded > at:
                    raise LedgerIntegrityError(
                        f"{codec.kind} {'/'.join(key)} has a version recorded at {cur_recorded.isoformat()}; "
                        f"a change cannot be recorded earlier, at {at.isoformat()}"
                    )
                superseded.append(version_id)
            inserts.append(values)
        table = codec.table
        if superseded:  # before the insert: the current-version index is unique
            self.session.execute(update(table).where(table.c.id.in_(superseded)).values(superseded_at=at))
        if inserts:
            self._insert(codec, inserts, at, import_id)
        return RecordCounts(added=len(inserts), unchanged=len(batch) - len(inserts))

    def _insert(self, codec: Codec, rows: list[tuple], at: datetime, import_id: int | None) -> None:
        names = (*codec.columns, "recorded_at", "import_id")
        insert_rows(self.session, codec.table, names, [(*r, at, import_id) for r in rows])

    def _current(self, codec: Codec, keys: list[tuple]) -> dict[tuple, tuple[int, datetime, tuple]]:
        """Current versions of ``keys``: key -> (version id, recorded_at, fact column values)."""
        table = codec.table
        cols = [table.c[c] for c in codec.columns]
        key_at = [codec.columns.index(c) for c in codec.key]
        dialect = self.session.connection().dialect.name
        key_of = itemgetter(*key_at) if len(key_at) > 1 else (lambda values, i=key_at[0]: (values[i],))
        base = select(table.c.id, table.c.recorded_at, *cols).where(table.c.superseded_at.is_(None))
        if len(key_at) == 1:
            queries = [base.where(key_in(table.c[codec.key[0]], [k[0] for k in keys], dialect))]
        else:  # (platform, track_id): one IN-list per platform
            by_first: dict[Any, list[Any]] = {}
            for k in keys:
                by_first.setdefault(k[0], []).append(k[1])
            first, second = (table.c[c] for c in codec.key)
            queries = [base.where(first == f, key_in(second, rest, dialect)) for f, rest in by_first.items()]
        out: dict[tuple, tuple[int, datetime, tuple]] = {}
        for q in queries:
            for part in scan(self.session, q):
                for row in part:
                    values = tuple(row[2:])
                    out[key_of(values)] = (row[0], row[1], values)
        return out

    def parent_cycle(self, import_id: int | None, *, grant_ids: Iterable[str] = ()) -> list[str] | None:
        """A cycle of sublicences among the current grants that goes through a grant written by import
        ``import_id`` (or one of ``grant_ids``: an edit), as ``[g, parent of g, ..., g]`` starting at such a
        grant; None if there is none. (A cycle made only of grants the import did not write was there before.)"""
        t = tables.grants
        current = t.c.superseded_at.is_(None) & t.c.parent.is_not(None)
        written = set(grant_ids)
        if import_id is not None:
            written |= set(
                self.session.execute(
                    select(t.c.grant_id).where(current, t.c.import_id == import_id)
                ).scalars()
            )
        if not written:
            return None
        parent = {g: p for g, p in self.session.execute(select(t.c.grant_id, t.c.parent).where(current))}
        done: set[str] = set()  # grants whose chain is known to end (or to enter an older cycle)
        for start in sorted(written):
            path: dict[str, int] = {}
            g: str | None = start
            while g is not None and g not in done and g not in path:
                path[g] = len(path)
                g = parent.get(g)
            if g is not None and g in path:
                cycle = list(path)[path[g] :]
                if any(c in written for c in cycle):
                    first = next(i for i, c in enumerate(cycle) if c in written)
                    cycle = cycle[first:] + cycle[:first]
                    return [*cycle, cycle[0]]
            done.update(path)
        return None

    # -- reading ------------------------------------------------------------------------------------------------

    def _select(self, kind: type, known_at: datetime | None, *where: ColumnElement[bool]):
        codec = CODECS[kind]
        t = codec.table
        cols = [t.c[c] for c in codec.columns]
        return codec, select(*cols, t.c.recorded_at).where(_visible(t, known_at), *where)

    def _load(self, kind: type, known_at: datetime | None, memo: Memo, *where: ColumnElement[bool]) -> list:
        codec, stmt = self._select(kind, known_at, *where)
        decode = codec.decode
        return [decode(r, memo) for part in scan(self.session, stmt) for r in part]

    def ledger_stamp(self) -> tuple[tuple[int, int], ...]:
        """Changes whenever the ledger as known now changes: per ledger table, its rows and its superseded rows.
        Facts are never deleted and a superseded version stays superseded, so both counts only grow; a cache of
        ``load_ledger()`` stays valid while the stamp is the same."""
        out = []
        for kind in (Party, Recording, Work, Grant, Notice):
            t = CODECS[kind].table
            q = select(func.count(), func.count(t.c.superseded_at)).select_from(t)
            out.append(tuple(self.session.execute(q).one()))
        return tuple(out)

    def load_ledger(self, known_at: datetime | None = None) -> Ledger:
        """The ledger as known at ``known_at`` (None: as known now)."""
        at = instant_arg(known_at, "known_at")
        memo = Memo()
        return Ledger.build(
            parties=self._load(Party, at, memo),
            recordings=self._load(Recording, at, memo),
            works=self._load(Work, at, memo),
            grants=self._load(Grant, at, memo),
            notices=self._load(Notice, at, memo),
            known_at=at,
        )

    def _track_filter(self, platform: str | None) -> tuple[ColumnElement[bool], ...]:
        return (tables.library_tracks.c.platform == platform,) if platform is not None else ()

    def iter_tracks(
        self, platform: str | None = None, *, known_at: datetime | None = None, batch: int = 20_000
    ) -> Iterator[LibraryTrack]:
        """Stream library tracks in (platform, track_id) order; a server-side cursor keeps memory flat."""
        at = instant_arg(known_at, "known_at")
        t = tables.library_tracks
        codec, stmt = self._select(LibraryTrack, at, *self._track_filter(platform))
        stmt = stmt.order_by(t.c.platform, t.c.track_id)
        memo = Memo()
        decode = codec.decode
        for part in scan(self.session, stmt, batch=batch):
            for r in part:
                yield decode(r, memo)

    def count_tracks(
        self, platform: str | None = None, known_at: datetime | None = None, *, with_audio: bool = False
    ) -> int:
        """Library tracks (of ``platform``), or only those with an audio file."""
        t = tables.library_tracks
        at = instant_arg(known_at, "known_at")
        where = [_visible(t, at), *self._track_filter(platform)]
        if with_audio:
            where.append(t.c.audio_path.is_not(None))
        stmt = select(func.count()).select_from(t).where(*where)
        return int(self.session.execute(stmt).scalar_one())

    def get_track(self, platform: str, track_id: str, known_at: datetime | None = None) -> LibraryTrack:
        t = tables.library_tracks
        found = self._load(
            LibraryTrack,
            instant_arg(known_at, "known_at"),
            Memo(),
            t.c.platform == platform,
            t.c.track_id == track_id,
        )
        if not found:
            raise NotFound(f"no library track {platform}/{track_id}{_as_known(known_at)}")
        return found[0]

    def tracks_where(
        self, platform: str, *, track_ids: Iterable[str] = (), isrcs: Iterable[str] = ()
    ) -> list[LibraryTrack]:
        """``platform``'s current tracks with one of ``track_ids`` or listing one of ``isrcs`` (indexed lookups in
        batches, never the whole library), by track id."""
        t = tables.library_tracks
        found: dict[str, LibraryTrack] = {}
        memo = Memo()
        for column, values in ((t.c.track_id, track_ids), (t.c.isrc, isrcs)):
            wanted = sorted(set(values))
            for i in range(0, len(wanted), LOOKUP_BATCH):
                batch = wanted[i : i + LOOKUP_BATCH]
                for track in self._load(
                    LibraryTrack, None, memo, t.c.platform == platform, column.in_(batch)
                ):
                    found[track.track_id] = track
        return [found[k] for k in sorted(found)]

    def availability_then(
        self, platform: str, instant: datetime, known_at: datetime | None = None
    ) -> dict[str, Availability]:
        """The tracks of ``platform`` whose version current at ``instant`` was replaced since (as known at
        ``known_at``): key -> their availability at ``instant``. A takedown records a new version of the track
        when it is applied, so this is how an audit of a past day knows which tracks were still live then."""
        t = tables.library_tracks
        at, known = instant_arg(instant, "instant"), instant_arg(known_at, "known_at")
        replaced = t.c.superseded_at > at if known is None else t.c.superseded_at.between(at, known)
        stmt = select(t.c.track_id, t.c.availability).where(
            t.c.platform == platform, t.c.recorded_at <= at, t.c.superseded_at.is_not(None), replaced
        )
        return {f"{platform}/{tid}": Availability(a) for tid, a in self.session.execute(stmt)}

    def availability_history(self, platform: str) -> dict[str, list[tuple[Availability, datetime, bool]]]:
        """Per track of ``platform`` that was ever recorded as taken down: each version's availability, from
        when, and whether it is the track's first version, oldest first."""
        t = tables.library_tracks
        ever = select(t.c.track_id).where(t.c.platform == platform, t.c.availability == "taken_down")
        stmt = (
            select(t.c.track_id, t.c.availability, t.c.recorded_at)
            .where(t.c.platform == platform, t.c.track_id.in_(ever))
            .order_by(t.c.track_id, t.c.recorded_at, t.c.id)
        )
        out: dict[str, list[tuple[Availability, datetime, bool]]] = {}
        for tid, a, at in self.session.execute(stmt):
            versions = out.setdefault(f"{platform}/{tid}", [])
            versions.append((Availability(a), utc(at), not versions))
        return out

    def platforms(self) -> list[str]:
        """Platforms with at least one current library track, sorted."""
        # A skip scan: one index probe per platform instead of reading 10 M index entries for DISTINCT.
        t = tables.library_tracks
        out: list[str] = []
        while True:
            stmt = select(t.c.platform).where(t.c.superseded_at.is_(None)).order_by(t.c.platform).limit(1)
            if out:
                stmt = stmt.where(t.c.platform > out[-1])
            found = self.session.execute(stmt).scalar()
            if found is None:
                return out
            out.append(found)

    def get_release_deals(self, key: str) -> ReleaseDeals | None:
        found = self._load(ReleaseDeals, None, Memo(), tables.release_deals.c.release_key == key)
        return found[0] if found else None

    def current_grants_by_ids(self, ids: Iterable[str]) -> dict[str, Grant]:
        """The current version of each of ``ids`` that exists (missing ids are simply absent)."""
        wanted = sorted(set(ids))
        memo = Memo()
        out: dict[str, Grant] = {}
        for i in range(0, len(wanted), LOOKUP_BATCH):
            chunk = wanted[i : i + LOOKUP_BATCH]
            out.update((g.id, g) for g in self._load(Grant, None, memo, tables.grants.c.grant_id.in_(chunk)))
        return out

    def get_grant(self, grant_id: str, known_at: datetime | None = None) -> Grant:
        found = self._load(
            Grant, instant_arg(known_at, "known_at"), Memo(), tables.grants.c.grant_id == grant_id
        )
        if not found:
            raise NotFound(f"no grant {grant_id}{_as_known(known_at)}")
        return found[0]

    def list_parties(self, known_at: datetime | None = None) -> list[Party]:
        return sorted(self._load(Party, instant_arg(known_at, "known_at"), Memo()), key=lambda p: p.id)

    def list_artists(self, known_at: datetime | None = None) -> list[Artist]:
        """The artist table as known at ``known_at`` (None: now). Not part of the ``Ledger``: artists decide
        no clearance, only which recording a platform's track is (linking)."""
        return sorted(self._load(Artist, instant_arg(known_at, "known_at"), Memo()), key=lambda a: a.id)

    def get_recording(self, isrc: str, known_at: datetime | None = None) -> Recording:
        found = self._load(
            Recording, instant_arg(known_at, "known_at"), Memo(), tables.recordings.c.isrc == isrc
        )
        if not found:
            raise NotFound(f"no recording {isrc}{_as_known(known_at)}")
        return found[0]


def _as_known(known_at: datetime | None) -> str:
    return f" as known at {known_at.isoformat()}" if known_at is not None else ""
