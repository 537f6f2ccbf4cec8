"""The calendar's edges in every date field: 9999-12-31 as "perpetual", 1900-01-01 as "since ever", and dates
outside the supported range refused per fact with file and line, never an audit that fails as a whole. Facts may
name any day to 9999-12-31; a question (a day asked about) lies in 1900-01-01..2199-12-31 (domain/timespan.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import import_world, songclear

LAST_ASKED = "2199-12-31"  # the last day a question may name
DDEX = Path(__file__).resolve().parents[1] / "ingest" / "data" / "ddex"

PARTIES = """id,name,kind
L1,Label,label
PF,Platform,platform
PF2,Platform Two,platform
R,Regulator,regulator
"""
RECORDINGS = "isrc,title,owner\n" + "".join(f"CNA01150000{i},song {i},L1\n" for i in range(1, 7))
# One grant per extreme: perpetual end, start at the first day, start on the last day, a termination on the last
# day, a one-day term on the first day, and a sublicence of the perpetual grant.
GRANTS = """id,licensor,licensee,rights,scope,recordings,uses,territories,start,end,issued,terminated,tz,exclusive,sublicensable,parent
G1,L1,PF,master,listed,CNA011500001,Stream,CN,2014-01-01,9999-12-31,,,,false,true,
G2,L1,PF,master,listed,CNA011500002,Stream,CN,1900-01-01,9999-12-31,1900-01-01,,Pacific/Kiritimati,false,false,
G3,L1,PF,master,listed,CNA011500003,Stream,CN,9999-12-31,9999-12-31,9999-12-31,,,true,false,
G4,L1,PF,master,listed,CNA011500004,Stream,CN,2014-01-01,,,9999-12-31,Asia/Tokyo,false,false,
G5,L1,PF,master,listed,CNA011500005,Stream,CN,1900-01-01,1900-01-01,,1900-01-01,,false,false,
S1,PF,PF2,master,listed,CNA011500001,Stream,CN,2014-01-01,9999-12-31,,,,false,false,G1
"""
# A notice for PF2 only, tolerating from the first day to the last.
NOTICES = """id,issuer,title,issued,effective,buffer_end,platforms
N1,R,forever,1900-01-01,9999-12-31,9999-12-31,PF2
"""
LIBRARY = "platform,track_id,title,isrc\n" + "".join(
    f"PF,t{i},song {i},CNA01150000{i}\n" for i in range(1, 7)
)
LIBRARY += "PF2,u1,song 1,CNA011500001\nPF2,u6,song 6,CNA011500006\n"


@pytest.fixture
def db(db_url, tmp_path, capsys):
    tables = {
        "parties.csv": PARTIES,
        "recordings.csv": RECORDINGS,
        "grants.csv": GRANTS,
        "notices.csv": NOTICES,
    }
    return import_world(capsys, db_url, tmp_path, tables | {"library.csv": LIBRARY})


def decision(capsys, db, track, day):
    r = songclear(capsys, *db, "explain", "--track", track, "--at", day, "--json")
    assert r.code == 0, r.err
    return r.json()


@pytest.mark.parametrize("day", ["1900-01-01", "2015-08-01", LAST_ASKED])
def test_every_command_answers_at_the_edges_of_the_calendar(db, capsys, tmp_path, day):
    audit = songclear(
        capsys, *db, "audit", "--platform", "PF", "--at", day, "--json",
        "--html", tmp_path / "a.html", "--csv", tmp_path / "a.csv",
    )  # fmt: skip
    assert audit.code == 0, audit.err
    assert sum(audit.json()["summary"]["counts"].values()) == 6
    assert songclear(capsys, *db, "audit", "--all-platforms", "--at", day, "--json").code == 0
    assert songclear(capsys, *db, "takedown", "plan", "--platform", "PF", "--at", day, "--json").code == 0
    for track in ("PF/t1", "PF/t3", "PF/t5", "PF2/u1", "PF2/u6"):
        decision(capsys, db, track, day)
    r = songclear(capsys, *db, "diff", "--platform", "PF", "--from", "1900-01-01", "--to", day, "--json")
    assert r.code == 0, r.err


def test_a_term_ending_9999_12_31_is_perpetual(db, capsys):
    for day in ("2015-08-01", "2199-12-01", LAST_ASKED):
        d = decision(capsys, db, "PF/t1", day)
        assert d["status"] == "cleared", (day, d)  # never "expiring": the term has no end
        assert decision(capsys, db, "PF2/u1", day)["status"] == "cleared"  # nor has its sublicence
    # from the first day in Kiritimati (whose clock in 1900 ran 10 h 29 min behind UTC)
    assert decision(capsys, db, "PF/t2", "1900-01-01")["reasons"][0]["code"] == "not-started"
    assert decision(capsys, db, "PF/t2", "1900-01-02")["status"] == "cleared"


def test_the_first_and_last_days_are_days_like_any_other(db, capsys):
    assert decision(capsys, db, "PF/t3", "2015-08-01")["reasons"][0]["code"] == "not-started"
    assert (
        decision(capsys, db, "PF/t3", LAST_ASKED)["reasons"][0]["code"] == "not-started"
    )  # starts 9999-12-31
    assert decision(capsys, db, "PF/t4", LAST_ASKED)["status"] == "cleared"  # terminated only on 9999-12-31
    assert decision(capsys, db, "PF/t5", "1900-01-01")["reasons"][0]["code"] == "grant-terminated"
    assert decision(capsys, db, "PF/t5", "2015-08-01")["reasons"][0]["code"] == "ended"
    # A notice tolerating PF2 "until 9999-12-31" keeps its unlicensed track in the buffer to the last day asked.
    assert decision(capsys, db, "PF2/u6", LAST_ASKED)["status"] == "buffer"


def test_the_timeline_of_a_notice_that_never_ends_stays_a_chart(db, capsys):
    r = songclear(capsys, *db, "audit", "--platform", "PF2", "--at", "2015-08-01", "--json")
    assert r.code == 0, r.err
    days = [point["day"] for point in r.json()["timeline"]]
    assert 50 < len(days) <= 2 * 105  # two years either side, not 420 000 weeks from 1900 to 9999
    assert days[0] >= "2013-08-01" and days[-1] <= "2017-08-01"


@pytest.mark.parametrize(
    ("column", "value", "detail"),
    [
        ("start", "0001-01-01", "outside the supported range 1900-01-01..9999-12-31"),
        ("end", "1899-12-31", "outside the supported range"),
        ("issued", "0999-01-01", "outside the supported range"),
        ("terminated", "0001-01-01T00:00:00+08:00", "outside the supported range"),
        ("terminated", "9999-12-31T23:00:00-05:00", "outside the supported range"),
    ],
)
def test_a_date_outside_the_calendar_is_refused_with_its_file_and_line(
    db, capsys, tmp_path, column, value, detail
):
    cells = {"start": "2014-01-01", "end": "", "issued": "", "terminated": ""}
    text = "id,licensor,licensee,rights,scope,recordings,uses,territories," + ",".join(cells) + "\n"
    text += "G1,L1,PF,master,listed,CNA011500001,Stream,CN," + ",".join(cells.values()) + "\n"
    cells[column] = value
    text += "G9,L1,PF,master,listed,CNA011500001,Stream,CN," + ",".join(cells.values())
    f = tmp_path / "bad_grants.csv"
    f.write_text(text + "\n", encoding="utf-8")
    before = songclear(capsys, *db, "ledger", "stats", "--json").json()
    r = songclear(capsys, *db, "import", "table", f)
    assert r.code == 2
    assert "bad_grants.csv" in r.err and "line 3" in r.err and detail in r.err
    assert songclear(capsys, *db, "ledger", "stats", "--json").json() == before  # nothing of the file applied


@pytest.mark.parametrize(
    ("args", "detail"),
    [
        (("--at", "0001-01-01"), "--at must be a day from 1900-01-01 to 2199-12-31, got 0001-01-01"),
        (("--at", "9999-12-31"), "--at must be a day from 1900-01-01 to 2199-12-31"),
        (
            ("--at", "2015-08-01", "--expiring-days", "99999999999999999999"),
            "--expiring-days must be from 0 to",
        ),
        (
            ("--at", "2015-08-01", "--as-known-at", "0001-01-01T00:00:00+08:00"),
            "must be an instant from 1900",
        ),
    ],
)
def test_questions_outside_the_calendar_are_usage_errors(db, capsys, args, detail):
    r = songclear(capsys, *db, "audit", "--platform", "PF", *args)
    assert r.code == 2, r.err
    assert detail in r.err


def test_a_ddex_deal_ending_9999_12_31_is_perpetual_and_one_before_1900_is_refused(db_url, tmp_path, capsys):
    db = ("--db", db_url)
    lib = tmp_path / "library.csv"
    lib.write_text("platform,track_id,title,isrc\npf,t1,Song one,CNA011500001\n", encoding="utf-8")
    (tmp_path / "parties.csv").write_text("id,name,kind\npf,Platform F,platform\n", encoding="utf-8")
    assert songclear(capsys, *db, "import", "table", tmp_path / "parties.csv", lib).code == 0
    text = (DDEX / "ern382_new_release.xml").read_text(encoding="utf-8")
    assert "<EndDate>2015-12-31</EndDate>" in text
    parties = ("--party", "PADPIDA2015000001L=L-TEST", "--party", "PADPIDA2015000002P=pf")

    early = tmp_path / "early.xml"
    early.write_text(
        text.replace("<StartDate>2015-01-01</StartDate>", "<StartDate>0001-01-01</StartDate>", 1)
    )
    r = songclear(capsys, *db, "import", "ddex", early, *parties)
    assert r.code == 2 and "early.xml" in r.err and "outside the supported range" in r.err
    assert "StartDate" in r.err

    perpetual = tmp_path / "perpetual.xml"
    perpetual.write_text(text.replace("<EndDate>2015-12-31</EndDate>", "<EndDate>9999-12-31</EndDate>"))
    r = songclear(capsys, *db, "import", "ddex", perpetual, *parties, "--json")
    assert r.code == 0, r.err
    for day in ("2015-08-01", "2099-01-01", LAST_ASKED):
        r = songclear(
            capsys, *db, "explain", "--track", "pf/t1", "--at", day, "--use", "OnDemandStream", "--json"
        )
        assert r.code == 0 and r.json()["status"] == "cleared", (day, r.out, r.err)
