"""Re-audit after a change: which of a platform's decisions moved because of facts recorded after a time.

Only the affected tracks are decided (``domain.enforcement.affected``): the store says which facts have a version
recorded (or superseded) after ``since``; the ledger is loaded once, as known now, and the snapshot as known at
``since`` is rebuilt from it and the old versions of just those facts; the library tracks read are those listing an
affected ISRC plus those whose identity comes from a link, a review decision or an audio match (their recording is
not their ISRC); each is decided on both snapshots with the same identity (as known now), so a change of the
library or of a link is not reported here (``songclear audit --as-known-at`` shows those).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select

from songclear.domain.catalogue import LibraryTrack
from songclear.domain.enforcement.affected import (
    KINDS,
    Affected,
    Changes,
    affected_recordings,
    audit_touched,
    ledger_with,
    notice_touches,
)
from songclear.domain.enforcement.takedown import reinstatement_list
from songclear.store import tables
from songclear.store.rows import CODECS, Memo, utc

_KEY_COLUMN = {"grants": "grant_id", "recordings": "isrc", "works": "work_id", "notices": "notice_id",
               "parties": "party_id"}  # fmt: skip
_BATCH = 5_000  # ids per IN (...): well under SQLite's bound-parameter limit


@dataclass(slots=True)
class Reaudit:
    platform: str
    day: date
    since: datetime
    grants: list[str] = field(default_factory=list)  # grants recorded (new, changed or ended) after ``since``
    recordings: list[str] = field(default_factory=list)  # recordings recorded after ``since``
    works: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    affected_recordings: int = 0  # ISRCs a changed fact can touch
    whole_library: bool = False  # a changed notice applies to the platform: every track decided
    tracks_decided: int = 0
    decisions: int = 0  # decide() calls, both snapshots together
    reinstatement: list[dict] = field(default_factory=list)  # changed tracks that are down and now cleared
    elapsed_s: float = 0.0

    def as_dict(self) -> dict:
        return {
            "platform": self.platform, "day": self.day, "since": self.since, "grants": self.grants,
            "recordings": self.recordings, "works": self.works, "notices": self.notices, "changes": self.changes,
            "affected_recordings": self.affected_recordings, "whole_library": self.whole_library,
            "tracks_decided": self.tracks_decided, "decisions": self.decisions,
            "reinstatement": self.reinstatement, "elapsed_s": round(self.elapsed_s, 3),
        }  # fmt: skip


def changed_since(session, since: datetime) -> Changes:
    """Ids of the ledger facts with a version recorded, or superseded, after ``since``."""
    found = {}
    for kind in KINDS:
        table = getattr(tables, kind)
        q = select(table.c[_KEY_COLUMN[kind]]).where(
            or_(table.c.recorded_at > since, table.c.superseded_at > since)
        )
        found[kind] = frozenset(session.execute(q).scalars())
    return Changes(**found)


def _batches(ids: Iterable, n: int = _BATCH) -> Iterator[list]:
    ids = sorted(ids)
    for i in range(0, len(ids), n):
        yield ids[i : i + n]


def versions_at(session, kind: str, ids: Iterable[str], at: datetime) -> list:
    """The versions of ``ids`` (facts of ``kind``) visible as known at ``at``; an id unknown then is absent."""
    table = getattr(tables, kind)
    codec = next(c for c in CODECS.values() if c.table is table)
    key, memo, out = table.c[_KEY_COLUMN[kind]], Memo(), []
    visible = (table.c.recorded_at <= at, or_(table.c.superseded_at.is_(None), table.c.superseded_at > at))
    for chunk in _batches(ids):
        stmt = select(*(table.c[c] for c in codec.columns), table.c.recorded_at).where(
            *visible, key.in_(chunk)
        )
        out += [codec.decode(r, memo) for r in session.execute(stmt)]
    return out


def _current_tracks(session, platform: str, column: str, values: Iterable[str]) -> Iterator[LibraryTrack]:
    t = tables.library_tracks
    codec, memo = CODECS[LibraryTrack], Memo()
    for chunk in _batches(set(values)):
        stmt = select(*(t.c[c] for c in codec.columns), t.c.recorded_at).where(
            t.c.superseded_at.is_(None), t.c.platform == platform, t.c[column].in_(chunk)
        )
        for r in session.execute(stmt):
            yield codec.decode(r, memo)


def _identified_otherwise(session, platform: str) -> set[str]:
    """Track ids of ``platform`` whose identity may not be their listed ISRC: a current link, a review
    decision or an audio match names them (``app.identities`` reads the same three)."""
    from songclear.store.links import LinkRepository
    from songclear.store.matches import AudioMatchRepository

    links = LinkRepository(session)
    keys = set(AudioMatchRepository(session).matches_by_track(platform)) | set(links.current(platform))
    keys |= set(links.decisions(platform))
    return {track_id for p, track_id in keys if p == platform}


def touched_tracks(session, repo, platform: str, affected: Affected, whole: bool) -> list[LibraryTrack]:
    """The platform's current tracks that can carry an affected recording (every track when ``whole``)."""
    if whole:
        return list(repo.iter_tracks(platform))
    found = {t.key: t for t in _current_tracks(session, platform, "isrc", affected.recordings)}
    for t in _current_tracks(session, platform, "track_id", _identified_otherwise(session, platform)):
        found.setdefault(t.key, t)
    return [found[k] for k in sorted(found)]


