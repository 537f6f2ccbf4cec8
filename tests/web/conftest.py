"""One dashboard world per test module and backend (see webworld.py)."""

from __future__ import annotations

import pytest
from webworld import World, build_world, make_app

from backends import BACKENDS, backend_url


@pytest.fixture(scope="module", params=BACKENDS)
def web_world(request, tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp(f"web-{request.param}")
    with backend_url(request.param, folder) as db_url:
        build_world(db_url, folder)
        app = make_app(db_url, folder)
        yield World(app, db_url, folder)
        app.state.songclear.db.close()
