"""An audit tells what a stop notice would remove from the *live* library: tracks the platform has already taken
down are counted apart, in the JSON, the CSVs, the HTML report and the text."""

from __future__ import annotations

import csv

from clirun import import_world, songclear

WORLD = {
    "parties.csv": "id,name,kind\nL1,Label,label\nPF,Platform,platform\n",
    "recordings.csv": "isrc,title,owner\nCNA011500001,one,L1\nCNA011500002,two,L1\nCNA011500003,three,L1\n",
    "grants.csv": (
        "id,licensor,licensee,rights,scope,recordings,uses,territories,start,end\n"
        "G1,L1,PF,master,listed,CNA011500001,Stream,CN,2015-01-01,2016-12-31\n"
    ),
    # t2 and t3 are unlicensed; t3 (and the licensed t1b) the platform has already taken down.
    "library.csv": (
        "platform,track_id,title,isrc,availability\n"
        "PF,t1,one,CNA011500001,live\nPF,t1b,one again,CNA011500001,taken_down\n"
        "PF,t2,two,CNA011500002,live\nPF,t3,three,CNA011500003,taken_down\n"
    ),
}


def test_the_audit_counts_live_removals_apart_from_tracks_already_down(db_url, tmp_path, capsys):
    db = import_world(capsys, db_url, tmp_path, WORLD)
    out_csv, out_html = tmp_path / "audit.csv", tmp_path / "audit.html"
    r = songclear(
        capsys, *db, "audit", "--platform", "PF", "--at", "2015-08-01", "--json", "--decisions",
        "--csv", out_csv, "--html", out_html,
    )  # fmt: skip
    assert r.code == 0, r.err
    report = r.json()
    s = report["summary"]
    assert s["counts"]["uncleared"] == 2 and s["total"] == 4
    assert (s["live"], s["taken_down"], s["already_down_count"], s["takedown_count"]) == (2, 2, 1, 1)
    assert s["removal_share"] == 0.5  # one of the two live tracks
    assert [t["track"] for t in report["takedown"]] == ["PF/t2"]
    assert report["already_down"] == ["PF/t3"]
    assert {d["track"]: d["availability"] for d in report["decisions"]}["PF/t3"] == "taken_down"

    with out_csv.open(encoding="utf-8", newline="") as f:
        rows = {row["track_id"]: row for row in csv.DictReader(f)}
    assert rows["t3"]["availability"] == "taken_down" and rows["t2"]["availability"] == "live"
    summary_csv = out_csv.with_name("audit-summary.csv")
    with summary_csv.open(encoding="utf-8", newline="") as f:
        library = next(csv.DictReader(f))
    assert (library["removed"], library["live"], library["already_down"]) == ("1", "2", "1")
    assert library["removed_share"] == "0.500000"

    html = out_html.read_text(encoding="utf-8")
    assert '<span id="live-count">2</span>' in html
    assert '<strong id="removal-count">1</strong>' in html
    assert '<span id="already-down-count">1</span>' in html

    text = songclear(capsys, *db, "audit", "--platform", "PF", "--at", "2015-08-01").out
    assert "would remove 1 of the 2 live tracks" in " ".join(text.split())
    assert "PF/t3 three (already taken down)" in " ".join(text.split())


def test_a_track_imported_as_taken_down_has_no_exposure(db_url, tmp_path, capsys):
    db = import_world(capsys, db_url, tmp_path, WORLD)
    r = songclear(
        capsys, *db, "exposure", "--platform", "PF", "--from", "2015-07-01", "--to", "2015-08-01", "--json"
    )
    assert r.code == 0, r.err
    days = {t["track"]: t["days"] for t in r.json()["tracks"]}
    assert days == {"PF/t2": "31"}  # t3 is as unlicensed as t2, but the platform had it down all along
    assert r.json()["total"] == "31.00"  # no play counts: 31 days x 1.00 CNY
