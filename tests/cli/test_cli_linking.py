"""Metadata linking through the CLI: proposals, the review queue, decisions that stick, and the audit using links."""

from __future__ import annotations

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
