"""An API over the demo world (no audio), with one token per role, on every backend, shared by the tests of a
module (``world``): building it is most of an API test's time. Tests that change what others read (revoking a
token, tight limits) build their own app or token.
"""

from __future__ import annotations

import os
import uuid

import pytest
from apiworld import NOW, Client, World, demo_world, make_tokens
from sqlalchemy import create_engine, text

from songclear.api import Limits, create_app
from songclear.store.database import normalise_url


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def module_db_url(request, tmp_path_factory):
    """``db_url`` of tests/conftest.py, once per module: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('api') / 'songclear.db'}"
        return
    admin_url = os.environ.get("SONGCLEAR_TEST_PG")
    if not admin_url:
        if os.environ.get("SONGCLEAR_REQUIRE_PG"):
            pytest.fail("SONGCLEAR_TEST_PG is not set but SONGCLEAR_REQUIRE_PG is")
        pytest.skip("SONGCLEAR_TEST_PG not set (CI always sets it)")
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


@pytest.fixture(scope="module")
def world(module_db_url, tmp_path_factory) -> World:
    demo_world(module_db_url)
    secrets = make_tokens(module_db_url)
    index = tmp_path_factory.mktemp("fp") / "fp"
    app = create_app(module_db_url, index_path=index, clock=lambda: NOW, limits=Limits(identify_per_window=3))
    yield World(Client(app), secrets, module_db_url, index)
    app.state.songclear.close()
