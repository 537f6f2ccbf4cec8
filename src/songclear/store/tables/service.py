"""The service (issue 6): API tokens, background jobs, the dashboard's users and their sessions."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    String,
    Table,
    Text,
)

from songclear.store.tables.metadata import Id, UTCDateTime, metadata

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

# The dashboard's sessions, server-side: the signed cookie carries a random session id, and only its sha256 is kept
# here. A session is live while ``ended_at`` is NULL (logout, or the user disabled, ends it) and younger than the
# cookie's lifetime, so a cookie replayed after logout opens nothing.
dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("session_sha256", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Index("ux_dashboard_sessions_session_sha256", "session_sha256", unique=True),
    Index("ix_dashboard_sessions_username", "username"),
)
