"""The ledger's facts: one append-only, versioned table per kind of fact (parties, artists, works, recordings,
grants, notices, library tracks, DDEX release deals), and the imports they came from.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    text,
)

from songclear.store.tables.metadata import Id, UTCDateTime, metadata

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

artists = _versioned(
    "artists",
    ("artist_id",),
    Column("artist_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list, ordered
    Column("party", Text, nullable=True),  # migration 0010
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
    Column("artist_aliases", Text, nullable=True),  # JSON list of lists (migration 0011); NULL: none
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
    Column("termination_local", Boolean, nullable=True),  # migration 0011: effective is a local day's start
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
    Column("message_sha256", String(64), nullable=True),  # migration 0011; NULL: recorded before
)

FACT_TABLES: tuple[Table, ...] = (
    parties, artists, works, recordings, grants, notices, library_tracks, release_deals,
)  # fmt: skip
