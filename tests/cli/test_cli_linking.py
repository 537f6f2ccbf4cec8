"""Metadata linking through the CLI: proposals, the review queue, decisions that stick, and the audit using links."""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import songclear


@pytest.fixture
def db(db_url, tmp_path, capsys):
    args = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    r = songclear(capsys, *args, "demo", "--no-audio", "--out", tmp_path / "out", "--json")
    assert r.code == 0, r.err
    return args, r.json()


def explain(capsys, args, track, day="2015-11-15"):
    r = songclear(capsys, *args, "explain", "--track", track, "--at", day, "--json")
    assert r.code == 0, r.err
    return r.json()


def test_the_demo_links_uploads_without_isrc(db, capsys):
    args, demo = db
    by_platform = {r["platform"]: r for r in demo["linking"]["links"]}
    assert by_platform["qq"]["review"] >= 1 and by_platform["kuwo"]["auto"] >= 1
    # A traditional-script title by the artist's English name: auto-linked, then judged by that recording.
    kw = explain(capsys, args, "kuwo/kw-008")
    assert (kw["identity_source"], kw["recording"], kw["status"]) == ("link", "CNJ011400001", "conflict")
    qq = explain(capsys, args, "qq/qq-011")
    assert (qq["recording"], qq["status"]) == ("CNJ011400005", "cleared")
    # A pinyin title is never auto-linked; the demo's reviewer accepted it, so it is judged by that recording.
    accepted = explain(capsys, args, "qq/qq-010")
    assert accepted["recording"] == "CNJ011400001" and "accepted by demo reviewer" in accepted["explanation"]
    # An unregistered live version stays unidentified, and the audit says a link waits for review.
    live = explain(capsys, args, "netease/ne-009")
    assert live["status"] == "uncleared" and live["reasons"][0]["code"] == "in-review"


def test_review_queue_reject_sticks_and_relinking_changes_nothing(db, capsys):
    args, _ = db
    queue = songclear(capsys, *args, "review", "list", "--platform", "netease", "--json").json()["queue"]
    assert "netease/ne-009" in {q["track"] for q in queue}
    shown = songclear(capsys, *args, "review", "show", "--track", "netease/ne-009", "--json").json()
    assert shown["outcome"] == "review" and shown["fields"] and shown["decisions"] == []
    candidate = shown["recording"] or shown["work"]
    r = songclear(
        capsys,
        *args,
        "review",
        "reject",
        "--track",
        "netease/ne-009",
        "--by",
        "Li Na",
        "--note",
        "live",
        "--json",
    )
    assert r.code == 0 and r.json()["candidate"] == candidate
    queue = songclear(capsys, *args, "review", "list", "--platform", "netease", "--json").json()["queue"]
    assert "netease/ne-009" not in {q["track"] for q in queue}
    relinked = songclear(capsys, *args, "link", "--platform", "netease", "--json").json()
    again = songclear(capsys, *args, "review", "show", "--track", "netease/ne-009", "--json").json()
    assert (again["recording"] or again["work"]) != candidate  # a rejected pair is never proposed again
    assert songclear(capsys, *args, "link", "--platform", "netease", "--json").json()["changed"] == 0
    assert relinked["tracks"] == 9


def test_a_decision_needs_a_name(db, capsys):
    args, _ = db
    r = songclear(capsys, *args, "review", "accept", "--track", "netease/ne-009", "--by", " ")
    assert r.code == 2 and "reviewer" in r.err
    r = songclear(capsys, *args, "review", "show", "--track", "netease/nope")
    assert r.code == 3


