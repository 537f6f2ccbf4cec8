"""Enforcement: the hash-chained audit log, takedown plans, actions and undos, claims and their steps, and the
evidence files they point to (issue 5).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
)

from songclear.store.tables.metadata import Id, UTCDateTime, metadata

# -- the audit log (issue 5): append-only, hash-chained (domain/enforcement/auditlog.py) -------------------------

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("seq", BigInteger, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON: exactly what was hashed
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ux_audit_log_seq", "seq", unique=True),  # two writers cannot both append entry n
)


# -- enforcement (issue 5): takedown plans and actions, undos, claims and their steps, evidence files ------------
# Append-only: an undo is a row of its own, a claim's every step is a row; only a plan's ``applied_at`` is filled
# in once, by the transaction that applies it.

takedown_plans = Table(
    "takedown_plans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("plan_id", String(64), nullable=False),
    Column("platform", Text, nullable=False),
    Column("day", Date, nullable=False),  # the audited day the plan comes from
    Column("notice", Text, nullable=True),
    Column("actor", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actions", Text, nullable=False),  # JSON list of the planned actions (takedown.TakedownAction)
    Column("deferred", Text, nullable=False),  # JSON list: tracks a notice still tolerates
    Column("applied_at", UTCDateTime, nullable=True),
    Column("applied_by", Text, nullable=True),
    Index("ux_takedown_plans_plan_id", "plan_id", unique=True),
)

# One row per action put in force; the unique action id is what makes a second apply (or a concurrent one) a no-op.
takedown_actions = Table(
    "takedown_actions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("action_id", String(64), nullable=False),
    Column("platform", Text, nullable=False),
    Column("track", Text, nullable=False),  # LibraryTrack.key
    Column("kind", String(16), nullable=False),  # 'remove' | 'geo_block' | 'disable_use'
    Column("territories", Text, nullable=False),  # JSON list, sorted
    Column("use", Text, nullable=True),
    Column("reason", Text, nullable=False),  # JSON: kind, ref, detail, codes, grants, notice
    Column("actor", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),  # the action's own time (as planned)
    Column("plan_id", String(64), nullable=True),
    Column("claim_id", Text, nullable=True),
    Column("applied_at", UTCDateTime, nullable=False),
    Column("applied_by", Text, nullable=False),
    Index("ux_takedown_actions_action_id", "action_id", unique=True),
    Index("ix_takedown_actions_platform", "platform", "track"),
)

takedown_undos = Table(
    "takedown_undos",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("action_id", String(64), nullable=False),
    Column("track", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Index("ux_takedown_undos_action_id", "action_id", unique=True),  # undoing twice is undoing once
)

claims = Table(
    "claims",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("claim_id", Text, nullable=False),
    Column("regime", String(32), nullable=False),
    Column("claimant", Text, nullable=False),
    Column("platform", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("claim", Text, nullable=False),  # canonical JSON of the claim (claims.Claim)
    Column("complete", Boolean, nullable=False),
    Column("missing", Text, nullable=False),  # JSON list: what the claimant was told is missing
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ux_claims_claim_id", "claim_id", unique=True),
    Index("ix_claims_platform", "platform"),
)

# Each step of a claim's case: 'answered', 'taken-down', 'counter', 'suit', 'restored' (payload: what it was).
claim_steps = Table(
    "claim_steps",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("claim_id", Text, nullable=False),
    Column("step", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Index("ix_claim_steps_claim", "claim_id"),
)

# Files a claim or counter-notice points to, stored by content hash (the same file twice is one row).
evidence_files = Table(
    "evidence_files",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ux_evidence_files_sha256", "sha256", unique=True),
)
