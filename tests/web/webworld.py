"""The dashboard tests' world: the demo ledger (no audio) with its enforcement chapter, one user per role, an app
over it; on SQLite and on PostgreSQL (SONGCLEAR_TEST_PG), built once per test module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from songclear.store import Database
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


def build_world(db_url: str, folder: Path) -> None:
    """The demo world as `songclear demo --no-audio` leaves it, and the users."""
    from songclear.app.demo import play_demo

    with Database.open(db_url) as db:
        play_demo(db, folder, enforce=True)  # in date order, as the demo plays it (issue 10, item 11)
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
