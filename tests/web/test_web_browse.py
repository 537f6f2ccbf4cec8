"""The dashboard's browsing tables and search (issue 13, item 1) through the ASGI app, on SQLite and PostgreSQL: the
filters, the facets and their links, the CSV download, each role's view, and refusals as pages (never a 500)."""

from __future__ import annotations

import csv
import html
import io
import re
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from webworld import login


def as_user(world, name: str) -> TestClient:
    client = TestClient(world.app)
    assert login(client, name).status_code == 200
    return client


def facet(page: str, name: str) -> dict[str, tuple[str, str]]:
    """A facet's values: label -> (count, link)."""
    block = re.search(rf'data-facet="{name}">(.*?)</section>', page, re.S)
    assert block, f"no facet {name}"
    out = {}
    for href, label, count in re.findall(
        r'<a href="([^"]+)" data-value="[^"]*">(.*?)</a>\s*(?:<span class="count">([^<]*)</span>)?',
        block.group(1),
        re.S,
    ):
        out[html.unescape(re.sub(r"<[^>]+>", "", label)).strip()] = (count, html.unescape(href))
    return out


def table_keys(page: str, table: str) -> list[str]:
    body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S)
    return re.findall(r"<tr><td><a [^>]*>([^<]+)</a>", body.group(1)) if body else []


def total(page: str) -> int:
    return int(re.search(r'id="total">([\d,]+)<', page).group(1).replace(",", ""))


def test_tracks_filter_facet_and_csv(web_world):
    admin = as_user(web_world, "admin")
    page = admin.get("/ui/tracks?platform=kuwo&at=2015-11-15").text
    assert total(page) == 8 and len(table_keys(page, "tracks")) == 8
    identity = facet(page, "identity")
    assert (identity["isrc"][0], identity["link"][0], identity["review"][0], identity["none"][0]) == (
        "5",
        "1",
        "1",
        "1",
    )
    status = facet(page, "status")
    assert status["uncleared"][0] == ""  # not counted: only the shown tracks were decided
    followed = admin.get(status["uncleared"][1]).text  # following a facet adds its filter
    assert total(followed) == 4 and facet(followed, "status")["uncleared"][0] == "4"
    assert facet(followed, "status")["conflict"][0] == "3"  # counted now, under the other filters
    assert "Every track the other filters keep was decided" in followed
    csv_link = html.unescape(re.search(r'href="([^"]+)" id="csv"', followed).group(1))
    download = admin.get(csv_link)
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="tracks.csv"' in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["track"] for r in rows] == table_keys(followed, "tracks") and {r["status"] for r in rows} == {
        "uncleared"
    }


def test_each_role_sees_its_own(web_world):
    qq = as_user(web_world, "qq")
    page = qq.get("/ui/tracks").text
    assert set(facet(page, "platform")) == {"QQ音乐"} and total(page) == 11
    assert qq.get("/ui/tracks?platform=kuwo").status_code == 403
    grants = qq.get("/ui/grants").text
    assert 'data-facet="licensee"' not in grants and "G-JADE-KUWO" not in grants and "G-JADE-QQ" in grants
    assert qq.get("/ui/grants?licensee=kuwo").status_code == 403
    jade = as_user(
        web_world, "jade"
    )  # a rights holder: the grants it gave, its recordings, tracks judged as them
    assert set(re.findall(r"<td>(G-[A-Z-]+)</td>", jade.get("/ui/grants").text)) == {
        "G-JADE-QQ",
        "G-JADE-KUWO",
    }
    assert total(jade.get("/ui/recordings").text) == 5
    assert jade.get("/ui/recordings?owner=L-SILK").status_code == 403
    tracks = jade.get("/ui/tracks?at=2015-11-15").text
    assert total(tracks) == 13 and 'data-facet="licensor"' not in tracks
    assert total(jade.get("/ui/works").text) == 3  # it records all three works (none published)
    regulator = as_user(web_world, "regulator")
    assert total(regulator.get("/ui/tracks").text) == 28


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/ui/tracks?status=lost&at=2015-11-15", 400, "status is one of"),
        ("/ui/tracks?identity=psychic", 400, "identity source is one of"),
        ("/ui/tracks?offset=-5", 400, "offset is from 0 to"),
        ("/ui/tracks?at=2015-02-30", 400, "a day is YYYY-MM-DD"),
        ("/ui/tracks?platform=nowhere", 404, "has no library tracks"),
        ("/ui/grants?state=gone", 400, "a grant&#39;s state is one of"),
        ("/ui/grants?exclusive=maybe", 400, "exclusive is"),
        ("/ui/search?q=" + "x" * 201, 400, "at most 200 characters"),
    ],
)
def test_bad_filters_are_pages_not_errors(web_world, url, status, says):
    r = as_user(web_world, "admin").get(url)
    assert r.status_code == status and says in r.text


