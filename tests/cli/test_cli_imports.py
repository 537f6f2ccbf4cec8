"""Imports through the CLI: warnings are reported, JSON tables equal CSV tables, several files apply in order."""

from __future__ import annotations

import json

from clirun import songclear


def test_a_malformed_library_isrc_is_a_warning_and_the_track_stays_unidentified(db_url, tmp_path, capsys):
    lib = tmp_path / "library.csv"
    lib.write_text(
        "platform,track_id,title,artist,isrc\npf,t1,晴天,周杰伦,CN-A01-15-0000X\n", encoding="utf-8"
    )
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name,kind\npf,Platform,platform\n", encoding="utf-8")
    r = songclear(capsys, "--db", db_url, "import", "table", parties, lib, "--json")
    assert r.code == 0, r.err
    notes = r.json()["imports"][1]["notes"]
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


def test_recorded_at_may_neither_go_back_nor_into_the_future(db_url, tmp_path, capsys):
    # Issue 10, item 11: `--recorded-at` in the past added facts "known" before answers already given, and 2099
    # was accepted.
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name,kind\nL1,Label,label\n", encoding="utf-8")
    works = tmp_path / "works.csv"
    works.write_text("id,title\nW1,Song\n", encoding="utf-8")
    ok = songclear(
        capsys, "--db", db_url, "import", "table", parties, "--recorded-at", "2015-08-01", "--json"
    )
    assert ok.code == 0 and ok.json()["imports"][0]["recorded_at"] == "2015-08-01T00:00:00+00:00"
    back = songclear(capsys, "--db", db_url, "import", "table", works, "--recorded-at", "2015-07-01")
    assert back.code == 2 and "works.csv" in back.err and "earlier than the newest entry" in back.err
    future = songclear(capsys, "--db", db_url, "import", "table", works, "--recorded-at", "2099-01-01")
    assert future.code == 2 and "in the future" in future.err
    now = songclear(capsys, "--db", db_url, "import", "table", works, "--json")  # default: now, accepted
    assert now.code == 0 and now.json()["imports"][0]["added"] == 1
    assert songclear(capsys, "--db", db_url, "log", "verify", "--json").json()["entries"] == 2


def test_log_verify_fails_on_entries_out_of_time_order(db_url, tmp_path, capsys):
    # Written around the store's checks (as a backdated import did before the fix): every hash is intact.
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from songclear.domain.enforcement.auditlog import append
    from songclear.store import Database
    from songclear.store import tables as t
    from songclear.store.auditlog import AuditLog

    with Database.open(db_url) as db, db.session(write=True) as session:
        head = AuditLog(session).append(
            at=datetime(2015, 8, 1, tzinfo=UTC), actor="a", action="import", subject="x"
        )
        e = append(head, at=datetime(2015, 7, 1, tzinfo=UTC), actor="b", action="import", subject="y")
        session.execute(
            insert(t.audit_log).values(
                seq=e.seq, at=e.at, actor=e.actor, action=e.action, subject=e.subject, payload=e.payload,
                prev_hash=e.prev_hash, hash=e.hash,
            )
        )  # fmt: skip
    r = songclear(capsys, "--db", db_url, "log", "verify", "--json")
    assert r.code == 4 and [p["kind"] for p in r.json()["problems"]] == ["time-order"]
