"""The access matrix: every endpoint, every role: what it may see or do (its success status) and what it is refused
(403, or 404 for another party's claim or job: as if it did not exist), and 401 without a token. Demo mode lets a
visitor without a token read, never write."""

from __future__ import annotations

import json

import pytest
from apiworld import NOW, Client, demo_world

from songclear.api import create_app

AT = "?at=2015-11-15"
ROLES = ("admin", "regulator", "qq", "netease", "jade", "silk")
CSV = b"id,name,kind\nL-NEW,New Label,label\n"
# qq/qq-001 is Jade Dragon's recording; netease/ne-004 and the link proposed for netease/ne-006 are Silk Road's.
CLAIM_JADE_NETEASE = {
    "id": "C-JADE-NE", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "netease",
    "received_at": "2015-11-02T10:00:00+08:00", "contact": "legal@jade.example", "address": "1 Jade Road, Beijing",
    "recordings": ["CNJ011400001"], "items": ["ne-001"],
}  # fmt: skip
CLAIM_SILK_QQ = CLAIM_JADE_NETEASE | {
    "id": "C-SILK-QQ", "claimant": "L-SILK", "platform": "qq", "recordings": ["CNS011300001"], "items": ["qq-007"],
}  # fmt: skip
CLAIM_JADE_KUWO = CLAIM_JADE_NETEASE | {"id": "C-JADE-KW", "platform": "kuwo", "items": ["kw-001"]}
# Filed from Jade Dragon's own view: by ISRC, no items (kuwo/kw-003 is filled in).
CLAIM_JADE_BY_ISRC = {
    "id": "C-JADE-ISRC", "regime": "cn-ndr", "platform": "kuwo", "contact": "legal@jade.example",
    "address": "1 Jade Road, Beijing", "recordings": ["CNJ011400005"],
}  # fmt: skip
COUNTER = {"id": "CN-1", "respondent": "uploader-1", "received_at": "2015-11-03T09:00:00+08:00",
           "contact": "u1@example", "address": "Shanghai", "items": ["netease/ne-001"]}  # fmt: skip


def expect(ok_roles: str, ok: int = 200, no: int = 403, **overrides: int) -> dict[str, int]:
    """The status each role gets: ``ok`` for ``ok_roles``, ``no`` for the others, then ``overrides``."""
    return {r: ok if r in ok_roles.split() else no for r in ROLES} | overrides


def claim_form(claim: dict, evidence: bytes | None = None) -> dict:
    form = {"data": {"claim": json.dumps(claim)}}
    if evidence is not None:
        form["files"] = [("evidence", ("screenshot.txt", evidence, "text/plain"))]
    return form


@pytest.fixture(scope="module")
def facts(world) -> dict:
    """Claims, a takedown plan and finished jobs for the matrix to point at, made by the admin."""
    c, admin = world.client, world.as_("admin")
    r = c.post("/claims", headers=admin, **claim_form(CLAIM_JADE_NETEASE, b"stream log ne-001"))
    assert r.status_code == 201, r.text
    sha = r.json()["claim"]["evidence"][0]
    assert c.post("/claims", headers=admin, **claim_form(CLAIM_SILK_QQ)).status_code == 201
    plan = c.post("/platforms/qq/takedowns/plans", headers=admin, json={"at": "2015-11-15"}).json()
    audit = c.post("/jobs/audits", headers=admin, json={"platform": "qq", "at": "2015-11-15"}).json()
    imported = c.post("/jobs/imports", headers=admin, files={"file": ("p.csv", CSV, "text/csv")}).json()
    report = c.post(
        "/jobs/reports", headers=admin, json={"platform": "qq", "notice": "NCAC-2015-07", "at": "2015-11-20"}
    ).json()
    for job in (audit, imported, report):
        assert world.wait(job)["state"] == "done"
    report = world.wait(report)
    return {
        "sha": sha, "plan": plan["plan"], "action": plan["actions"][0]["id"], "audit_job": audit["id"],
        "import_job": imported["id"], "report_job": report["id"], "report_file": report["result"]["files"][0]["name"],
    }  # fmt: skip


