"""Metadata linking: the linker's proposal per library track (versioned) and people's review decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)
CURRENT = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "track_links",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("track_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("isrc", sa.Text(), nullable=True),
        sa.Column("work_id", sa.Text(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("superseded_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_track_links"),
    )
    op.create_index(
        "ux_track_links_current", "track_links", ["platform", "track_id"], unique=True,
        sqlite_where=CURRENT, postgresql_where=CURRENT,
    )  # fmt: skip
    op.create_index("ix_track_links_history", "track_links", ["platform", "track_id", "recorded_at"])
    op.create_table(
        "review_decisions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("track_id", sa.Text(), nullable=False),
        sa.Column("candidate", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_decisions"),
    )
    op.create_index("ix_review_decisions_track", "review_decisions", ["platform", "track_id"])


def downgrade() -> None:
    op.drop_index("ix_review_decisions_track", table_name="review_decisions")
    op.drop_table("review_decisions")
    op.drop_index("ix_track_links_history", table_name="track_links")
    op.drop_index("ux_track_links_current", table_name="track_links")
    op.drop_table("track_links")
