"""Issue 10's security section over HTTP, on both backends: evidence is only ever bytes sent with the claim (never a
file of the server's, never another party's stored file by its hash), client-chosen ids follow one documented rule,
and no input makes a 500 (an overflowing number, JSON nested 100 000 deep, a number where a date goes)."""

from __future__ import annotations

import hashlib
import json

import pytest
from apiworld import NOW, Client, World
from test_api_errors import assert_problem

from songclear.api import Limits, create_app

# Jade Dragon's claim against Kuwo's kw-003 (as in test_api_enforcement), complete under cn-ndr with its evidence.
CLAIM = {
    "id": "C-HARD-1", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "kuwo",
    "received_at": "2016-01-30T10:00:00+08:00", "contact": "legal@jade.example", "address": "1 Jade Road, Beijing",
    "recordings": ["CN-J01-14-00005"], "items": ["kw-003"],
}  # fmt: skip
COUNTER = {"id": "CN-HARD-1", "respondent": "uploader-77", "received_at": "2016-01-31T09:00:00+08:00",
           "contact": "u77@example", "address": "Shanghai", "items": ["kuwo/kw-003"]}  # fmt: skip


@pytest.fixture(scope="module")
def world(world):
    """The module's world, served by an app whose claims limit is out of the way (these tests file many)."""
    app = create_app(world.db_url, index_path=world.index_path, clock=lambda: NOW,
                     limits=Limits(claims_per_window=10_000))  # fmt: skip
    yield World(Client(app), world.secrets, world.db_url, world.index_path)
    app.state.songclear.close()


def _file(world, who: str, claim: dict, files=()):
    return world.client.post(
        "/claims", headers=world.as_(who), data={"claim": json.dumps(claim)}, files=list(files) or None
    )


def _stored_ids(world) -> set[str]:
    listed = world.client.get("/claims?limit=1000", headers=world.as_("admin")).json()["items"]
    return {c["id"] for c in listed}


# -- 1. evidence names never reach the server's disk ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("evidence", ["/etc/hostname"]),
        ("evidence", ["../../../../../../etc/hostname"]),
        ("evidence", ["claim.json"]),  # the server's own temporary copy of the claim
        ("evidence", "/etc/passwd"),
        ("agent_authorisation", "/etc/hostname"),
        ("agent_authorisation", "agent_authorisation"),
    ],
)
def test_a_claim_naming_a_file_it_did_not_send_is_refused_and_nothing_is_stored(world, field, value):
    claim = CLAIM | {"id": f"C-PATH-{abs(hash((field, str(value)))) % 10**6}", field: value}
    if field == "agent_authorisation":
        claim["agent"] = "AgentCo"
    r = _file(world, "jade", claim)
    body = assert_problem(r, 400, "ImportError_", "Import refused")
    assert body["location"].startswith(f"$.{field}") and "sent with" in body["detail"]
    assert claim["id"] not in _stored_ids(world)


def test_an_upload_is_matched_by_its_name_never_resolved_as_a_path(world):
    """A file uploaded as 'hostname' does not make '/etc/hostname' (or '../hostname') name it."""
    sent = [("evidence", ("hostname", b"the claimant's own file", "text/plain"))]
    for name in ("/etc/hostname", "../hostname", "./hostname"):
        r = _file(world, "jade", CLAIM | {"id": "C-PATH-UP", "evidence": [name]}, sent)
        assert r.status_code == 400 and r.json()["location"] == "$.evidence[0]", r.text
    ok = _file(world, "jade", CLAIM | {"id": "C-PATH-UP", "evidence": ["hostname"]}, sent)
    assert ok.status_code == 201, ok.text
    (sha,) = ok.json()["claim"]["evidence"]
    got = world.client.get(f"/claims/C-PATH-UP/evidence/{sha}", headers=world.as_("jade"))
    assert got.content == b"the claimant's own file"


