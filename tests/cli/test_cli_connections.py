"""Every command closes the database connections it opened. In a long-lived process that runs commands (the test
suite, a notebook, a job runner calling ``main``) they used to stay open until garbage collection: on PostgreSQL
the suite ran out of server connections ("sorry, too many clients already")."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

from clirun import songclear


@pytest.fixture
def connections():
    """Counts of DBAPI connections opened and closed by any pool while the test runs."""
    counts = {"opened": 0, "closed": 0}

    def opened(*_):
        counts["opened"] += 1

    def closed(*_):
        counts["closed"] += 1

    event.listen(Pool, "connect", opened)
    event.listen(Pool, "close", closed)
    yield counts
    event.remove(Pool, "connect", opened)
    event.remove(Pool, "close", closed)


def test_each_command_closes_its_connections(db_url, tmp_path, capsys, connections):
    db = ("--db", db_url)
    assert (
        songclear(capsys, *db, "demo", "--no-audio", "--no-enforcement", "--out", tmp_path, "--json").code
        == 0
    )
    for args in (
        ("audit", "--platform", "kuwo", "--at", "2015-11-15", "--json"),
        ("tracks", "list", "--platform", "qq", "--json"),
        ("grants", "list", "--at", "2015-11-15", "--json"),
        ("explain", "--track", "kuwo/kw-001", "--at", "2015-11-15", "--json"),
        ("explain", "--track", "kuwo/nothing", "--at", "2015-11-15", "--json"),  # an error ends it too
    ):
        songclear(capsys, *db, *args)
    assert connections["opened"] > 0
    assert connections["closed"] == connections["opened"]
