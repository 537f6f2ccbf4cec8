"""Two unrelated claimants with standing on one recording and territory, through the real CLI on both backends.

Harbour Records owns 潮汐 and licensed its master in China exclusively twice: to East Wave in 2014 (with its
other song 灯塔) and to West Coast in 2015. Both labels hold a licence there and then, neither from the other, so
both have standing (docs/enforcement.md). Streamly carries both songs without any licence. East Wave claims both
tracks, West Coast claims 潮汐: 潮汐 is a conflict for each claim (never taken down for either), 灯塔 comes down
for East Wave; the conflict shows in `claim show` and in `claims alerts` until West Coast withdraws, after which
East Wave's claim, answered again, takes 潮汐 down.
"""

from __future__ import annotations

import json

import pytest

from clirun import songclear

FILES = {
    "parties.csv": """\
id,name,kind
L-HARBOUR,Harbour Records,label
L-EAST,East Wave Music,label
L-WEST,West Coast Records,label
streamly,Streamly,platform
""",
    "recordings.csv": """\
isrc,title,artists,owner
CN-H01-14-00001,潮汐,Lin Hai,L-HARBOUR
CN-H01-14-00002,灯塔,Lin Hai,L-HARBOUR
""",
    "grants.csv": """\
id,licensor,licensee,rights,scope,recordings,uses,territories,start,end,exclusive,issued
G-EAST,L-HARBOUR,L-EAST,master,listed,CN-H01-14-00001;CN-H01-14-00002,Stream,CN,2014-01-01,2016-12-31,true,2014-01-01
G-WEST,L-HARBOUR,L-WEST,master,listed,CN-H01-14-00001,Stream,CN,2015-03-01,2017-02-28,true,2015-03-01
""",
    "library.csv": """\
platform,track_id,title,artist,isrc
streamly,s-1,潮汐,Lin Hai,CN-H01-14-00001
streamly,s-2,灯塔,Lin Hai,CN-H01-14-00002
""",
}
KINDS = {
    "parties.csv": "parties",
    "recordings.csv": "recordings",
    "grants.csv": "grants",
    "library.csv": "library",
}
BASE = {"regime": "cn-ndr", "platform": "streamly", "contact": "legal@example.cn", "address": "Beijing",
        "evidence": ["shot.png"], "territory": "CN"}  # fmt: skip
EAST = BASE | {"id": "C-EAST", "claimant": "L-EAST", "received_at": "2015-11-16T10:00:00+08:00",
               "recordings": ["CN-H01-14-00001", "CN-H01-14-00002"], "items": ["s-1", "s-2"]}  # fmt: skip
WEST = BASE | {"id": "C-WEST", "claimant": "L-WEST", "received_at": "2015-11-16T11:00:00+08:00",
               "recordings": ["CN-H01-14-00001"], "items": ["s-1"]}  # fmt: skip


@pytest.fixture
def world(db_url, tmp_path, capsys):
    db = ("--db", db_url)
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = songclear(capsys, *db, "import", "table", tmp_path / name, "--kind", KINDS[name], "--json")
        assert r.code == 0, r.err
    (tmp_path / "shot.png").write_bytes(b"\x89PNG streamly plays it")
    for claim in (EAST, WEST):
        path = tmp_path / f"{claim['id']}.json"
        path.write_text(json.dumps(claim, ensure_ascii=False), encoding="utf-8")
        added = songclear(capsys, *db, "claim", "add", path, "--json")
        assert added.code == 0 and added.json()["complete"], added.out + added.err
    return db


def _down(capsys, db) -> list[str]:
    listed = songclear(capsys, *db, "takedown", "list", "--platform", "streamly", "--json").json()["actions"]
    return sorted(a["track"] for a in listed)


def _alerts(capsys, db) -> list[tuple]:
    r = songclear(capsys, *db, "claims", "alerts", "--now", "2015-11-16T12:00:00+08:00", "--json").json()
    return [(a["claim"], a["kind"], a["state"]) for a in r["alerts"]]


