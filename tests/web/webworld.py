"""The dashboard tests' world: the demo ledger (no audio) with its enforcement chapter, one user per role, an app
over it; on SQLite and on PostgreSQL (SONGCLEAR_TEST_PG), built once per test module."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from songclear.store import Database
from songclear.store.database import normalise_url
from songclear.store.users import UserRepository

NOW = datetime(2016, 2, 1, tzinfo=UTC)
PASSWORD = "correct horse battery"
# login -> (role, party)
USERS = {
    "admin": ("admin", None),
    "regulator": ("regulator", None),
    "qq": ("platform", "qq"),
    "kuwo": ("platform", "kuwo"),
    "netease": ("platform", "netease"),
    "jade": ("rights_holder", "L-JADE"),
    "silk": ("rights_holder", "L-SILK"),
}
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@contextmanager
def backend_url(backend: str, folder: Path) -> Iterator[str]:
    """A fresh database for a module: a SQLite file, or its own PostgreSQL schema (dropped afterwards) as
    tests/conftest.py's ``db_url`` makes one per test."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'songclear.db'}"
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


def build_world(db_url: str, folder: Path) -> None:
    """The demo world as `songclear demo --no-audio` leaves it, and the users."""
    from songclear.app.demo import link_demo, load_demo
    from songclear.app.demo_enforcement import play_enforcement

    with Database.open(db_url) as db:
        load_demo(db)
        link_demo(db)
        play_enforcement(db, folder)
        with db.session() as session:
            repo = UserRepository(session)
            for name, (role, party) in USERS.items():
                repo.create(username=name, password=PASSWORD, role=role, party=party, now=NOW, actor="test")


def make_app(db_url: str, folder: Path, *, demo: bool = False):
    from songclear.api import create_app

    return create_app(db_url, index_path=folder / "fp", demo=demo, clock=lambda: NOW)


@dataclass
class World:
    app: object
    db_url: str
    folder: Path


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "the page has no CSRF field"
    return m.group(1)


def login(client, name: str, password: str = PASSWORD):
    """Log ``client`` (a TestClient) in as ``name``; returns the response after the redirect."""
    form = client.get("/ui/login")
    return client.post(
        "/ui/login", data={"username": name, "password": password, "csrf": csrf_of(form.text), "next": "/ui/"}
    )
