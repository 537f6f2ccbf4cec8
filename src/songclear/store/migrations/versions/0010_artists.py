"""The artist table: one versioned row per artist (id, name, aliases, the party representing them), so the linker
resolves every spelling of an artist to one stable id.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)
CURRENT = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "artists",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("artist_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("party", sa.Text(), nullable=True),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("superseded_at", INSTANT, nullable=True),
        sa.Column("import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name="fk_artists_import_id"),
        sa.PrimaryKeyConstraint("id", name="pk_artists"),
    )
    op.create_index(
        "ux_artists_current",
        "artists",
        ["artist_id"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )
    op.create_index("ix_artists_history", "artists", ["artist_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_artists_history", table_name="artists")
    op.drop_index("ux_artists_current", table_name="artists")
    op.drop_table("artists")
