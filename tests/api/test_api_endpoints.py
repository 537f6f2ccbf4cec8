"""What the endpoints answer: the CLI's --json shapes, pagination with totals, imports, the OpenAPI schema."""

from __future__ import annotations

from clirun import songclear  # tests/clirun.py
from songclear.app.demo import demo_file
from songclear.store import Database


def test_audit_answers_what_the_cli_prints_plus_paginated_decisions(world, capsys):
    r = world.client.get("/platforms/qq/audit?at=2015-11-15&limit=4&offset=2", headers=world.as_("qq"))
    assert r.status_code == 200, r.text
    api = r.json()
    cli = songclear(
        capsys,
        "--db",
        world.db_url,
        "audit",
        "--platform",
        "qq",
        "--at",
        "2015-11-15",
        "--json",
        "--decisions",
    ).json()
    decisions = api.pop("decisions")
    assert (decisions["total"], decisions["limit"], decisions["offset"]) == (len(cli["decisions"]), 4, 2)
    assert decisions["items"] == cli["decisions"][2:6]
    for view in (api, cli):
        view.pop("elapsed_s")
    cli.pop("decisions"), cli.pop("written")
    assert api == cli


def test_explain_answers_what_the_cli_prints_plus_audio_matches(world, capsys):
    r = world.client.get(
        "/platforms/netease/tracks/ne-001/explain?at=2015-11-15", headers=world.as_("netease")
    )
    cli = songclear(
        capsys, "--db", world.db_url, "explain", "--track", "netease/ne-001", "--at", "2015-11-15", "--json"
    )
    api = r.json()
    assert api.pop("matches") == []  # no audio in this world
    assert api == cli.json()
    assert api["chains"][0]["grants"] == ["G-JADE-QQ", "S-QQ-NETEASE"]


def test_lists_are_paginated_with_a_total(world):
    c, admin = world.client, world.as_("admin")
    whole = c.get("/platforms/qq/tracks?limit=1000", headers=admin).json()
    assert whole["total"] == len(whole["items"]) > 3
    page = c.get("/platforms/qq/tracks?limit=2&offset=1", headers=admin).json()
    assert page == {"items": whole["items"][1:3], "total": whole["total"], "limit": 2, "offset": 1}
    for path in ("/parties", "/recordings", "/grants"):
        body = c.get(path + "?limit=1", headers=admin).json()
        assert set(body) == {"items", "total", "limit", "offset"} and len(body["items"]) == 1 < body["total"]
    assert c.get("/platforms/nowhere/tracks", headers=admin).status_code == 404


def test_import_a_table_then_the_same_file_again_changes_nothing(world):
    c, admin = world.client, world.as_("admin")
    table = {"file": ("more.csv", b"id,name,kind\nL-NEW,New Label,label\n", "text/csv")}
    first = c.post("/imports", headers=admin, files=table).json()
    assert first == {
        "imports": [{"source": "more.csv", "kind": "parties", "rows": 1, "added": 1, "unchanged": 0,
                     "already_imported": False, "notes": []}],
        "ok": True,
    }  # fmt: skip
    assert c.post("/imports", headers=admin, files=table).json()["imports"][0]["already_imported"] is True
    assert "L-NEW" in {p["id"] for p in c.get("/parties?limit=1000", headers=admin).json()["items"]}
    log = c.get("/log/verify", headers=admin).json()
    assert log["ok"] is True


def test_import_a_ddex_message(world):
    xml = demo_file("09_silkroad_to_kuwo.ern43.xml").read_bytes()
    r = world.client.post(
        "/imports?party=PADPIDA2015SILKRDM=L-SILK&party=PADPIDA2015KUWOMUS=kuwo",
        headers=world.as_("admin"),
        files={"file": ("deal.xml", xml, "text/xml")},
    )
    assert r.status_code == 200, r.text
    assert (
        r.json()["imports"][0] | {"source": "deal.xml", "kind": "ddex", "already_imported": True}
        == r.json()["imports"][0]
    )


def test_openapi_schema_lists_every_endpoint(world):
    schema = world.client.get("/openapi.json").json()
    assert set(schema["paths"]) == {
        "/health", "/parties", "/recordings", "/grants", "/imports", "/platforms/{platform}/tracks",
        "/platforms/{platform}/audit", "/platforms/{platform}/tracks/{track_id}/explain", "/identify", "/log/verify",
    }  # fmt: skip
    upload = schema["paths"]["/imports"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    assert world.client.get("/health").json() == {"status": "ok", "schema": Database.head(), "demo": False}
