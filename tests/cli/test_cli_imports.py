"""Imports through the CLI: warnings are reported, JSON tables equal CSV tables, several files apply in order."""

from __future__ import annotations

import json

from clirun import songclear


def test_a_malformed_library_isrc_is_a_warning_and_the_track_stays_unidentified(db_url, tmp_path, capsys):
    lib = tmp_path / "library.csv"
    lib.write_text(
        "platform,track_id,title,artist,isrc\npf,t1,晴天,周杰伦,CN-A01-15-0000X\n", encoding="utf-8"
    )
    r = songclear(capsys, "--db", db_url, "import", "table", lib, "--json")
    assert r.code == 0, r.err
    notes = r.json()["imports"][0]["notes"]
    assert len(notes) == 1 and "line 2" in notes[0] and "isrc" in notes[0]
    d = songclear(
        capsys, "--db", db_url, "explain", "--track", "pf/t1", "--at", "2015-08-01", "--json"
    ).json()
    assert d["status"] == "uncleared" and d["reasons"][0]["code"] == "unidentified"


def test_json_tables_import_like_csv(db_url, tmp_path, capsys):
    rows = [{"id": "L1", "name": "Label", "kind": "label", "aliases": ["Label One", "标签"]}]
    f = tmp_path / "parties.json"
    f.write_text(json.dumps({"kind": "parties", "rows": rows}, ensure_ascii=False), encoding="utf-8")
    r = songclear(capsys, "--db", db_url, "import", "table", f, "--json")
    assert r.code == 0, r.err
    assert r.json()["imports"][0]["added"] == 1
    assert songclear(capsys, "--db", db_url, "ledger", "stats", "--json").json()["parties"] == 1


def test_files_apply_in_order_and_a_later_bad_file_keeps_earlier_ones(db_url, tmp_path, capsys):
    good = tmp_path / "parties.csv"
    good.write_text("id,name,kind\nL1,Label,label\n", encoding="utf-8")
    bad = tmp_path / "recordings.csv"
    bad.write_text("isrc,title,owner\nNOT-AN-ISRC,Song,L1\n", encoding="utf-8")
    r = songclear(capsys, "--db", db_url, "import", "table", good, bad)
    assert r.code == 2 and "recordings.csv" in r.err and "line 2" in r.err
    stats = songclear(capsys, "--db", db_url, "ledger", "stats", "--json").json()
    assert (stats["parties"], stats["recordings"]) == (1, 0)
