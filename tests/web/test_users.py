"""Dashboard users: the scrypt hash, the login checks, the audit log, and `songclear user` (both backends)."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime

import pytest

from clirun import songclear  # tests/clirun.py
from songclear.app.demo import load_demo
from songclear.errors import InputError, NotFound
from songclear.store import Database
from songclear.store.auditlog import AuditLog
from songclear.store.users import UserRepository, hash_password, password_matches

NOW = datetime(2016, 2, 1, tzinfo=UTC)


def test_the_hash_carries_its_parameters_and_a_random_salt():
    a, b = hash_password("s3cret-words"), hash_password("s3cret-words")
    scheme, n, r, p, salt, key = a.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1") and len(salt) == 32 and len(key) == 64
    assert a != b  # a fresh salt each time
    assert password_matches("s3cret-words", a) and not password_matches("s3cret-word", a)
    cheap = hash_password("s3cret-words", n=2**10, r=4, p=1)  # old, weaker parameters still check
    assert password_matches("s3cret-words", cheap)
    assert not password_matches("s3cret-words", "scrypt$x$y$z$00$00") and not password_matches("x", "md5$1")


def test_users_log_in_until_disabled_and_every_change_is_logged(database: Database):
    with database.session() as session:
        users = UserRepository(session)
        users.create(username="ana", password="long enough", role="regulator", party=None, now=NOW, actor="t")
        with pytest.raises(InputError, match="exists already"):
            users.create(username="ana", password="long enough", role="admin", party=None, now=NOW, actor="t")
        with pytest.raises(InputError, match="at least 8"):
            users.create(username="bo", password="short", role="admin", party=None, now=NOW, actor="t")
        with pytest.raises(InputError, match="character . . is not allowed"):
            users.create(username="a b", password="long enough", role="admin", party=None, now=NOW, actor="t")
    with database.session() as session:
        users = UserRepository(session)
        assert users.authenticate("ana", "long enough").role == "regulator"
        assert users.authenticate("ana", "wrong guess") is None and users.authenticate("nobody", "x") is None
        users.disable("ana", now=NOW, actor="t")
        assert users.authenticate("ana", "long enough") is None and users.get("ana") is None
        with pytest.raises(NotFound):
            users.disable("ana", now=NOW, actor="t")
        log = [(e.action, e.subject, e.payload) for e in AuditLog(session).entries()]
    assert [a for a, _, _ in log] == ["user-create", "user-disable"]
    assert "long enough" not in str(log) and "scrypt" not in str(log)


def test_the_user_commands(db_url, capsys, monkeypatch):
    with Database.open(db_url) as db:
        load_demo(db)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a fine password\n"))
    made = songclear(capsys, "--db", db_url, "user", "create", "kw", "--role", "platform", "--party", "kuwo",
                     "--password-stdin", "--json")  # fmt: skip
    assert made.code == 0 and made.json() | {"created_at": None} == {
        "username": "kw", "role": "platform", "party": "kuwo", "created_at": None, "disabled_at": None,
    }  # fmt: skip
    monkeypatch.setattr(sys, "stdin", io.StringIO("a fine password\n"))
    wrong = songclear(capsys, "--db", db_url, "user", "create", "x", "--role", "platform", "--party", "L-JADE",
                      "--password-stdin", "--json")  # fmt: skip
    assert wrong.code == 2 and "acts for a platform" in wrong.json()["error"]["message"]
    assert [
        u["username"] for u in songclear(capsys, "--db", db_url, "user", "list", "--json").json()["users"]
    ] == ["kw"]
    gone = songclear(capsys, "--db", db_url, "user", "disable", "kw", "--json")
    assert gone.json() == {"username": "kw", "disabled": True}
    listed = songclear(capsys, "--db", db_url, "user", "list", "--json").json()["users"]
    assert listed[0]["disabled_at"] is not None
    assert songclear(capsys, "--db", db_url, "user", "disable", "kw", "--json").code == 3