def test_links_list_gives_every_track_its_link_score_and_reasons(db, capsys):
    args, _ = db
    r = songclear(capsys, *args, "links", "list", "--platform", "netease", "--json")
    assert r.code == 0, r.err
    links = r.json()["links"]
    tracks = songclear(capsys, *args, "ledger", "stats", "--json").json()["tracks"]["netease"]
    assert len(links) == tracks  # every track, linked or not
    live = next(x for x in links if x["track"] == "netease/ne-009")
    assert live["outcome"] == "review" and live["work"] and live["reasons"]  # why, not only a score
    assert any("another version" in reason for reason in live["reasons"])
    review = songclear(
        capsys, *args, "links", "list", "--platform", "netease", "--status", "review", "--json"
    )
    assert {x["outcome"] for x in review.json()["links"]} == {"review"}
    shown = songclear(capsys, *args, "review", "show", "--track", "netease/ne-009", "--json").json()
    assert shown["reasons"] == live["reasons"]


def test_links_list_as_csv(db, capsys):
    import csv
    import io

    args, _ = db
    r = songclear(capsys, *args, "links", "list", "--platform", "qq", "--csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert rows and set(rows[0]) == {"track", "title", "artist", "outcome", "recording", "work", "source",
                                     "score", "reasons"}  # fmt: skip
    pinyin = next(x for x in rows if x["track"] == "qq/qq-010")
    assert pinyin["outcome"] == "review" and "sound" in pinyin["reasons"]


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (("links", "list", "--platform", "NOPE", "--json"), 3),
        (("review", "list", "--platform", "NOPE", "--json"), 3),  # before: an empty queue, exit 0
        (("link", "--platform", "NOPE", "--json"), 3),
        (("links", "list", "--platform", "qq", "--status", "maybe"), 2),
        (("links", "list", "--platform", "qq", "--json", "--csv"), 2),
    ],
)
def test_links_and_review_lists_refuse_what_link_refuses(db, capsys, argv, code):
    args, _ = db
    r = songclear(capsys, *args, *argv)
    assert r.code == code, (r.out, r.err)


DDEX = Path(__file__).resolve().parents[1] / "ingest" / "data" / "ddex" / "ern43_new_release.xml"
ARTISTS = "id,name,aliases,party\nA-EASON,陈奕迅,Eason Chan;陳奕迅,\n"
UPLOADS = (
    "platform,track_id,title,artist,duration_s\nup,u1,十年,Eason Chan,205\nup,u2,Eason Chan - 十年.mp3,,205\n"
)


def test_ddex_recording_artists_link_through_the_artist_table(db_url, tmp_path, capsys):
    db = ("--db", db_url)
    (tmp_path / "uploads.csv").write_text(UPLOADS, encoding="utf-8")
    (tmp_path / "parties.csv").write_text("id,name,kind\nup,Uploads,platform\n", encoding="utf-8")
    assert (
        songclear(capsys, *db, "import", "table", tmp_path / "parties.csv").code == 0
    )  # the mapped platform
    r = songclear(capsys, *db, "import", "ddex", DDEX, "--party", "PADPIDA2016000001L=L-JB", "--party",
                  "PADPIDA2016000002P=up", "--json")  # fmt: skip
    assert r.code == 0, r.err
    assert songclear(capsys, *db, "import", "table", tmp_path / "uploads.csv", "--json").code == 0
    before = songclear(capsys, *db, "link", "--platform", "up", "--json").json()
    assert before["auto"] == 0  # 'Eason Chan' means nothing to a ledger that only knows 陈奕迅
    (tmp_path / "artists.csv").write_text(ARTISTS, encoding="utf-8")
    imported = songclear(capsys, *db, "import", "table", tmp_path / "artists.csv", "--json")
    assert imported.code == 0 and imported.json()["imports"][0]["kind"] == "artists", imported.out
    after = songclear(capsys, *db, "link", "--platform", "up", "--json").json()
    assert after["auto"] == 2, after
    assert after["artists"]["table"] == 1 and after["artists"]["in_table"] >= 1
    links = songclear(capsys, *db, "links", "list", "--platform", "up", "--json").json()["links"]
    assert {x["recording"] for x in links} == {"HKA011600001"}
