"""An import's dry run: what importing these tables would change, and which decisions would move, writing nothing.

The files are imported as ``songclear import table`` imports them (the same code: the ledger clock, every check,
the reference checks), all in one write transaction that is rolled back at the end, so nothing is recorded, logged
or kept: a later file sees an earlier one's facts, as the real command's would. While the facts are recorded, each
version written is noted: a new key is *added*, a new version of a known key is *changed* (with each field that
differs, before and after), the rest are *unchanged*. A file imported before is run again all the same (its
``already_imported`` says so): the dry run is how to see how far the ledger has moved since.

The decisions it would change: the ledger facts added or changed are re-audited on ``day`` on every platform, as
``songclear reaudit`` does (``app.reaudit.decide_changes``, the ledger before and after in the same transaction);
library tracks added or changed are decided themselves (a new track: from no decision to its status), the first
``TRACKS_DECIDED`` of them: a dry run keeps each such track in memory, and a big library is what an audit after the
import is for (``tracks_not_decided`` says how many were left).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from songclear.app.reaudit import Reaudit
from songclear.domain.enforcement.affected import Changes
from songclear.errors import ImportError_
from songclear.store.database import write_session
from songclear.store.ledger_clock import stamp

LISTED = 200  # facts listed per file (added, changed); all are counted
TRACKS_DECIDED = 10_000  # library tracks added or changed that a dry run decides (and holds in memory)
_LEDGER_KINDS = {"party": "parties", "work": "works", "recording": "recordings", "grant": "grants",
                 "notice": "notices"}  # fmt: skip
_SHOWN_AS = {"term_start": "start", "term_end": "end", "term_tz": "tz", "termination_effective": "terminated",
             "catalogue": "scope"}  # fmt: skip


@dataclass(slots=True)
class FileDiff:
    source: str
    kind: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    already_imported: bool = False
    added_facts: list[str] = field(default_factory=list)  # keys, the first LISTED
    changed_facts: list[dict] = field(default_factory=list)  # {key, fields: {name: [before, after]}}
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "source": self.source, "kind": self.kind, "rows": self.rows, "added": self.added,
            "changed": self.changed, "unchanged": self.unchanged, "already_imported": self.already_imported,
            "added_facts": self.added_facts, "changed_facts": self.changed_facts, "notes": self.notes,
        }  # fmt: skip


@dataclass(slots=True)
class DryRun:
    day: date
    recorded_at: datetime | None = None  # when the facts would have been recorded
    files: list[FileDiff] = field(default_factory=list)
    reaudit: list[Reaudit] = field(default_factory=list)  # per platform: the decisions that would change
    tracks_not_decided: int = 0  # library tracks added or changed past TRACKS_DECIDED: not decided

    def as_dict(self) -> dict:
        return {
            "dry_run": True,
            "day": self.day.isoformat(),
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "files": [f.as_dict() for f in self.files],
            "reaudit": [r.as_dict() for r in self.reaudit],
            "tracks_not_decided": self.tracks_not_decided,
        }


class _RolledBack(Exception):
    """Raised at the end of a dry run to roll its transaction back (nothing else raises it)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def dry_run_tables(
    db,
    paths: Iterable[Path],
    *,
    kind: str | None,
    day: date,
    query,
    recorded_at: datetime | None = None,
    allow_dangling: bool = False,
    clock: Callable[[], datetime] = _utc_now,
) -> DryRun:
    """What ``import_table`` of each of ``paths`` (in this order) would change, and the decisions on ``day``
    (``query``) it would move; nothing is written (module doc). Raises what the import would raise."""
    from songclear.app.imports import _sha256, apply_table, table_notes
    from songclear.ingest.tabular import open_table
    from songclear.store.repository import LedgerRepository

    out = DryRun(day)
    try:
        with write_session(db) as session:
            repo = LedgerRepository(session)
            before = repo.load_ledger()
            changed: dict[str, set[str]] = {k: set() for k in _LEDGER_KINDS.values()}
            tracks: dict[tuple, tuple] = {}  # library key -> its versions (before or None, after)
            for path in paths:
                if not path.is_file():
                    raise ImportError_("file not found", source=str(path))
                sha = _sha256(path)
                with open_table(path, kind) as table:
                    diff = FileDiff(str(path), table.kind)
                    diff.already_imported = repo.find_import(sha, table.kind) is not None
                    at = stamp(session, recorded_at, now=clock(), source=path.name)
                    out.recorded_at = out.recorded_at or at
                    counts, dangling = apply_table(
                        session, repo, path, table, sha, at=at, allow_dangling=allow_dangling,
                        observe=_observer(diff, changed, tracks, out),
                    )  # fmt: skip
                diff.rows, diff.unchanged = table.rows, counts.unchanged
                diff.notes = table_notes(table) + dangling.notes()
                out.files.append(diff)
            out.reaudit = _decisions(session, repo, before, changed, tracks, day, query, out.recorded_at)
            raise _RolledBack
    except _RolledBack:
        pass
    return out


