"""What the endpoints answer: the CLI's --json shapes, pagination with totals, imports, the OpenAPI schema."""

from __future__ import annotations

import json
import re

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
                     "already_imported": False, "moved_since": 0, "notes": [],
                     "recorded_at": "2016-02-01T00:00:00+00:00"}],
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


def test_openapi_schema_describes_every_endpoint(world):
    """Served and valid; each route has a summary, each list its page parameters, each upload its multipart body."""
    schema = world.client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] == "songclear"
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(schema)))
    assert refs and refs <= set(schema["components"]["schemas"])  # every reference resolves
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    operations = {(m.upper(), p): op for p, ops in schema["paths"].items() for m, op in ops.items()}
    assert len(operations) >= 43  # each also has a row in the access matrix (test_api_access.py)
    for (method, path), op in operations.items():
        assert op.get("summary"), (method, path)
        params = {p["name"] for p in op.get("parameters", [])}
        if method == "GET" and _is_list(world, path):
            assert {"limit", "offset"} <= params, path
    for path in ("/imports", "/jobs/imports", "/identify", "/claims", "/claims/{claim_id}/counter"):
        assert "multipart/form-data" in schema["paths"][path]["post"]["requestBody"]["content"], path
    assert world.client.get("/health").json() == {"status": "ok", "schema": Database.head(), "demo": False}


def _is_list(world, path: str) -> bool:
    """Whether a GET route answers a page (asked as the admin with the demo world's ids)."""
    ids = {
        "platform": "qq",
        "isrc": "CNJ011400001",
        "work_id": "W-MOON",
        "grant_id": "G-JADE-QQ",
        "party": "L-JADE",
    }
    if any(f"{{{k}}}" in path for k in ("track_id", "plan_id", "claim_id", "job_id", "sha256", "name")):
        return False  # one thing, by id
    url = path.format(**ids) + "?at=2015-11-15&from=2015-07-01&to=2015-07-08"
    body = world.client.get(url, headers=world.as_("admin")).json()
    pages = [body] + [v for v in body.values() if isinstance(v, dict)] if isinstance(body, dict) else []
    return any({"items", "total", "limit", "offset"} <= set(p) for p in pages)


def test_docs_name_every_endpoint(world):
    """docs/api.md has a row for each route of the schema (path parameters written as {p}, {id} ...)."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "api.md"
    documented = {
        (m, re.sub(r"\{[^}]+\}", "{}", p))
        for m, p in re.findall(r"`(GET|POST) (/[^`?\s]*)", docs.read_text(encoding="utf-8"))
    }
    schema = world.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert (method.upper(), re.sub(r"\{[^}]+\}", "{}", path)) in documented, (method, path)
