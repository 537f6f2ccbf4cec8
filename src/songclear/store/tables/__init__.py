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
schema is created by the Alembic migrations only; this package is what they must agree with (a test checks it).

One module per area: ``metadata`` (shared types), ``ledger`` (the facts and their imports), ``identification``
(audio matches, links and reviews), ``enforcement`` (log, takedowns, claims, evidence), ``service`` (tokens, jobs,
users and their dashboard sessions). Callers use them as ``tables.<name>``; importing this package registers every table on ``metadata``.
"""

from songclear.store.tables.enforcement import (
    audit_log,
    claim_steps,
    claims,
    evidence_files,
    takedown_actions,
    takedown_plans,
    takedown_undos,
)
from songclear.store.tables.identification import (
    audio_matches,
    reference_audio,
    review_decisions,
    scanned_tracks,
    track_links,
)
from songclear.store.tables.ledger import (
    FACT_TABLES,
    artists,
    grants,
    imports,
    library_tracks,
    notices,
    parties,
    recordings,
    release_deals,
    works,
)
from songclear.store.tables.metadata import Id, UTCDateTime, metadata
from songclear.store.tables.service import api_tokens, dashboard_sessions, service_jobs, users

__all__ = [
    "api_tokens",
    "artists",
    "audio_matches",
    "audit_log",
    "claim_steps",
    "claims",
    "dashboard_sessions",
    "evidence_files",
    "FACT_TABLES",
    "grants",
    "Id",
    "imports",
    "library_tracks",
    "metadata",
    "notices",
    "parties",
    "recordings",
    "reference_audio",
    "release_deals",
    "review_decisions",
    "scanned_tracks",
    "service_jobs",
    "takedown_actions",
    "takedown_plans",
    "takedown_undos",
    "track_links",
    "users",
    "UTCDateTime",
    "works",
]
