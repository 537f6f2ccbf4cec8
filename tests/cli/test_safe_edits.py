"""Safe edits (issue 13, item 3): `grant end`, `grant amend`, `import table --dry-run`, reference checks on import
(`--allow-dangling`), and what a re-imported file says when the ledger has moved since. On both backends.

The world, written as the files a rights team would import: Label A's catalogue licensed to QQ Music for 2015-2016,
two of its recordings on QQ Music.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import songclear

PARTIES = "id,name,kind\nL-A,Label A,label\nL-B,Label B,label\nqq,QQ Music,platform\n"
RECORDINGS = (
    "isrc,title,artists,owner\nCN-A01-15-00001,Song One,Singer,L-A\nCN-A01-15-00002,Song Two,Singer,L-A\n"
)
GRANTS = (
    "id,licensor,licensee,rights,scope,uses,territories,start,end,sublicensable,parent\n"
    "G1,L-A,qq,master,catalogue,Stream,CN,2015-01-01,2016-12-31,true,\n"
)
LIBRARY = "platform,track_id,title,artist,isrc\nqq,t1,Song One,Singer,CN-A01-15-00001\nqq,t2,Song Two,Singer,CN-A01-15-00002\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def world(db_url, tmp_path, capsys):
    """The world above, imported in one command (files given in any order: parties come first)."""
    db = ("--db", db_url)
    files = [write(tmp_path, n, t) for n, t in
             (("library.csv", LIBRARY), ("grants.csv", GRANTS), ("recordings.csv", RECORDINGS),
              ("parties.csv", PARTIES))]  # fmt: skip
    r = songclear(capsys, *db, "import", "table", *files, "--recorded-at", "2015-01-01", "--json")
    assert r.code == 0, r.err
    assert [Path(i["source"]).name for i in r.json()["imports"]] == [
        "parties.csv",
        "recordings.csv",
        "grants.csv",
        "library.csv",
    ]
    return db


def status(capsys, db, track: str, day: str, *known_at: str) -> str:
    r = songclear(capsys, *db, "explain", "--track", track, "--at", day, *known_at, "--json")
    assert r.code == 0, r.err
    return r.json()["status"]


def log(capsys, db) -> list[dict]:
    return songclear(capsys, *db, "log", "show", "--limit", "1000", "--json").json()["entries"]


# -- grant end ------------------------------------------------------------------------------------------------------


def test_ending_a_grant_records_a_termination_from_the_start_of_the_day_in_its_time_zone(world, capsys):
    db = world
    assert status(capsys, db, "qq/t1", "2015-11-01") == "cleared"
    r = songclear(capsys, *db, "grant", "end", "G1", "--on", "2015-11-01", "--reason", "letter of 2015-10-20",
                  "--reaudit-at", "2015-11-01", "--json")  # fmt: skip
    assert r.code == 0, r.err
    out = r.json()
    assert out["action"] == "end" and out["changed"] is True
    assert out["before"] == {"terminated": None, "termination_cause": None, "termination_reference": None}
    assert out["after"] == {"terminated": "2015-11-01", "termination_cause": "terminated",
                            "termination_reference": "letter of 2015-10-20"}  # fmt: skip
    assert (out["last_day"], out["tz"]) == ("2015-10-31", "Asia/Shanghai")
    moved = {c["track"]: (c["before"], c["after"]) for p in out["reaudit"] for c in p["changes"]}
    assert moved == {"qq/t1": ("cleared", "uncleared"), "qq/t2": ("cleared", "uncleared")}
    # The term is as signed; the grant holds on its last day and not from the day given.
    assert status(capsys, db, "qq/t1", "2015-10-31") == "expiring"  # its last day: held, ending
    assert status(capsys, db, "qq/t1", "2015-11-01") == "uncleared"
    # A new version: the ledger as known before the edit still answers as it did.
    edit_at = out["recorded_at"]
    assert (
        status(capsys, db, "qq/t1", "2015-11-01", "--as-known-at", "2015-06-01T00:00:00+00:00") == "cleared"
    )
    entry = log(capsys, db)[-1]
    assert (entry["action"], entry["subject"], entry["at"]) == ("grant-end", "G1", edit_at)
    assert entry["payload"]["reason"] == "letter of 2015-10-20" and entry["payload"]["on"] == "2015-11-01"
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("G9", "--on", "2015-11-01", "--reason", "x"), 3, "no grant G9"),
        (("G1", "--on", "2015-11-01", "--reason", "  "), 2, "give the reason"),
        (("G1", "--on", "2017-01-01", "--reason", "x"), 2, "ends on 2016-12-31 already"),
        (("G1", "--on", "2015-13-01", "--reason", "x"), 2, "--on expects a date"),
    ],
)
def test_a_grant_end_that_cannot_be_is_refused_and_records_nothing(world, capsys, args, code, says):
    r = songclear(capsys, *world, "grant", "end", *args)
    assert r.code == code and says in r.err, r.err
    assert [e["action"] for e in log(capsys, world)] == ["import"] * 4


def test_a_grant_ended_already_is_not_ended_again_later(world, capsys):
    db = world
    assert songclear(capsys, *db, "grant", "end", "G1", "--on", "2015-11-01", "--reason", "a").code == 0
    r = songclear(capsys, *db, "grant", "end", "G1", "--on", "2015-12-01", "--reason", "b")
    assert r.code == 2 and "has ended already, from 2015-11-01 (terminated: a)" in r.err
    earlier = songclear(capsys, *db, "grant", "end", "G1", "--on", "2015-09-01", "--reason", "b", "--json")
    assert earlier.code == 0 and earlier.json()["after"]["terminated"] == "2015-09-01"


# -- grant amend ----------------------------------------------------------------------------------------------------


def test_amending_changes_only_the_fields_given_as_a_new_version(world, capsys):
    db = world
    r = songclear(capsys, *db, "grant", "amend", "G1", "--end", "2015-10-31", "--territories", "CN HK",
                  "--json")  # fmt: skip
    assert r.code == 0, r.err
    out = r.json()
    assert out["before"] == {"territories": ["CN"], "end": "2016-12-31"}
    assert out["after"] == {"territories": ["CN", "HK"], "end": "2015-10-31"}
    assert status(capsys, db, "qq/t1", "2015-11-01") == "uncleared"
    grants = songclear(capsys, *db, "ledger", "stats", "--json").json()["grants"]
    assert grants == 1
    # Clearing an optional field; a blank value.
    cleared = songclear(capsys, *db, "grant", "amend", "G1", "--end=", "--json").json()
    assert cleared["after"] == {"end": None} and status(capsys, db, "qq/t1", "2015-11-01") == "cleared"
    # The same value again: nothing recorded, nothing logged.
    same = songclear(capsys, *db, "grant", "amend", "G1", "--exclusive", "false", "--json").json()
    assert same["changed"] is False and same["recorded_at"] is None
    assert [e["action"] for e in log(capsys, db)][-2:] == ["grant-amend", "grant-amend"]
    text = songclear(capsys, *db, "grant", "amend", "G1", "--uses", "Stream;PermanentDownload")
    assert text.code == 0 and "uses: Stream -> PermanentDownload Stream" in text.out


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("--colour", "red"), 2, "unknown field --colour"),
        (("--id", "G2"), 2, "--id cannot be amended"),
        (("--source", "x"), 2, "--source cannot be amended"),
        (("--end", "2014-01-01"), 2, "column end: end 2014-01-01 is before start 2015-01-01"),
        (("--start", "soon"), 2, "column start: expected an ISO 8601 date"),
        (("--territories", "XX"), 2, "column territories"),
        (("--licensee", "nobody"), 2, "--licensee: unknown party 'nobody'"),
        (("--parent", "G1"), 2, "cannot be its own parent"),
        (("--licensor", ""), 2, "column licensor: missing required value"),
        (("--scope", "listed"), 2, "a listed grant must list recordings or works"),
        (("--end",), 2, "--end needs a value"),
        ((), 2, "name the fields to change"),
        (("2015-10-31",), 2, "expected --FIELD VALUE pairs"),
    ],
)
def test_an_amendment_is_checked_as_an_imported_row_and_a_bad_one_records_nothing(
    world, capsys, args, code, says
):
    r = songclear(capsys, *world, "grant", "amend", "G1", *args)
    assert r.code == code and says in r.err, r.err
    assert [e["action"] for e in log(capsys, world)] == ["import"] * 4


def test_an_amendment_that_closes_a_cycle_of_sublicences_is_refused(world, tmp_path, capsys):
    db = world
    subs = write(tmp_path, "subs.csv", "id,licensor,licensee,rights,scope,uses,territories,start,sublicensable,parent\n"
                 "S1,qq,L-B,master,catalogue,Stream,CN,2015-01-01,true,G1\n")  # fmt: skip
    assert songclear(capsys, *db, "import", "table", subs).code == 0
    r = songclear(capsys, *db, "grant", "amend", "G1", "--parent", "S1")
    assert r.code == 4 and "G1 -> S1 -> G1" in r.err, r.err
    ended = songclear(
        capsys, *db, "grant", "end", "G1", "--on", "2015-11-01", "--reason", "x", "--json"
    ).json()
    assert ended["sublicences"] == ["S1"]  # the grant still has no parent: the amendment was rolled back


# -- reference checks on import -------------------------------------------------------------------------------------


def test_a_row_naming_an_unknown_party_is_refused_with_file_line_and_column(world, tmp_path, capsys):
    bad = write(tmp_path, "more.csv", GRANTS.splitlines()[0] + "\n"
                "G2,L-A,qq,master,catalogue,Stream,CN,2015-01-01,,,\n"
                "G3,L-NOBODY,qq,master,catalogue,Stream,CN,2015-01-01,,,\n")  # fmt: skip
    r = songclear(capsys, *world, "import", "table", bad)
    assert r.code == 2
    assert "more.csv:line 3, column licensor: G3: unknown party 'L-NOBODY'" in r.err
    assert songclear(capsys, *world, "ledger", "stats", "--json").json()["grants"] == 1  # nothing applied


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("recs.csv", "isrc,title,owner,work_id\nCN-A01-15-00009,X,L-A,W-NONE\n", "line 2, column work_id"),
        ("recs.csv", "isrc,title,owner\nCN-A01-15-00009,X,L-NONE\n", "line 2, column owner"),
        ("works.csv", "id,title,publishers\nW1,X,L-A;P-NONE\n", "line 2, column publishers"),
        ("lib.csv", "platform,track_id,title\nkugou,k1,X\n", "line 2, column platform"),
        (
            "notices.csv",
            "id,issuer,title,issued,effective,platforms\nN1,R-NONE,X,2015-07-08,2015-07-31,qq\n",
            "line 2, column issuer",
        ),
        (
            "notices.csv",
            "id,issuer,title,issued,effective,platforms\nN1,L-A,X,2015-07-08,2015-07-31,qq;kugou\n",
            "line 2, column platforms",
        ),
        (
            "subs.csv",
            GRANTS.splitlines()[0] + "\nS1,qq,L-B,master,catalogue,Stream,CN,2015-01-01,,,G-NONE\n",
            "line 2, column parent",
        ),
        ("artists.csv", "id,name,party\nA1,Singer,L-NONE\n", "line 2, column party"),
    ],
)
def test_every_kind_of_reference_is_checked(world, tmp_path, capsys, name, text, where):
    r = songclear(capsys, *world, "import", "table", write(tmp_path, name, text))
    assert r.code == 2 and f"{name}:{where}:" in r.err, r.err


def test_allow_dangling_imports_with_one_warning_per_row(world, tmp_path, capsys):
    rows = "".join(f"kugou,k{i},Song {i}\n" for i in range(150))
    lib = write(tmp_path, "kugou.csv", "platform,track_id,title\n" + rows)
    r = songclear(capsys, *world, "import", "table", lib, "--allow-dangling", "--json")
    assert r.code == 0, r.err
    out = r.json()["imports"][0]
    assert out["added"] == 150
    notes = out["notes"]
    assert notes[0] == "line 2, column platform: unknown party 'kugou' (imported anyway: --allow-dangling)"
    assert len(notes) == 101 and notes[-1] == "... and 50 more rows with unknown ids"


def test_references_may_point_forward_in_the_file_or_to_a_later_file_of_the_command(db_url, tmp_path, capsys):
    db = ("--db", db_url)
    grants = write(tmp_path, "grants.csv", GRANTS.splitlines()[0] + "\n"
                   "S1,qq,L-B,master,catalogue,Stream,CN,2015-01-01,,,G1\n"  # its parent comes next
                   "G1,L-A,qq,master,catalogue,Stream,CN,2015-01-01,,true,\n")  # fmt: skip
    parties = write(tmp_path, "parties.csv", PARTIES)
    r = songclear(capsys, *db, "import", "table", grants, parties, "--json")
    assert r.code == 0, r.err
    assert [i["notes"] for i in r.json()["imports"]] == [[], []]


# -- dry run --------------------------------------------------------------------------------------------------------


def test_a_dry_run_lists_the_facts_and_decisions_it_would_change_and_writes_nothing(world, tmp_path, capsys):
    db = world
    changed = write(tmp_path, "g2.csv", GRANTS.replace("2016-12-31", "2015-10-31")
                    + "G2,L-B,qq,master,catalogue,Stream,CN,2015-01-01,,,\n")  # fmt: skip
    lib = write(tmp_path, "lib2.csv", "platform,track_id,title,artist,isrc\nqq,t3,Song One (Live),Singer,"
                "CN-A01-15-00001\n")  # fmt: skip
    stats = songclear(capsys, *db, "ledger", "stats", "--json").json()
    r = songclear(
        capsys, *db, "import", "table", lib, changed, "--dry-run", "--reaudit-at", "2015-11-01", "--json"
    )
    assert r.code == 0, r.err
    out = r.json()
    assert out["dry_run"] is True and out["day"] == "2015-11-01"
    by_file = {Path(f["source"]).name: f for f in out["files"]}
    g = by_file["g2.csv"]
    assert (g["added"], g["changed"], g["unchanged"], g["already_imported"]) == (1, 1, 0, False)
    assert g["added_facts"] == ["G2"]
    assert g["changed_facts"] == [{"key": "G1", "fields": {"end": ["2016-12-31", "2015-10-31"]}}]
    assert by_file["lib2.csv"]["added_facts"] == ["qq/t3"]
    (qq,) = out["reaudit"]
    moved = {c["track"]: (c["before"], c["after"], c["because"]) for c in qq["changes"]}
    assert moved == {
        "qq/t1": ("cleared", "uncleared", ["G1"]),
        "qq/t2": ("cleared", "uncleared", ["G1"]),
        "qq/t3": (None, "uncleared", ["qq/t3"]),  # a new track: decided on the ledger after the import
    }
    # Nothing was written: no version, no import, no log entry.
    assert songclear(capsys, *db, "ledger", "stats", "--json").json() == stats
    assert [e["action"] for e in log(capsys, db)] == ["import"] * 4
    assert status(capsys, db, "qq/t1", "2015-11-01") == "cleared"
    text = songclear(capsys, *db, "import", "table", changed, "--dry-run", "--reaudit-at", "2015-11-01")
    assert "nothing was written" in text.out and "~ G1: end 2016-12-31 -> 2015-10-31" in text.out
    assert "qq/t1: cleared -> uncleared (because of G1)" in text.out


def test_a_dry_run_refuses_what_the_import_would_refuse(world, tmp_path, capsys):
    bad = write(tmp_path, "bad.csv", GRANTS.replace("L-A,qq", "L-NOBODY,qq"))
    r = songclear(capsys, *world, "import", "table", bad, "--dry-run")
    assert r.code == 2 and "bad.csv:line 2, column licensor" in r.err
    ok = songclear(capsys, *world, "import", "table", bad, "--dry-run", "--allow-dangling", "--json")
    assert ok.code == 0 and "unknown party 'L-NOBODY'" in ok.json()["files"][0]["notes"][0]


# -- a file imported again after the ledger moved ------------------------------------------------------------------


def test_a_file_imported_again_says_how_far_the_ledger_has_moved_since(world, tmp_path, capsys):
    db = world
    grants = tmp_path / "grants.csv"
    again = songclear(capsys, *db, "import", "table", grants, "--json").json()["imports"][0]
    assert (again["already_imported"], again["moved_since"]) == (True, 0)
    assert songclear(capsys, *db, "grant", "amend", "G1", "--end", "2015-10-31").code == 0
    moved = songclear(capsys, *db, "import", "table", grants, "--json").json()["imports"][0]
    assert (moved["already_imported"], moved["moved_since"], moved["added"]) == (True, 1, 0)
    text = songclear(capsys, *db, "import", "table", grants)
    assert "the ledger has moved since: 1 fact differs; use --dry-run to see them" in text.out
    dry = songclear(capsys, *db, "import", "table", grants, "--dry-run", "--json").json()["files"][0]
    assert dry["already_imported"] and dry["changed_facts"] == [
        {"key": "G1", "fields": {"end": ["2015-10-31", "2016-12-31"]}}
    ]
    back = songclear(capsys, *db, "import", "table", grants, "--again", "--json").json()["imports"][0]
    assert (back["already_imported"], back["added"], back["unchanged"]) == (False, 1, 0)
    assert status(capsys, db, "qq/t1", "2015-11-01") == "cleared"


def test_log_show_names_the_file_beside_its_hash(world, capsys):
    text = songclear(capsys, *world, "log", "show").out
    lines = [line for line in text.splitlines() if " import " in line]
    assert len(lines) == 4 and all("… " in line for line in lines)
    assert [line.rsplit(" ", 1)[1] for line in lines] == [
        "parties.csv",
        "recordings.csv",
        "grants.csv",
        "library.csv",
    ]


def test_a_dry_run_decides_a_bounded_number_of_library_tracks(world, tmp_path, capsys, monkeypatch):
    import songclear.app.dry_run as dry_run

    monkeypatch.setattr(dry_run, "TRACKS_DECIDED", 1)  # 10 000 in use: each decided track is held in memory
    lib = write(tmp_path, "lib3.csv", "platform,track_id,title\nqq,n1,A\nqq,n2,B\nqq,n3,C\n")
    r = songclear(capsys, *world, "import", "table", lib, "--dry-run", "--reaudit-at", "2015-11-01", "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["files"][0]["added"] == 3 and out["tracks_not_decided"] == 2
    assert [c["track"] for c in out["reaudit"][0]["changes"]] == ["qq/n1"]
    text = songclear(capsys, *world, "import", "table", lib, "--dry-run", "--reaudit-at", "2015-11-01")
    assert "2 more library tracks added or changed were not decided" in text.out


def test_a_grant_of_local_deal_dates_ends_on_a_local_day(db_url, tmp_path, capsys):
    """A DDEX deal's term is in each territory's local days (zone 'local', issue 11): ending it, listing it and
    filtering by state failed with 'No time zone found with key local'. It ends when the day begins in the
    territory asked about; the grants list (SQL) and the audit agree on the day."""
    db = ("--db", db_url)
    assert (
        songclear(capsys, *db, "demo", "--no-audio", "--no-enforcement", "--out", tmp_path, "--json").code
        == 0
    )
    grants = songclear(capsys, *db, "grants", "list", "--json").json()["items"]
    (local,) = [g["id"] for g in grants if g["tz"] == "local"]
    r = songclear(capsys, *db, "grant", "end", local, "--on", "2016-01-01", "--reason", "letter 7", "--json")
    assert r.code == 0, r.out + r.err
    assert r.json()["after"]["terminated"] == "2016-01-01" and r.json()["last_day"] == "2015-12-31"

    def state(day: str) -> tuple[str, list[str]]:
        (g,) = [g for g in songclear(capsys, *db, "grants", "list", "--at", day, "--json").json()["items"]
                if g["id"] == local]  # fmt: skip
        ended = songclear(
            capsys, *db, "grants", "list", "--at", day, "--state", "terminated", "--json"
        ).json()
        return g["state"], [g["id"] for g in ended["items"]]

    assert state("2015-12-31") == ("in_term", [])
    assert state("2016-01-01") == ("terminated", [local])
    text = songclear(capsys, *db, "grants", "list", "--at", "2016-01-01").out
    assert "terminated" in text and "2016-01-01" in text
    again = songclear(capsys, *db, "grant", "end", local, "--on", "2016-02-01", "--reason", "again")
    assert again.code == 2 and "has ended already, from 2016-01-01" in again.out + again.err
