"""The relational schema: one append-only, versioned table per kind of fact, plus the imports they came from.

Every fact table has the same bitemporal spine: a surrogate ``id``, the entity key, the fact's columns,
``recorded_at`` (when this version became known, UTC) and ``superseded_at`` (NULL while current, else the
``recorded_at`` of the version that replaced it). A version is visible 'as known at T' when
``recorded_at <= T and (superseded_at is NULL or superseded_at > T)``.

Indexes (sizing for 10 M library tracks and 1 M grants is discussed in docs/storage.md):
- ``ux_<table>_current``: UNIQUE(key) WHERE superseded_at IS NULL -- at most one current version per key, and the
  index every 'as known now' lookup and bulk compare in ``record()`` uses;
- ``ix_<table>_history``: (key, recorded_at) -- 'as known at T' lookups of one entity.
Sets are stored as JSON text (ids may contain anything) or space-joined vocabulary tokens (uses, rights). The
schema is created by the Alembic migrations only; this module is what they must agree with (a test checks it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator

# Names for constraints, so that migrations and models name them alike on every backend.
metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)

# A 64-bit surrogate key; on SQLite only INTEGER PRIMARY KEY is the auto-incrementing rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """An instant: stored in UTC, returned tz-aware in UTC. A naive datetime is refused (its zone is unknown)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: an instant needs a time zone")
        value = value.astimezone(UTC)
        # SQLite keeps the text; without tzinfo it sorts and compares correctly as UTC.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


imports = Table(
    "imports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("counts", Text, nullable=False, server_default="{}"),  # JSON object: kind -> added/unchanged
    Index("ix_imports_sha256_kind", "sha256", "kind"),
)


def _versioned(name: str, key: tuple[str, ...], *columns: Column, indexes: tuple[Index, ...] = ()) -> Table:
    current = text("superseded_at IS NULL")
    return Table(
        name,
        metadata,
        Column("id", Id, primary_key=True, autoincrement=True),
        *columns,
        Column("recorded_at", UTCDateTime, nullable=False),
        Column("superseded_at", UTCDateTime, nullable=True),
        Column("import_id", Id, ForeignKey("imports.id"), nullable=True),
        Index(f"ux_{name}_current", *key, unique=True, sqlite_where=current, postgresql_where=current),
        Index(f"ix_{name}_history", *key, "recorded_at"),
        *indexes,
    )


