"""Every dashboard page and the role rules, through the ASGI app (TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from webworld import PASSWORD, csrf_of, login, make_app

from songclear.store import Database
from songclear.store.auditlog import AuditLog
from songclear.store.users import UserRepository


def as_user(world, name: str) -> TestClient:
    client = TestClient(world.app)
    assert login(client, name).status_code == 200
    return client


def flash(html: str) -> str:
    m = re.search(r'id="flash">(.*?)</p>', html, re.S)
    return m.group(1) if m else ""


def error(html: str) -> str:
    m = re.search(r'id="error">(.*?)</p>', html, re.S)
    return m.group(1) if m else ""


def test_pages_need_a_login_and_the_login_checks_password_and_csrf(web_world):
    client = TestClient(web_world.app)
    r = client.get("/ui/platforms/qq?at=2015-11-15", follow_redirects=False)
    assert (
        r.status_code == 303
        and r.headers["location"] == "/ui/login?next=%2Fui%2Fplatforms%2Fqq%3Fat%3D2015-11-15"
    )
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui/"
    assert login(client, "qq", "wrong password").status_code == 401
    assert login(client, "nobody").status_code == 401
    r = client.post("/ui/login", data={"username": "qq", "password": PASSWORD})  # no CSRF token
    assert r.status_code == 403 and "CSRF" in error(r.text)
    form = client.get("/ui/login")
    r = client.post(
        "/ui/login",
        data={
            "username": "qq",
            "password": PASSWORD,
            "csrf": csrf_of(form.text),
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/ui/"  # never an open redirect
    home = client.get("/ui/")
    assert "qq · platform for qq" in home.text and "Logged in as qq" in flash(home.text)
    assert client.post("/ui/logout", data={"csrf": "forged"}).status_code == 403
    out = client.post("/ui/logout", data={"csrf": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303 and client.get("/ui/", follow_redirects=False).status_code == 303


def test_the_session_cookie_does_not_open_the_api(web_world):
    client = as_user(web_world, "admin")
    assert client.get("/platforms/qq/tracks").status_code == 401  # the API reads only bearer tokens


def test_a_disabled_user_is_refused_and_its_session_ends(web_world):
    with Database.open(web_world.db_url) as db, db.session() as session:
        UserRepository(session).create(
            username="temp", password=PASSWORD, role="regulator", party=None,
            now=web_world.app.state.songclear.clock(), actor="test",
        )  # fmt: skip
    client = as_user(web_world, "temp")
    assert client.get("/ui/log").status_code == 200
    with Database.open(web_world.db_url) as db, db.session() as session:
        UserRepository(session).disable("temp", now=web_world.app.state.songclear.clock(), actor="test")
    assert client.get("/ui/log", follow_redirects=False).status_code == 303
    assert login(TestClient(web_world.app), "temp").status_code == 401


def test_failed_logins_are_throttled_per_name_and_per_address(web_world):
    from songclear.api import Limits, create_app
    from songclear.api.state import RateLimiter

    app = create_app(web_world.db_url, index_path=web_world.folder / "fp", limits=Limits(logins_per_window=3))
    try:
        client = TestClient(app)
        assert [login(client, "qq", "wrong").status_code for _ in range(3)] == [401, 401, 401]
        refused = login(client, "qq")  # the right password, but the window is full: not even checked
        assert refused.status_code == 429 and "failed logins" in refused.text
        assert login(TestClient(app), "QQ ", "wrong").status_code == 429  # the same name, however typed
        assert login(TestClient(app), "kuwo").status_code == 200  # another name has its own window ...
        for name in ("nobody-1", "nobody-2", "nobody-3", "nobody-4", "nobody-5"):
            assert login(TestClient(app), name, "guess").status_code == 401
        assert login(TestClient(app), "netease").status_code == 200  # 8 failures from this address ...
        assert login(TestClient(app), "nobody-6", "guess").status_code == 401
        assert login(TestClient(app), "netease").status_code == 429  # ... 9: every name refused from here
    finally:
        app.state.songclear.close()
    clock = [0.0]
    limiter = RateLimiter(2, 60.0, "failed logins", monotonic=lambda: clock[0])
    limiter.hit("a")
    limiter.hit("a")
    with pytest.raises(Exception, match="retry in"):
        limiter.check("a")
    clock[0] = 61.0  # a sliding window: the failures age out
    limiter.check("a")


PAGES = [
    ("/ui/", ["Platforms", "/ui/platforms/kuwo"]),
    (
        "/ui/platforms/kuwo?at=2015-11-15",
        ['id="status-counts"', "NCAC-2015-07", "<svg", 'id="exposure"', "kuwo/kw-003"],
    ),
    ("/ui/platforms/kuwo?at=2015-11-15&status=uncleared", ["kuwo/kw-003"]),
    ("/ui/platforms/kuwo/takedowns", ["kuwo/kw-003", 'id="plan-form"', 'id="undo-form"']),
    ("/ui/platforms/netease/reinstate?at=2015-11-20", ["Reinstatement"]),
    ("/ui/platforms/qq/review", ["qq-010", "accepted</strong> by demo reviewer"]),
    ("/ui/claims", ["C-JADE-2015-001"]),
    ("/ui/claims/C-JADE-2015-001", ['id="answer-items"', "infringing", "CN-KW-2015-001", "valid"]),
    ("/ui/claims/new", ['id="claim-form"', "L-JADE"]),
    ("/ui/log?verify=1", ['id="verify-result"', "OK:", "claim-received"]),
    ("/ui/platforms/netease/tracks/ne-001?at=2015-11-15", ["G-JADE-QQ", "S-QQ-NETEASE", 'class="chain"']),
    # A link in review names its candidate recording with its title.
    (
        "/ui/platforms/netease/tracks/ne-006?at=2015-11-15",
        ["<strong>review</strong> → CNS011300003 “敦煌夜”"],
    ),
    ("/ui/platforms/kuwo/reports", ['id="report-form"', "NCAC-2015-07"]),
]


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[u for u, _ in PAGES])
def test_every_page_renders_for_an_admin(web_world, url, expected):
    r = as_user(web_world, "admin").get(url)
    assert r.status_code == 200, error(r.text)
    for text in expected:
        assert text in r.text, f"{url} lacks {text!r}"


# (user, page, status): the API's role rules, and the dashboard's for claims, takedowns and review.
MATRIX = [
    ("qq", "/ui/platforms/qq?at=2015-11-15", 200),
    ("qq", "/ui/platforms/netease?at=2015-11-15", 403),
    ("qq", "/ui/platforms/netease/tracks/ne-001", 403),
    ("qq", "/ui/platforms/netease/takedowns", 403),
    ("qq", "/ui/platforms/netease/review", 403),
    ("qq", "/ui/log", 403),
    ("qq", "/ui/claims/C-JADE-2015-001", 403),
    ("kuwo", "/ui/claims/C-JADE-2015-001", 200),
    ("jade", "/ui/claims/C-JADE-2015-001", 200),
    ("silk", "/ui/claims/C-JADE-2015-001", 403),
    ("jade", "/ui/platforms/kuwo", 403),
    ("jade", "/ui/platforms/kuwo/takedowns", 403),
    ("jade", "/ui/platforms/kuwo/tracks/kw-003", 200),  # identified as Jade Dragon's recording
    ("silk", "/ui/platforms/kuwo/tracks/kw-003", 403),
    ("jade", "/ui/log", 403),
    ("regulator", "/ui/platforms/netease?at=2015-11-15", 200),
    ("regulator", "/ui/log", 200),
    ("regulator", "/ui/claims/C-JADE-2015-001", 200),
]


@pytest.mark.parametrize(("who", "url", "status"), MATRIX, ids=[f"{w}-{u}" for w, u, _ in MATRIX])
def test_role_rules(web_world, who, url, status):
    r = as_user(web_world, who).get(url)
    assert r.status_code == status, error(r.text)
    if status == 403:
        assert "Forbidden" in r.text


def test_the_claims_inbox_lists_only_what_the_viewer_may_see(web_world):
    assert "C-JADE-2015-001" in as_user(web_world, "kuwo").get("/ui/claims").text
    assert "C-JADE-2015-001" in as_user(web_world, "jade").get("/ui/claims").text
    assert "C-JADE-2015-001" not in as_user(web_world, "qq").get("/ui/claims").text
    assert "C-JADE-2015-001" not in as_user(web_world, "silk").get("/ui/claims").text


WRITES = [  # (user, form page, action, data): refused with 403
    ("regulator", "/ui/platforms/kuwo", "/ui/platforms/kuwo/takedowns/plan", {"at": "2015-11-15"}),
    ("qq", "/ui/platforms/qq", "/ui/platforms/netease/takedowns/plan", {"at": "2015-11-15"}),
    ("qq", "/ui/platforms/qq", "/ui/platforms/netease/reinstate", {"at": "2015-11-20"}),
    ("jade", "/ui/claims/new", "/ui/claims/C-JADE-2015-001/answer", {}),
    ("qq", "/ui/platforms/qq", "/ui/platforms/kuwo/review/kw-005", {"decision": "accept"}),
    (
        "jade", "/ui/claims/new", "/ui/claims",
        {"claim_id": "X-1", "claimant": "L-SILK", "platform": "kuwo", "regime": "cn-ndr", "items": "kw-004"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("who", "form", "action", "data"), WRITES, ids=[f"{w}-{a}" for w, _, a, _ in WRITES])
def test_forms_refuse_what_the_role_may_not_do(web_world, who, form, action, data):
    client = as_user(web_world, who)
    token = csrf_of(client.get(form).text)
    r = client.post(action, data=data | {"csrf": token})
    assert r.status_code == 403, error(r.text)


def test_every_form_needs_the_session_csrf_token(web_world):
    client = as_user(web_world, "kuwo")
    for token in ("", "forged"):
        r = client.post("/ui/platforms/kuwo/takedowns/plan", data={"at": "2015-11-15", "csrf": token})
        assert r.status_code == 403 and "CSRF" in error(r.text)
    other = as_user(web_world, "kuwo")  # another session's token is not this session's
    stolen = csrf_of(other.get("/ui/platforms/kuwo/takedowns").text)
    assert stolen != csrf_of(client.get("/ui/platforms/kuwo/takedowns").text)
    assert (
        client.post(
            "/ui/platforms/kuwo/takedowns/plan", data={"at": "2015-11-15", "csrf": stolen}
        ).status_code
        == 403
    )


def _actions(client, platform: str) -> list[str]:
    return re.findall(
        r'name="action" value="([^"]+)"', client.get(f"/ui/platforms/{platform}/takedowns").text
    )


def test_takedown_undo_plan_and_apply_from_the_queue(web_world):
    client = as_user(web_world, "kuwo")
    page = client.get("/ui/platforms/kuwo/takedowns").text
    before = _actions(client, "kuwo")
    row = re.search(r'value="([^"]+)"></td>\s*<td><a href="/ui/platforms/kuwo/tracks/kw-006', page)
    assert row, "kw-006 is taken down by the demo"
    r = client.post(
        "/ui/platforms/kuwo/takedowns/undo",
        data={"action": [row.group(1)], "reason": "licence found", "csrf": csrf_of(page)},
    )
    assert r.status_code == 200 and "live again: kuwo/kw-006" in flash(r.text)
    assert len(_actions(client, "kuwo")) == len(before) - 1
    r = client.post(
        "/ui/platforms/kuwo/takedowns/plan",
        data={"at": "2015-11-15", "notice": "NCAC-2015-07", "csrf": csrf_of(r.text)},
    )
    assert r.status_code == 200 and "Planned" in flash(r.text) and 'id="apply"' in r.text
    plan_url = str(r.url)
    r = client.post(plan_url.replace("http://testserver", "") + "/apply", data={"csrf": csrf_of(r.text)})
    assert r.status_code == 200 and "1 tracks taken down" in flash(r.text), flash(r.text)
    assert len(_actions(client, "kuwo")) == len(before)
    assert "applied" in client.get(plan_url).text
    with Database.open(web_world.db_url) as db, db.session() as session:
        entries = [(e.actor, e.action, e.subject) for e in AuditLog(session).entries()]
        assert AuditLog(session).verify()[1] == []
    assert ("dashboard:kuwo", "takedown-undo", "kuwo/kw-006") in entries
    assert ("dashboard:kuwo", "takedown", "kuwo/kw-006") in entries


def test_a_rights_holder_files_a_claim_with_evidence_and_the_platform_answers_it(web_world):
    jade = as_user(web_world, "jade")
    form = jade.get("/ui/claims/new").text
    r = jade.post(
        "/ui/claims",
        data={
            "csrf": csrf_of(form), "claim_id": "C-JADE-WEB-1", "claimant": "L-JADE", "platform": "netease",
            "regime": "cn-ndr", "recordings": "CN-J01-14-00005", "items": "ne-003", "contact": "legal@jade.example",
            "address": "1 Jade Road, Beijing",
        },
        files=[("evidence", ("screenshot.txt", b"ne-003 streamed 2016-01-30", "text/plain"))],
    )  # fmt: skip
    assert r.status_code == 200 and "Claim received" in flash(r.text), error(r.text)
    assert 'id="claim-complete">yes' in r.text
    link = re.search(r'href="(/ui/claims/C-JADE-WEB-1/evidence/[0-9a-f]{64})"', r.text).group(1)
    assert jade.get(link).content == b"ne-003 streamed 2016-01-30"
    assert as_user(web_world, "qq").get(link).status_code == 403
    netease = as_user(web_world, "netease")
    page = netease.get("/ui/claims/C-JADE-WEB-1").text
    assert 'id="answer"' in page
    r = netease.post("/ui/claims/C-JADE-WEB-1/answer", data={"csrf": csrf_of(page), "apply": "1"})
    assert r.status_code == 200 and "Answered" in flash(r.text) and 'id="answer-items"' in r.text
    assert "netease/ne-003" in r.text


def test_a_review_verdict_from_the_queue(web_world):
    client = as_user(web_world, "kuwo")
    page = client.get("/ui/platforms/kuwo/review").text
    assert 'action="/ui/platforms/kuwo/review/kw-005"' in page
    r = client.post(
        "/ui/platforms/kuwo/review/kw-005",
        data={"decision": "reject", "note": "not the same song", "csrf": csrf_of(page)},
    )
    assert r.status_code == 200 and "kuwo/kw-005: rejected CNS011300003" in flash(r.text)
    assert "rejected</strong> by dashboard:kuwo" in r.text


def test_demo_mode_reads_without_login_and_never_writes(web_world):
    app = make_app(web_world.db_url, web_world.folder, demo=True)
    try:
        client = TestClient(app)
        page = client.get("/ui/platforms/kuwo?at=2015-11-15")
        assert page.status_code == 200 and "demo visitor (read only)" in page.text
        assert 'id="plan-form"' not in client.get("/ui/platforms/kuwo/takedowns").text
        r = client.post(
            "/ui/platforms/kuwo/takedowns/plan",
            data={"at": "2015-11-15", "csrf": csrf_of(client.get("/ui/login").text)},
        )  # a valid token of this session: refused all the same, for want of a login
        assert r.status_code == 401 and "log in" in error(r.text)
    finally:
        app.state.songclear.db.close()


def test_unknown_things_are_404_pages(web_world):
    client = as_user(web_world, "admin")
    for url in (
        "/ui/claims/nope",
        "/ui/takedowns/plans/nope",
        "/ui/platforms/qq/tracks/nope",
        "/ui/platforms/nope",
    ):
        r = client.get(url)
        assert r.status_code == 404 and "text/html" in r.headers["content-type"], url
    assert client.get("/ui/platforms/qq?at=2015-13-01").status_code == 400
