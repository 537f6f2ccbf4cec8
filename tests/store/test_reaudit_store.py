"""The store-backed re-audit (app.reaudit) against the full double audit, on both backends.

A synthetic world (the benchmark's generator, small) is recorded, then changed one fact at a time, each at its own
time; after each change ``reaudit(since=the time before it)`` must list exactly the status changes that auditing the
whole platform on the ledger as known then and as known now lists (same tracks, same identities), while deciding
only a few tracks.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from songclear.app.audit import audit_library, make_query
from songclear.app.identities import identity_resolver
from songclear.app.reaudit import reaudit
from songclear.domain.audit import diff
from songclear.domain.catalogue import LibraryTrack, Recording, TrackIdentity, Work
from songclear.domain.clearance import decide
from songclear.domain.decision import Status
from songclear.domain.grants import Grant, Term, Termination, TerminationCause, start_of_day
from songclear.domain.identity import TrackLink
from songclear.domain.ledger import Ledger
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import Right
from songclear.store.links import LinkRepository
from songclear.store.repository import LedgerRepository

BENCH = Path(__file__).resolve().parents[2] / "bench" / "synthetic_ledger.py"
T0 = datetime(2016, 1, 1, tzinfo=UTC)
DAY = date(2015, 11, 15)


def _world():
    spec = importlib.util.spec_from_file_location("synthetic_ledger", BENCH)
    gen = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, gen)
    spec.loader.exec_module(gen)
    return gen.World(
        gen.Shape(labels=12, publishers=8, platforms=10, recordings=400, grants=300, tracks=1500)
    )


def _full(database, platform: str, since: datetime) -> list[tuple]:
    with database.session() as s:
        repo = LedgerRepository(s)
        tracks = list(repo.iter_tracks(platform))
        resolve = identity_resolver(repo, platform, None)
        query = make_query(DAY)
        before = audit_library(tracks, repo.load_ledger(since), query, resolve=resolve)
        after = audit_library(tracks, repo.load_ledger(None), query, resolve=resolve)
    return [
        (c.track, c.before, c.after) for c in diff({d.track: d for d in before}, {d.track: d for d in after})
    ]


def _grant(gid: str, isrcs, owner: str) -> Grant:
    return Grant(
        id=gid, licensor=owner, licensee="DSP00", rights=frozenset({Right.MASTER}), term=Term(date(2015, 1, 1)),
        territories=Territories.parse(["CN"]), uses=frozenset({"Stream"}), recordings=frozenset(isrcs),
    )  # fmt: skip


def _clearable(ledger: Ledger, tracks) -> tuple[list[str], str]:
    """Up to three uncleared recordings of DSP00 that one listed master grant from their owner clears."""
    query = make_query(DAY)
    by_owner: dict[str, list[str]] = {}
    for t in tracks:
        rec = ledger.recordings.get(t.isrc or "")
        if rec and rec.owner and decide(t, TrackIdentity(t.isrc), ledger, query).status is Status.UNCLEARED:
            by_owner.setdefault(rec.owner, []).append(t.isrc)
    for owner, isrcs in sorted(by_owner.items()):
        isrcs = sorted(set(isrcs))
        trial = Ledger.build(recordings=ledger.recordings.values(), works=ledger.works.values(),
                             grants=[*ledger.grants.values(), _grant("G-TRIAL", isrcs, owner)])  # fmt: skip
        cleared = [
            i for i in isrcs if decide(_track(i), TrackIdentity(i), trial, query).status is Status.CLEARED
        ]
        if cleared:
            return cleared[:3], owner
    raise AssertionError("the world has no recording a listed grant would clear")


def _track(isrc: str) -> LibraryTrack:
    return LibraryTrack(platform="DSP00", track_id=isrc, title=isrc, isrc=isrc)


def _first_moving(ledger: Ledger, tracks, variants):
    """The first changed fact that moves the status of a DSP00 track (so that every step means something)."""
    query = make_query(DAY)
    idents = [(t, TrackIdentity(t.isrc) if t.isrc else None) for t in tracks]
    now = [decide(t, i, ledger, query).status for t, i in idents]
    for fact in variants:
        kind = {Grant: "grants", Recording: "recordings", Work: "works"}[type(fact)]
        facts = {k: dict(getattr(ledger, k)) for k in ("grants", "recordings", "works", "notices")}
        facts[kind][fact.id] = fact
        trial = Ledger.build(**{k: v.values() for k, v in facts.items()})
        if [decide(t, i, trial, query).status for t, i in idents] != now:
            return fact
    raise AssertionError("no variant moves a status")


END = Termination(start_of_day(date(2015, 10, 1)), TerminationCause.TERMINATED, "test")


def _steps() -> list:
    """(name, pick): each pick gets the ledger and DSP00's tracks as they are before its step and returns the
    facts to record (or a link), chosen so that the step moves at least one status."""

    def ended(ledger, tracks, which):
        grants = sorted(ledger.grants.values(), key=lambda g: g.id)
        parents = {g.parent for g in grants if g.parent and g.licensee == "DSP00"}
        keep = {
            "catalogue": lambda g: g.catalogue and g.licensee == "DSP00",
            "parent": lambda g: g.id in parents,
        }
        return [
            _first_moving(
                ledger, tracks, (dataclasses.replace(g, termination=END) for g in grants if keep[which](g))
            )
        ]

    def exclusive(ledger, tracks):
        grants = sorted(ledger.grants.values(), key=lambda g: g.id)
        flipped = (dataclasses.replace(g, exclusive=not g.exclusive) for g in grants if g.licensee != "DSP00")
        return [_first_moving(ledger, tracks, flipped)]

    def owner(ledger, tracks):
        owners = sorted({r.owner for r in ledger.recordings.values() if r.owner})[:3]
        recs = sorted(ledger.recordings.values(), key=lambda r: r.isrc)
        return [
            _first_moving(ledger, tracks, (dataclasses.replace(r, owner=o) for r in recs for o in owners))
        ]

    def publishers(ledger, tracks):
        works = sorted(ledger.works.values(), key=lambda w: w.id)
        return [
            _first_moving(
                ledger, tracks, (dataclasses.replace(w, publishers=()) for w in works if w.publishers)
            )
        ]

    def link(ledger, tracks):
        no_isrc = next(t for t in tracks if not t.isrc)
        return ("DSP00", no_isrc.track_id, sorted(ledger.grants["G-NEW"].recordings)[-1])

    return [
        ("new listed grant", lambda ledger, tracks: [_grant("G-NEW", *_clearable(ledger, tracks))]),
        ("catalogue grant ended", functools.partial(ended, which="catalogue")),
        ("parent ended", functools.partial(ended, which="parent")),
        ("exclusive flag", exclusive),
        ("recording owner", owner),
        ("work publishers", publishers),
        ("link", link),
        (
            "grant to a linked recording ended",
            lambda ledger, _: [dataclasses.replace(ledger.grants["G-NEW"], termination=END)],
        ),
    ]


def test_reaudit_lists_what_the_full_double_audit_lists_deciding_few_tracks(database):
    w = _world()
    with database.session() as s:
        LedgerRepository(s).record(
            [*w.parties(), *w.works(), *w.recordings(), *w.grants(), *w.notices(), *w.tracks()],
            recorded_at=T0,
        )
        total = LedgerRepository(s).count_tracks("DSP00")
    at = T0
    reported, linked_track = {}, None
    for name, pick in _steps():
        since, at = at, at + timedelta(hours=1)
        with database.session() as s:
            repo = LedgerRepository(s)
            change = pick(repo.load_ledger(), list(repo.iter_tracks("DSP00")))
            if isinstance(change, tuple):  # a link: not a ledger change, only an identity for what follows
                platform, linked_track, isrc = change
                link = TrackLink("auto", isrc, None, "metadata", 0.99, "test link")
                LinkRepository(s).record(platform, [(linked_track, link, {})], recorded_at=at)
                continue
            LedgerRepository(s).record(change, recorded_at=at)
        r = reaudit(database, platform="DSP00", day=DAY, query=make_query(DAY), since=since)
        got = [(c["track"], c["before"], c["after"]) for c in r.changes]
        want = [
            (k, b.value if b else None, a.value if a else None) for k, b, a in _full(database, "DSP00", since)
        ]
        assert got == want, name
        assert r.tracks_decided < total / 2, (name, r.tracks_decided, total)
        reported[name] = r
        assert r.changes, name  # each step moves something
    assert reported["new listed grant"].grants == ["G-NEW"] and reported["new listed grant"].changes
    assert all(c["because"] == ["G-NEW"] for c in reported["new listed grant"].changes)
    assert reported["catalogue grant ended"].changes  # a label's catalogue lost its licence
    assert reported["work publishers"].works and reported["recording owner"].recordings
    linked = reported["grant to a linked recording ended"]
    assert f"DSP00/{linked_track}" in [
        c["track"] for c in linked.changes
    ]  # found through its link, not an ISRC
