"""The audit's shortcuts against the plain computation, on a small world from the benchmark's generator.

``status_timeline`` decides an identity again only after one of its grant breakpoints, and ``decide`` shares
what does not depend on the recording through its memo; both must give exactly what deciding every track on
every day from scratch gives (the slow reference).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from songclear.app import audit
from songclear.app.audit import audit_library, make_query, status_timeline
from songclear.app.identities import isrc_identity
from songclear.domain.clearance import decide
from songclear.domain.decision import Status
from songclear.domain.grants import DEFAULT_TZ, start_of_day
from songclear.domain.ledger import Ledger

BENCH = Path(__file__).resolve().parents[2] / "bench" / "synthetic_ledger.py"


def _world(seed: int):
    spec = importlib.util.spec_from_file_location("synthetic_ledger", BENCH)
    gen = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, gen)  # dataclasses look their module up there
    spec.loader.exec_module(gen)
    shape = gen.Shape(
        labels=12, publishers=8, platforms=10, recordings=600, grants=900, tracks=1200, seed=seed
    )
    w = gen.World(shape)
    parties, works, recordings = list(w.parties()), list(w.works()), list(w.recordings())
    grants, notices, tracks = list(w.grants()), list(w.notices()), list(w.tracks())
    ledger = Ledger.build(parties=parties, works=works, recordings=recordings, grants=grants, notices=notices)
    return ledger, tracks


@pytest.fixture(scope="module", params=[2015, 7])
def world(request):
    return _world(request.param)


def test_timeline_equals_deciding_every_day(world):
    ledger, tracks = world
    query = make_query(date(2015, 8, 15))
    days = [date(2014, 11, 1) + timedelta(days=11 * i) for i in range(50)]  # 2014-11 .. 2016-04
    fast = status_timeline(tracks, ledger, query, days, isrc_identity)
    for point, day in zip(fast, days, strict=True):
        q = dataclasses.replace(query, at=start_of_day(day, DEFAULT_TZ))
        slow = Counter(decide(t, isrc_identity(t), ledger, q).status for t in tracks)
        assert point.counts == {s: slow.get(s, 0) for s in Status}, day
    seen = {s for p in fast for s, n in p.counts.items() if n}
    assert seen == set(Status)  # the world exercises every outcome, conflicts included


def test_memoised_decisions_equal_plain_ones(world):
    ledger, tracks = world
    for day in (date(2014, 3, 1), date(2015, 8, 15), date(2016, 2, 1)):
        query = make_query(day)
        fast = audit_library(tracks, ledger, query)
        slow = [decide(t, isrc_identity(t), ledger, query) for t in tracks]
        assert fast == slow


def test_timeline_from_a_forked_worker_equals_the_in_process_one(world, monkeypatch):
    ledger, tracks = world
    query = make_query(date(2015, 8, 15))
    days = [date(2015, 7, 1) + timedelta(days=7 * i) for i in range(20)]
    groups = audit.group_identities(tracks, isrc_identity)
    monkeypatch.setattr(audit, "PARALLEL_MIN_TRACKS", 0)  # this small library is forked for too
    with audit.in_background(audit.moving_timeline, groups, ledger, query, days, size=len(tracks)) as result:
        forked = result()
    here = audit.moving_timeline(groups, ledger, query, days)
    assert forked == here
    assert here.moving  # some identities change status within those weeks
