"""Importing files into the ledger: each file is one transaction, applied whole or not at all.

A table's header, a DDEX message's structure and business rules are checked before anything is written; a table's
rows are then parsed and written in batches as the file is read (memory does not grow with the file), and a bad
row anywhere, a key repeated in the file or a cycle of sublicences raises an ``ImportError_`` naming the file and
the line (or XPath) and rolls the file's transaction back. Each import runs in a write session, so concurrent
imports queue instead of failing.

When the facts are recorded (``recorded_at``, transaction time) follows ``store.ledger_clock``: never before the
newest entry of the ledger, never in the future. Re-importing changes nothing: the same file is recognised by its
hash (nothing is done), and the same facts from another file (rows reordered, other line endings, another name)
are compared fact by fact, so nothing is added, though the import itself is recorded and logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from songclear.app.progress import ticking
from songclear.errors import ImportError_, InputError
from songclear.store.auditlog import log_event
from songclear.store.database import write_session
from songclear.store.ledger_clock import stamp
from songclear.store.rows import utc


@dataclass(slots=True)
class ImportOutcome:
    source: str
    kind: str
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    already_imported: bool = False
    moved_since: int = 0  # already imported, but this many of its facts differ from the ledger's current ones
    notes: list[str] = field(default_factory=list)
    recorded_at: datetime | None = None  # when the ledger learnt these facts (None: nothing was recorded)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "kind": self.kind,
            "rows": self.rows,
            "added": self.added,
            "unchanged": self.unchanged,
            "already_imported": self.already_imported,
            "moved_since": self.moved_since,
            "notes": list(self.notes),
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
        }


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:
        raise ImportError_(f"cannot read the file: {exc.strerror}", source=path.name) from None


def import_table(
    db,
    path: Path,
    *,
    kind: str | None,
    recorded_at: datetime | None = None,
    actor: str = "songclear",
    clock: Callable[[], datetime] = _utc_now,
    progress: Callable | None = None,
    allow_dangling: bool = False,
    again: bool = False,
) -> ImportOutcome:
    """A CSV or JSON file of parties, artists, recordings, works, grants, notices or library tracks.

    ``recorded_at``: when the ledger learns these facts (None: now, read once this import holds the write lock);
    see ``store.ledger_clock`` for the times accepted. ``allow_dangling``: import rows naming ids the ledger and
    the file do not hold, with a warning each, instead of refusing the file (``app.references``). ``again``:
    import a file imported before once more (its facts that differ from the ledger's current ones are recorded
    anew) instead of answering that it was imported, and whether the ledger has moved since. ``progress(rows,
    None)``: called as rows are written."""
    from songclear.ingest.tabular import open_table
    from songclear.store.repository import LedgerRepository

    if not path.is_file():
        raise ImportError_("file not found", source=str(path))
    sha = _sha256(path)
    with open_table(path, kind) as table:  # the header (or JSON envelope): refused before anything is written
        outcome = ImportOutcome(str(path), table.kind)
        with write_session(db) as session:
            repo = LedgerRepository(session)
            before = repo.find_import(sha, table.kind)
            if before is not None and not again:
                outcome.already_imported = True
                outcome.rows = outcome.unchanged = sum(before.counts.values())
                outcome.moved_since = moved_since(session, repo, table, before)
                return outcome
            at = stamp(session, recorded_at, now=clock(), source=path.name)
            counts, dangling = apply_table(
                session, repo, path, table, sha, at=at, allow_dangling=allow_dangling, progress=progress
            )
            log_event(
                session, at=at, actor=actor, action="import", subject=sha,
                payload={"source": path.name, "kind": table.kind, "rows": table.rows, **counts.as_dict()},
            )  # fmt: skip
    outcome.rows, outcome.added, outcome.unchanged, outcome.recorded_at = (
        table.rows,
        *counts.as_dict().values(),
        at,
    )
    outcome.notes = table_notes(table) + dangling.notes()
    return outcome


def apply_table(
    session, repo, path: Path, table, sha: str, *, at: datetime, allow_dangling: bool, observe=None,
    progress: Callable | None = None,
):  # fmt: skip
    """Record the facts of an open table (``open_table``) at ``at`` as one import, inside ``session``: the
    checks that need the whole file after the last row (the file unchanged while read, cycles of parents, ids
    named but unknown). Returns the counts and the dangling rows (refused unless ``allow_dangling``).
    ``observe``: as ``LedgerRepository.record``'s (a dry run); ``progress(rows, None)``: called as rows are written."""
    from songclear.app.references import ReferenceCheck

    import_id = repo.begin_import(path.name, sha, table.kind, at)
    refs = ReferenceCheck(session, table.spec.key)
    rows = ticking(refs.watch(table.with_lines()), progress, every=5000)
    counts = repo.record(rows, recorded_at=at, import_id=import_id, observe=observe)
    if table.sha256 != sha:
        raise ImportError_("the file changed while it was being imported: import it again", source=path.name)
    if table.kind == "grants":
        _refuse_parent_cycle(repo, import_id, path, table.kind)
    dangling = refs.finish()
    if dangling and not allow_dangling:
        raise dangling.error(path.name)
    repo.finish_import(import_id, counts.as_dict())
    return counts, dangling


