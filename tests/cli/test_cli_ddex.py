"""DDEX ERN through the CLI: deals become grants the audit uses; takedown and purge end them with their own
reasons; test, duplicate and hostile messages change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import songclear

DATA = Path(__file__).resolve().parents[1] / "ingest" / "data" / "ddex"
PARTIES = ("--party", "PADPIDA2015000001L=L-TEST", "--party", "PADPIDA2015000002P=pf")
LIBRARY = """platform,track_id,title,artist,isrc
pf,t1,Song one,Artist,CNA011500001
pf,t2,Song two,Artist,CNA011500002
"""


@pytest.fixture
def db(db_url, tmp_path, capsys):
    lib = tmp_path / "library.csv"
    lib.write_text(LIBRARY, encoding="utf-8")
    parties = tmp_path / "parties.csv"  # the platform the library and the DDEX mapping name
    parties.write_text("id,name,kind\npf,Platform F,platform\n", encoding="utf-8")
    r = songclear(
        capsys, "--db", db_url, "import", "table", lib, parties, "--recorded-at", "2015-05-01", "--json"
    )  # parties first: a command imports its files in dependency order
    assert r.code == 0, r.err
    return ("--db", db_url)


def status(capsys, db, track, day, use="OnDemandStream"):
    r = songclear(capsys, *db, "explain", "--track", f"pf/{track}", "--at", day, "--use", use, "--json")
    assert r.code == 0, r.err
    return r.json()


def ddex(capsys, db, name, *extra):
    return songclear(capsys, *db, "import", "ddex", DATA / name, *PARTIES, *extra, "--json")


def test_deals_become_grants_and_a_takedown_ends_them(db, capsys):
    r = ddex(capsys, db, "ern382_new_release.xml", "--recorded-at", "2015-06-01T01:00:00Z")
    assert r.code == 0, r.err
    assert r.json()["imports"][0]["added"] > 0
    assert status(capsys, db, "t1", "2015-08-01")["status"] == "cleared"
    assert (
        status(capsys, db, "t1", "2015-08-01", use="Stream")["status"] == "uncleared"
    )  # only OnDemandStream dealt
    again = ddex(capsys, db, "ern382_new_release.xml").json()["imports"][0]
    assert again["already_imported"]

    r = ddex(capsys, db, "ern382_takedown.xml", "--recorded-at", "2015-08-01T01:00:00Z")
    assert r.code == 0, r.err
    after = status(capsys, db, "t1", "2015-08-20")
    assert after["status"] == "uncleared"
    assert "taken down" in after["reasons"][0]["message"]
    assert status(capsys, db, "t1", "2015-08-01")["status"] in ("cleared", "expiring")  # before the takedown

    # As known before the takedown arrived, 2015-08-20 was still cleared.
    r = songclear(
        capsys,
        *db,
        "explain",
        "--track",
        "pf/t1",
        "--at",
        "2015-08-20",
        "--use",
        "OnDemandStream",
        "--as-known-at",
        "2015-07-01",
        "--json",
    )
    assert r.json()["status"] in ("cleared", "expiring")


def test_a_purge_has_its_own_reason(db, capsys):
    assert ddex(capsys, db, "ern382_new_release.xml", "--recorded-at", "2015-06-01T01:00:00Z").code == 0
    r = ddex(capsys, db, "ern382_purge.xml", "--recorded-at", "2015-09-01T01:00:00Z")
    assert r.code == 0, r.err
    reason = status(capsys, db, "t1", "2015-09-10")["reasons"][0]
    assert reason["code"] == "grant-purged"


def test_a_test_message_changes_nothing(db, capsys):
    before = songclear(capsys, *db, "ledger", "stats", "--json").json()
    r = ddex(capsys, db, "ern382_test_message.xml")
    assert r.code == 0, r.err
    out = r.json()["imports"][0]
    assert out["added"] == 0 and any("test" in n.lower() for n in out["notes"])
    assert songclear(capsys, *db, "ledger", "stats", "--json").json() == before


def test_hostile_xml_is_refused_and_nothing_is_applied(db, tmp_path, capsys):
    before = songclear(capsys, *db, "ledger", "stats", "--json").json()
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        "<ern:NewReleaseMessage xmlns:ern='http://ddex.net/xml/ern/382'>&lol2;</ern:NewReleaseMessage>\n",
        encoding="utf-8",
    )
    r = songclear(capsys, *db, "import", "ddex", bomb, "--json")
    assert r.code == 2
    assert r.json()["error"]["type"] == "HostileXMLError"
    assert "bomb.xml" in r.json()["error"]["message"]
    assert songclear(capsys, *db, "ledger", "stats", "--json").json() == before
