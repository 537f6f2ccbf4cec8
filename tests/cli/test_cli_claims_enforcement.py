"""Claims, counter-notices, restore, alerts, claimant statistics and exposure through the real CLI, on both
backends, on the demo world (Kuwo has Jade Dragon's 月光码头 licensed, its 北方来信 not)."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from clirun import songclear

JADE = {
    "id": "C-JADE-1", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "kuwo",
    "received_at": "2015-11-16T10:00:00+08:00", "contact": "legal@jade.example", "address": "1 Jade Road, Beijing",
    "recordings": ["CN-J01-14-00005", "CN-J01-14-00001"], "items": ["kw-003", "kw-001"], "evidence": ["shot.png"],
}  # fmt: skip
COUNTER = {
    "id": "CN-1", "respondent": "uploader-77", "received_at": "2015-11-18T09:00:00+08:00", "contact": "u@example",
    "address": "Shanghai", "items": ["kuwo/kw-003"], "evidence": ["shot.png"],
}  # fmt: skip


@pytest.fixture
def world(db_url, tmp_path, capsys):
    db = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    assert (
        songclear(
            capsys, *db, "demo", "--no-audio", "--no-enforcement", "--out", tmp_path / "out", "--json"
        ).code
        == 0
    )
    (tmp_path / "shot.png").write_bytes(b"\x89PNG evidence of kw-003 streaming")
    return db, tmp_path


def _file(tmp_path, name: str, value: dict):
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def _kuwo_live(capsys, db) -> list[str]:
    listed = songclear(capsys, *db, "takedown", "list", "--platform", "kuwo", "--json").json()["actions"]
    return sorted(a["track"] for a in listed)


def test_claim_answer_counter_restore_and_the_renotify_bar(world, capsys):
    db, tmp = world
    added = songclear(capsys, *db, "claim", "add", _file(tmp, "c1.json", JADE), "--json").json()
    assert added["complete"] and added["new"]
    sha = hashlib.sha256((tmp / "shot.png").read_bytes()).hexdigest()
    assert added["claim"]["evidence"] == [sha] and added["claim"]["recordings"][0] == "CNJ011400005"
    again = songclear(capsys, *db, "claim", "add", tmp / "c1.json", "--json").json()
    assert not again["new"]  # the same claim twice is one claim

    ans = songclear(capsys, *db, "claim", "answer", "C-JADE-1", "--apply", "--json").json()
    items = {i["item"]: i for i in ans["items"]}
    assert items["kuwo/kw-003"]["verdict"] == "infringing"
    assert items["kuwo/kw-003"]["due"]["due"] == "2015-11-17T10:00:00+08:00"  # 24 h after receipt
    assert items["kuwo/kw-001"]["verdict"] == "licensed" and items["kuwo/kw-001"]["proof"] == [
        ["G-JADE-KUWO"]
    ]
    assert ans["applied"]["taken_down"] == ["kuwo/kw-003"] and _kuwo_live(capsys, db) == ["kuwo/kw-003"]

    # No counter-notice yet: restoring is refused and changes nothing.
    r = songclear(capsys, *db, "claim", "restore", "C-JADE-1", "--json")
    assert r.code == 2 and "no valid counter-notice" in r.json()["error"]["message"]
    bad = songclear(capsys, *db, "claim", "counter", "C-JADE-1",
                    _file(tmp, "bad.json", COUNTER | {"id": "CN-0", "address": ""}), "--json").json()  # fmt: skip
    assert not bad["valid"] and bad["missing"] == ["address: required under cn-ndr"] and bad["window"] is None
    good = songclear(
        capsys, *db, "claim", "counter", "C-JADE-1", _file(tmp, "cn.json", COUNTER), "--json"
    ).json()
    assert good["valid"] and good["window"]["latest"] == "2015-11-19T09:00:00+08:00"
    alerts = songclear(capsys, *db, "claims", "alerts", "--now", "2015-11-18T12:00:00+08:00", "--json").json()
    assert [(a["claim"], a["kind"], a["state"]) for a in alerts["alerts"]] == [("C-JADE-1", "restore", "due")]
    done = songclear(capsys, *db, "claim", "restore", "C-JADE-1", "--json").json()
    assert done["reinstated"] == ["kuwo/kw-003"] and _kuwo_live(capsys, db) == []

    # cn-ndr: after a valid counter-notice the claimant may not notify the same work again.
    second = JADE | {"id": "C-JADE-2", "received_at": "2015-11-20T10:00:00+08:00", "items": ["kw-003"]}
    songclear(capsys, *db, "claim", "add", _file(tmp, "c2.json", second))
    refused = songclear(capsys, *db, "claim", "answer", "C-JADE-2", "--apply", "--json").json()
    assert [i["verdict"] for i in refused["items"]] == ["refused"] and refused["applied"] is None
    actions = [
        e["action"]
        for e in songclear(capsys, *db, "log", "show", "--limit", "1000", "--json").json()["entries"]
    ]
    for step in ("claim-received", "claim-answered", "takedown", "claim-counter", "claim-restore"):
        assert step in actions
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]


def test_incomplete_false_claimant_suit_alerts_and_claimants(world, capsys):
    db, tmp = world
    inc = {"id": "C-INC", "regime": "us-dmca", "claimant": "L-JADE", "platform": "kuwo",
           "received_at": "2015-11-16T11:00:00+08:00", "recordings": ["CN-J01-14-00005"], "items": ["kw-003"]}  # fmt: skip
    added = songclear(capsys, *db, "claim", "add", _file(tmp, "inc.json", inc), "--json").json()
    assert not added["complete"] and "signature: required under us-dmca" in added["missing"]
    ans = songclear(capsys, *db, "claim", "answer", "C-INC", "--apply", "--json").json()
    assert ans["outcome"] == "incomplete" and ans["items"] == [] and _kuwo_live(capsys, db) == []

    false = JADE | {
        "id": "C-FAKE",
        "claimant": "L-HARBOUR",
        "recordings": ["CN-J01-14-00001"],
        "items": ["kw-001"],
    }
    songclear(capsys, *db, "claim", "add", _file(tmp, "fake.json", false))
    refused = songclear(capsys, *db, "claim", "answer", "C-FAKE", "--apply", "--json").json()
    assert refused["outcome"] == "false_claimant" and "CNJ011400001" in refused["refused_subjects"][0]

    # An answered, not yet applied claim is due, then overdue; a suit under the E-Commerce Law stops the restore.
    eco = JADE | {"id": "C-ECO", "regime": "cn-ecommerce", "identity": "营业执照 110000", "items": ["kw-003"]}
    songclear(capsys, *db, "claim", "add", _file(tmp, "eco.json", eco))
    songclear(capsys, *db, "claim", "answer", "C-ECO")
    due = songclear(capsys, *db, "claims", "alerts", "--now", "2015-11-16T20:00:00+08:00", "--json").json()
    assert [(a["claim"], a["state"]) for a in due["alerts"]] == [("C-ECO", "due")]
    late = songclear(capsys, *db, "claims", "alerts", "--now", "2015-11-18T00:00:00+08:00", "--json").json()
    assert [(a["claim"], a["kind"], a["state"]) for a in late["alerts"]] == [("C-ECO", "takedown", "overdue")]
    songclear(capsys, *db, "claim", "answer", "C-ECO", "--apply")
    counter = COUNTER | {"identity": "身份证 3101"}
    assert songclear(
        capsys, *db, "claim", "counter", "C-ECO", _file(tmp, "cn.json", counter), "--json"
    ).json()["valid"]
    suit = songclear(
        capsys, *db, "claim", "suit", "C-ECO", "--at", "2015-11-25T00:00:00+08:00", "--json"
    ).json()
    assert suit["suit_reported_at"].startswith("2015-11-25")
    r = songclear(capsys, *db, "claim", "restore", "C-ECO", "--json")
    assert (
        r.code == 2 and "suit" in r.json()["error"]["message"] and _kuwo_live(capsys, db) == ["kuwo/kw-003"]
    )

    stats = songclear(capsys, *db, "claims", "claimants", "--min-items", "1", "--json").json()["claimants"]
    harbour = next(s for s in stats if s["claimant"] == "L-HARBOUR")
    assert harbour["rejected"] == 1 and harbour["flagged"]
    jade = next(s for s in stats if s["claimant"] == "L-JADE")
    assert jade["incomplete"] == 1 and jade["infringing"] == 1 and not jade["flagged"]
    bad = songclear(capsys, *db, "claim", "add", _file(tmp, "bad.json", JADE | {"colour": "red"}))
    assert bad.code == 2 and "$.colour" in bad.err
    assert songclear(capsys, *db, "claim", "answer", "C-NOPE").code == 3


def test_exposure_per_track_and_licensor_with_csv(world, capsys):
    db, tmp = world
    args = ("exposure", "--platform", "netease", "--from", "2015-07-01", "--to", "2015-12-01")
    out = songclear(capsys, *db, *args, "--csv", tmp / "exp.csv", "--json").json()
    rows = {r["track"]: r for r in out["tracks"]}
    assert "netease/ne-001" in rows  # 月光码头: uncleared from the end of the buffer until the sublicence
    assert rows["netease/ne-007"]["days"] == "153" and rows["netease/ne-007"]["licensor"] == "L-HARBOUR"
    assert rows["netease/ne-007"]["amount"] == "2600.00"  # 260 000 plays over the whole period x 0.01
    assert out["by_licensor"]["L-HARBOUR"] == "2600.00" and out["by_platform"]["netease"] == out["total"]
    with (tmp / "exp.csv").open(encoding="utf-8") as f:
        assert [r["track"] for r in csv.DictReader(f)] == [r["track"] for r in out["tracks"]]
    # Weekly steps: coarser days, the same tracks.
    weekly = songclear(capsys, *db, *args, "--step-days", "7", "--json").json()
    assert {r["track"] for r in weekly["tracks"]} == set(rows)
    assert songclear(capsys, *db, *args[:-2], "--to", "2015-07-01").code == 2
