"""Library tracks carry the duration the platform lists (evidence for metadata linking).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("library_tracks") as batch:
        batch.add_column(sa.Column("duration_s", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("library_tracks") as batch:
        batch.drop_column("duration_s")
