"""Claims, counter-notices, restore, alerts, claimant statistics and exposure through the real CLI, on both
backends, on the demo world (Kuwo has Jade Dragon's 月光码头 licensed, its 北方来信 not)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

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
    # The claim speaks for China: the track is blocked there (a geo-block of CN), not removed everywhere.
    assert ans["applied"]["restricted"] == ["kuwo/kw-003"] and ans["applied"]["taken_down"] == []
    assert [(a["kind"], a["territories"]) for a in ans["applied"]["applied"]] == [("geo_block", ["CN"])]
    assert _kuwo_live(capsys, db) == ["kuwo/kw-003"]

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
    assert out["currency"] == "CNY" and out["terms"]["step"] == "daily"
    assert out["terms"]["period"].startswith("2015-07-01..2015-12-01 (to exclusive, 153 days")
    assert songclear(capsys, *db, *args[:-2], "--to", "2015-07-01").code == 2
    assert songclear(capsys, *db, *args, "--currency", "yuan").code == 2
    usd = songclear(capsys, *db, *args, "--currency", "usd", "--json").json()
    assert usd["currency"] == "USD" and "0.01 USD per estimated play" in usd["terms"]["rate"]


def test_exposure_counts_exactly_the_days_a_daily_audit_finds(world, capsys):
    """The breakpoint shortcut against the plain reference: decide the whole library on every day."""
    from datetime import date, timedelta

    from songclear.app.audit import audit_library, make_query
    from songclear.app.exposure import exposure_report
    from songclear.app.identities import identity_resolver
    from songclear.domain.enforcement.exposure import UNLICENSED
    from songclear.store.database import Database
    from songclear.store.repository import LedgerRepository

    db, _ = world
    database = Database.open(db[1])
    start, end = date(2015, 7, 1), date(2015, 12, 1)
    for platform in ("netease", "qq", "kuwo"):
        with database.session() as s:
            repo = LedgerRepository(s)
            ledger, tracks = repo.load_ledger(), list(repo.iter_tracks(platform))
            resolve = identity_resolver(repo, platform, None)
            expected: dict[str, int] = {}
            day = start
            while day < end:
                for d in audit_library(tracks, ledger, make_query(day), resolve=resolve):
                    if d.status in UNLICENSED:
                        expected[d.track] = expected.get(d.track, 0) + 1
                day += timedelta(days=1)
        got = exposure_report(database, platform=platform, start=start, end=end)
        assert {t.track: t.days for t in got.tracks} == expected, platform
    database.engine.dispose()


def test_the_regulator_report_states_the_exposure_the_command_computes(world, capsys):
    db, tmp = world
    r = songclear(
        capsys, *db, "report", "regulator", "--platform", "netease", "--notice", "NCAC-2015-07",
        "--at", "2015-11-15", "--out", tmp / "rep", "--formats", "html,csv", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    (csv_path,) = (p for p in r.json()["written"] if p.endswith("-exposure.csv"))
    with open(csv_path, encoding="utf-8") as f:
        in_report = {row["track"]: (row["days"], row["amount"]) for row in csv.DictReader(f)}
    command = songclear(
        capsys,
        *db,
        "exposure",
        "--platform",
        "netease",
        "--from",
        "2015-07-08",
        "--to",
        "2015-11-15",
        "--json",
    ).json()
    assert in_report == {t["track"]: (t["days"], t["amount"]) for t in command["tracks"]}
    assert in_report  # something to compare
    (html_path,) = (p for p in r.json()["written"] if p.endswith(".html"))
    html = Path(html_path).read_text(encoding="utf-8")
    assert f'<dd id="exposure-total">{command["total"]} CNY</dd>' in html
    assert "<dt>Step</dt><dd>daily</dd>" in html and command["terms"]["rate"] in html


def test_a_label_claims_from_its_own_catalogue_by_isrc(world, capsys):
    """Issue 13 item 2 from the command line: Jade Dragon names its recording, never Kuwo's track id; what is
    not its own, or not on the platform, is refused with the reason and nothing is stored."""
    db, tmp_path = world
    mine = {k: v for k, v in JADE.items() if k not in ("items", "claimant", "received_at")}
    mine |= {"id": "C-JADE-OWN", "recordings": ["CN-J01-14-00005"]}
    r = songclear(capsys, *db, "claim", "add", _file(tmp_path, "own.json", mine), "--from-catalogue", "L-JADE",
                  "--json")  # fmt: skip
    assert r.code == 0, r.err
    body = r.json()
    assert body["items_filled"] == ["kw-003"] and body["claim"]["items"] == ["kw-003"]
    assert body["claim"]["claimant"] == "L-JADE" and body["complete"]
    text = songclear(capsys, *db, "claim", "show", "C-JADE-OWN").out
    assert "kw-003" in text
    for bad, reason in (
        ({"recordings": ["CN-S01-13-00002"]}, "not a recording of L-JADE"),
        ({"items": ["kw-001"]}, "its items are filled in"),
        ({"recordings": [], "works": []}, "name at least one"),
    ):
        claim = mine | {"id": "C-JADE-BAD"} | bad
        r = songclear(capsys, *db, "claim", "add", _file(tmp_path, "bad.json", claim), "--from-catalogue",
                      "L-JADE", "--json")  # fmt: skip
        assert r.code == 2 and reason in r.out + r.err, (bad, r.out, r.err)
    assert songclear(capsys, *db, "claim", "show", "C-JADE-BAD", "--json").code != 0