def matrix(f: dict) -> list[tuple[str, str, dict, dict[str, int]]]:
    """(method, path, request keywords, expected status per role)."""
    csv = {"files": {"file": ("p.csv", CSV, "text/csv")}}
    claim, plans = "/claims/C-JADE-NE", "/platforms/qq/takedowns/plans"
    report = {"json": {"platform": "qq", "notice": "NCAC-2015-07", "at": "2015-11-20"}}
    undo = {"json": {"actions": [f["action"]], "reason": "test"}}
    clip = {"files": {"file": ("c.mp3", b"not audio", "audio/mpeg")}}
    everyone = expect(" ".join(ROLES))
    # fmt: off
    return [
        ("GET", "/parties", {}, everyone),
        ("GET", "/recordings", {}, everyone),
        ("GET", "/recordings?owner=L-JADE", {}, expect("admin regulator qq netease jade")),
        ("GET", "/recordings/CNJ011400001", {}, expect("admin regulator qq netease jade")),
        ("GET", "/works", {}, everyone),
        ("GET", "/works/W-MOON", {}, expect("admin regulator qq netease jade")),
        ("GET", "/grants", {}, everyone),
        # A filter on the other side narrows a party's own grants; naming another party on its own side is refused.
        ("GET", "/grants?licensor=L-JADE", {}, expect("admin regulator jade qq netease")),
        ("GET", "/grants?licensee=qq", {}, expect("admin regulator qq jade silk")),
        ("GET", "/grants/G-JADE-QQ", {}, expect("admin regulator qq jade")),
        ("GET", "/imports", {}, expect("admin regulator")),
        ("GET", "/platforms/qq/tracks", {}, expect("admin regulator qq")),
        ("GET", "/platforms/netease/tracks", {}, expect("admin regulator netease")),
        ("GET", "/platforms/qq/audit" + AT, {}, expect("admin regulator qq")),
        ("GET", "/platforms/qq/tracks/qq-001/explain" + AT, {}, expect("admin regulator qq jade")),
        ("GET", "/platforms/netease/tracks/ne-004/explain" + AT, {}, expect("admin regulator netease silk")),
        ("GET", "/platforms/qq/scan", {}, expect("admin regulator qq")),
        ("GET", "/platforms/qq/exposure?from=2015-07-01&to=2015-08-01&currency=CNY", {}, expect("admin regulator qq")),
        ("GET", "/platforms/netease/review", {}, expect("admin regulator netease")),
        ("GET", "/platforms/netease/links/ne-006", {}, expect("admin regulator netease silk")),
        ("GET", "/platforms/qq/takedowns", {}, expect("admin regulator qq")),
        ("GET", f"{plans}/{f['plan']}", {}, expect("admin regulator qq")),
        ("GET", "/platforms/qq/reinstatements" + AT, {}, expect("admin regulator qq")),
        ("GET", "/claims", {}, everyone),
        ("GET", "/claims/alerts", {}, everyone),
        ("GET", claim, {}, expect("admin regulator netease jade", no=404)),
        ("GET", f"{claim}/evidence/{f['sha']}", {}, expect("admin regulator netease jade", no=404)),
        ("GET", "/log", {}, expect("admin regulator")),
        ("GET", "/log/verify", {}, expect("admin regulator")),
        ("GET", "/jobs", {}, everyone),
        ("GET", f"/jobs/{f['audit_job']}", {}, expect("admin regulator qq", no=404)),
        ("GET", f"/jobs/{f['import_job']}", {}, expect("admin regulator", no=404)),
        ("GET", f"/jobs/{f['report_job']}/files/{f['report_file']}", {}, expect("admin regulator qq", no=404)),
        ("POST", "/imports", csv, expect("admin")),
        # Safe edits (issue 13, item 3): the admin ends G-JADE-QQ in its last month, then amends the reference.
        ("POST", "/grants/G-JADE-QQ/end", {"json": {"on": "2017-12-01", "reason": "matrix"}}, expect("admin")),
        ("POST", "/grants/G-JADE-QQ/amend", {"json": {"fields": {"termination_reference": "letter"}}},
         expect("admin")),
        ("POST", "/jobs/imports", csv, expect("admin", ok=202)),
        ("POST", "/jobs/audits", {"json": {"platform": "qq", "at": "2015-11-15"}}, expect("admin regulator qq", ok=202)),
        ("POST", "/jobs/audits/every-platform", {"json": {"at": "2015-11-15"}}, expect("admin regulator", ok=202)),
        # Allowed to scan, but this world has no fingerprint index (test_api_jobs.py scans real audio).
        ("POST", "/jobs/scans", {"json": {"platform": "qq"}}, expect("admin qq", ok=404)),
        ("POST", "/jobs/reports", report, expect("admin regulator qq", ok=202)),
        ("POST", plans, {"json": {"at": "2015-11-15"}}, expect("admin qq", ok=201)),
        ("POST", f"{plans}/{f['plan']}/apply", {}, expect("admin qq")),
        ("POST", "/platforms/qq/takedowns/undo", undo, expect("admin qq")),
        ("POST", "/platforms/qq/reinstatements", {"json": {"at": "2015-11-15"}}, expect("admin qq")),
        ("POST", "/platforms/netease/links/ne-006/accept", {"json": {"note": "same"}}, expect("admin netease")),
        ("POST", "/platforms/kuwo/links/kw-005/reject", {"json": {"note": "other version"}}, expect("admin")),
        # The first filing is 201, the same claim again 200 (stored once).
        ("POST", "/claims", claim_form(CLAIM_JADE_KUWO), expect("admin jade", admin=201)),
        ("POST", f"{claim}/answer", {}, expect("admin netease", qq=404, silk=404)),
        ("POST", f"{claim}/counter", {"data": {"counter": json.dumps(COUNTER)}},
         expect("admin netease", ok=201, qq=404, silk=404)),
        ("GET", "/claims/claimants", {}, expect("admin regulator")),
        # A rights holder's own catalogue: itself, admin and the regulator; never another holder or a platform.
        ("GET", "/holders/L-JADE/catalogue" + AT, {}, expect("admin regulator jade")),
        ("GET", "/holders/L-SILK/catalogue" + AT, {}, expect("admin regulator silk")),
        ("POST", "/holders/L-JADE/claims", claim_form(CLAIM_JADE_BY_ISRC), expect("admin jade", admin=201)),
        # A suit: the claimant, or the platform recording what the claimant told it.
        ("POST", f"{claim}/suit", {}, expect("admin netease jade", regulator=403, qq=404, silk=404)),
        # After that suit the regime stops the restore clock: allowed callers get 409, not 403.
        ("POST", f"{claim}/restore", {}, expect("admin netease", ok=409, qq=404, silk=404)),
        # Withdrawn once (by the admin, first in ROLES); the claimant then gets 409, not 403.
        ("POST", "/claims/C-JADE-KW/withdraw", {"json": {"reason": "settled"}},
         expect("admin", jade=409, regulator=403, qq=404, netease=404, silk=404)),
        # No fingerprint index here either (test_api_identify.py identifies real audio).
        ("POST", "/identify", clip, expect("admin qq netease jade silk", ok=404)),
    ]
    # fmt: on


