"""An API over the demo world (no audio), with one token per role, on every backend, shared by the tests of a
module (``world``): building it is most of an API test's time. Tests that change what others read (revoking a
token, tight limits) build their own app or token.
"""

from __future__ import annotations

import pytest
from apiworld import NOW, Client, World, demo_world, make_tokens

from backends import BACKENDS, backend_url
from songclear.api import Limits, create_app


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request, tmp_path_factory):
    """``db_url`` of tests/conftest.py, once per module: a SQLite file, or a PostgreSQL schema of its own."""
    with backend_url(request.param, tmp_path_factory.mktemp("api")) as url:
        yield url


@pytest.fixture(scope="module")
def world(module_db_url, tmp_path_factory) -> World:
    demo_world(module_db_url)
    secrets = make_tokens(module_db_url)
    index = tmp_path_factory.mktemp("fp") / "fp"
    app = create_app(module_db_url, index_path=index, clock=lambda: NOW, limits=Limits(identify_per_window=3))
    yield World(Client(app), secrets, module_db_url, index)
    app.state.songclear.close()
