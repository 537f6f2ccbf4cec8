"""What people read (issue 13, item 7): counts in words with the right plural, no Python values (`None`, dicts),
and the review queue's confidence is the one the audit uses, not the linker's internal score."""

from __future__ import annotations

import pytest

from browse_world import build
from clirun import songclear
from songclear.cli.output import plural, show
from songclear.store import Database


def test_plural_and_show():
    assert [plural(0, "track"), plural(1, "track"), plural(2, "track")] == ["0 tracks", "1 track", "2 tracks"]
    assert plural(1, "entry", "entries") == "1 entry" and plural(1234, "entry", "entries") == "1,234 entries"
    assert [show(None), show(True), show({"qq": 3, "kuwo": None}), show(["a", "b"]), show([])] == [
        "-", "yes", "qq 3, kuwo -", "a, b", "-",
    ]  # fmt: skip


@pytest.fixture
def db(db_url, tmp_path):
    database = Database.open(db_url)
    build(database)
    database.close()
    return ("--db", db_url, "--fp-index", str(tmp_path / "fp"))


def test_ledger_stats_prints_no_python_values(db, capsys):
    out = songclear(capsys, *db, "ledger", "stats").out
    assert "None" not in out and "{" not in out and "'" not in out
    assert "the ledger as known now:" in out and "tracks: P1 11, P2 2" in out
    then = songclear(capsys, *db, "ledger", "stats", "--as-known-at", "2014-06-01").out
    assert "as known at 2014-06-01T00:00:00+00:00" in then and "tracks: P1 0, P2 0" in then


def test_one_of_a_thing_is_singular(db, capsys, tmp_path):
    # P1/p1-05 (CNB011500002, no grant to P1) is live and uncleared for the one day asked: "1 day", not "1 days".
    exposure = songclear(
        capsys, *db, "exposure", "--platform", "P1", "--from", "2015-11-15", "--to", "2015-11-16"
    )
    assert "P1/p1-05 L-BETA: 1 day, 1,000 plays" in exposure.out and "1 days" not in exposure.out
    table = tmp_path / "parties.csv"
    table.write_text("id,name,kind\nL-NEW,New Label,label\n")
    imported = songclear(capsys, *db, "import", "table", table)
    assert "(parties, 1 row)" in imported.out
    assert "ok: 1 entry, head" in songclear(capsys, *db, "log", "verify").out


def test_the_review_queue_shows_the_confidence_the_audit_uses(db, capsys):
    queue = {q["track"]: q for q in songclear(capsys, *db, "review", "list", "--json").json()["queue"]}
    audio = queue["P1/p1-03"]  # proposed from audio: the linker's score is 0.06, the match's confidence 0.97
    assert audio["score"] == 0.06 and audio["confidence"] == 0.97
    assert (audio["judged_by"], audio["judged_as"]) == ("audio", "CNB011500001")
    meta = queue["P1/p1-07"]  # proposed from metadata: no confidence; judged by its listed ISRC meanwhile
    assert meta["confidence"] is None and (meta["judged_by"], meta["judged_as"]) == ("review", "CNB011500002")
    text = " ".join(songclear(capsys, *db, "review", "list").out.split())  # as read, whatever the wrapping
    assert "the audit: audio match confidence 0.970 (the audit trusts audio from 0.5)" in text
    assert "judged by its listed ISRC CNB011500002" in text and "0.06" not in text
    shown = songclear(capsys, *db, "review", "show", "--track", "P1/p1-03").out
    assert "the audit: audio match confidence 0.970" in shown