def test_every_endpoint_refuses_what_a_role_may_not_see_and_everything_without_a_token(world, facts):
    seen, expected = {}, {}
    for method, path, kwargs, statuses in matrix(facts):
        assert world.client.request(method, path, **kwargs).status_code == 401, path
        for role in ROLES:
            r = world.client.request(method, path, headers=world.as_(role), **kwargs)
            seen[method, path, role] = r.status_code
            expected[method, path, role] = statuses[role]
    assert seen == expected
    for job in world.client.get("/jobs?limit=1000", headers=world.as_("admin")).json()["items"]:
        world.wait(job)  # the jobs the matrix started finish before the world is shared on


def test_the_matrix_covers_every_route(world, facts):
    """A new route without a row in the matrix fails here."""
    import re

    covered = {(m, re.sub(r"\?.*", "", p)) for m, p, _, _ in matrix(facts)}
    schema = world.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        if path == "/health":
            continue  # no token needed
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method in operations:
            assert any(m == method.upper() and pattern.match(p) for m, p in covered), (method, path)


def test_lists_hold_only_what_the_caller_may_see(world, facts):
    c = world.client

    def ids(path: str, who: str, key: str = "id") -> set[str]:
        return {x[key] for x in c.get(path, headers=world.as_(who)).json()["items"]}

    assert {"C-JADE-NE", "C-SILK-QQ"} <= ids("/claims", "regulator")
    assert ids("/claims", "jade") >= {"C-JADE-NE"} and "C-SILK-QQ" not in ids("/claims", "jade")
    assert ids("/claims", "qq") == {"C-SILK-QQ"}
    assert ids("/claims", "netease") == {"C-JADE-NE"}
    assert facts["import_job"] not in ids("/jobs", "qq") and facts["audit_job"] in ids("/jobs", "qq")
    assert not ids("/jobs", "netease") & {facts["audit_job"], facts["import_job"], facts["report_job"]}
    assert {facts["audit_job"], facts["import_job"]} <= ids("/jobs", "regulator")
    recordings = c.get("/recordings", headers=world.as_("jade")).json()["items"]
    assert recordings and {r["owner"] for r in recordings} == {"L-JADE"}
    assert ids("/works", "jade") == {"W-MOON", "W-RIVER", "W-LANTERN"} and ids("/works", "silk") == set()
    gave = c.get("/grants", headers=world.as_("silk")).json()["items"]
    assert gave and {g["licensor"] for g in gave} == {"L-SILK"}
    held = c.get("/grants", headers=world.as_("qq")).json()["items"]
    assert held and {g["licensee"] for g in held} == {"qq"}
    assert c.get("/grants", headers=world.as_("regulator")).json()["total"] > len(held) + len(gave)


