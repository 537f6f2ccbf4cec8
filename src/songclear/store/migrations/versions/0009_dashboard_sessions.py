"""The dashboard's sessions, kept server-side (a random id in the signed cookie, its sha256 here), so that logging
out ends a session for good: the same cookie replayed afterwards is refused.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("session_sha256", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("ended_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_sessions"),
    )
    op.create_index(
        "ux_dashboard_sessions_session_sha256", "dashboard_sessions", ["session_sha256"], unique=True
    )
    op.create_index("ix_dashboard_sessions_username", "dashboard_sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_dashboard_sessions_username", table_name="dashboard_sessions")
    op.drop_index("ux_dashboard_sessions_session_sha256", table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