def test_a_counter_notice_naming_a_server_file_is_refused(world):
    assert _file(world, "jade", CLAIM | {"id": "C-PATH-CN"}).status_code == 201
    r = world.client.post(
        "/claims/C-PATH-CN/counter",
        headers=world.as_("admin"),
        data={"counter": json.dumps(COUNTER | {"evidence": ["/etc/hostname"]})},
    )
    body = assert_problem(r, 400, "ImportError_", "Import refused")
    assert (body["source"], body["location"]) == ("counter", "$.evidence[0]")
    case = world.client.get("/claims/C-PATH-CN", headers=world.as_("admin")).json()
    assert case["counter"] is None and case["steps"] == []


# -- 2. a hash grants no access -------------------------------------------------------------------------------


def test_listing_the_hash_of_another_partys_evidence_is_refused(world):
    secret = b"Silk Road's confidential licence terms"
    silk = _file(
        world, "silk", CLAIM | {"id": "C-SILK-EV", "claimant": "L-SILK", "recordings": ["CN-S01-13-00001"]},
        [("evidence", ("terms.pdf", secret, "application/pdf"))],
    )  # fmt: skip
    assert silk.status_code == 201, silk.text
    (sha,) = silk.json()["claim"]["evidence"]
    assert sha == hashlib.sha256(secret).hexdigest()
    for field, value in (("evidence", [sha]), ("agent_authorisation", sha)):
        claim = CLAIM | {"id": "C-STEAL", "agent": "AgentCo", field: value}
        r = _file(world, "jade", claim)
        body = assert_problem(r, 400, "ImportError_", "Import refused")
        assert body["location"].startswith(f"$.{field}")
    assert "C-STEAL" not in _stored_ids(world)
    # Silk's file stays readable by who may see Silk's claim, and nobody else.
    evidence = "/claims/C-SILK-EV/evidence/" + sha
    assert world.client.get(evidence, headers=world.as_("silk")).content == secret
    assert world.client.get(evidence, headers=world.as_("jade")).status_code == 404


def test_a_regulator_reports_file_is_not_evidence_by_its_hash(world):
    """Job files are kept in the same content store: their hash opens nothing through a claim."""
    job = world.client.post(
        "/jobs/reports", headers=world.as_("qq"), json={"platform": "qq", "notice": "NCAC-2015-07",
                                                          "at": "2015-11-20", "formats": ["csv"]},
    ).json()  # fmt: skip
    done = world.wait(job)
    assert done["state"] == "done", done
    sha = done["result"]["files"][0]["sha256"]
    r = _file(world, "jade", CLAIM | {"id": "C-STEAL-JOB", "evidence": [sha]})
    assert r.status_code == 400 and "C-STEAL-JOB" not in _stored_ids(world)


def test_a_hash_of_a_file_sent_with_the_claim_names_that_file(world):
    data = b"stream log kw-003"
    sha = hashlib.sha256(data).hexdigest()
    r = _file(world, "jade", CLAIM | {"id": "C-BY-HASH", "evidence": [sha]},
              [("evidence", ("log.txt", data, "text/plain"))])  # fmt: skip
    assert r.status_code == 201 and r.json()["claim"]["evidence"] == [sha], r.text


# -- 3. client-chosen ids -------------------------------------------------------------------------------------

BAD_IDS = [
    "C\r\nSet-Cookie: x=1",
    "C\nX",
    "C/1",
    "..",
    "C..1",
    "../C",
    "",
    " ",
    "C 1",
    "C-\u00fc",
    "-C",
    "x" * 65,
]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_a_bad_claim_id_is_refused_before_anything_is_stored(world, bad):
    before = world.client.get("/log?limit=1", headers=world.as_("admin")).json()["total"]
    r = _file(world, "jade", CLAIM | {"id": bad})
    body = assert_problem(r, 400, "ImportError_", "Import refused")
    assert body["location"] == "$.id" and ("A-Z" in body["detail"] or body["detail"].endswith("required"))
    assert bad not in _stored_ids(world)
    assert world.client.get("/log?limit=1", headers=world.as_("admin")).json()["total"] == before