parties = _versioned(
    "parties",
    ("party_id",),
    Column("party_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list, ordered
)

works = _versioned(
    "works",
    ("work_id",),
    Column("work_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("iswc", Text, nullable=True),
    Column("writers", Text, nullable=False),  # JSON list
    Column("publishers", Text, nullable=False),  # JSON list of party ids
)

recordings = _versioned(
    "recordings",
    ("isrc",),
    Column("isrc", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("artists", Text, nullable=False),  # JSON list
    Column("duration_s", Float, nullable=True),
    Column("version", String(32), nullable=False),
    Column("owner", Text, nullable=True),
    Column("work_id", Text, nullable=True),
)

grants = _versioned(
    "grants",
    ("grant_id",),
    Column("grant_id", Text, nullable=False),
    Column("licensor", Text, nullable=False),
    Column("licensee", Text, nullable=False),
    Column("rights", String(64), nullable=False),  # 'composition master'
    Column("term_start", Date, nullable=False),
    Column("term_end", Date, nullable=True),
    Column("term_tz", String(64), nullable=False),
    Column("territories", Text, nullable=False),  # Territories.to_text()
    Column("uses", Text, nullable=False),  # space-joined DDEX UseType tokens, sorted
    Column("commercial_models", Text, nullable=False),  # space-joined, sorted; empty: any
    Column("recordings", Text, nullable=False),  # JSON list of ISRCs, sorted
    Column("works", Text, nullable=False),  # JSON list of work ids, sorted
    Column("catalogue", Boolean, nullable=False),
    Column("exclusive", Boolean, nullable=False),
    Column("sublicensable", Boolean, nullable=False),
    Column("parent", Text, nullable=True),
    Column("issued", Date, nullable=True),
    Column("termination_effective", UTCDateTime, nullable=True),
    Column("termination_cause", String(32), nullable=True),
    Column("termination_reference", Text, nullable=True),
    Column("source", Text, nullable=False),
    indexes=(Index("ix_grants_licensee", "licensee"), Index("ix_grants_parent", "parent")),
)

notices = _versioned(
    "notices",
    ("notice_id",),
    Column("notice_id", Text, nullable=False),
    Column("issuer", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("issued", Date, nullable=False),
    Column("effective", Date, nullable=False),
    Column("buffer_end", Date, nullable=True),
    Column("platforms", Text, nullable=False),  # JSON list, sorted; empty: every platform
    Column("territories", Text, nullable=False),
    Column("tz", String(64), nullable=False),
)

library_tracks = _versioned(
    "library_tracks",
    ("platform", "track_id"),
    Column("platform", Text, nullable=False),
    Column("track_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("artist", Text, nullable=False),
    Column("isrc", Text, nullable=True),
    Column("audio_path", Text, nullable=True),
    Column("play_count", BigInteger, nullable=True),
    Column("availability", String(16), nullable=False),
    Column("duration_s", Float, nullable=True),  # migration 0003
    indexes=(Index("ix_library_tracks_isrc", "isrc"),),
)

release_deals = _versioned(
    "release_deals",
    ("release_key",),
    Column("release_key", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("release_id", Text, nullable=False),
    Column("message_id", Text, nullable=False),
    Column("message_created", UTCDateTime, nullable=False),
    Column("grant_ids", Text, nullable=False),  # JSON list, ordered
    Column("isrcs", Text, nullable=False),  # JSON list, ordered
    Column("state", String(32), nullable=False),
)

FACT_TABLES: tuple[Table, ...] = (parties, works, recordings, grants, notices, library_tracks, release_deals)


# -- audio identification (issue 3): reference audio, scans of library tracks, the matches they found ------------

# Which audio file was fingerprinted for a registered recording (evidence pictures decode it again).
reference_audio = Table(
    "reference_audio",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("isrc", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("seconds", Float, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ux_reference_audio_isrc", "isrc", unique=True),
)

# One row per library track scanned against one state of the fingerprint index: the resume marker of a scan
# (a track with a row is done) and, for 'as known at' audits, when the result became known.
scanned_tracks = Table(
    "scanned_tracks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("platform", Text, nullable=False),
    Column("track_id", Text, nullable=False),
    Column("index_version", String(64), nullable=False),
    Column("audio_path", Text, nullable=False),
    Column("status", String(16), nullable=False),  # 'matched' | 'no_match' | 'error'
    Column("error", Text, nullable=True),
    Column("matches", Integer, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ux_scanned_tracks_key", "platform", "track_id", "index_version", unique=True),
)

audio_matches = Table(
    "audio_matches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("platform", Text, nullable=False),
    Column("track_id", Text, nullable=False),
    Column("index_version", String(64), nullable=False),
    Column("isrc", Text, nullable=False),
    Column("query_start", Float, nullable=False),
    Column("query_end", Float, nullable=False),
    Column("reference_start", Float, nullable=False),
    Column("reference_end", Float, nullable=False),
    Column("speed", Float, nullable=False),
    Column("pitch", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("evidence_png", LargeBinary, nullable=True),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ix_audio_matches_track", "platform", "track_id", "index_version"),
    Index("ix_audio_matches_isrc", "isrc"),
)


# -- metadata linking (issue 4): the linker's proposal per track, and people's review decisions ------------------

# The current proposal per track (superseded_at NULL) and its history: an audit 'as known at T' sees the links
# that were known then.
track_links = Table(
    "track_links",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("platform", Text, nullable=False),
    Column("track_id", Text, nullable=False),
    Column("outcome", String(16), nullable=False),  # 'auto' | 'review' | 'none'
    Column("isrc", Text, nullable=True),
    Column("work_id", Text, nullable=True),
    Column("source", String(16), nullable=False),  # 'audio' | 'isrc' | 'metadata'
    Column("score", Float, nullable=True),
    Column("explanation", Text, nullable=False),
    Column("details", Text, nullable=False),  # JSON: conflicts, flags, alternatives, field evidence
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("superseded_at", UTCDateTime, nullable=True),
    Index(
        "ux_track_links_current", "platform", "track_id", unique=True,
        sqlite_where=text("superseded_at IS NULL"), postgresql_where=text("superseded_at IS NULL"),
    ),
    Index("ix_track_links_history", "platform", "track_id", "recorded_at"),
)  # fmt: skip

# Append-only: who accepted or rejected which candidate (an ISRC or a work id) for which track, and when.
review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("platform", Text, nullable=False),
    Column("track_id", Text, nullable=False),
    Column("candidate", Text, nullable=False),
    Column("decision", String(16), nullable=False),  # 'accept' | 'reject'
    Column("actor", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Index("ix_review_decisions_track", "platform", "track_id"),
)


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

# API tokens (songclear.api): only the sha256 of the secret is kept; the secret is shown once, when created.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_id", String(16), nullable=False),  # public handle, safe to log
    Column("secret_sha256", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),  # 'admin' | 'platform' | 'rights_holder' | 'regulator'
    Column("party", Text, nullable=True),  # the platform or rights holder the token acts for
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index("ux_api_tokens_token_id", "token_id", unique=True),
    Index("ux_api_tokens_secret_sha256", "secret_sha256", unique=True),
)

# The service's background jobs: one row per import, audit, scan or report run on the server's worker threads.
service_jobs = Table(
    "service_jobs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("job_id", String(16), nullable=False),  # public handle
    Column("kind", String(32), nullable=False),  # 'import' | 'audit' | 'scan' | 'report' | ...
    Column("actor", Text, nullable=False),  # who started it (a token's or user's actor string)
    Column("role", String(16), nullable=False),
    Column("party", Text, nullable=True),  # the party the starter acts for: who may see the job
    Column("params", Text, nullable=False),  # JSON
    Column("state", String(16), nullable=False),  # 'queued' | 'running' | 'done' | 'failed'
    Column("done", BigInteger, nullable=False),  # progress: units done ...
    Column("total", BigInteger, nullable=True),  # ... of this many (None: not known yet)
    Column("message", Text, nullable=True),
    Column("result", Text, nullable=True),  # JSON
    Column("error", Text, nullable=True),  # the user-facing message of a failed job
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Index("ux_service_jobs_job_id", "job_id", unique=True),
    Index("ix_service_jobs_state", "state"),
)

# The dashboard's users: a person logs in with a password; the role and party work as an API token's do.
users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("password_hash", Text, nullable=False),  # hashlib.scrypt, with its parameters and salt
    Column("role", String(16), nullable=False),
    Column("party", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime, nullable=True),
    Index("ux_users_username", "username", unique=True),
)
