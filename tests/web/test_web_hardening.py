"""Issue 10's security section on the dashboard, on both backends: a logged-out session cookie replayed is refused
(server-side sessions), the Secure cookie setting, the headers against framing and sniffing, and the id rule on the
claim and counter-notice forms."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from webworld import NOW, PASSWORD, csrf_of, login

from songclear.store import Database
from songclear.store.users import UserRepository

COOKIE = "songclear_session"


def as_user(world, name: str) -> TestClient:
    client = TestClient(world.app)
    assert login(client, name).status_code == 200
    return client


def _replay(world, cookie: str) -> TestClient:
    """A fresh browser that only has a copy of ``cookie``."""
    client = TestClient(world.app)
    client.cookies.set(COOKIE, cookie)
    return client


def test_a_session_cookie_replayed_after_logout_is_refused(web_world):
    client = as_user(web_world, "qq")
    stolen = client.cookies[COOKIE]
    assert _replay(web_world, stolen).get("/ui/", follow_redirects=False).status_code == 200  # a live session
    home = client.get("/ui/")
    out = client.post("/ui/logout", data={"csrf": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    replayed = _replay(web_world, stolen)
    r = replayed.get("/ui/platforms/qq?at=2015-11-15", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")
    form = replayed.post("/ui/claims/C-JADE-2015-001/answer", data={"csrf": "x"}, follow_redirects=False)
    assert form.status_code in (401, 403)
    # Logging in again opens a new session; the old cookie stays dead.
    again = as_user(web_world, "qq")
    assert again.get("/ui/", follow_redirects=False).status_code == 200
    assert _replay(web_world, stolen).get("/ui/", follow_redirects=False).status_code == 303


def test_disabling_a_user_ends_its_sessions_server_side(web_world):
    with Database.open(web_world.db_url) as db, db.session() as session:
        UserRepository(session).create(
            username="temp2", password=PASSWORD, role="regulator", party=None, now=NOW, actor="test"
        )
    client = as_user(web_world, "temp2")
    stolen = client.cookies[COOKIE]
    with Database.open(web_world.db_url) as db, db.session() as session:
        UserRepository(session).disable("temp2", now=NOW, actor="test")
        ended = session.execute(
            text("select count(*) from dashboard_sessions where username = 'temp2' and ended_at is not null")
        ).scalar()
    assert ended == 1
    assert _replay(web_world, stolen).get("/ui/log", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_secure_when_asked(web_world, secure):
    from songclear.api import create_app

    app = create_app(
        web_world.db_url, index_path=web_world.folder / "fp", clock=lambda: NOW, secure_cookies=secure
    )
    try:
        client = TestClient(app, base_url="https://testserver")
        form = client.get("/ui/login")
        r = client.post(
            "/ui/login", data={"username": "qq", "password": PASSWORD, "csrf": csrf_of(form.text), "next": "/ui/"},
            follow_redirects=False,
        )  # fmt: skip
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(COOKIE) and "samesite=lax" in cookie.lower() and "httponly" in cookie.lower()
        assert ("; secure" in cookie.lower()) is secure
    finally:
        app.state.songclear.close()


def test_every_response_refuses_framing_and_sniffing(web_world):
    client = as_user(web_world, "jade")
    for url in (
        "/ui/login",
        "/ui/",
        "/ui/claims",
        "/ui/static/dashboard.css",
        "/health",
        "/openapi.json",
        "/nope",
    ):
        r = client.get(url)
        assert r.headers["x-frame-options"] == "DENY", url
        assert r.headers["x-content-type-options"] == "nosniff", url
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], url
    page = client.get("/ui/claims")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "form-action 'self'" in policy
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None  # no inline script the policy would block


def test_the_claim_and_counter_forms_keep_the_id_rule(web_world):
    jade = as_user(web_world, "jade")
    form = jade.get("/ui/claims/new").text
    base = {"csrf": csrf_of(form), "claimant": "L-JADE", "platform": "netease", "regime": "cn-ndr",
            "recordings": "CN-J01-14-00005", "items": "ne-003", "contact": "c", "address": "a"}  # fmt: skip
    for bad in ("C\r\nX", "C/X", "..", "C X"):
        r = jade.post("/ui/claims", data=base | {"claim_id": bad}, follow_redirects=False)
        assert r.status_code == 400 and "$.id" in r.text, (bad, r.status_code)
    two = [("evidence", ("a.txt", b"1", "text/plain")), ("evidence", ("a.txt", b"2", "text/plain"))]
    r = jade.post("/ui/claims", data=base | {"claim_id": "C-WEB-DUP"}, files=two, follow_redirects=False)
    assert r.status_code == 400 and "a.txt" in r.text
    assert jade.get("/ui/claims/C-WEB-DUP").status_code == 404
    kuwo = as_user(web_world, "kuwo")
    page = kuwo.get("/ui/claims/C-JADE-2015-001").text
    r = kuwo.post(
        "/ui/claims/C-JADE-2015-001/counter",
        data={"csrf": csrf_of(page), "counter_id": "N\r\n1", "respondent": "u"},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "$.id" in r.text


def test_long_dead_sessions_are_pruned_at_the_next_login(database):
    from datetime import timedelta

    from songclear.store.sessions import SessionRepository

    with database.session() as session:
        repo = SessionRepository(session)
        old = repo.open("ana", now=NOW - timedelta(days=31))
        recent = repo.open("ana", now=NOW - timedelta(days=2))
        repo.open("bo", now=NOW)  # prunes what opened before NOW - 30 days
        assert not repo.is_live(old, "ana", now=NOW - timedelta(days=31), max_age_s=3600)  # its row is gone
        assert repo.is_live(recent, "ana", now=NOW - timedelta(days=2), max_age_s=3600)
        assert not repo.is_live(
            recent, "bo", now=NOW - timedelta(days=2), max_age_s=3600
        )  # another user's id
        assert not repo.is_live(recent, "ana", now=NOW, max_age_s=3600)  # expired
        repo.end(recent, now=NOW)
        assert not repo.is_live(recent, "ana", now=NOW - timedelta(days=2), max_age_s=3600)
