"""An API over the demo world (no audio), with one token per role, on every backend (``db_url``)."""

from __future__ import annotations

import pytest
from apiworld import NOW, Client, World, demo_world, make_tokens

from songclear.api import Limits, create_app


@pytest.fixture
def world(db_url, tmp_path) -> World:
    demo_world(db_url)
    secrets = make_tokens(db_url)
    app = create_app(
        db_url, index_path=tmp_path / "fp", clock=lambda: NOW, limits=Limits(identify_per_window=3)
    )
    yield World(Client(app), secrets, db_url)
    app.state.songclear.db.close()
