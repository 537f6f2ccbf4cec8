"""DDEX semantics on real inputs (issue 11): a termination dated by a local day (a 3.x TakeDown's StartDate), the
file hash that orders two messages about a release created at the same instant, and the other spellings of a
recording's artists (a DisplayArtistName and the party's FullName).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grants") as batch:
        batch.add_column(sa.Column("termination_local", sa.Boolean(), nullable=True))
    with op.batch_alter_table("release_deals") as batch:
        batch.add_column(sa.Column("message_sha256", sa.String(64), nullable=True))
    with op.batch_alter_table("recordings") as batch:
        batch.add_column(sa.Column("artist_aliases", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.drop_column("artist_aliases")
    with op.batch_alter_table("release_deals") as batch:
        batch.drop_column("message_sha256")
    with op.batch_alter_table("grants") as batch:
        batch.drop_column("termination_local")