def test_a_bad_counter_notice_id_is_refused_before_anything_is_stored(world):
    assert _file(world, "jade", CLAIM | {"id": "C-ID-CN"}).status_code == 201
    for bad in ("N\r\n1", "N/1", ".."):
        r = world.client.post(
            "/claims/C-ID-CN/counter",
            headers=world.as_("admin"),
            data={"counter": json.dumps(COUNTER | {"id": bad})},
        )
        body = assert_problem(r, 400, "ImportError_", "Import refused")
        assert body["location"] == "$.id"
    assert world.client.get("/claims/C-ID-CN", headers=world.as_("admin")).json()["steps"] == []


def test_a_good_id_of_every_allowed_character_is_stored_and_its_location_works(world):
    good = "C-2016_01.a@jade" + "x" * 48  # 64 characters
    r = _file(world, "jade", CLAIM | {"id": good})
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/claims/{good}"
    assert world.client.get(r.headers["location"], headers=world.as_("jade")).json()["id"] == good


# -- 5. no 500 from input -------------------------------------------------------------------------------------


def test_an_overflowing_day_count_is_a_400(world):
    admin = world.as_("admin")
    for url in (
        "/platforms/qq/audit?at=2015-11-15&expiring_days=99999999999999999999",
        "/platforms/qq/audit?at=2015-11-15&expiring_days=999999999",
        "/platforms/qq/tracks/qq-001/explain?at=2015-11-15&expiring_days=99999999999999999999",
    ):
        assert_problem(world.client.get(url, headers=admin), 400, "InputError", "Invalid input")
    r = world.client.post(
        "/jobs/audits", headers=admin, json={"platform": "qq", "at": "2015-11-15", "expiring_days": 10**20}
    )
    assert_problem(r, 400, "InputError", "Invalid input")


def test_json_nested_100000_deep_is_a_400(world):
    deep = "[" * 100_000 + "]" * 100_000
    r = world.client.post("/claims", headers=world.as_("jade"), data={"claim": deep})
    body = assert_problem(r, 400, "InputError", "Invalid input")
    assert "nested" in body["detail"]
    assert _file(world, "jade", CLAIM | {"id": "C-DEEP"}).status_code == 201
    r = world.client.post("/claims/C-DEEP/counter", headers=world.as_("admin"), data={"counter": deep})
    assert_problem(r, 400, "InputError", "Invalid input")
    obj = '{"a":' * 100_000 + "1" + "}" * 100_000  # sent as a multipart field (url-encoded it passes 1 MB)
    r = world.client.post("/claims", headers=world.as_("jade"), files={"claim": (None, obj)})
    assert "nested" in assert_problem(r, 400, "InputError", "Invalid input")["detail"]
    r = world.client.post("/claims", headers=world.as_("jade"), data={"claim": obj})
    assert_problem(r, 400, "InputError", "Invalid input")  # the form parser's own limit: a 400 problem too
    r = world.client.post(
        "/platforms/qq/takedowns/plans", headers=world.as_("qq") | {"content-type": "application/json"},
        content=deep,
    )  # fmt: skip
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


def test_a_number_is_not_a_date(world):
    assert _file(world, "jade", CLAIM | {"id": "C-DATE"}).status_code == 201
    c, admin = world.client, world.as_("admin")
    for r in (
        c.post("/claims/C-DATE/suit", headers=admin, json={"reported_at": 12}),
        c.post("/claims/C-DATE/suit", headers=admin, json={"reported_at": "12"}),
        c.get("/claims/alerts?now=12", headers=admin),
        c.get("/log?since=1", headers=admin),
        c.get("/platforms/qq/audit?at=0", headers=admin),
        c.get("/platforms/qq/audit?at=2015-11-15&known_at=1450000000", headers=admin),
        c.post("/platforms/qq/takedowns/plans", headers=admin, json={"at": 0}),
        c.post("/platforms/qq/reinstatements", headers=admin, json={"at": 86400}),
        c.post("/jobs/audits", headers=admin, json={"platform": "qq", "at": 0}),
        c.post("/jobs/reports", headers=admin, json={"platform": "qq", "notice": "NCAC-2015-07", "at": 0}),
        c.get("/platforms/qq/exposure?from=0&to=2015-11-15", headers=admin),
    ):
        body = assert_problem(r, 400, "InputError", "Invalid input")
        assert "ISO" in body["detail"], body
    assert c.get("/claims/C-DATE", headers=admin).json()["suit_reported_at"] is None
    ok = c.post("/claims/C-DATE/suit", headers=admin, json={"reported_at": "2016-02-01T08:00:00+08:00"})
    assert ok.status_code == 200 and ok.json()["suit_reported_at"] == "2016-02-01T08:00:00+08:00"


