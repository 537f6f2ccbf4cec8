"""`songclear tracks list`, `grants list`, `recordings list`, `works list` and `search` (issue 13, item 1): what a
person reads without jq, the JSON and the CSV, pages, and the refusals — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest

from browse_world import build
from clirun import songclear
from songclear.store import Database


@pytest.fixture
def db(db_url, tmp_path):
    database = Database.open(db_url)
    build(database)
    database.close()
    return ("--db", db_url, "--fp-index", str(tmp_path / "fp"))


def test_tracks_list_reads_as_a_table_with_status_and_counts(db, capsys):
    r = songclear(capsys, *db, "tracks", "list", "--platform", "P1", "--at", "2015-11-15", "--facets")
    assert r.code == 0, r.err
    assert "P1/p1-03" in r.out and "audio" in r.out and "Beta Music" in r.out
    assert "1-11 of 11 tracks" in r.out
    assert "identity_source: isrc 5 · audio 2 · link 2 · none 1 · review 1" in r.out
    assert "None" not in r.out and "{" not in r.out
    one = songclear(capsys, *db, "tracks", "list", "--search", "night")
    assert "1-1 of 1 track\n" in one.out  # one track, not "1 tracks"
    nothing = songclear(capsys, *db, "tracks", "list", "--search", "nothing like it")
    assert nothing.code == 0 and "no tracks" in nothing.out


def test_tracks_list_json_pages_and_status(db, capsys):
    first = songclear(capsys, *db, "tracks", "list", "--limit", "5", "--json").json()
    second = songclear(capsys, *db, "tracks", "list", "--limit", "5", "--offset", "5", "--json").json()
    assert first["total"] == second["total"] == 13 and (first["limit"], second["offset"]) == (5, 5)
    keys = [t["track"] for t in first["items"] + second["items"]]
    assert keys == sorted(keys) and len(set(keys)) == 10
    assert first["facets"] is None and first["filters"] == {}
    down = songclear(
        capsys,
        *db,
        "tracks",
        "list",
        "--status",
        "uncleared",
        "--at",
        "2015-11-15",
        "--platform",
        "P1",
        "--json",
    ).json()
    assert down["filters"] == {"platform": "P1", "status": "uncleared", "at": "2015-11-15", "territory": "CN", "use": "Stream"}  # fmt: skip
    assert {t["status"] for t in down["items"]} == {"uncleared"} and down["total"] == len(down["items"])
    assert sum(down["status_counts"].values()) == 11
    medley = next(t for t in down["items"] + first["items"] if t["track"] == "P1/p1-04")
    assert (medley["identity_source"], medley["recording"], medley["licensor_name"]) == ("audio", "CNA011500001", "阿尔法唱片")  # fmt: skip


def test_tracks_list_csv_streams_every_row(db, capsys):
    r = songclear(
        capsys, *db, "tracks", "list", "--csv", "--limit", "0", "--licensor", "L-BETA", "--at", "2015-11-15"
    )
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert [row["track"] for row in rows] == ["P1/p1-03", "P1/p1-05", "P1/p1-07", "P1/p1-08", "P2/p2-02"]
    assert all(row["status"] and row["reason"] for row in rows) and rows[0]["licensor_name"] == "Beta Music"
    assert list(rows[0]) == [
        "track", "platform", "track_id", "title", "artist", "isrc", "availability", "play_count", "identity_source",
        "recording", "licensor", "licensor_name", "status", "reason",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("tracks", "list", "--status", "cleared"), 2, "give --at"),
        (("tracks", "list", "--identity", "psychic"), 2, "identity source is one of"),
        (("tracks", "list", "--availability", "gone"), 2, "availability is one of"),
        (("tracks", "list", "--json", "--csv"), 2, "choose one of --json and --csv"),
        (("tracks", "list", "--live", "--availability", "taken_down"), 2, "--live lists live tracks"),
        (("tracks", "list", "--platform", "P9"), 3, "platform 'P9' has no library tracks"),
        (("tracks", "list", "--offset", "-1"), 2, "Invalid value for '--offset'"),
        (("grants", "list", "--state", "ended"), 2, "give the day (--at)"),
        (("grants", "list", "--state", "expired", "--at", "2015-11-15"), 2, "a grant's state is one of"),
        (("grants", "list", "--ending-before", "2015-13-01"), 2, "--ending-before expects a date"),
        (("search", ""), 2, "search for something"),
    ],
)
def test_refusals(db, capsys, args, code, says):
    r = songclear(capsys, *db, *args)
    assert r.code == code, (r.out, r.err)
    assert says in r.err + r.out
    assert "internal error" not in r.err


def test_grants_list(db, capsys):
    r = songclear(capsys, *db, "grants", "list", "--at", "2015-11-15", "--facets")
    assert r.code == 0, r.err
    assert "G-BETA-TERM" in r.out and "2015-09-01" in r.out and "1-6 of 6 grants" in r.out
    assert "state: in_term 3 · ended 1 · not_started 1 · terminated 1" in r.out
    ended = songclear(
        capsys, *db, "grants", "list", "--state", "ended", "--at", "2015-11-02", "--json"
    ).json()
    assert [g["id"] for g in ended["items"]] == ["G-BETA-P1"] and ended["items"][0][
        "licensee_name"
    ] == "平台一"
    covering = songclear(capsys, *db, "grants", "list", "--recording", "CNA011500001", "--csv").out
    assert [row["id"] for row in csv.DictReader(io.StringIO(covering))] == ["G-ALPHA-P1", "S-P1-P2"]
    lapsing = songclear(
        capsys, *db, "grants", "list", "--ending-before", "2016-07-01", "--non-exclusive", "--json"
    )
    assert [g["id"] for g in lapsing.json()["items"]] == ["G-BETA-P1", "G-BETA-TERM", "S-P1-P2"]


def test_recordings_works_and_search(db, capsys):
    r = songclear(capsys, *db, "recordings", "list", "--owner", "L-ALPHA", "--facets")
    assert "CNA011500001" in r.out and "1-2 of 2 recordings" in r.out and "version: studio 2" in r.out
    w = songclear(capsys, *db, "works", "list", "--json").json()
    assert w["items"][0]["publisher_names"] == ["Pearl Publishing"]
    found = songclear(capsys, *db, "search", "阿爾法", "--json").json()
    assert found["parties"]["items"][0]["id"] == "L-ALPHA" and found["count"] >= 1
    text = songclear(capsys, *db, "search", "Lin Yi").out
    assert "artists (1)" in text and "CNA011500002 长江以南 / 林一 (阿尔法唱片)" in text
