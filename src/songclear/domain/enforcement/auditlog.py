"""The audit log: append-only, each entry hash-chained to the one before it.

    hash = sha256(canonical JSON of [FORMAT, seq, at (UTC ISO, microseconds), actor, action, subject, payload,
                                     prev_hash])

``payload`` is stored as canonical JSON text (sorted keys, no spaces, UTF-8), so the stored text is exactly
what was hashed. Editing any field of an entry breaks its own hash; deleting, inserting or reordering entries
breaks the ``seq`` run and the ``prev_hash`` links; cutting off the newest entries is only visible against a head
hash kept elsewhere (a report, a notarised print-out), which ``verify`` takes as ``expected_head``. Entries are in
time order: an entry dated before the one it follows means the log was written with a clock turned back (a
backdated import), and ``verify`` reports it even when every hash is intact.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from songclear.errors import InputError

FORMAT = (
    "songclear-log-1"  # bump when the hashed serialisation changes; old entries keep verifying under theirs
)
GENESIS = "0" * 64  # the prev_hash of the first entry


@dataclass(frozen=True, slots=True)
class LogEntry:
    seq: int  # 1, 2, 3, ... without gaps
    at: datetime  # timezone-aware
    actor: str  # a person's name or 'machine:<job>'
    action: str  # 'import', 'decision-change', 'takedown', 'reinstate', 'claim-received', 'review', ...
    subject: str  # what it is about: a track key, a claim id, a file hash
    payload: str  # canonical JSON text
    prev_hash: str
    hash: str

    def data(self) -> Any:
        return json.loads(self.payload)

    @property
    def file(self) -> str | None:
        """The name of the file an entry is about, when its subject is that file's hash (an import)."""
        if self.action != "import":
            return None
        data = self.data()
        return data.get("source") if isinstance(data, dict) else None

    def as_dict(self) -> dict:
        """The entry as ``songclear log show --json`` and ``GET /log`` print it."""
        return {
            "seq": self.seq, "at": self.at.isoformat(), "actor": self.actor, "action": self.action,
            "subject": self.subject, "payload": self.data(), "hash": self.hash,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class LogProblem:
    seq: int | None  # the entry where the chain first breaks (None: the log as a whole)
    kind: str  # 'edited' | 'broken-link' | 'sequence' | 'time-order' | 'truncated' | 'bad-payload'
    message: str


def canonical_json(value: Any) -> str:
    """One text per value: sorted keys, no whitespace, non-ASCII kept; dates as ISO strings, sets sorted."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, frozenset | set):
        return sorted(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"cannot put {type(value).__name__} in a log payload")


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise InputError(f"log time {at} has no time zone")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(seq: int, at: datetime, actor: str, action: str, subject: str, payload: str, prev: str) -> str:
    text = canonical_json([FORMAT, seq, _instant(at), actor, action, subject, payload, prev])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(
    head: LogEntry | None, *, at: datetime, actor: str, action: str, subject: str, payload: Any = None
) -> LogEntry:
    """The entry that follows ``head`` (None: the first entry). ``payload`` is any JSON-able value."""
    if not actor or not action:
        raise InputError("a log entry needs an actor and an action")
    seq = 1 if head is None else head.seq + 1
    prev = GENESIS if head is None else head.hash
    body = canonical_json(payload if payload is not None else {})
    return LogEntry(
        seq, at, actor, action, subject, body, prev, entry_hash(seq, at, actor, action, subject, body, prev)
    )


def extend(entries: Sequence[LogEntry], records: Sequence[dict]) -> list[LogEntry]:
    """Append several records (keyword dicts for ``append``) after ``entries``; returns only the new entries."""
    head = entries[-1] if entries else None
    out = []
    for r in records:
        head = append(head, **r)
        out.append(head)
    return out


def _before(a: datetime, b: datetime) -> bool:
    try:
        return a < b
    except TypeError:  # a naive time: its hash check reports it
        return False


def _shown(at: datetime) -> str:
    try:
        return _instant(at)
    except InputError:
        return str(at)


def verify(entries: Sequence[LogEntry], *, expected_head: str | None = None) -> list[LogProblem]:
    """Every way ``entries`` (in stored order) departs from an untouched log; empty when it is intact."""
    problems: list[LogProblem] = []
    prev_hash, prev_seq, prev_at = GENESIS, 0, None
    for e in entries:
        if e.seq != prev_seq + 1:
            what = "missing" if e.seq > prev_seq + 1 else "repeated or out of order"
            problems.append(
                LogProblem(e.seq, "sequence", f"entry {e.seq} follows {prev_seq}: entries {what}")
            )
        if e.prev_hash != prev_hash:
            problems.append(
                LogProblem(e.seq, "broken-link", f"entry {e.seq} does not link to the entry before it")
            )
        try:
            if canonical_json(json.loads(e.payload)) != e.payload:
                problems.append(LogProblem(e.seq, "bad-payload", f"entry {e.seq}: payload is not canonical"))
            expected = entry_hash(e.seq, e.at, e.actor, e.action, e.subject, e.payload, e.prev_hash)
        except (ValueError, InputError) as exc:
            problems.append(LogProblem(e.seq, "bad-payload", f"entry {e.seq}: {exc}"))
            expected = None
        if expected is not None and expected != e.hash:
            problems.append(LogProblem(e.seq, "edited", f"entry {e.seq} was changed after it was written"))
        if prev_at is not None and _before(e.at, prev_at):
            problems.append(
                LogProblem(
                    e.seq,
                    "time-order",
                    f"entry {e.seq} ({_shown(e.at)}) is dated before entry {prev_seq} ({_shown(prev_at)}): "
                    "the log was written out of time order",
                )
            )
        prev_hash, prev_seq, prev_at = e.hash, e.seq, e.at
    # A head hash kept elsewhere must still be in the log: a log that grew since is fine, one cut back is not.
    if expected_head is not None and all(e.hash != expected_head for e in entries):
        problems.append(
            LogProblem(
                None,
                "truncated",
                "the expected head entry is not in the log: entries were cut off or rewritten",
            )
        )
    return problems