def reaudit(db, *, platform: str, day: date, query, since: datetime) -> Reaudit:
    """Which of ``platform``'s decisions on ``day`` changed because of ledger facts recorded after ``since``:
    the affected tracks decided as known at ``since`` and as known now (module docstring)."""
    from songclear.app.audit import paused_gc
    from songclear.store.repository import LedgerRepository

    started = time.perf_counter()
    out = Reaudit(platform, day, since)
    since = utc(since)
    with db.session() as session, paused_gc():
        changes = changed_since(session, since)
        if changes.grants or changes.recordings or changes.works or changes.notices:
            repo = LedgerRepository(session)
            after = repo.load_ledger()
            then = {kind: versions_at(session, kind, getattr(changes, kind), since) for kind in KINDS}
            before = ledger_with(after, changes, then, known_at=since)
            decide_changes(session, repo, out, before, after, changes, query)
        else:
            out.grants, out.recordings = sorted(changes.grants), sorted(changes.recordings)
            out.works, out.notices = sorted(changes.works), sorted(changes.notices)
    out.elapsed_s = time.perf_counter() - started
    return out


def decide_changes(session, repo, out: Reaudit, before, after, changes: Changes, query) -> None:
    """Fill ``out`` (for ``out.platform``): the tracks ``changes`` can touch decided on the ledgers ``before``
    and ``after`` (both as the session sees the library, links and matches), what moved, and which of the moved
    tracks that are down may go back up. ``reaudit`` and an import's dry run share it."""
    from songclear.app.identities import identity_resolver
    from songclear.store.takedowns import TakedownRepository

    platform = out.platform
    out.grants, out.recordings = sorted(changes.grants), sorted(changes.recordings)
    out.works, out.notices = sorted(changes.works), sorted(changes.notices)
    affected = affected_recordings(before, after, changes, platform=platform)
    out.affected_recordings = len(affected.recordings)
    out.whole_library = notice_touches(before, after, changes.notices, platform, query.territory)
    tracks = touched_tracks(session, repo, platform, affected, out.whole_library)
    resolve = identity_resolver(repo, platform, None)
    touched = audit_touched(
        tracks, resolve, before, after, query, affected.recordings, every_track=out.whole_library
    )
    state = TakedownRepository(session).state(platform)
    out.tracks_decided, out.decisions = touched.tracks_decided, touched.decisions
    extra = sorted(changes.notices) if out.whole_library else []
    moved = {}
    for c in touched.changes():
        b, a = touched.before.get(c.track), touched.after.get(c.track)
        moved[c.track] = a
        out.changes.append(
            {
                "track": c.track, "recording": (a or b).recording, "before": c.before.value if c.before else None,
                "after": c.after.value if c.after else None,
                "because": affected.causes(touched.recordings[c.track]) + extra,
                "before_reason": c.before_reason, "after_reason": c.after_reason,
            }
        )  # fmt: skip
    down = {k: s for k, s in state.items() if k in moved}
    out.reinstatement = [
        {"track": r.track, "before": r.before.value if r.before else None, "after": r.after.value,
         "proof": r.proof, "lift": list(r.lift), "blocked_by": list(r.blocked_by)}
        for r in reinstatement_list(touched.before, moved, down)
    ]  # fmt: skip
