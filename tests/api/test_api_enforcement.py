"""Claims, counter-notices, takedowns, reviews and the audit log over HTTP: what each answers, who and when is
recorded, and that every step is in the log, which still verifies."""

from __future__ import annotations

import json

from apiworld import NOW, Client

from songclear.api import Limits, create_app

# Kuwo holds no licence for kw-003 (Jade Dragon's CNJ011400005): the demo's claim.
CLAIM = {
    "id": "C-API-1", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "kuwo",
    "received_at": "2016-01-30T10:00:00+08:00", "contact": "legal@jade.example", "address": "1 Jade Road, Beijing",
    "recordings": ["CN-J01-14-00005"], "items": ["kw-003"],
}  # fmt: skip
COUNTER = {"id": "CN-API-1", "respondent": "uploader-77", "received_at": "2016-01-31T09:00:00+08:00",
           "contact": "u77@example", "address": "Shanghai", "items": ["kuwo/kw-003"]}  # fmt: skip


def test_a_claim_filed_with_evidence_answered_countered_and_alerted(world):
    c = world.client
    r = c.post(
        "/claims", headers=world.as_("jade"), data={"claim": json.dumps(CLAIM)},
        files=[("evidence", ("log.txt", b"kw-003 streamed 2016-01-29", "text/plain"))],
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/claims/C-API-1" and r.json()["complete"] is True
    (sha,) = r.json()["claim"]["evidence"]
    got = c.get(f"/claims/C-API-1/evidence/{sha}", headers=world.as_("jade"))
    assert got.content == b"kw-003 streamed 2016-01-29"

    answered = c.post("/claims/C-API-1/answer?apply=true", headers=world.as_("admin")).json()
    (item,) = answered["items"]
    assert (item["item"], item["verdict"], item["recording"]) == ("kuwo/kw-003", "infringing", "CNJ011400005")
    assert item["due"]["kind"] == "takedown" and answered["applied"]["restricted"] == [
        "kuwo/kw-003"
    ]  # CN only

    claim = c.get("/claims/C-API-1", headers=world.as_("jade")).json()
    assert claim["outcome"] == answered["outcome"] and claim["answer"]["items"][0]["due"] == item["due"]
    assert claim["takedown_due"] == item["due"] and claim["taken_down_at"] == NOW.isoformat()
    assert [s["step"] for s in claim["steps"]] == ["answered", "taken-down"]
    assert {s["by"] for s in claim["steps"]} == {"api-token:" + _token_id(world, "admin")}

    licence = [("evidence", ("licence.pdf", b"%PDF uploader's licence", "application/pdf"))]
    r = c.post(
        "/claims/C-API-1/counter",
        headers=world.as_("admin"),
        data={"counter": json.dumps(COUNTER)},
        files=licence,
    )
    assert r.status_code == 201 and r.json()["valid"] is True, r.json()["missing"]
    assert r.json()["window"]["latest"]
    alerts = c.get("/claims/alerts?now=2016-02-01T12:00:00Z", headers=world.as_("jade")).json()
    assert alerts["now"] == "2016-02-01T12:00:00+00:00"
    assert {(a["claim"], a["kind"]) for a in alerts["items"]} >= {("C-API-1", "restore")}
    assert c.get("/claims/alerts", headers=world.as_("silk")).json()["items"] == []
    log = c.get("/log?subject=C-API-1", headers=world.as_("regulator")).json()["items"]
    assert [e["action"] for e in log] == ["claim-counter", "claim-answered", "claim-received"]


def test_a_bad_claim_names_its_field(world):
    r = world.client.post(
        "/claims", headers=world.as_("jade"), data={"claim": json.dumps(CLAIM | {"regime": "x"})}
    )
    body = r.json()
    assert r.status_code == 400 and body["type"] == "urn:songclear:problem:ImportError_"
    assert (body["source"], body["location"]) == ("claim", "$.regime")
    r = world.client.post("/claims", headers=world.as_("jade"), data={"claim": "{not json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["detail"]


def test_claims_are_rate_limited_and_bounded_in_size(world):
    app = create_app(
        world.db_url, clock=lambda: NOW, limits=Limits(claims_per_window=2, max_upload_bytes=5000)
    )
    try:
        client, form = Client(app), {"claim": json.dumps(CLAIM | {"id": "C-API-RATE"})}
        statuses = [
            client.post("/claims", headers=world.as_("jade"), data=form).status_code for _ in range(3)
        ]
        assert statuses == [201, 200, 429]
        big = [("evidence", ("big.bin", b"x" * 6000, "application/octet-stream"))]
        r = client.post("/claims", headers=world.as_("silk"), data=form, files=big)
        assert r.status_code == 413 and r.json()["type"] == "urn:songclear:problem:PayloadTooLarge"
    finally:
        app.state.songclear.close()


def test_takedowns_planned_applied_listed_undone_and_logged(world):
    c, qq = world.client, world.as_("qq")
    plan = c.post(
        "/platforms/qq/takedowns/plans", headers=qq, json={"at": "2015-11-15", "notice": "NCAC-2015-07"}
    )
    assert (
        plan.status_code == 201
        and plan.json()["status"] == "planned"
        and plan.json()["notice"] == "NCAC-2015-07"
    )
    plan = plan.json()
    tracks = {a["track"] for a in plan["actions"]}
    assert (
        tracks
        and c.get(f"/platforms/qq/takedowns/plans/{plan['plan']}", headers=qq).json()["status"] == "planned"
    )
    applied = c.post(f"/platforms/qq/takedowns/plans/{plan['plan']}/apply", headers=qq).json()
    assert set(applied["taken_down"]) == tracks
    again = c.post(f"/platforms/qq/takedowns/plans/{plan['plan']}/apply", headers=qq).json()
    assert again["applied"] == [] and len(again["skipped"]) == len(tracks)  # idempotent
    in_force = c.get("/platforms/qq/takedowns?limit=1000", headers=qq).json()
    assert {a["track"] for a in in_force["items"]} >= tracks and in_force["total"] == len(in_force["items"])
    one = plan["actions"][0]
    undone = c.post(
        "/platforms/qq/takedowns/undo", headers=qq, json={"actions": [one["id"]], "reason": "mistake"}
    ).json()
    assert undone["undone"][0]["by"].startswith("api-token:") and undone["reinstated"] == [one["track"]]
    assert one["id"] not in {
        a["id"] for a in c.get("/platforms/qq/takedowns?limit=1000", headers=qq).json()["items"]
    }
    everything = c.get("/platforms/qq/takedowns?undone=true&limit=1000", headers=qq).json()["items"]
    assert [a["undone"]["reason"] for a in everything if a["id"] == one["id"]] == ["mistake"]
    foreign = c.post(
        "/platforms/netease/takedowns/undo",
        headers=world.as_("admin"),
        json={"actions": [one["id"]], "reason": "x"},
    )
    assert foreign.status_code == 404  # qq's action is not netease's
    log = c.get("/log?kind=takedown-undo", headers=world.as_("admin")).json()["items"]
    assert log[0]["subject"] == one["track"] and log[0]["payload"]["reason"] == "mistake"
    assert c.get("/log/verify", headers=world.as_("regulator")).json()["ok"] is True


def test_a_review_decision_is_recorded_with_who_and_when_and_leaves_the_queue(world):
    c, netease = world.client, world.as_("netease")
    queue = c.get("/platforms/netease/review", headers=netease).json()
    assert "netease/ne-006" in {q["track"] for q in queue["items"]}
    shown = c.get("/platforms/netease/links/ne-006", headers=netease).json()
    assert shown["recording"] == "CNS011300003" and shown["fields"] and shown["decisions"] == []
    r = c.post(
        "/platforms/netease/links/ne-006/reject", headers=netease, json={"note": "another version"}
    ).json()
    assert (r["decision"], r["candidate"], r["at"]) == ("reject", "CNS011300003", NOW.isoformat())
    assert "netease/ne-006" not in {
        q["track"] for q in c.get("/platforms/netease/review", headers=netease).json()["items"]
    }
    assert c.get("/platforms/netease/links/ne-006", headers=netease).json()["decisions"][0]["by"] == r["by"]
    (entry,) = c.get("/log?kind=review&subject=netease/ne-006", headers=world.as_("admin")).json()["items"]
    assert entry["actor"] == r["by"] and entry["payload"]["note"] == "another version"


def test_the_log_pages_newest_first_and_filters_by_time(world):
    c, admin = world.client, world.as_("admin")
    whole = c.get("/log?limit=1000", headers=admin).json()
    seqs = [e["seq"] for e in whole["items"]]
    assert seqs == sorted(seqs, reverse=True) and whole["total"] == len(seqs)
    page = c.get("/log?limit=2&offset=1", headers=admin).json()
    assert page["items"] == whole["items"][1:3] and page["total"] == whole["total"]
    recent = c.get("/log?since=2016-01-01T00:00:00&limit=1000", headers=admin).json()["items"]
    assert recent and all(e["at"] >= "2016-01-01" for e in recent) and len(recent) < whole["total"]


def _token_id(world, who: str) -> str:
    from songclear.store import Database
    from songclear.store.tokens import TokenRepository

    with Database.open(world.db_url) as db, db.session() as session:
        return TokenRepository(session).by_secret(world.secrets[who]).token_id
