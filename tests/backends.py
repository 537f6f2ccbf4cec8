"""The storage backends every storage test runs on: a SQLite file, or a PostgreSQL schema of its own.

``SONGCLEAR_TEST_PG`` names the PostgreSQL server (CI always sets it). Each PostgreSQL database is a freshly
created schema, selected through the connection's search_path and dropped afterwards, so tests are isolated and
can run in parallel against one server. Without the server the PostgreSQL case is skipped, except where
``SONGCLEAR_REQUIRE_PG`` is set (CI): there a skip would hide a broken backend, so it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from songclear.store.database import normalise_url

PG_ENV = "SONGCLEAR_TEST_PG"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@contextmanager
def backend_url(backend: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database on ``backend`` ('sqlite': a file in ``folder``; 'postgresql': a new schema)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'songclear.db'}"
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        if os.environ.get("SONGCLEAR_REQUIRE_PG"):
            pytest.fail(f"{PG_ENV} is not set but SONGCLEAR_REQUIRE_PG is")
        pytest.skip(f"{PG_ENV} not set (CI always sets it)")
    base = normalise_url(admin_url)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
