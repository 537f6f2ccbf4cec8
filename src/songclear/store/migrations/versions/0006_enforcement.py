"""Enforcement: takedown plans, the actions put in force and their undos, claims and their steps, evidence files.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "takedown_plans",
        _id(),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("notice", sa.Text(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("deferred", sa.Text(), nullable=False),
        sa.Column("applied_at", INSTANT, nullable=True),
        sa.Column("applied_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_takedown_plans"),
    )
    op.create_index("ux_takedown_plans_plan_id", "takedown_plans", ["plan_id"], unique=True)
    op.create_table(
        "takedown_actions",
        _id(),
        sa.Column("action_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("territories", sa.Text(), nullable=False),
        sa.Column("use", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=True),
        sa.Column("claim_id", sa.Text(), nullable=True),
        sa.Column("applied_at", INSTANT, nullable=False),
        sa.Column("applied_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_takedown_actions"),
    )
    op.create_index("ux_takedown_actions_action_id", "takedown_actions", ["action_id"], unique=True)
    op.create_index("ix_takedown_actions_platform", "takedown_actions", ["platform", "track"])
    op.create_table(
        "takedown_undos",
        _id(),
        sa.Column("action_id", sa.String(64), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_takedown_undos"),
    )
    op.create_index("ux_takedown_undos_action_id", "takedown_undos", ["action_id"], unique=True)
    op.create_table(
        "claims",
        _id(),
        sa.Column("claim_id", sa.Text(), nullable=False),
        sa.Column("regime", sa.String(32), nullable=False),
        sa.Column("claimant", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("missing", sa.Text(), nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
    )
    op.create_index("ux_claims_claim_id", "claims", ["claim_id"], unique=True)
    op.create_index("ix_claims_platform", "claims", ["platform"])
    op.create_table(
        "claim_steps",
        _id(),
        sa.Column("claim_id", sa.Text(), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_steps"),
    )
    op.create_index("ix_claim_steps_claim", "claim_steps", ["claim_id"])
    op.create_table(
        "evidence_files",
        _id(),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_files"),
    )
    op.create_index("ux_evidence_files_sha256", "evidence_files", ["sha256"], unique=True)


def downgrade() -> None:
    for table, indexes in (
        ("evidence_files", ["ux_evidence_files_sha256"]),
        ("claim_steps", ["ix_claim_steps_claim"]),
        ("claims", ["ix_claims_platform", "ux_claims_claim_id"]),
        ("takedown_undos", ["ux_takedown_undos_action_id"]),
        ("takedown_actions", ["ix_takedown_actions_platform", "ux_takedown_actions_action_id"]),
        ("takedown_plans", ["ux_takedown_plans_plan_id"]),
    ):
        for name in indexes:
            op.drop_index(name, table_name=table)
        op.drop_table(table)