def _observer(diff: FileDiff, changed: dict[str, set[str]], tracks: dict, out: DryRun):
    def observe(codec, key: tuple, old: tuple | None, new: tuple) -> None:
        ident = "/".join(key)
        if codec.kind in _LEDGER_KINDS:
            changed[_LEDGER_KINDS[codec.kind]].add(ident)
        elif codec.kind == "library_track":
            if key in tracks:
                tracks[key] = (tracks[key][0], new)
            elif len(tracks) < TRACKS_DECIDED:
                tracks[key] = (old, new)
            else:
                out.tracks_not_decided += 1
        if old is None:
            diff.added += 1
            if len(diff.added_facts) < LISTED:
                diff.added_facts.append(ident)
            return
        diff.changed += 1
        if len(diff.changed_facts) < LISTED:
            diff.changed_facts.append({"key": ident, "fields": field_changes(codec, old, new)})

    return observe


def field_changes(codec, old: tuple, new: tuple) -> dict[str, list]:
    """The fields that differ between two encodings of a fact (provenance aside): name -> [before, after], named
    as the import's columns (a grant's ``end``, ``terminated``, ``scope``)."""
    out: dict[str, list] = {}
    for name, a, b in zip(codec.columns, old, new, strict=True):
        if a == b or (name == "source" and codec.kind == "grant"):
            continue
        if name == "catalogue":
            a, b = ("catalogue" if v else "listed" for v in (a, b))
        out[_SHOWN_AS.get(name, name)] = [shown(a), shown(b)]
    return out


def shown(value: Any) -> Any:
    """A stored value as JSON: dates and instants in ISO 8601, stored lists as lists."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _decisions(session, repo, before, changed, tracks, day: date, query, at) -> list[Reaudit]:
    """Per platform: the decisions on ``day`` the recorded facts move (module doc)."""
    from songclear.app.audit import paused_gc
    from songclear.app.reaudit import decide_changes

    changes = Changes(**{k: frozenset(v) for k, v in changed.items()})
    with paused_gc():
        after = repo.load_ledger() if changes else before
        out = []
        for platform in repo.platforms():
            r = Reaudit(platform, day, at)
            if changes.grants or changes.recordings or changes.works or changes.notices:
                decide_changes(session, repo, r, before, after, changes, query)
            mine = {k: v for k, v in tracks.items() if k[0] == platform}
            if mine:
                _decide_tracks(repo, r, mine, before, after, query)
            out.append(r)
    return out


def _decide_tracks(repo, out: Reaudit, tracks: dict, before, after, query) -> None:
    """The library tracks a file adds or changes, decided before (their old version on the old ledger; none
    for a new track) and after: those whose status moves replace any change found for them otherwise."""
    from songclear.app.identities import identity_resolver
    from songclear.domain.audit import diff
    from songclear.domain.catalogue import LibraryTrack
    from songclear.domain.clearance import decide
    from songclear.store.rows import CODECS, Memo

    codec, memo = CODECS[LibraryTrack], Memo()
    resolve = identity_resolver(repo, out.platform, None)
    was, now = {}, {}
    for old, new in tracks.values():
        track = codec.decode((*new, out.since), memo)
        now[track.key] = decide(track, resolve(track), after, query)
        if old is not None:
            prior = codec.decode((*old, out.since), memo)
            was[track.key] = decide(prior, resolve(prior), before, query)
    out.tracks_decided += len(now)
    out.decisions += len(now) + len(was)
    moved = diff(was, now)
    ours = {c.track for c in moved}
    out.changes = [c for c in out.changes if c["track"] not in ours]
    for c in moved:
        out.changes.append(
            {
                "track": c.track, "recording": now[c.track].recording,
                "before": c.before.value if c.before else None, "after": c.after.value if c.after else None,
                "because": [c.track], "before_reason": c.before_reason, "after_reason": c.after_reason,
            }
        )  # fmt: skip
    out.changes.sort(key=lambda c: c["track"])