def test_an_offset_past_any_list_is_a_400_not_a_500(world):
    """Found by the fuzz test: islice refused an offset past sys.maxsize (a 500)."""
    admin, huge = world.as_("admin"), 2**63 - 1
    for url in (
        f"/platforms/qq/tracks?limit=1&offset={huge}",
        f"/platforms/qq/audit?at=2015-11-15&offset={huge}",
        f"/claims?offset={huge}",
        f"/jobs?offset={huge}",
        f"/log?offset={huge}",
    ):
        assert_problem(world.client.get(url, headers=admin), 400, "InputError", "Invalid input")
    far = world.client.get("/platforms/qq/tracks?offset=1000000000", headers=admin).json()
    assert far["items"] == [] and far["total"] == 11


def test_a_day_outside_the_supported_span_is_a_400_not_a_500(world):
    """Found by the fuzz test: year 1 and year 9999 overflowed the clock arithmetic (OverflowError, 500)."""
    c, admin = world.client, world.as_("admin")
    for r in (
        c.post("/platforms/netease/takedowns/plans", headers=admin, json={"at": "0001-01-01"}),
        c.get("/platforms/qq/audit?at=9999-12-31", headers=admin),
        c.get("/platforms/qq/audit?at=2015-11-15&known_at=9999-12-31T23:59:59-12:00", headers=admin),
        c.get("/log?since=0001-01-01T00:00:00%2B14:00", headers=admin),
        c.get("/platforms/qq/exposure?from=9999-12-30&to=9999-12-31", headers=admin),
        c.get("/claims/alerts?now=1899-12-31T23:59:59Z", headers=admin),
        c.post("/jobs/audits", headers=admin, json={"platform": "qq", "at": "2200-01-01"}),
    ):
        body = assert_problem(r, 400, "InputError", "Invalid input")
        assert "1900-01-01 to 2199-12-31" in body["detail"], body
    assert c.get("/platforms/qq/audit?at=2199-12-31&limit=0", headers=admin).status_code == 200
    assert c.get("/platforms/qq/audit?at=1900-01-01&limit=0", headers=admin).status_code == 200


def test_a_job_asked_while_the_server_shuts_down_is_a_503_and_nothing_is_recorded(world):
    """Found by the fuzz test: after the app's shutdown the job runner's pool refused the job (RuntimeError, 500)
    and left it queued."""
    app = create_app(world.db_url, index_path=world.index_path, clock=lambda: NOW)
    try:
        client, admin = Client(app), world.as_("admin")
        before = client.get("/jobs?limit=1", headers=admin).json()["total"]
        app.state.songclear.jobs.shutdown()  # what the lifespan's end does
        r = client.post("/jobs/audits", headers=admin, json={"platform": "qq", "at": "2015-11-15"})
        body = assert_problem(r, 503, "ServiceUnavailable", "Service unavailable")
        assert "shutting down" in body["detail"]
        assert client.get("/jobs?limit=1", headers=admin).json()["total"] == before
    finally:
        app.state.songclear.close()


