"""Initial schema: the imports table and one versioned (bitemporal) table per kind of fact.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Self-contained on purpose: a migration is a frozen record of a schema, so it does not import the live models.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)  # songclear.store.tables.UTCDateTime (tables/metadata.py)
CURRENT = sa.text("superseded_at IS NULL")


def _versioned(
    name: str, key: list[str], *columns: sa.Column, indexes: dict[str, list[str]] | None = None
) -> None:
    op.create_table(
        name,
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *columns,
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("superseded_at", INSTANT, nullable=True),
        sa.Column("import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=f"fk_{name}_import_id"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    op.create_index(
        f"ux_{name}_current", name, key, unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT
    )
    op.create_index(f"ix_{name}_history", name, [*key, "recorded_at"])
    for index, cols in (indexes or {}).items():
        op.create_index(index, name, cols)


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("counts", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    op.create_index("ix_imports_sha256_kind", "imports", ["sha256", "kind"])
    _versioned(
        "parties",
        ["party_id"],
        sa.Column("party_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
    )
    _versioned(
        "works",
        ["work_id"],
        sa.Column("work_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("iswc", sa.Text(), nullable=True),
        sa.Column("writers", sa.Text(), nullable=False),
        sa.Column("publishers", sa.Text(), nullable=False),
    )
    _versioned(
        "recordings",
        ["isrc"],
        sa.Column("isrc", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("artists", sa.Text(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("work_id", sa.Text(), nullable=True),
    )
    _versioned(
        "grants",
        ["grant_id"],
        sa.Column("grant_id", sa.Text(), nullable=False),
        sa.Column("licensor", sa.Text(), nullable=False),
        sa.Column("licensee", sa.Text(), nullable=False),
        sa.Column("rights", sa.String(64), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("term_tz", sa.String(64), nullable=False),
        sa.Column("territories", sa.Text(), nullable=False),
        sa.Column("uses", sa.Text(), nullable=False),
        sa.Column("commercial_models", sa.Text(), nullable=False),
        sa.Column("recordings", sa.Text(), nullable=False),
        sa.Column("works", sa.Text(), nullable=False),
        sa.Column("catalogue", sa.Boolean(), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("sublicensable", sa.Boolean(), nullable=False),
        sa.Column("parent", sa.Text(), nullable=True),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("termination_effective", INSTANT, nullable=True),
        sa.Column("termination_cause", sa.String(32), nullable=True),
        sa.Column("termination_reference", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        indexes={"ix_grants_licensee": ["licensee"], "ix_grants_parent": ["parent"]},
    )
    _versioned(
        "notices",
        ["notice_id"],
        sa.Column("notice_id", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("issued", sa.Date(), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("buffer_end", sa.Date(), nullable=True),
        sa.Column("platforms", sa.Text(), nullable=False),
        sa.Column("territories", sa.Text(), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
    )
    _versioned(
        "library_tracks",
        ["platform", "track_id"],
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("track_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("artist", sa.Text(), nullable=False),
        sa.Column("isrc", sa.Text(), nullable=True),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("play_count", sa.BigInteger(), nullable=True),
        sa.Column("availability", sa.String(16), nullable=False),
        indexes={"ix_library_tracks_isrc": ["isrc"]},
    )
    _versioned(
        "release_deals",
        ["release_key"],
        sa.Column("release_key", sa.Text(), nullable=False),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("release_id", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("message_created", INSTANT, nullable=False),
        sa.Column("grant_ids", sa.Text(), nullable=False),
        sa.Column("isrcs", sa.Text(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for name in ("release_deals", "library_tracks", "notices", "grants", "recordings", "works", "parties"):
        op.drop_table(name)  # drops its indexes too
    op.drop_table("imports")
