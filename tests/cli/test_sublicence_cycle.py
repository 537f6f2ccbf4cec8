"""A ledger that already holds a cycle of sublicences (recorded before imports refused them, or by a program
writing to the store directly) still answers every question: the tracks relying on the cycle are uncleared with
the cycle as their reason, every other track is decided as before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clirun import songclear
from songclear.domain.catalogue import LibraryTrack, Party, Recording
from songclear.domain.grants import Grant, Term
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right
from songclear.store.database import Database
from songclear.store.repository import LedgerRepository

R1, R2 = "CNA011500001", "CNA011500002"


def _grant(gid: str, licensor: str, licensee: str, parent: str | None = None, **scope) -> Grant:
    return Grant(
        id=gid, licensor=licensor, licensee=licensee, rights=frozenset({Right.MASTER}),
        term=Term(date(2014, 1, 1), date(2016, 12, 31)), territories=Territories.parse(["CN"]),
        uses=frozenset({"Stream"}), sublicensable=True, parent=parent, **scope,
    )  # fmt: skip


@pytest.fixture
def db(db_url):
    facts = [
        Party(id="L1", name="Label", kind=PartyKind.LABEL),
        *(Party(id=p, name=p, kind=PartyKind.PLATFORM) for p in ("QQ", "NE")),
        Recording(isrc=R1, title="one", owner="L1"),
        Recording(isrc=R2, title="two", owner="L1"),
        _grant("G1", "L1", "QQ", catalogue=True),  # QQ's own licence: untouched by the cycle
        _grant("S-A", "QQ", "NE", parent="S-B", recordings=frozenset({R2})),
        _grant("S-B", "NE", "QQ", parent="S-A", catalogue=True),
        LibraryTrack(platform="QQ", track_id="q1", title="one", isrc=R1),
        LibraryTrack(platform="QQ", track_id="q2", title="two", isrc=R2),
        LibraryTrack(platform="NE", track_id="n2", title="two", isrc=R2),
    ]
    database = Database.open(db_url)
    with database.session() as s:
        LedgerRepository(s).record(facts, recorded_at=datetime(2015, 1, 1, tzinfo=UTC))
    database.engine.dispose()
    return ("--db", db_url)


def test_every_question_is_answered_and_only_the_cycle_s_tracks_fail(db, capsys):
    r = songclear(capsys, *db, "audit", "--all-platforms", "--at", "2015-08-01", "--json")
    assert r.code == 0, r.err
    r = songclear(capsys, *db, "audit", "--platform", "QQ", "--at", "2015-08-01", "--json", "--decisions")
    assert r.code == 0, r.err
    by_track = {d["track"]: d for d in r.json()["decisions"]}
    assert by_track["QQ/q1"]["status"] == "cleared" and by_track["QQ/q2"]["status"] == "cleared"

    r = songclear(capsys, *db, "explain", "--track", "NE/n2", "--at", "2015-08-01", "--json")
    assert r.code == 0, r.err
    d = r.json()
    assert d["status"] == "uncleared"
    assert d["reasons"][0]["code"] == "sublicence-cycle"
    assert "(S-B -> S-A -> S-B)" in d["reasons"][0]["message"]  # each grant, then its parent

    r = songclear(capsys, *db, "takedown", "plan", "--platform", "NE", "--at", "2015-08-01", "--json")
    assert r.code == 0, r.err
    assert "NE/n2" in r.out
    r = songclear(capsys, *db, "diff", "--platform", "NE", "--from", "2015-01-01", "--to", "2015-08-01")
    assert r.code == 0, r.err
