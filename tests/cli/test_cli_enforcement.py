"""Takedowns, reinstatement and re-audit through the real CLI, on both backends, on the demo world."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import songclear.app.enforcement as enforcement
from clirun import songclear

NEW_GRANT = """\
id,licensor,licensee,rights,scope,recordings,works,uses,commercial_models,territories,start,end,tz,exclusive,sublicensable,parent,issued
G-SILK-NETEASE-2,L-SILK,netease,master,catalogue,,,Stream,,CN,2015-11-01,2016-10-31,Asia/Shanghai,false,false,,2015-11-20
"""


@pytest.fixture
def db(db_url, tmp_path, capsys):
    args = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    assert (
        songclear(
            capsys, *args, "demo", "--no-audio", "--no-enforcement", "--out", tmp_path / "out", "--json"
        ).code
        == 0
    )
    return args


def _plan(capsys, db, *extra) -> dict:
    r = songclear(
        capsys, *db, "takedown", "plan", "--platform", "netease", "--at", "2015-11-15", *extra, "--json"
    )
    assert r.code == 0, r.err
    return r.json()


def _log_entries(capsys, db) -> list[dict]:
    return songclear(capsys, *db, "log", "show", "--limit", "10000", "--json").json()["entries"]


def _availability(capsys, db, key: str) -> str:
    return songclear(capsys, *db, "explain", "--track", key, "--at", "2015-11-15", "--json").json()[
        "availability"
    ]


def test_plan_apply_twice_list_undo(db, capsys):
    plan = _plan(capsys, db)
    tracks = [a["track"] for a in plan["actions"]]
    assert plan["status"] == "planned" and "netease/ne-004" in tracks and "netease/ne-001" not in tracks
    ne004 = next(a for a in plan["actions"] if a["track"] == "netease/ne-004")
    assert ne004["reason"]["grants"] == ["G-SILK-NETEASE"] and ne004["reason"]["codes"] == ["ended"]
    assert _availability(capsys, db, "netease/ne-004") == "live"  # planned is not applied

    first = songclear(capsys, *db, "takedown", "apply", plan["plan"], "--json").json()
    assert len(first["applied"]) == len(tracks) and sorted(first["taken_down"]) == sorted(tracks)
    n_log = len(_log_entries(capsys, db))
    second = songclear(capsys, *db, "takedown", "apply", plan["plan"], "--json").json()
    assert second["applied"] == [] and len(second["skipped"]) == len(tracks)
    assert len(_log_entries(capsys, db)) == n_log  # nothing happened, nothing logged
    assert _availability(capsys, db, "netease/ne-004") == "taken_down"
    # A plan made again finds nothing live to take down.
    assert _plan(capsys, db)["actions"] == []

    listed = songclear(capsys, *db, "takedown", "list", "--platform", "netease", "--json").json()["actions"]
    assert sorted(a["track"] for a in listed) == sorted(tracks)
    assert all(a["undone"] is None and a["plan"] == plan["plan"] for a in listed)

    r = songclear(capsys, *db, "takedown", "undo", ne004["id"], "--reason", "takedown in error", "--json")
    assert r.code == 0 and r.json()["reinstated"] == ["netease/ne-004"]
    assert _availability(capsys, db, "netease/ne-004") == "live"
    again = songclear(capsys, *db, "takedown", "undo", ne004["id"], "--reason", "twice", "--json").json()
    assert again["undone"] == []  # undoing twice is undoing once
    left = songclear(capsys, *db, "takedown", "list", "--platform", "netease", "--json").json()["actions"]
    assert "netease/ne-004" not in [a["track"] for a in left] and len(left) == len(tracks) - 1
    assert songclear(capsys, *db, "takedown", "undo", "td-nope", "--reason", "x").code == 3
    actions = [e["action"] for e in _log_entries(capsys, db)]
    assert actions.count("takedown") == len(tracks) and actions.count("takedown-undo") == 1
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]


def test_a_failure_mid_apply_rolls_everything_back(db, capsys, monkeypatch):
    plan = _plan(capsys, db)
    n_log = len(_log_entries(capsys, db))
    real, calls = enforcement.log_event, []

    def crash_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(enforcement, "log_event", crash_on_third)
    assert songclear(capsys, *db, "takedown", "apply", plan["plan"], "--json").code == 1
    monkeypatch.setattr(enforcement, "log_event", real)
    assert (
        songclear(capsys, *db, "takedown", "list", "--platform", "netease", "--json").json()["actions"] == []
    )
    assert _availability(capsys, db, "netease/ne-004") == "live"
    assert len(_log_entries(capsys, db)) == n_log
    done = songclear(capsys, *db, "takedown", "apply", plan["plan"], "--json").json()
    assert len(done["applied"]) == len(plan["actions"])  # the retry applies the whole plan once
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]


def test_geo_block_and_disable_use_leave_the_track_live(db, capsys):
    geo = _plan(capsys, db, "--geo-block", "CN")
    assert geo["actions"] and {a["kind"] for a in geo["actions"]} == {"geo_block"}
    assert all(a["territories"] == ["CN"] for a in geo["actions"])
    songclear(capsys, *db, "takedown", "apply", geo["plan"])
    assert _availability(capsys, db, geo["actions"][0]["track"]) == "live"
    dl = _plan(capsys, db, "--disable-use", "PermanentDownload")
    assert dl["actions"] and all(
        a["kind"] == "disable_use" and a["use"] == "PermanentDownload" for a in dl["actions"]
    )
    assert songclear(capsys, *db, "takedown", "plan", "--platform", "netease", "--at", "2015-11-15",
                     "--geo-block", "CN", "--disable-use", "PermanentDownload").code == 2  # fmt: skip


def test_reinstate_after_a_new_grant_and_reaudit(db, capsys, tmp_path):
    plan = _plan(capsys, db)
    songclear(capsys, *db, "takedown", "apply", plan["plan"])
    before = songclear(
        capsys, *db, "reinstate", "--platform", "netease", "--at", "2015-11-15", "--json"
    ).json()
    assert before["candidates"] == []
    since = datetime.now(UTC).isoformat()
    grant = tmp_path / "new_grant.csv"
    grant.write_text(NEW_GRANT, encoding="utf-8")
    assert songclear(capsys, *db, "import", "table", grant, "--kind", "grants").code == 0

    changed = songclear(
        capsys, *db, "reaudit", "--platform", "netease", "--at", "2015-11-15", "--since", since, "--json"
    ).json()
    assert changed["grants"] == ["G-SILK-NETEASE-2"]
    moved = {c["track"]: c for c in changed["changes"]}
    assert moved["netease/ne-004"]["before"] == "uncleared" and moved["netease/ne-004"]["after"] == "cleared"
    assert moved["netease/ne-004"]["because"] == ["G-SILK-NETEASE-2"] and "netease/ne-007" not in moved

    listed = songclear(
        capsys, *db, "reinstate", "--platform", "netease", "--at", "2015-11-15", "--json"
    ).json()
    cands = {c["track"]: c for c in listed["candidates"]}
    assert {"netease/ne-004", "netease/ne-005"} <= set(cands) and "netease/ne-007" not in cands
    assert ["G-SILK-NETEASE-2"] in cands["netease/ne-004"]["chains"] and cands["netease/ne-004"][
        "before"
    ] == "uncleared"
    assert listed["reinstated"] == [] and _availability(capsys, db, "netease/ne-004") == "taken_down"

    done = songclear(
        capsys, *db, "reinstate", "--platform", "netease", "--at", "2015-11-15", "--apply", "--json"
    ).json()
    assert (
        sorted(done["reinstated"]) == sorted(cands) and _availability(capsys, db, "netease/ne-004") == "live"
    )
    after = songclear(
        capsys, *db, "reinstate", "--platform", "netease", "--at", "2015-11-15", "--json"
    ).json()
    assert after["candidates"] == []
    assert [e["action"] for e in _log_entries(capsys, db)].count("reinstate") == len(cands)
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]
