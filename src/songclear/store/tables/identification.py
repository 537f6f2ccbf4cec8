"""Identification: reference audio, scans of library tracks and the audio matches they found (issue 3), and the
metadata linker's proposals with people's review decisions (issue 4).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)

from songclear.store.tables.metadata import Id, UTCDateTime, metadata

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
