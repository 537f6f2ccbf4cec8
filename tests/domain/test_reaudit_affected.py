"""The affected-only re-audit against the full double audit, on random small worlds and single changes.

For every change, every platform and several queries: deciding only the tracks whose identity carries a recording
``affected_recordings`` names must report exactly the status changes that deciding the whole library on both
ledgers reports; and a track left out must have the very same decision on both sides (not only its status).
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from songclear.domain.audit import diff
from songclear.domain.catalogue import LibraryTrack, Recording, TrackIdentity, Work
from songclear.domain.clearance import decide
from songclear.domain.enforcement.affected import (
    Changes,
    affected_recordings,
    audit_touched,
    changed_facts,
    ledger_with,
    notice_touches,
)
from songclear.domain.grants import Grant, Term, Termination, TerminationCause, start_of_day
from songclear.domain.ledger import Ledger
from songclear.domain.notices import Notice
from songclear.domain.rules import ClearanceQuery
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import Right
from world import parse_world

LABELS = ["L1", "L2", "L3"]
PUBLISHERS = ["P1", "P2"]
PLATFORMS = ["A", "B"]
ISRCS = [f"CNA0115{n:05d}" for n in range(8)]
WORKS = ["W1", "W2", "W3"]
DAY0 = date(2015, 1, 1)
QUERIES = [
    ClearanceQuery(at=start_of_day(DAY0 + timedelta(days=d)), territory=t)
    for d in (40, 220, 420)
    for t in ("CN", "HK")
]


def _grant(rng: random.Random, gid: str, existing: list[Grant]) -> Grant:
    parent = rng.choice([None, None, *existing]) if existing else None
    licensor = parent.licensee if parent else rng.choice(LABELS + PUBLISHERS)
    right = (
        Right.COMPOSITION
        if licensor in PUBLISHERS
        else rng.choice([Right.MASTER, Right.MASTER, Right.COMPOSITION])
    )
    start = DAY0 + timedelta(days=rng.randint(0, 300))
    catalogue = rng.random() < 0.5
    return Grant(
        id=gid,
        licensor=licensor,
        licensee=rng.choice([p for p in PLATFORMS + LABELS if p != licensor]),
        rights=frozenset({right}),
        term=Term(start, rng.choice([None, start + timedelta(days=rng.randint(0, 400))])),
        territories=Territories.parse(rng.sample(["CN", "HK", "TW"], rng.randint(1, 2))),
        uses=frozenset({"Stream"}),
        recordings=frozenset()
        if catalogue or right is Right.COMPOSITION
        else frozenset(rng.sample(ISRCS, 2)),
        works=frozenset(rng.sample(WORKS, 1))
        if right is Right.COMPOSITION and not catalogue
        else frozenset(),
        catalogue=catalogue,
        exclusive=rng.random() < 0.4,
        sublicensable=rng.random() < 0.7,
        parent=parent.id if parent else None,
        issued=start - timedelta(days=rng.randint(0, 60)),
    )


def world(rng: random.Random) -> tuple[Ledger, list[LibraryTrack], dict]:
    recordings = [
        Recording(isrc=i, title=i, owner=rng.choice([*LABELS, None]), work_id=rng.choice([*WORKS, None]))
        for i in ISRCS[:6]  # the last two are not registered yet: a change may register them
    ]
    works = [Work(id=w, title=w, publishers=tuple(rng.sample(PUBLISHERS, rng.randint(0, 2)))) for w in WORKS]
    grants: list[Grant] = []
    for n in range(rng.randint(2, 9)):
        grants.append(_grant(rng, f"G{n}", grants))
    notices = [Notice(id="N1", issuer="NCAC", title="N1", issued=DAY0, effective=DAY0 + timedelta(days=100),
                      buffer_end=DAY0 + timedelta(days=200), platforms=frozenset({"B"}))]  # fmt: skip
    ledger = Ledger.build(recordings=recordings, works=works, grants=grants, notices=notices)
    tracks, identities = [], {}
    for p in PLATFORMS:
        for n, isrc in enumerate(ISRCS):
            t = LibraryTrack(platform=p, track_id=f"t{n}", title=isrc, isrc=isrc)
            tracks.append(t)
            identities[t.key] = TrackIdentity(isrc)
        medley = LibraryTrack(platform=p, track_id="medley", title="medley")  # audio: two recordings
        tracks.append(medley)
        identities[medley.key] = TrackIdentity(ISRCS[0], "audio", "match", (rng.choice(ISRCS[1:]),))
        tracks.append(LibraryTrack(platform=p, track_id="unknown", title="?"))
        identities[f"{p}/unknown"] = None
    return ledger, tracks, identities


def change(rng: random.Random, ledger: Ledger) -> tuple[str, Ledger]:
    """One random change of the kinds an import or an amendment makes."""
    grants = dict(ledger.grants)
    recordings, works, notices = dict(ledger.recordings), dict(ledger.works), dict(ledger.notices)
    g = rng.choice(sorted(grants.values(), key=lambda x: x.id))
    kind = rng.choice(["add", "end", "terminate", "remove", "reparent", "exclusive", "catalogue", "licensee",
                       "owner", "work", "publishers", "register", "notice"])  # fmt: skip
    if kind == "add":
        new = _grant(rng, "GX", sorted(grants.values(), key=lambda x: x.id))
        grants[new.id] = new
    elif kind == "end":
        grants[g.id] = dataclasses.replace(
            g, term=Term(g.term.start, g.term.start + timedelta(days=rng.randint(0, 250)))
        )
    elif kind == "terminate":
        at = start_of_day(DAY0 + timedelta(days=rng.randint(0, 400)))
        grants[g.id] = dataclasses.replace(g, termination=Termination(at, TerminationCause.TERMINATED))
    elif kind == "remove":
        del grants[g.id]
    elif kind == "reparent":
        others = [x for x in grants.values() if x.id != g.id and x.parent != g.id]
        parent = rng.choice(others) if others else None
        if parent is not None and parent.parent is None:  # keep it acyclic: only a root may become the parent
            grants[g.id] = dataclasses.replace(g, parent=parent.id, licensor=parent.licensee)
        else:
            grants[g.id] = dataclasses.replace(g, parent=None)
    elif kind == "exclusive":
        grants[g.id] = dataclasses.replace(g, exclusive=not g.exclusive)
    elif kind == "catalogue":
        grants[g.id] = dataclasses.replace(
            g, catalogue=not g.catalogue, recordings=frozenset(rng.sample(ISRCS, 3))
        )
    elif kind == "licensee":
        grants[g.id] = dataclasses.replace(
            g, licensee=rng.choice([p for p in PLATFORMS + LABELS if p != g.licensor])
        )
    elif kind in ("owner", "work"):
        r = recordings[rng.choice(sorted(recordings))]
        field = (
            {"owner": rng.choice([*LABELS, None])}
            if kind == "owner"
            else {"work_id": rng.choice([*WORKS, None])}
        )
        recordings[r.isrc] = dataclasses.replace(r, **field)
    elif kind == "publishers":
        w = works[rng.choice(WORKS)]
        works[w.id] = dataclasses.replace(w, publishers=tuple(rng.sample(PUBLISHERS, rng.randint(0, 2))))
    elif kind == "register":
        isrc = rng.choice(ISRCS[6:])
        recordings[isrc] = Recording(
            isrc=isrc, title=isrc, owner=rng.choice(LABELS), work_id=rng.choice(WORKS)
        )
    else:
        n = notices["N1"]
        notices["N1"] = dataclasses.replace(n, buffer_end=n.buffer_end + timedelta(days=rng.randint(1, 200)))
    try:
        after = Ledger.build(recordings=recordings.values(), works=works.values(), grants=grants.values(),
                             notices=notices.values())  # fmt: skip
    except Exception:  # noqa: BLE001 - a cycle the random re-parenting made: judge no change
        return kind, ledger
    return kind, after


def full(tracks, identities, ledger, query) -> dict:
    return {t.key: decide(t, identities[t.key], ledger, query) for t in tracks}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_affected_only_reaudit_equals_the_full_double_audit(seed):
    rng = random.Random(seed)
    before, tracks, identities = world(rng)
    kind, after = change(rng, before)
    changes = changed_facts(before, after)
    for platform in PLATFORMS:
        mine = [t for t in tracks if t.platform == platform]
        affected = affected_recordings(before, after, changes, platform=platform)
        for query in QUERIES:
            whole = notice_touches(before, after, changes.notices, platform, query.territory)
            touched = audit_touched(
                mine,
                lambda t: identities[t.key],
                before,
                after,
                query,
                affected.recordings,
                every_track=whole,
            )
            b, a = full(mine, identities, before, query), full(mine, identities, after, query)
            assert touched.changes() == diff(b, a), (kind, platform, query)
            for key in set(b) - set(touched.after):
                assert b[key] == a[key], (kind, key)


def test_without_a_platform_the_affected_set_covers_every_platform():
    rng = random.Random(7)
    for _ in range(50):
        before, tracks, identities = world(rng)
        _, after = change(rng, before)
        anyone = affected_recordings(before, after).recordings
        for p in PLATFORMS:
            assert affected_recordings(before, after, platform=p).recordings <= anyone


def test_the_before_ledger_rebuilt_from_now_and_the_old_versions_is_the_old_ledger():
    rng = random.Random(11)
    for _ in range(50):
        before, _, _ = world(rng)
        _, after = change(rng, before)
        changes = changed_facts(before, after)
        then = {k: [getattr(before, k)[i] for i in getattr(changes, k) if i in getattr(before, k)]
                for k in ("grants", "recordings", "works", "notices", "parties")}  # fmt: skip
        rebuilt = ledger_with(after, changes, then, known_at=None)
        assert (rebuilt.grants, rebuilt.recordings, rebuilt.works, rebuilt.notices) == (
            before.grants, before.recordings, before.works, before.notices)  # fmt: skip


# -- cost: one listed grant in a 1000-track library ----------------------------------------------------------------


def big_world() -> tuple[Ledger, list[LibraryTrack]]:
    recs = [Recording(isrc=f"CNB0115{n:05d}", title=str(n), owner=f"L{n % 20}", work_id=f"W{n % 300}")
            for n in range(1000)]  # fmt: skip
    works = [Work(id=f"W{n}", title=str(n), publishers=(f"P{n % 7}",)) for n in range(300)]
    grants = [
        Grant(id=f"G-L{n}", licensor=f"L{n}", licensee="A", rights=frozenset({Right.MASTER}),
              term=Term(date(2014, 1, 1)), territories=Territories.parse(["CN"]), uses=frozenset({"Stream"}),
              catalogue=True)
        for n in range(0, 20, 2)
    ] + [
        Grant(id=f"G-P{n}", licensor=f"P{n}", licensee="A", rights=frozenset({Right.COMPOSITION}),
              term=Term(date(2014, 1, 1)), territories=Territories.parse(["CN"]), uses=frozenset({"Stream"}),
              catalogue=True)
        for n in range(7)
    ]  # fmt: skip
    tracks = [
        LibraryTrack(platform="A", track_id=f"a{n}", title=r.title, isrc=r.isrc) for n, r in enumerate(recs)
    ]
    return Ledger.build(recordings=recs, works=works, grants=grants), tracks


def test_one_listed_grant_in_a_1000_track_library_decides_its_three_tracks():
    before, tracks = big_world()
    listed = ["CNB011500001", "CNB011500003", "CNB011500005"]  # owned by L1, L3, L5: no grant to A yet
    new = Grant(id="G-NEW", licensor="L1", licensee="A", rights=frozenset({Right.MASTER}), term=Term(date(2015, 1, 1)),
                territories=Territories.parse(["CN"]), uses=frozenset({"Stream"}), recordings=frozenset(listed))  # fmt: skip
    after = Ledger.build(recordings=before.recordings.values(), works=before.works.values(),
                         grants=[*before.grants.values(), new])  # fmt: skip
    query = QUERIES[2]  # 2015-08-09, CN
    affected = affected_recordings(before, after, Changes(grants=frozenset({"G-NEW"})), platform="A")
    assert affected.recordings == set(listed) and affected.because == {"G-NEW": frozenset(listed)}
    touched = audit_touched(
        tracks, lambda t: TrackIdentity(t.isrc), before, after, query, affected.recordings
    )
    assert touched.tracks_seen == 1000 and touched.tracks_decided == 3 and touched.decisions == 6
    # Only L1's own recording is cleared by it (the licensor holds only that one); the full audit agrees.
    ident = {t.key: TrackIdentity(t.isrc) for t in tracks}
    assert touched.changes() == diff(full(tracks, ident, before, query), full(tracks, ident, after, query))
    assert [c.track for c in touched.changes()] == ["A/a1"]


def test_ending_a_catalogue_grant_touches_that_labels_catalogue_only():
    before, tracks = big_world()
    g = before.grants["G-L4"]
    ended = dataclasses.replace(
        g, termination=Termination(start_of_day(date(2015, 3, 1)), TerminationCause.TERMINATED)
    )
    after = Ledger.build(recordings=before.recordings.values(), works=before.works.values(),
                         grants=[*(x for x in before.grants.values() if x.id != g.id), ended])  # fmt: skip
    affected = affected_recordings(before, after, Changes(grants=frozenset({g.id})), platform="A")
    assert affected.recordings == {r.isrc for r in before.recordings.values() if r.owner == "L4"}
    touched = audit_touched(
        tracks, lambda t: TrackIdentity(t.isrc), before, after, QUERIES[2], affected.recordings
    )
    assert touched.tracks_decided == 50 and len(touched.changes()) == 50
    assert {c.after.value for c in touched.changes()} == {"uncleared"}


def test_an_exclusive_grant_to_someone_else_contests_the_platforms_chain():
    """E (L1 -> L2, exclusive catalogue, signed first) is not in any chain to A, yet makes A's chain a conflict:
    its change touches every recording a chain through L1 reaches A with."""
    text = """\
        recording CNA011500001 owner=L1
        recording CNA011500002 owner=L2
        grant E L1>L2 master catalogue 2014-01-01.. CN Stream exclusive issued=2014-01-01
        grant H L1>A master catalogue 2015-01-01.. CN Stream issued=2015-01-01
        grant K L2>A master catalogue 2015-01-01.. CN Stream issued=2015-01-01
    """
    facts = parse_world(text)
    before = Ledger.build(**facts)
    after = Ledger.build(**facts | {"grants": [dataclasses.replace(g, exclusive=False) if g.id == "E" else g
                                               for g in facts["grants"]]})  # fmt: skip
    tracks = [LibraryTrack(platform="A", track_id=f"a{n}", title="", isrc=f"CNA01150000{n}") for n in (1, 2)]
    affected = affected_recordings(before, after, platform="A")
    assert affected.recordings == {"CNA011500001"}  # H's subjects; L2's recording stays out
    touched = audit_touched(
        tracks, lambda t: TrackIdentity(t.isrc), before, after, QUERIES[2], affected.recordings
    )
    assert [(c.track, c.before.value, c.after.value) for c in touched.changes()] == [
        ("A/a1", "conflict", "cleared")
    ]
    assert touched.tracks_decided == 1
