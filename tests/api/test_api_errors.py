"""Every error is RFC 9457 problem+json with one shape; this pins it (datasette's test_error_shape habit)."""

from __future__ import annotations

from songclear.api import Limits, create_app

SHAPE = {"type", "title", "status", "detail", "instance"}


def assert_problem(r, status: int, kind: str, title: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) >= SHAPE, body
    assert body["type"] == f"urn:songclear:problem:{kind}"
    assert (body["title"], body["status"]) == (title, status)
    assert body["instance"] == r.request.url.path
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_problem_shape_for_each_kind_of_error(world):
    c, admin = world.client, world.as_("admin")
    body = assert_problem(
        c.get("/platforms/qq/tracks/nope/explain?at=2015-11-15", headers=admin), 404, "NotFound", "Not found"
    )
    assert set(body) == SHAPE and "qq/nope" in body["detail"]
    assert_problem(
        c.get("/platforms/qq/audit?at=2015-11-15&territory=XX", headers=admin),
        400,
        "InvalidIdentifier",
        "Invalid identifier",
    )
    assert_problem(c.get("/no/such/route"), 404, "NotFound", "Not found")
    assert_problem(c.post("/health"), 405, "MethodNotAllowed", "Method not allowed")
    unauth = assert_problem(c.get("/parties"), 401, "Unauthorized", "Authentication required")
    assert set(unauth) == SHAPE
    assert_problem(
        c.get("/parties", headers={"Authorization": "Bearer sc_wrong"}),
        401,
        "Unauthorized",
        "Authentication required",
    )
    assert_problem(
        c.get("/parties", headers={"Authorization": "Basic abc"}),
        401,
        "Unauthorized",
        "Authentication required",
    )
    assert_problem(c.get("/platforms/qq/tracks", headers=world.as_("netease")), 403, "Forbidden", "Forbidden")


def test_validation_errors_are_problems_with_their_fields(world):
    r = world.client.get("/platforms/qq/audit?at=yesterday&limit=-1", headers=world.as_("admin"))
    body = assert_problem(r, 400, "InputError", "Invalid input")
    assert {e["loc"] for e in body["errors"]} == {"query.at", "query.limit"}


def test_a_bad_row_names_the_uploaded_file_and_line_and_applies_nothing(world):
    c, admin = world.client, world.as_("admin")
    before = c.get("/parties", headers=admin).json()["total"]
    table = "id,name,kind\nL-NEW,New Label,label\nL-BAD,Bad,nonsense\n"
    r = c.post("/imports", headers=admin, files={"file": ("parties.csv", table.encode(), "text/csv")})
    body = assert_problem(r, 400, "ImportError_", "Import refused")
    assert (body["source"], body["location"]) == ("parties.csv", "line 3, column kind")
    assert body["detail"].startswith("parties.csv:line 3") and "/tmp" not in body["detail"]
    assert c.get("/parties", headers=admin).json()["total"] == before  # the good row 2 was not applied


def test_hostile_xml_is_refused_as_a_problem(world):
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'
    r = world.client.post("/imports", headers=world.as_("admin"), files={"file": ("m.xml", xml, "text/xml")})
    body = assert_problem(r, 400, "HostileXMLError", "Hostile XML refused")
    assert body["source"] == "m.xml"


def test_upload_over_the_limit_is_413(db_url, tmp_path):
    from apiworld import Client, make_tokens

    secrets = make_tokens_for_empty(db_url, make_tokens)
    app = create_app(db_url, index_path=tmp_path / "fp", limits=Limits(max_upload_bytes=1000))
    try:
        r = Client(app).post(
            "/imports",
            headers={"Authorization": f"Bearer {secrets['admin']}"},
            files={"file": ("big.csv", b"x" * 5000, "text/csv")},
        )
        body = assert_problem(r, 413, "PayloadTooLarge", "Upload too large")
        assert "1000 bytes" in body["detail"]
    finally:
        app.state.songclear.db.close()


def make_tokens_for_empty(db_url: str, make_tokens) -> dict[str, str]:
    """Tokens on a database holding only the parties the tokens act for."""
    from datetime import UTC, datetime

    from songclear.app.demo import demo_file
    from songclear.app.imports import import_table
    from songclear.store import Database

    with Database.open(db_url) as db:
        import_table(
            db, demo_file("01_parties.csv"), kind="parties", recorded_at=datetime(2015, 1, 1, tzinfo=UTC)
        )
    return make_tokens(db_url)
