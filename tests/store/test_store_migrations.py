"""The migrations are the only source of the schema: they must build exactly what store/tables/ describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from songclear.store import Database
from songclear.store.tables import metadata


def test_migrated_schema_matches_the_models(database: Database):
    with database.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_downgrade_to_base_and_back(database: Database):
    database.downgrade("base")
    assert database.revision() is None
    database.upgrade()
    assert database.revision() == Database.head()
