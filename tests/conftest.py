"""Shared fixtures: a database URL on every backend, and an opened, migrated ``Database``.

``db_url`` runs a test on SQLite (a file in tmp_path) and on PostgreSQL (SONGCLEAR_TEST_PG, which CI always
sets). Each PostgreSQL test gets its own freshly created schema, selected through the connection's search_path and
dropped afterwards, so tests are isolated and can run in parallel against one server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from songclear.store import Database
from songclear.store.database import normalise_url

PG_ENV = "SONGCLEAR_TEST_PG"
PG_MISSING = f"{PG_ENV} not set (CI always sets it)"


@pytest.fixture(scope="session")
def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _pg_schema_url(admin_url: str) -> Iterator[str]:
    base = normalise_url(admin_url)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path, pg_admin_url: str | None) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'songclear.db'}"
        return
    if pg_admin_url is None:
        if os.environ.get(
            "SONGCLEAR_REQUIRE_PG"
        ):  # CI: PostgreSQL must run, a skip would hide a broken backend
            pytest.fail(f"{PG_ENV} is not set but SONGCLEAR_REQUIRE_PG is")
        pytest.skip(PG_MISSING)
    yield from _pg_schema_url(pg_admin_url)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database.open(db_url)
    try:
        yield db
    finally:
        db.close()
