"""'Since when' in the rights holder's view (issue 13, item 2), checked against a slow, plain reference on the demo
world (its enforcement chapter included): the status of each of a holder's tracks decided on every day back from
the day asked, and its availability read with the audit's own ``down_at`` on every day. On both backends."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from backends import BACKENDS, backend_url
from songclear.store import Database

DAY = date(2015, 11, 20)
FIRST = date(2013, 1, 1)  # before every grant of the demo world


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db(request, tmp_path_factory):
    from songclear.app.demo import play_demo

    folder = tmp_path_factory.mktemp(f"holder-{request.param}")
    with backend_url(request.param, folder) as url, Database.open(url) as db:
        play_demo(db, folder, enforce=True)
        yield db


@pytest.fixture(scope="module")
def catalogues(demo_db):
    from songclear.app.holder_view import holder_catalogue

    return {p: holder_catalogue(demo_db, party=p, day=DAY) for p in ("L-JADE", "L-SILK", "P-PEARL")}


def test_status_since_is_the_first_day_of_the_current_status(demo_db, catalogues):
    from songclear.app.audit import make_query
    from songclear.app.identities import identity_resolver
    from songclear.domain.clearance import decide
    from songclear.domain.grants import start_of_day
    from songclear.store.repository import LedgerRepository

    checked = 0
    with demo_db.session() as session:
        repo = LedgerRepository(session)
        ledger = repo.load_ledger()
        query = make_query(DAY)
        for catalogue in catalogues.values():
            for platform in catalogue.platforms:
                resolve = identity_resolver(repo, platform.platform, None)
                for t in platform.tracks:
                    track = repo.get_track(t.platform, t.track_id)
                    identity, status = resolve(track), t.decision.status
                    day, expected = DAY, None
                    while day > FIRST:  # the plain way: every day, back from DAY, until the status differs
                        before = dataclasses.replace(query, at=start_of_day(day - timedelta(days=1)))
                        if decide(track, identity, ledger, before).status is not status:
                            expected = day
                            break
                        day -= timedelta(days=1)
                    assert t.status_since == expected, (t.key, status)
                    checked += 1
    assert checked >= 20
    since = {t.key: t.status_since for p in catalogues["L-SILK"].platforms for t in p.tracks}
    assert since["netease/ne-004"] == date(2015, 11, 20)  # Silk Road's renewal starts that day
    assert since["kuwo/kw-005"] == date(2015, 11, 1)  # uncleared once the NCAC buffer ended


def test_availability_and_since_agree_with_the_audits_down_at_day_by_day(demo_db, catalogues):
    from songclear.app.audit import make_query
    from songclear.app.availability import down_at
    from songclear.domain.grants import start_of_day
    from songclear.store.repository import LedgerRepository

    with demo_db.session() as session:
        repo = LedgerRepository(session)
        for catalogue in catalogues.values():
            for platform in catalogue.platforms:
                tracks = [repo.get_track(t.platform, t.track_id) for t in platform.tracks]
                days = [DAY - timedelta(days=n) for n in range(0, 160)]
                down = {d: down_at(repo, platform.platform, tracks, make_query(d)) for d in days}
                for t in platform.tracks:
                    assert t.available is (t.key not in down[DAY]), t.key
                    changed = next((d for d in days[:-1] if (t.key in down[d]) != (t.key in down[DAY])), None)
                    if t.available_since is None:
                        assert changed is None, t.key
                        continue
                    # It went up or down in the day before the first day the audit sees it so.
                    first_seen = changed + timedelta(days=1)
                    assert start_of_day(changed) < t.available_since <= start_of_day(first_seen), t.key
    kw3 = next(t for p in catalogues["L-JADE"].platforms for t in p.tracks if t.key == "kuwo/kw-003")
    assert not kw3.available and kw3.available_since.isoformat() == "2015-11-01T02:00:00+00:00"