def test_a_party_files_claims_only_in_its_own_name(world):
    r = world.client.post("/claims", headers=world.as_("silk"), **claim_form(CLAIM_JADE_KUWO))
    assert r.status_code == 403 and "L-SILK" in r.json()["detail"]
    r = world.client.post("/claims", headers=world.as_("qq"), **claim_form(CLAIM_JADE_KUWO))
    assert r.status_code == 403 and "qq" in r.json()["detail"]


def test_explain_for_a_rights_holder_only_on_its_own_recordings(world):
    r = world.client.get("/platforms/qq/tracks/qq-001/explain" + AT, headers=world.as_("silk"))
    assert r.status_code == 403 and "L-SILK" in r.json()["detail"]


def test_a_revoked_token_is_refused(world):
    from songclear.store import Database
    from songclear.store.tokens import TokenRepository

    with Database.open(world.db_url) as db, db.session() as session:
        secret, token = TokenRepository(session).create(
            name="qq2", role="platform", party="qq", now=NOW, actor="t"
        )
    headers = {"Authorization": f"Bearer {secret}"}
    assert world.client.get("/platforms/qq/tracks", headers=headers).status_code == 200
    with Database.open(world.db_url) as db, db.session() as session:
        TokenRepository(session).revoke(token.token_id, now=NOW, actor="test")
    r = world.client.get("/platforms/qq/tracks", headers=headers)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_tokens_are_stored_hashed(world):
    from sqlalchemy import select

    from songclear.store import Database
    from songclear.store.tables import api_tokens
    from songclear.store.tokens import secret_hash

    with Database.open(world.db_url) as db, db.session() as session:
        stored = {r.secret_sha256 for r in session.execute(select(api_tokens))}
    assert {secret_hash(s) for s in world.secrets.values()} <= stored
    assert not stored & set(world.secrets.values())


def test_demo_mode_reads_without_a_token_but_never_writes(db_url, tmp_path):
    demo_world(db_url)
    app = create_app(db_url, index_path=tmp_path / "fp", demo=True)
    try:
        client = Client(app)
        for path in (
            "/platforms/qq/tracks",
            "/platforms/kuwo/audit" + AT,
            "/log/verify",
            "/grants",
            "/claims",
        ):
            assert client.get(path).status_code == 200, path
        assert client.post("/imports", files={"file": ("p.csv", CSV, "text/csv")}).status_code == 401
        assert client.post("/identify", files={"file": ("c.mp3", CSV, "audio/mpeg")}).status_code == 401
        assert client.post("/jobs/audits", json={"platform": "qq", "at": "2015-11-15"}).status_code == 401
        assert client.post("/claims", **claim_form(CLAIM_JADE_KUWO)).status_code == 401
    finally:
        app.state.songclear.close()
