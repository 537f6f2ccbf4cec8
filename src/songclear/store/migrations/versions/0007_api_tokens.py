"""API tokens: the sha256 of each secret, its role and the party it acts for.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("token_id", sa.String(16), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("party", sa.Text(), nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("revoked_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
    )
    op.create_index("ux_api_tokens_token_id", "api_tokens", ["token_id"], unique=True)
    op.create_index("ux_api_tokens_secret_sha256", "api_tokens", ["secret_sha256"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_api_tokens_secret_sha256", table_name="api_tokens")
    op.drop_index("ux_api_tokens_token_id", table_name="api_tokens")
    op.drop_table("api_tokens")