def test_amounts_steps_and_instants_past_the_arithmetic_are_400s(world):
    """Found by probing what the fuzz test's schema allowed: a rate of 1e999999 and a step of 10**20 days
    overflowed the exposure (500), a claim received in year 1 at +14:00 overflowed its storage (500), and a JSON
    import nested 100 000 deep overflowed the stack (500)."""
    c, admin = world.client, world.as_("admin")
    exposure = "/platforms/qq/exposure?from=2015-07-01&to=2015-08-01"
    for query in (
        "&rate_per_play=1e999999",
        "&rate_per_day=-1",
        "&rate_per_play=NaN",
    ):
        assert_problem(c.get(exposure + query, headers=admin), 400, "InputError", "Invalid input")
    assert c.get(exposure + "&rate_per_play=1000000", headers=admin).status_code == 200
    # The exposure is daily at any length (its cost is per grant breakpoint): a century answers.
    century = "/platforms/qq/exposure?from=2000-01-01&to=2099-12-31&currency=USD"
    assert c.get(century, headers=admin).json()["currency"] == "USD"
    for field, value in (
        ("received_at", "0001-01-01T00:00:00+14:00"),
        ("received_at", "9999-12-31T23:59:59-14:00"),
        ("order_deadline", "9999-12-31T23:59:59-14:00"),
    ):
        body = assert_problem(
            _file(world, "jade", CLAIM | {"id": "C-FAR", field: value}), 400, "ImportError_", "Import refused"
        )
        assert body["location"] == f"$.{field}" and "1900-01-01 to 2199-12-31" in body["detail"]
    assert "C-FAR" not in _stored_ids(world)
    deep = b"[" * 100_000 + b"]" * 100_000
    r = c.post("/imports", headers=admin, files={"file": ("parties.json", deep, "application/json")})
    assert "nested too deeply" in assert_problem(r, 400, "ImportError_", "Import refused")["detail"]


def test_a_nul_character_is_a_4xx_on_both_backends(world):
    """Found by the fuzz test on PostgreSQL, whose text cannot hold NUL: a filter, an id in the path or a reason
    holding one was a 503 (StorageError). A NUL in a path or query is refused at the edge (400 on both backends);
    in a JSON body PostgreSQL's refusal is a 400, and a claim's fields refuse it themselves."""
    c, admin = world.client, world.as_("admin")
    assert _file(world, "jade", CLAIM | {"id": "C-NUL"}).status_code == 201
    for url in (
        "/log?kind=%00", "/log?subject=a%00b", "/claims/%00", "/jobs/%00", "/recordings?owner=%00",
        "/platforms/qq/tracks/%00/explain?at=2015-11-15", "/claims/C-NUL/evidence/%00",
    ):  # fmt: skip
        body = assert_problem(c.get(url, headers=admin), 400, "InputError", "Invalid input")
        assert "NUL" in body["detail"]
    for r in (
        c.post("/claims/C-NUL/withdraw", headers=admin, json={"reason": "settled\u0000"}),
        c.post("/platforms/qq/links/qq-010/reject", headers=admin, json={"note": "\u0000"}),
        c.post("/platforms/qq/takedowns/undo", headers=admin, json={"actions": ["\u0000"], "reason": "x"}),
    ):
        assert r.status_code < 500, (r.request.url, r.text)  # SQLite keeps the text; PostgreSQL: 400
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json"
    for field, value in (("contact", "a\u0000b"), ("items", ["kw-003\u0000"])):
        r = _file(world, "jade", CLAIM | {"id": "C-NUL-2", field: value})
        assert assert_problem(r, 400, "ImportError_", "Import refused")["location"] == f"$.{field}"


def test_an_uploaded_files_name_is_bounded_before_it_names_a_temporary_file(world):
    """An import is parsed from a temporary copy named as uploaded: a 300-character name could not be created
    (OSError, 500)."""
    csv = b"id,name,kind\nL-LONG,Long Name,label\n"
    r = world.client.post(
        "/imports", headers=world.as_("admin"), files={"file": ("p" * 300 + ".csv", csv, "text/csv")}
    )
    assert "at most 255" in assert_problem(r, 400, "InputError", "Invalid input")["detail"]
    parties = world.client.get("/parties?limit=1000", headers=world.as_("admin")).json()["items"]
    assert "L-LONG" not in {p["id"] for p in parties}