def test_grants_recordings_and_works_tables(web_world):
    admin = as_user(web_world, "admin")
    page = admin.get("/ui/grants?at=2015-11-15").text
    assert total(page) == 12 and facet(page, "state")["ended"][0] == "2"
    ended = admin.get(facet(page, "state")["ended"][1]).text
    assert set(re.findall(r"<td>(G-[A-Z-]+)</td>", ended)) == {"G-HARBOUR-QQ", "G-SILK-NETEASE"}
    covering = admin.get("/ui/grants?recording=CN-J01-14-00001").text
    assert set(re.findall(r"<td>([GS]-[A-Z-]+)</td>", covering)) == {
        "G-JADE-QQ",
        "G-JADE-KUWO",
        "S-QQ-NETEASE",
    }
    rows = list(csv.DictReader(io.StringIO(admin.get("/ui/grants?format=csv&licensee=netease").text)))
    assert {r["licensee_name"] for r in rows} == {"网易云音乐"} and len(rows) == 5
    recordings = admin.get("/ui/recordings?q=林一").text
    assert total(recordings) == 3 and facet(recordings, "version")["live"][0] == "1"
    assert total(admin.get("/ui/works?publisher=P-PEARL").text) == 3


def test_the_search_page_finds_by_any_id_title_or_alias(web_world):
    admin = as_user(web_world, "admin")
    found = admin.get("/ui/search?q=月光碼頭").text
    assert 'id="hits-tracks"' in found and "kuwo/kw-008" in found and "qq/qq-001" in found
    assert "CNJ011400001" in found and "W-MOON" in found
    alias = admin.get("/ui/search?q=Jade Dragon").text
    assert 'id="hits-parties"' in alias and "L-JADE" in alias
    assert "netease/ne-003" in admin.get("/ui/search?q=netease/ne-003").text
    qq = as_user(web_world, "qq").get("/ui/search?q=月光码头").text
    assert "qq/qq-001" in qq and "kuwo/kw-001" not in qq  # another platform's tracks are not found


def test_the_review_queue_shows_the_audits_confidence(db_url, tmp_path):
    """On the browsing world, whose P1/p1-03 is proposed from audio: the linker's score 0.06, the match's
    calibrated confidence 0.97 (what the audit uses); P1/p1-07 from metadata, with no audio match."""
    from webworld import NOW, PASSWORD, make_app

    from browse_world import build
    from songclear.store import Database
    from songclear.store.users import UserRepository

    with Database.open(db_url) as db:
        build(db)
        with db.session() as session:
            UserRepository(session).create(
                username="admin", password=PASSWORD, role="admin", party=None, now=NOW, actor="test"
            )
    app = make_app(db_url, tmp_path)
    try:
        page = as_user(SimpleNamespace(app=app), "admin").get("/ui/platforms/P1/review").text
    finally:
        app.state.songclear.db.close()
    row = re.search(r'<tr data-track="p1-03">(.*?)</tr>', page, re.S).group(1)
    assert "confidence 0.970 (audio match)" in row and "0.06" not in row
    assert "judged as CNB011500001 by its audio" in row
    other = re.search(r'<tr data-track="p1-07">(.*?)</tr>', page, re.S).group(1)
    assert "no audio match" in other and "judged by its listed ISRC CNB011500002" in other


@pytest.mark.parametrize("page", ["tracks", "grants", "recordings", "works"])
def test_an_offset_past_any_list_is_a_400_page(web_world, page):
    """offset=99999999999999999999 reached SQL: a 500 (OverflowError) on every browsing table."""
    admin = as_user(web_world, "admin")
    r = admin.get(f"/ui/{page}?offset=99999999999999999999")
    assert r.status_code == 400 and "offset is from 0 to" in r.text
    assert admin.get(f"/ui/{page}?offset=1000000000").status_code == 200
