"""Regulator reports from the dashboard: asked for as a background job, followed, downloaded; the API's rule
(admin, the regulator, the platform itself) on both the page and the files; demo visitors only look."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from webworld import csrf_of, login, make_app

PAGE = "/ui/platforms/kuwo/reports"


def as_user(world, name: str) -> TestClient:
    client = TestClient(world.app)
    assert login(client, name).status_code == 200
    return client


def ask(client: TestClient, **form) -> object:
    data = {"notice": "NCAC-2015-07", "at": "2015-11-20", "formats": ["html", "csv"]} | form
    return client.post(PAGE, data=data | {"csrf": csrf_of(client.get(PAGE).text)})


def test_the_regulator_asks_for_a_report_and_downloads_it_the_platform_too_others_do_not(web_world):
    regulator = as_user(web_world, "regulator")
    assert 'id="report-form"' in regulator.get(PAGE).text
    r = ask(regulator)
    assert r.status_code == 200 and "queued" in r.text
    assert web_world.app.state.songclear.jobs.wait_idle(timeout=120)
    html = regulator.get(PAGE).text
    links = re.findall(r'href="(/ui/jobs/[^"]+/files/[^"]+)"', html)
    assert any(link.endswith(".html") for link in links) and any(link.endswith(".csv") for link in links)
    report = next(link for link in links if link.endswith(".html"))
    got = regulator.get(report)
    assert (
        got.status_code == 200
        and "NCAC-2015-07" in got.text
        and got.headers["content-type"].startswith("text/html")
    )
    assert as_user(web_world, "kuwo").get(report).status_code == 200  # the platform reads its own reports
    qq = as_user(web_world, "qq")
    assert qq.get(PAGE).status_code == 403 and qq.get(report).status_code == 403
    assert as_user(web_world, "jade").get(report).status_code == 403


def test_a_report_request_is_checked_before_it_is_queued(web_world):
    kuwo = as_user(web_world, "kuwo")
    assert ask(kuwo, notice="NO-SUCH").status_code == 404
    assert ask(kuwo, formats=["docx"]).status_code == 400
    qq = as_user(web_world, "qq")
    forbidden = qq.post(PAGE, data={"notice": "NCAC-2015-07", "csrf": csrf_of(qq.get("/ui/").text)})
    assert forbidden.status_code == 403


def test_demo_visitors_see_the_reports_but_cannot_ask_for_one(web_world):
    app = make_app(web_world.db_url, web_world.folder, demo=True)
    try:
        visitor = TestClient(app)
        html = visitor.get(PAGE).text
        assert "Regulator reports" in html and 'id="report-form"' not in html
        r = visitor.post(
            PAGE, data={"notice": "NCAC-2015-07", "csrf": csrf_of(visitor.get("/ui/login").text)}
        )
        assert r.status_code == 401
    finally:
        app.state.songclear.close()
