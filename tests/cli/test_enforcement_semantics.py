"""Enforcement as a compliance team reads it (issue 11): a reinstatement says what the track was taken down as,
an old plan does not undo an undo, a claim blocks only its own territory, and an alert never asks to take down
what is already down."""

from __future__ import annotations

import json

import pytest

from clirun import import_world, songclear

R1, R2 = "CNA011500001", "CNA011500002"
WORLD = {
    "parties.csv": "id,name,kind\nL1,Label One,label\nPF,Platform,platform\n",
    "recordings.csv": f"isrc,title,owner\n{R1},one,L1\n{R2},two,L1\n",
    # R1: licensed in CN only, from 2015-09-01 on (signed, and recorded, before any takedown); R2 never licensed.
    "grants.csv": (
        "id,licensor,licensee,rights,scope,recordings,uses,territories,start\n"
        f"G-LATER,L1,PF,master,listed,{R1},Stream,CN,2015-09-01\n"
    ),
    "library.csv": f"platform,track_id,title,isrc\nPF,t1,one,{R1}\nPF,t2,two,{R2}\n",
}


@pytest.fixture
def db(db_url, tmp_path, capsys):
    return import_world(capsys, db_url, tmp_path, WORLD)


def run(capsys, db, *args):
    r = songclear(capsys, *db, *args, "--json")
    assert r.code == 0, r.err
    return r.json()


def plan(capsys, db, day="2015-08-01", *extra):
    return run(capsys, db, "takedown", "plan", "--platform", "PF", "--at", day, *extra)


def test_reinstate_says_the_status_a_track_was_taken_down_with(db, capsys):
    p = plan(capsys, db)
    assert {a["track"] for a in p["actions"]} == {"PF/t1", "PF/t2"}
    assert {a["reason"]["status"] for a in p["actions"]} == {"uncleared"}
    run(capsys, db, "takedown", "apply", p["plan"])
    out = run(capsys, db, "reinstate", "--platform", "PF", "--at", "2015-09-15")
    (cand,) = out["candidates"]
    # As known when it was taken down, the grant starting 2015-09-01 was already there: asked about 2015-09-15
    # the old code said "cleared -> cleared". The track went down uncleared.
    assert (cand["track"], cand["before"], cand["after"]) == ("PF/t1", "uncleared", "cleared")


def test_a_plan_made_before_an_undo_does_not_put_the_takedown_back(db, capsys):
    p1 = plan(capsys, db)
    p2 = plan(capsys, db, "2015-08-02")  # the same effects, planned again before P1 is applied
    assert p1["plan"] != p2["plan"]
    applied = run(capsys, db, "takedown", "apply", p1["plan"])
    ids = [a["id"] for a in applied["applied"]]
    run(capsys, db, "takedown", "undo", *ids, "--reason", "takedown in error")
    again = run(capsys, db, "takedown", "apply", p2["plan"])
    assert again["applied"] == [] and again["taken_down"] == []
    assert len(again["stale"]) == 2
    listed = run(capsys, db, "takedown", "list", "--platform", "PF")
    assert all(a["undone"] is not None for a in listed["actions"])  # nothing back in force
    # A plan made now acts on the tracks as they are now.
    fresh = plan(capsys, db)
    assert len(run(capsys, db, "takedown", "apply", fresh["plan"])["applied"]) == 2


def _claim(tmp_path, **fields) -> str:
    claim = {
        "id": "C-US-1", "regime": "us-dmca", "claimant": "L1", "platform": "PF",
        "received_at": "2015-10-01T10:00:00-04:00", "contact": "legal@l1.example", "signature": "/s/ L1",
        "statements": ["good-faith", "accuracy-under-penalty"], "recordings": [R1], "items": ["t1"],
        "territory": "US",
    } | fields  # fmt: skip
    path = tmp_path / f"{claim['id']}.json"
    path.write_text(json.dumps(claim), encoding="utf-8")
    return str(path)


def test_a_us_only_claim_blocks_the_us_and_leaves_the_licensed_china_alone(db, capsys, tmp_path):
    run(capsys, db, "claim", "add", _claim(tmp_path))
    answer = run(capsys, db, "claim", "answer", "C-US-1", "--apply")
    (item,) = answer["items"]
    assert item["verdict"] == "infringing"  # the platform holds R1 for CN only
    (action,) = run(capsys, db, "takedown", "list", "--platform", "PF")["actions"]
    assert action["kind"] == "geo_block" and action["territories"] == ["US"]

    # The block is in force from when it was applied (now): ask about a day after that.
    later = "2099-01-01"
    cn = run(capsys, db, "audit", "--platform", "PF", "--at", later, "--decisions")
    t1 = next(d for d in cn["decisions"] if d["track"] == "PF/t1")
    assert t1["status"] == "cleared" and t1["availability"] == "live"
    assert "PF/t1" not in cn["already_down"]
    us = run(capsys, db, "audit", "--platform", "PF", "--at", later, "--territory", "US")
    assert "PF/t1" in us["already_down"]  # blocked in the US since the claim was applied
    assert "PF/t1" not in {t["track"] for t in us["takedown"]}
    early = run(capsys, db, "audit", "--platform", "PF", "--at", "2015-10-15", "--territory", "US")
    assert "PF/t1" in {t["track"] for t in early["takedown"]}  # before the claim: live in the US, unlicensed
    # A US plan has nothing to do for t1 any more.
    assert "PF/t1" not in {
        a["track"] for a in plan(capsys, db, later, "--territory", "US", "--geo-block", "US")["actions"]
    }
    # Exposure in the US stops the day the block was applied; t2 (never licensed, never blocked) runs on.
    exp = run(
        capsys, db, "exposure", "--platform", "PF", "--from", "2015-09-01", "--to", later, "--territory", "US"
    )
    days = {t["track"]: int(t["days"]) for t in exp["tracks"]}
    assert 0 < days["PF/t1"] < days["PF/t2"]
    cn_exp = run(capsys, db, "exposure", "--platform", "PF", "--from", "2015-09-01", "--to", later)
    assert "PF/t1" not in {t["track"] for t in cn_exp["tracks"]}  # licensed in China all along


def test_no_takedown_alert_for_items_that_are_already_down(db, capsys, tmp_path):
    p = plan(capsys, db)
    run(capsys, db, "takedown", "apply", p["plan"])  # t2 (never licensed) is down everywhere
    run(
        capsys,
        db,
        "claim",
        "add",
        _claim(tmp_path, id="C-CN-2", recordings=[R2], items=["t2"], territory="CN"),
    )
    answer = run(capsys, db, "claim", "answer", "C-CN-2")  # answered, not applied
    assert answer["items"][0]["verdict"] == "infringing"
    alerts = run(capsys, db, "claims", "alerts", "--now", "2099-01-01T00:00:00+08:00")
    assert [a for a in alerts["alerts"] if a["claim"] == "C-CN-2" and a["kind"] == "takedown"] == []
    # Undo the plan's takedown: now the takedown is due again, and overdue.
    ids = [a["id"] for a in run(capsys, db, "takedown", "list", "--platform", "PF")["actions"]]
    run(capsys, db, "takedown", "undo", *ids, "--reason", "test")
    alerts = run(capsys, db, "claims", "alerts", "--now", "2099-01-01T00:00:00+08:00")
    due = [a for a in alerts["alerts"] if a["claim"] == "C-CN-2" and a["kind"] == "takedown"]
    assert len(due) == 1 and due[0]["state"] == "overdue"
