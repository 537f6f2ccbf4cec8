"""Audio identification: reference audio per recording, scanned library tracks, and the matches found.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reference_audio",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("isrc", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reference_audio"),
    )
    op.create_index("ux_reference_audio_isrc", "reference_audio", ["isrc"], unique=True)
    op.create_table(
        "scanned_tracks",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("track_id", sa.Text(), nullable=False),
        sa.Column("index_version", sa.String(64), nullable=False),
        sa.Column("audio_path", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("matches", sa.Integer(), nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scanned_tracks"),
    )
    op.create_index(
        "ux_scanned_tracks_key", "scanned_tracks", ["platform", "track_id", "index_version"], unique=True
    )
    op.create_table(
        "audio_matches",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("track_id", sa.Text(), nullable=False),
        sa.Column("index_version", sa.String(64), nullable=False),
        sa.Column("isrc", sa.Text(), nullable=False),
        sa.Column("query_start", sa.Float(), nullable=False),
        sa.Column("query_end", sa.Float(), nullable=False),
        sa.Column("reference_start", sa.Float(), nullable=False),
        sa.Column("reference_end", sa.Float(), nullable=False),
        sa.Column("speed", sa.Float(), nullable=False),
        sa.Column("pitch", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence_png", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audio_matches"),
    )
    op.create_index("ix_audio_matches_track", "audio_matches", ["platform", "track_id", "index_version"])
    op.create_index("ix_audio_matches_isrc", "audio_matches", ["isrc"])


def downgrade() -> None:
    op.drop_index("ix_audio_matches_isrc", table_name="audio_matches")
    op.drop_index("ix_audio_matches_track", table_name="audio_matches")
    op.drop_table("audio_matches")
    op.drop_index("ux_scanned_tracks_key", table_name="scanned_tracks")
    op.drop_table("scanned_tracks")
    op.drop_index("ux_reference_audio_isrc", table_name="reference_audio")
    op.drop_table("reference_audio")
