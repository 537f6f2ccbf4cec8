"""Importing files into the ledger: each file is one transaction, applied whole or not at all.

A file that fails to parse or breaks a rule raises an ``ImportError_`` naming the file and the line (or XPath)
before anything is written; a failure while writing rolls the file's transaction back. Re-importing the same
file changes nothing: the file's hash is remembered, and each fact is only appended when it differs from the
current version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from songclear.errors import ImportError_
from songclear.store.auditlog import log_event


@dataclass(slots=True)
class ImportOutcome:
    source: str
    kind: str
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    already_imported: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "kind": self.kind,
            "rows": self.rows,
            "added": self.added,
            "unchanged": self.unchanged,
            "already_imported": self.already_imported,
            "notes": list(self.notes),
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:  # in chunks: a DDEX message may be hundreds of MB
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_table(
    db, path: Path, *, kind: str | None, recorded_at: datetime, actor: str = "songclear"
) -> ImportOutcome:
    """A CSV or JSON file of parties, artists, recordings, works, grants, notices or library tracks."""
    from songclear.ingest.tabular import read_facts
    from songclear.store.repository import LedgerRepository

    if not path.is_file():
        raise ImportError_("file not found", source=str(path))
    table = read_facts(path, kind)  # raises before anything is written
    outcome = ImportOutcome(str(path), table.kind, rows=table.rows, notes=[str(w) for w in table.warnings])
    with db.session() as session:
        repo = LedgerRepository(session)
        if repo.find_import(table.sha256, table.kind) is not None:
            outcome.already_imported = True
            outcome.unchanged = table.rows
            return outcome
        import_id = repo.begin_import(path.name, table.sha256, table.kind, recorded_at)
        counts = repo.record(table.facts, recorded_at=recorded_at, import_id=import_id)
        repo.finish_import(import_id, counts.as_dict())
        log_event(
            session, at=recorded_at, actor=actor, action="import", subject=table.sha256,
            payload={"source": path.name, "kind": table.kind, "rows": table.rows, **counts.as_dict()},
        )  # fmt: skip
    outcome.added, outcome.unchanged = counts.added, counts.unchanged
    return outcome


def import_ddex(
    db,
    path: Path,
    *,
    recorded_at: datetime,
    party_ids: dict[str, str] | None = None,
    actor: str = "songclear",
) -> ImportOutcome:
    """A DDEX ERN NewReleaseMessage / PurgeReleaseMessage: deals become grants from sender to recipient."""
    from songclear.ingest.ddex import apply_message, parse_message
    from songclear.store.repository import LedgerRepository

    if not path.is_file():
        raise ImportError_("file not found", source=str(path))
    msg = parse_message(path)  # hardened parse + business rules, raises before anything is written
    outcome = ImportOutcome(str(path), "ddex")
    with db.session() as session:
        repo = LedgerRepository(session)
        sha = _sha256(path)
        if repo.find_import(sha, "ddex") is not None:
            outcome.already_imported = True
            return outcome
        keys = msg.release_keys()
        existing = {k: rd for k in keys if (rd := repo.get_release_deals(k)) is not None}
        old_ids = [gid for rd in existing.values() for gid in rd.grant_ids]
        changes = apply_message(
            msg,
            existing=existing,
            existing_grants=repo.current_grants_by_ids(old_ids),
            party_ids=party_ids or {},
            recorded_at=recorded_at,
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
        import_id = repo.begin_import(path.name, sha, "ddex", recorded_at)
        counts = repo.record(facts, recorded_at=recorded_at, import_id=import_id)
        repo.finish_import(import_id, counts.as_dict())
        log_event(
            session, at=recorded_at, actor=actor, action="import", subject=sha,
            payload={"source": path.name, "kind": "ddex", "message": msg.message_id, **counts.as_dict()},
        )  # fmt: skip
    outcome.added, outcome.unchanged = counts.added, counts.unchanged
    return outcome
