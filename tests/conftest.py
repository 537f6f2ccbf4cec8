"""Shared fixtures: a database URL on every backend, and an opened, migrated ``Database``.

``db_url`` runs a test on SQLite (a file in tmp_path) and on PostgreSQL (SONGCLEAR_TEST_PG, which CI always
sets), each time on a fresh database: see tests/backends.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from backends import BACKENDS, backend_url
from songclear.store import Database

# No per-example deadline anywhere: the properties check results, not timing, and on a busy 2-core CI machine a
# first example that loads OpenCC's dictionaries can take longer than Hypothesis's default 200 ms.
settings.register_profile("songclear", deadline=None)
settings.load_profile("songclear")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    with backend_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database.open(db_url)
    try:
        yield db
    finally:
        db.close()