def test_rival_claimants_are_a_conflict_until_one_withdraws(world, capsys):
    db = world
    east = songclear(capsys, *db, "claim", "answer", "C-EAST", "--apply", "--json").json()
    items = {i["item"]: i for i in east["items"]}
    assert east["outcome"] == "answered" and east["conflicts"] == ["C-WEST"]
    assert items["streamly/s-1"]["verdict"] == "conflict" and "C-WEST" in items["streamly/s-1"]["detail"]
    assert (
        items["streamly/s-1"]["action"] is None
    )  # no silent winner: nothing executed on the contested track
    assert items["streamly/s-2"]["verdict"] == "infringing"  # the uncontested one goes ahead
    assert east["applied"]["restricted"] == ["streamly/s-2"]  # blocked in the claim's territory

    west = songclear(capsys, *db, "claim", "answer", "C-WEST", "--apply", "--json").json()
    assert west["conflicts"] == ["C-EAST"] and [i["verdict"] for i in west["items"]] == ["conflict"]
    assert west["applied"] is None and _down(capsys, db) == ["streamly/s-2"]

    # Where the compliance team sees it: the case and the alerts (due with the regime's 24 h takedown clock).
    shown = songclear(capsys, *db, "claim", "show", "C-WEST", "--json").json()
    assert shown["state"] == "conflict" and shown["rivals"] == ["C-EAST"]
    assert shown["conflict_items"] == ["streamly/s-1"] and shown["withdrawn"] is None
    assert [s["step"] for s in shown["steps"]] == ["answered"]
    assert songclear(capsys, *db, "claim", "show", "C-EAST", "--json").json()["state"] == "conflict"
    assert _alerts(capsys, db) == [("C-EAST", "conflict", "due"), ("C-WEST", "conflict", "due")]
    text = songclear(capsys, *db, "claims", "alerts", "--now", "2015-11-17T12:00:00+08:00").out
    assert "overdue conflict C-EAST" in text and "claimed also by C-WEST" in text

    # West Coast withdraws (settled): the conflict ends, East Wave's claim answered again takes 潮汐 down.
    assert songclear(capsys, *db, "claim", "withdraw", "C-WEST", "--reason", "").code == 2
    out = songclear(
        capsys,
        *db,
        "claim",
        "withdraw",
        "C-WEST",
        "--reason",
        "settled: East Wave's licence came first",
        "--json",
    ).json()
    assert out["claim"] == "C-WEST" and out["lifted"] == []
    assert songclear(capsys, *db, "claim", "withdraw", "C-WEST", "--reason", "again").code == 2
    assert _alerts(capsys, db) == [("C-EAST", "conflict", "due")]  # stale: it must be answered again
    again = songclear(capsys, *db, "claim", "answer", "C-EAST", "--apply", "--json").json()
    assert again["conflicts"] == [] and {i["item"]: i["verdict"] for i in again["items"]} == {
        "streamly/s-1": "infringing", "streamly/s-2": "infringing"}  # fmt: skip
    assert again["applied"]["restricted"] == ["streamly/s-1"]
    assert _down(capsys, db) == ["streamly/s-1", "streamly/s-2"] and _alerts(capsys, db) == []

    refused = songclear(capsys, *db, "claim", "answer", "C-WEST", "--json")
    assert refused.code == 2 and "withdrawn" in refused.json()["error"]["message"]
    west_now = songclear(capsys, *db, "claim", "show", "C-WEST", "--json").json()
    assert west_now["state"] == "withdrawn" and west_now["withdrawn"]["reason"].startswith("settled")
    assert songclear(capsys, *db, "claim", "show", "C-EAST", "--json").json()["state"] == "taken-down"
    log = songclear(capsys, *db, "log", "show", "--limit", "1000", "--json").json()["entries"]
    assert [e["subject"] for e in log if e["action"] == "claim-withdrawn"] == ["C-WEST"]
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]


def test_withdrawing_a_claim_lifts_its_takedowns(world, capsys):
    db = world
    songclear(capsys, *db, "claim", "answer", "C-EAST", "--apply")
    assert _down(capsys, db) == ["streamly/s-2"]
    out = songclear(capsys, *db, "claim", "withdraw", "C-EAST", "--reason", "sent in error", "--json").json()
    assert len(out["lifted"]) == 1 and out["reinstated"] == ["streamly/s-2"]
    assert _down(capsys, db) == []
    # With East Wave's claim gone, West Coast's claim on 潮汐 has no rival left: it is judged like any claim.
    west = songclear(capsys, *db, "claim", "answer", "C-WEST", "--json").json()
    assert west["conflicts"] == [] and [i["verdict"] for i in west["items"]] == ["infringing"]