def table_notes(table) -> list[str]:
    """The warnings of a table read to its end: the first ones, then how many more."""
    notes = [str(w) for w in table.warnings]
    if table.warnings_total > len(table.warnings):
        notes.append(f"... and {table.warnings_total - len(table.warnings)} more warnings")
    return notes


def moved_since(session, repo, table, before) -> int:
    """How many facts of ``table`` (an open file imported before, as ``before``) differ now from the ledger's
    current versions: someone amended or ended them since. 0 at once when nothing of that kind was recorded
    after that import (the newest version of the kind's table, by id, is older)."""
    from sqlalchemy import select

    from songclear.store import tables

    t = getattr(tables, "library_tracks" if table.kind == "library" else table.kind)
    newest = session.execute(select(t.c.recorded_at).order_by(t.c.id.desc()).limit(1)).scalar()
    if newest is None or utc(newest) <= utc(before.recorded_at):
        return 0
    return repo.compare(table).added


KIND_ORDER = ("parties", "artists", "works", "recordings", "grants", "notices", "library")


def in_dependency_order(paths: list[Path], kind: str | None) -> list[Path]:
    """``paths`` in the order a command imports them: parties, artists, works, recordings, grants, notices,
    library (files of one kind in the order given), so that a row may name what a later file brings. A file
    whose kind cannot be told (unreadable, a bad header) goes first: the command stops there, nothing applied."""
    from songclear.ingest.tabular import open_table

    if kind is not None or len(paths) < 2:
        return list(paths)

    def rank(path: Path) -> int:
        try:
            with open_table(path) as table:
                return KIND_ORDER.index(table.kind)
        except (InputError, OSError):
            return -1

    return sorted(paths, key=rank)  # stable: files of one kind keep their order


def _refuse_parent_cycle(repo, import_id: int, path: Path, kind: str) -> None:
    """Refuse a cycle of sublicences through a grant this import wrote, with the grants current in the ledger
    (G-A's parent G-B, G-B's parent G-A; longer ones too; across files): naming the file and the grant's line."""
    cycle = repo.parent_cycle(import_id)
    if cycle is None:
        return
    message = (
        f"grant {cycle[0]}: its chain of parents {' -> '.join(cycle)} comes back to itself "
        "(a cycle of sublicences, with the grants already in the ledger)"
    )
    if kind == "ddex":
        raise ImportError_(message, source=path.name)
    from songclear.ingest.tabular import find_line

    line = find_line(path, kind, cycle[0])
    raise ImportError_(message, source=path.name, location=f"line {line}, column parent" if line else None)


def import_ddex(
    db,
    path: Path,
    *,
    recorded_at: datetime | None = None,
    party_ids: dict[str, str] | None = None,
    actor: str = "songclear",
    clock: Callable[[], datetime] = _utc_now,
) -> ImportOutcome:
    """A DDEX ERN NewReleaseMessage / PurgeReleaseMessage: deals become grants from sender to recipient.
    ``recorded_at`` as for ``import_table``."""
    from songclear.ingest.ddex import apply_message, parse_message
    from songclear.store.repository import LedgerRepository

    if not path.is_file():
        raise ImportError_("file not found", source=str(path))
    msg = parse_message(path)  # hardened parse + business rules, raises before anything is written
    outcome = ImportOutcome(str(path), "ddex")
    with write_session(db) as session:
        repo = LedgerRepository(session)
        sha = _sha256(path)
        if repo.find_import(sha, "ddex") is not None:
            outcome.already_imported = True
            return outcome
        at = stamp(session, recorded_at, now=clock(), source=path.name)
        keys = msg.release_keys()
        existing = {k: rd for k in keys if (rd := repo.get_release_deals(k)) is not None}
        old_ids = [gid for rd in existing.values() for gid in rd.grant_ids]
        changes = apply_message(
            msg,
            existing=existing,
            existing_grants=repo.current_grants_by_ids(old_ids),
            party_ids=party_ids or {},
            recorded_at=at,
        )
        outcome.notes = list(changes.notes)
        facts = [
            *changes.parties,
            *changes.recordings,
            *changes.works,
            *changes.grants,
            *changes.release_deals,
        ]
        outcome.rows = len(facts)
        if not facts:
            return outcome  # a test message, an older or duplicate message: nothing live changes
        import_id = repo.begin_import(path.name, sha, "ddex", at)
        counts = repo.record(facts, recorded_at=at, import_id=import_id)
        _refuse_parent_cycle(repo, import_id, path, "ddex")  # DDEX deals name no parent today: a safeguard
        repo.finish_import(import_id, counts.as_dict())
        log_event(
            session, at=at, actor=actor, action="import", subject=sha,
            payload={"source": path.name, "kind": "ddex", "message": msg.message_id, **counts.as_dict()},
        )  # fmt: skip
    outcome.added, outcome.unchanged, outcome.recorded_at = counts.added, counts.unchanged, at
    return outcome
