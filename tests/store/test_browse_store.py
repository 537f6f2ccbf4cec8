"""Browsing in SQL (issue 13, item 1): every filter, page and count agrees with a plain Python reading of the same
world — identities with the audit's resolver, grant states with ``domain.grant_state`` — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from browse_world import EXPECTED, build
from songclear.app.audit import make_query, run_audit
from songclear.app.browse import library_track, list_tracks
from songclear.app.identities import identity_resolver
from songclear.domain.grant_state import ends_by, grant_state
from songclear.domain.grants import start_of_day
from songclear.errors import InputError
from songclear.store.browse_ledger import (
    GrantBrowser,
    GrantFilter,
    RecordingBrowser,
    RecordingFilter,
    WorkBrowser,
    WorkFilter,
)
from songclear.store.browse_tracks import TrackBrowser, TrackFilter
from songclear.store.repository import LedgerRepository
from songclear.store.search import Scope, search


@pytest.fixture
def world(database):
    build(database)
    return database


def _all(session, f: TrackFilter = TrackFilter()):
    return list(TrackBrowser(session, f).stream())


def test_each_track_is_identified_as_the_audit_resolves_it(world):
    with world.session() as s:
        rows = _all(s)
        repo = LedgerRepository(s)
        ledger, resolve = repo.load_ledger(), identity_resolver(repo, None, None)
        assert {r.key: (r.identity_source, r.recording, r.licensor) for r in rows} == EXPECTED
        for r in rows:  # the naive reference: the audit's own resolver and the ledger
            ident = resolve(library_track(r))
            assert r.identity_source == (ident.source if ident else "none"), r.key
            registered = ident.isrc if ident and ident.isrc in ledger.recordings else None
            assert r.recording == registered, r.key
            assert r.licensor == (ledger.recordings[registered].owner if registered else None), r.key


FILTERS = [
    TrackFilter(platform="P1"),
    TrackFilter(availability="live"),
    TrackFilter(availability="taken_down"),
    TrackFilter(identity_source="audio"),
    TrackFilter(identity_source="none"),
    TrackFilter(platform="P1", identity_source="link", availability="live"),
    TrackFilter(licensor="L-BETA"),
    TrackFilter(licensor="unknown"),
    TrackFilter(recording="CN-A01-15-00001"),
    TrackFilter(platforms=("P2",)),
    TrackFilter(platforms=()),
]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.__dict__.items() if v is not None) if hasattr(f, "__dict__") else repr(f))  # fmt: skip
def test_filters_pages_and_facets_agree_with_python(world, f):
    with world.session() as s:
        everything = _all(s)
        expected = [
            r for r in everything
            if (f.platform is None or r.platform == f.platform)
            and (f.platforms is None or r.platform in f.platforms)
            and (f.availability is None or r.availability == f.availability)
            and (f.identity_source is None or r.identity_source == f.identity_source)
            and (f.licensor is None or (r.licensor or "unknown") == f.licensor)
            and (f.recording is None or r.recording == "CNA011500001")
        ]  # fmt: skip
        browser = TrackBrowser(s, f)
        assert browser.total() == len(expected)
        pages = [r for offset in range(0, 14, 3) for r in browser.page(limit=3, offset=offset)]
        assert pages == expected  # pages in (platform, track id) order, none lost or repeated
        facets = browser.facets()
    for name, key in (("platform", "platform"), ("availability", "availability"), ("identity_source", "identity_source")):  # fmt: skip
        assert dict(facets[name]) == Counter(getattr(r, key) for r in expected)
    assert dict(facets["licensor"]) == Counter(r.licensor or "unknown" for r in expected)


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("月光碼頭", {"P1/p1-01", "P1/p1-02", "P2/p2-01"}),  # traditional finds simplified, and the other way
        ("月光码头", {"P1/p1-01", "P1/p1-02", "P2/p2-01"}),
        ("ＮＩＧＨＴ", {"P1/p1-07"}),  # full-width typed, case ignored
        ("cn-a01-15-00001", {"P1/p1-01", "P2/p2-01"}),  # the listed ISRC, with hyphens, any case
        ("p1-1", {"P1/p1-10", "P1/p1-11"}),  # track ids
        ("100%", set()),  # LIKE's wildcards are literal
        ("lin yi", {"P1/p1-02"}),
    ],
)
def test_search_matches_every_spelling(world, words, found):
    with world.session() as s:
        assert {r.key for r in _all(s, TrackFilter(search=words))} == found


def test_a_status_filter_decides_every_track_as_the_audit_does(world):
    day = date(2015, 11, 15)
    with world.session() as s:
        repo = LedgerRepository(s)
        ledger = repo.load_ledger()
        audit = run_audit(repo, platform="P1", day=day, query=make_query(day), ledger=ledger)
        expected = {d.track: d.status.value for d in audit.decisions}
        f = TrackFilter(platform="P1")
        seen = {}
        for status in ("cleared", "uncleared", "conflict", "expiring", "buffer"):
            listing = list_tracks(
                s, f, limit=100, offset=0, status=status, query=make_query(day), ledger=ledger
            )
            assert listing.status_counts == dict(Counter(expected.values())) | {
                k: 0
                for k in ("cleared", "expiring", "conflict", "buffer", "uncleared")
                if k not in expected.values()
            }
            assert listing.total == len(listing.rows)
            seen.update({r.key: status for r in listing.rows})
        assert seen == expected
        page = list_tracks(s, f, limit=4, offset=2, query=make_query(day), ledger=ledger)
        assert {k: d.status.value for k, d in page.decisions.items()} == {
            r.key: expected[r.key] for r in page.rows
        }  # a page's own decisions, from its tracks' evidence alone, are the audit's
        with pytest.raises(InputError, match="give the day"):
            list_tracks(s, f, limit=1, offset=0, status="cleared")


DAYS = [date(2014, 6, 1), date(2015, 8, 31), date(2015, 9, 1), date(2015, 11, 1), date(2015, 11, 2), date(2016, 7, 1), date(2017, 1, 1)]  # fmt: skip


@pytest.mark.parametrize("day", DAYS)
def test_grant_states_and_endings_agree_with_the_domain(world, day):
    """G-BETA-P1 ends 2015-10-31 in New York: on 2015-11-01 (its start in Shanghai is noon on the 31st there) it is
    still in term, on 2015-11-02 it has ended."""
    with world.session() as s:
        grants = LedgerRepository(s).load_ledger().grants.values()
        at = start_of_day(day)
        for state in ("in_term", "not_started", "ended", "terminated"):
            found = {g.id for g in GrantBrowser(s, GrantFilter(state=state, at=day)).stream()}
            assert found == {g.id for g in grants if grant_state(g, at) == state}, state
        ending = {g.id for g in GrantBrowser(s, GrantFilter(ending_before=day)).stream()}
        assert ending == {g.id for g in grants if ends_by(g, at)}
        assert dict(GrantBrowser(s, GrantFilter(at=day)).facets()["state"]) == Counter(
            grant_state(g, at).value for g in grants
        )
    if day == date(2015, 11, 1):
        assert "G-BETA-P1" not in ending
    if day == date(2015, 11, 2):
        assert "G-BETA-P1" in ending


@pytest.mark.parametrize(
    ("f", "ids"),
    [
        (
            GrantFilter(recording="CN-A01-15-00001"),
            {"G-ALPHA-P1", "S-P1-P2"},
        ),  # catalogue, and its sublicence
        (
            GrantFilter(recording="CNB011500001"),
            {"G-BETA-P1", "G-BETA-P2", "G-BETA-TERM"},
        ),  # listed, catalogue
        (GrantFilter(recording="CNC011500001"), set()),  # no owner, listed nowhere
        (GrantFilter(work="W1"), {"G-PUB-P1"}),
        (GrantFilter(licensor="L-BETA", exclusive=False), {"G-BETA-P1", "G-BETA-P2", "G-BETA-TERM"}),
        (GrantFilter(exclusive=True), {"G-ALPHA-P1"}),
        (GrantFilter(licensee="P2"), {"S-P1-P2", "G-BETA-P2", "G-BETA-TERM"}),
        (GrantFilter(search="beta-p"), {"G-BETA-P1", "G-BETA-P2"}),
    ],
)
def test_grant_filters(world, f, ids):
    with world.session() as s:
        browser = GrantBrowser(s, f)
        assert {g.id for g in browser.page(limit=50, offset=0)} == ids
        assert browser.total() == len(ids)


def test_recordings_and_works(world):
    with world.session() as s:
        rec = RecordingBrowser(s, RecordingFilter(owner="L-BETA"))
        assert [r.isrc for r in rec.page(limit=10, offset=0)] == ["CNB011500001", "CNB011500002"]
        assert dict(rec.facets()["version"]) == {"studio": 1, "live": 1}
        assert [r.isrc for r in RecordingBrowser(s, RecordingFilter(search="cn-b01")).stream()] == [
            "CNB011500001", "CNB011500002",
        ]  # fmt: skip
        assert dict(RecordingBrowser(s, RecordingFilter()).facets()["owner"])["unknown"] == 1
        works = WorkBrowser(s, WorkFilter(search="T-034.524.680-1"))
        assert [w.id for w in works.stream()] == ["W1"]
        assert works.facets() == {"publisher": [("PUB", 1)]}
        assert WorkBrowser(s, WorkFilter(works=())).total() == 0


def test_one_search_finds_every_kind_by_id_title_or_alias(world):
    with world.session() as s:
        hits = search(s, "阿爾法")  # a party's traditional alias, written simplified in its name
        assert [p.id for p in hits.parties.items] == ["L-ALPHA"]
        hits = search(s, "Lin Yi")  # an artist's alias finds the recordings crediting it as 林一
        assert [a["id"] for a in hits.artists.items] == ["A-LIN"]
        assert {r.isrc for r in hits.recordings.items} == {"CNA011500001", "CNA011500002"}
        assert [t.key for t in search(s, "P1/p1-03").tracks.items] == ["P1/p1-03"]
        assert [g.id for g in search(s, "s-p1").grants.items] == ["S-P1-P2"]
        assert [w.id for w in search(s, "T0345246801").works.items] == ["W1"]
        scoped = search(s, "月光", scope=Scope(platforms=("P2",), licensee="P2", owner="L-BETA"))
        assert [t.key for t in scoped.tracks.items] == ["P2/p2-01"] and scoped.recordings.total == 0
        assert search(s, "月光", scope=Scope(tracks=False, grants=False)).tracks is None
        for bad in ("", "   ", "x" * 201):
            with pytest.raises(InputError):
                search(s, bad)
