"""Properties of the clearance rules over generated ledgers (hypothesis)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from songclear.domain.catalogue import LibraryTrack, Recording, TrackIdentity, Work
from songclear.domain.clearance import decide
from songclear.domain.grants import Grant, Term, start_of_day
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import Right

LABELS = ["L1", "L2"]
PUBLISHERS = ["P1"]
PLATFORMS = ["A", "B", "C"]
ISRCS = [f"CNA0115{n:05d}" for n in range(4)]
TERRITORIES = ["CN", "HK", "TW"]
USES = ["Stream", "PermanentDownload"]
DAY0 = date(2015, 1, 1)


@st.composite
def grants(draw) -> list[Grant]:
    out: list[Grant] = []
    for i in range(draw(st.integers(1, 9))):
        parent = draw(st.sampled_from([None, *out])) if out else None
        licensor = parent.licensee if parent else draw(st.sampled_from(LABELS + PUBLISHERS))
        right = Right.COMPOSITION if licensor in PUBLISHERS else Right.MASTER
        start = DAY0 + timedelta(days=draw(st.integers(0, 300)))
        end = draw(st.one_of(st.none(), st.integers(0, 400).map(lambda n, s=start: s + timedelta(days=n))))
        catalogue = draw(st.booleans())
        out.append(
            Grant(
                id=f"G{i}",
                licensor=licensor,
                licensee=draw(st.sampled_from([p for p in PLATFORMS if p != licensor])),
                rights=frozenset({right}),
                term=Term(start, end),
                territories=Territories.parse(
                    draw(st.lists(st.sampled_from(TERRITORIES), min_size=1, unique=True))
                ),
                uses=frozenset(draw(st.lists(st.sampled_from(USES), min_size=1, unique=True))),
                recordings=frozenset()
                if catalogue or right is Right.COMPOSITION
                else frozenset(draw(st.lists(st.sampled_from(ISRCS), min_size=1, unique=True))),
                works=frozenset({"W1"}) if right is Right.COMPOSITION and not catalogue else frozenset(),
                catalogue=catalogue,
                exclusive=draw(st.booleans()),
                sublicensable=draw(st.booleans()),
                parent=parent.id if parent else None,
                issued=start - timedelta(days=draw(st.integers(0, 30))),
            )
        )
    return out


RECORDINGS = [
    Recording(isrc=i, title=i, owner=LABELS[n % 2], work_id="W1" if n == 0 else None)
    for n, i in enumerate(ISRCS)
]
WORKS = [Work(id="W1", title="W1", publishers=("P1",))]
TRACKS = [LibraryTrack(platform=p, track_id=i, title=i, isrc=i) for p in PLATFORMS for i in ISRCS]
QUERIES = [
    ClearanceQuery(at=start_of_day(DAY0 + timedelta(days=d)), territory=t, use=u)
    for d in (10, 200, 500)
    for t in ("CN", "HK")
    for u in USES
]


def licensed(gs: list[Grant]) -> set[tuple[str, int]]:
    """(track, query index) pairs that some valid chain licenses (cleared, expiring or conflict)."""
    ledger = Ledger.build(recordings=RECORDINGS, works=WORKS, grants=gs)
    return {
        (t.key, qi)
        for t in TRACKS
        for qi, q in enumerate(QUERIES)
        if decide(t, TrackIdentity(t.isrc), ledger, q).status.has_licence
    }


def decisions(gs: list[Grant]) -> list:
    ledger = Ledger.build(recordings=RECORDINGS, works=WORKS, grants=gs)
    return [decide(t, TrackIdentity(t.isrc), ledger, q) for t in TRACKS for q in QUERIES]


@settings(max_examples=60, deadline=None)
@given(grants(), st.data())
def test_removing_a_grant_never_licenses_more(gs, data):
    victim = data.draw(st.sampled_from(gs))
    assert licensed([g for g in gs if g.id != victim.id]) <= licensed(gs)


@settings(max_examples=60, deadline=None)
@given(grants(), st.data())
def test_shortening_a_parents_term_never_licenses_more_sublicensed_tracks(gs, data):
    parents = [g for g in gs if any(c.parent == g.id for c in gs)]
    if not parents:
        return
    p = data.draw(st.sampled_from(parents))
    cut = data.draw(st.integers(0, 200))
    new_end = p.term.start + timedelta(days=cut)
    if p.term.end is not None and new_end > p.term.end:
        new_end = p.term.end
    shorter = dataclasses.replace(p, term=Term(p.term.start, new_end, p.term.tz))
    assert licensed([shorter if g.id == p.id else g for g in gs]) <= licensed(gs)


@settings(max_examples=40, deadline=None)
@given(grants(), st.randoms(use_true_random=False))
def test_decisions_do_not_depend_on_import_order(gs, rnd: random.Random):
    shuffled = list(gs)
    rnd.shuffle(shuffled)
    assert decisions(shuffled) == decisions(gs)


@settings(max_examples=40, deadline=None)
@given(grants(), st.data())
def test_facts_recorded_later_do_not_change_an_audit_as_known_earlier(gs, data):
    from datetime import UTC, datetime

    t1 = datetime(2016, 1, 1, tzinfo=UTC)
    late = [
        dataclasses.replace(
            g, term=Term(g.term.start, g.term.start), recorded_at=datetime(2017, 1, 1, tzinfo=UTC)
        )
        for g in gs
    ]
    before = Ledger.build(recordings=RECORDINGS, works=WORKS, grants=gs, known_at=t1)
    after = Ledger.build(recordings=RECORDINGS, works=WORKS, grants=gs + late, known_at=t1)
    for t in TRACKS:
        for q in QUERIES:
            assert decide(t, TrackIdentity(t.isrc), before, q) == decide(t, TrackIdentity(t.isrc), after, q)
