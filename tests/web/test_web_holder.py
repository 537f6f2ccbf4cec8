"""The rights holder's own view in the dashboard (issue 13, item 2), through the ASGI app on SQLite and PostgreSQL:
its catalogue on each platform, who may read it, and a claim filed from it by ISRC with the track ids filled in."""

from __future__ import annotations

import re

import lxml.html
from fastapi.testclient import TestClient
from webworld import NOW, PASSWORD, csrf_of, login

from songclear.store import Database
from songclear.store.users import UserRepository


def as_user(world, name: str) -> TestClient:
    client = TestClient(world.app)
    assert login(client, name).status_code == 200
    return client


def _rows(html: str, platform: str) -> dict[str, lxml.html.HtmlElement]:
    doc = lxml.html.document_fromstring(html)
    return {tr.get("data-track"): tr for tr in doc.xpath(f"//section[@id='platform-{platform}']//table[@class='holder-tracks']/tbody/tr")}  # fmt: skip


def _cells(tr) -> list[str]:
    return [" ".join(td.text_content().split()) for td in tr.xpath("td")]


def test_a_label_reads_its_catalogue_on_each_platform(web_world):
    jade = as_user(web_world, "jade")
    home = jade.get("/ui/")
    assert 'id="my-catalogue"' in home.text
    r = jade.get("/ui/holders/L-JADE?at=2015-11-15")
    assert r.status_code == 200
    kuwo = _rows(r.text, "kuwo")
    assert set(kuwo) == {"kuwo/kw-001", "kuwo/kw-002", "kuwo/kw-003", "kuwo/kw-008"}
    kw3 = kuwo["kuwo/kw-003"]
    assert (kw3.get("data-status"), kw3.get("data-availability")) == ("uncleared", "taken_down")
    cells = _cells(kw3)
    assert cells[6] == "2015-11-01"  # uncleared since the buffer ended
    assert cells[8] == "taken down since 2015-11-01 10:00:00 CST"  # the demo's takedown, in Asia/Shanghai
    ne1 = _rows(r.text, "netease")["netease/ne-001"]
    assert [d.text for d in ne1.xpath("td[8]/div")] == [
        "master: 玉龙唱片 -> QQ音乐 -> 网易云音乐 (G-JADE-QQ > S-QQ-NETEASE)",
        "composition: 珠江音乐出版 -> 网易云音乐 (G-PEARL-NETEASE)",
    ]
    assert jade.get("/ui/holders", follow_redirects=False).headers["location"] == "/ui/holders/L-JADE"


def test_no_one_else_reads_a_holders_catalogue_but_admin_and_the_regulator(web_world):
    for name in ("silk", "qq", "kuwo"):
        r = as_user(web_world, name).get("/ui/holders/L-JADE?at=2015-11-15")
        assert r.status_code == 403 and "L-JADE" in r.text, name
    assert as_user(web_world, "qq").get("/ui/holders").status_code == 403
    regulator = as_user(web_world, "regulator")
    listed = regulator.get("/ui/holders")
    assert (
        listed.status_code == 200
        and 'data-party="L-JADE"' in listed.text
        and 'data-party="P-PEARL"' in listed.text
    )
    seen = regulator.get("/ui/holders/L-SILK?at=2015-11-15")
    assert seen.status_code == 200 and "netease/ne-004" in _rows(seen.text, "netease")
    assert 'class="claim-from-view"' not in seen.text  # the regulator reads; it files nothing


def test_a_publisher_sees_the_tracks_of_its_works(web_world):
    with Database.open(web_world.db_url) as db, db.session() as session:
        if UserRepository(session).get("pearl") is None:
            UserRepository(session).create(
                username="pearl",
                password=PASSWORD,
                role="rights_holder",
                party="P-PEARL",
                now=NOW,
                actor="test",
            )
    r = as_user(web_world, "pearl").get("/ui/holders/P-PEARL?at=2015-11-15")
    qq = _rows(r.text, "qq")
    assert "qq/qq-001" in qq and "qq/qq-004" not in qq  # 北方来信 records none of its works
    assert _cells(qq["qq/qq-001"])[3] == "publisher of T0345246801"
    assert qq["qq/qq-001"].xpath(".//a") == []  # the track page is the recording owner's: no link
    assert 'name="works" value="T0345246801"' in r.text


def test_a_claim_from_the_view_names_the_isrc_and_gets_the_track_ids(web_world):
    jade = as_user(web_world, "jade")
    page = jade.get("/ui/holders/L-JADE?at=2015-11-15")
    form = lxml.html.document_fromstring(page.text).get_element_by_id("claim-kuwo")
    checked = {
        i.get("value"): i.get("checked") is not None for i in form.xpath(".//input[@name='recordings']")
    }
    assert checked == {
        "CNJ011400001": False,
        "CNJ011400004": False,
        "CNJ011400005": True,
    }  # the uncleared one
    prepared = jade.get("/ui/holders/L-JADE/claim", params={"platform": "kuwo", "recordings": "CNJ011400005"})
    assert prepared.status_code == 200
    assert re.search(r'id="claim-items">kw-003 ', prepared.text)
    data = {"csrf": csrf_of(prepared.text), "claim_id": "C-JADE-WEB-1", "platform": "kuwo", "regime": "cn-ndr",
            "recordings": "CNJ011400005", "contact": "legal@jade.example", "address": "1 Jade Road"}  # fmt: skip
    files = [("evidence", ("shot.txt", b"kw-003 streamed", "text/plain"))]
    filed = jade.post("/ui/holders/L-JADE/claims", data=data, files=files)
    assert filed.status_code == 200 and filed.url.path == "/ui/claims/C-JADE-WEB-1"
    assert "Claim received for kw-003 on kuwo" in filed.text
    refused = jade.post("/ui/holders/L-JADE/claims", data=data | {"recordings": "CNS011300002"}, files=files)
    assert refused.status_code == 400 and "not a recording of L-JADE" in refused.text
    forged = jade.post("/ui/holders/L-JADE/claims", data=data | {"csrf": "forged"}, files=files)
    assert forged.status_code == 403
    silk = as_user(web_world, "silk")
    assert (
        silk.get(
            "/ui/holders/L-JADE/claim", params={"platform": "kuwo", "recordings": "CNJ011400005"}
        ).status_code
        == 403
    )
