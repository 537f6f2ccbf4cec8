"""Local days (issue 11, item 1): a date with no zone of its own (a DDEX deal's StartDate/EndDate, a grant whose
``tz`` is ``local``) is a day of the territory asked about, and a day asked about is a day of that territory."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songclear.app.audit import make_query, status_timeline
from songclear.app.identities import isrc_identity
from songclear.domain.catalogue import LibraryTrack, Recording, TrackIdentity
from songclear.domain.clearance import decide
from songclear.domain.decision import Status
from songclear.domain.grants import LOCAL, Grant, Term, Termination, TerminationCause
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery
from songclear.domain.territory import Territories
from songclear.domain.territory_time import day_begins_everywhere, day_begins_somewhere, last_day, zone_names
from songclear.domain.vocabulary import Right

SHANGHAI, TOKYO = ZoneInfo("Asia/Shanghai"), ZoneInfo("Asia/Tokyo")
NEW_YORK, HONOLULU = ZoneInfo("America/New_York"), ZoneInfo("Pacific/Honolulu")
ISRC = "BE0000000001"


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def test_china_is_one_zone_and_the_us_spans_honolulu_to_new_york():
    assert zone_names("CN") == ("Asia/Shanghai",)  # not Asia/Urumqi: Beijing time is the PRC's legal time
    assert {"America/New_York", "Pacific/Honolulu"} <= set(zone_names("US"))
    assert zone_names("XK") == ("Europe/Belgrade",)


def test_a_worldwide_question_holds_a_local_term_to_every_zone_on_earth():
    # a Worldwide takedown claim asks at an instant: the deal must hold from UTC+14 to UTC-12
    term = Term(date(2023, 9, 1), date(2023, 10, 2), LOCAL)
    assert term.end_instant("Worldwide") == datetime(2023, 10, 2, 10, tzinfo=UTC)  # 3 October in Kiritimati
    assert term.start_instant("Worldwide") == datetime(2023, 9, 1, 12, tzinfo=UTC)  # 1 September at UTC-12
    assert term.covers(datetime(2023, 10, 2, 9, 59, tzinfo=UTC), "Worldwide")
    assert not term.covers(datetime(2023, 10, 2, 10, tzinfo=UTC), "Worldwide")


def test_a_local_end_date_holds_for_the_whole_local_day_in_china():
    # The case: read as UTC, a deal ending 2023-10-02 still held on 2023-10-03 at 00:00 in Shanghai.
    term = Term(date(2023, 9, 1), date(2023, 10, 2), LOCAL)
    assert term.covers(at(SHANGHAI, 2023, 10, 2, 23, 59), "CN")
    assert not term.covers(at(SHANGHAI, 2023, 10, 3), "CN")
    assert term.end_instant("CN") == at(SHANGHAI, 2023, 10, 3)
    assert term.start_instant("CN") == at(SHANGHAI, 2023, 9, 1)
    assert not term.covers(at(SHANGHAI, 2023, 8, 31, 23, 59), "CN") and term.covers(
        at(SHANGHAI, 2023, 9, 1), "CN"
    )
    # in Japan, its own midnights
    assert term.covers(at(TOKYO, 2023, 10, 2, 23, 59), "JP") and not term.covers(at(TOKYO, 2023, 10, 3), "JP")
    # a term in a named zone is read as before, whatever the territory
    utc = Term(date(2023, 9, 1), date(2023, 10, 2), "UTC")
    assert utc.covers(at(SHANGHAI, 2023, 10, 3), "CN") and utc.end_instant("JP") == at(UTC, 2023, 10, 3)


def test_a_local_term_in_a_territory_of_several_zones_holds_only_where_it_holds_everywhere():
    term = Term(date(2023, 9, 1), date(2023, 10, 2), LOCAL)
    # it starts when 1 September has begun everywhere (Honolulu) and ends when 3 October begins anywhere (New York)
    assert term.start_instant("US") == at(HONOLULU, 2023, 9, 1)
    assert term.end_instant("US") == at(NEW_YORK, 2023, 10, 3)
    assert not term.covers(at(HONOLULU, 2023, 9, 1) - timedelta(microseconds=1), "US")
    assert term.covers(at(HONOLULU, 2023, 9, 1), "US")
    assert term.covers(at(NEW_YORK, 2023, 10, 2, 23, 59), "US")
    assert not term.covers(at(NEW_YORK, 2023, 10, 3), "US")  # still 2 October in Honolulu: not everywhere
    assert day_begins_everywhere(date(2023, 10, 3), "US") == at(HONOLULU, 2023, 10, 3)
    assert day_begins_somewhere(date(2023, 10, 3), "US") == at(NEW_YORK, 2023, 10, 3)
    assert last_day(term.end_instant("US"), "US") == date(2023, 10, 2)


def test_a_day_asked_about_is_a_day_of_the_territory_asked_about():
    assert make_query(date(2023, 10, 3)).at == at(SHANGHAI, 2023, 10, 3)  # China: unchanged
    assert make_query(date(2023, 10, 3), territory="JP").at == at(TOKYO, 2023, 10, 3)
    assert make_query(date(2023, 10, 3), territory="US").at == at(HONOLULU, 2023, 10, 3)
    assert make_query(date(2023, 10, 3), territory="US", tz="Asia/Shanghai").at == at(SHANGHAI, 2023, 10, 3)


def test_a_local_termination_starts_with_its_day_in_each_territory():
    t = Termination.on_local_day(date(2015, 8, 15), TerminationCause.TAKEDOWN, "ddex:M")
    assert t.local and t.day == date(2015, 8, 15)
    assert t.effective_in("CN") == at(SHANGHAI, 2015, 8, 15)
    assert t.effective_in("US") == at(NEW_YORK, 2015, 8, 15)


def _world(term: Term, termination: Termination | None = None) -> Ledger:
    grant = Grant(
        id="G", licensor="L", licensee="P", rights=frozenset({Right.MASTER}), term=term,
        territories=Territories.worldwide(), uses=frozenset({"OnDemandStream"}), recordings=frozenset({ISRC}),
        termination=termination,
    )  # fmt: skip
    return Ledger.build(recordings=[Recording(isrc=ISRC, title="T", owner="L")], grants=[grant])


def _decide(ledger: Ledger, day: date, territory: str):
    track = LibraryTrack(platform="P", track_id="t1", title="T", isrc=ISRC)
    query = make_query(day, territory=territory, use="OnDemandStream")
    return decide(track, TrackIdentity(ISRC), ledger, query)


def test_a_deal_ending_2023_10_02_is_expiring_that_day_and_ended_the_next_in_every_territory():
    ledger = _world(Term(date(2023, 1, 1), date(2023, 10, 2), LOCAL))
    for territory in ("CN", "JP", "US", "DE", "BR"):
        last = _decide(ledger, date(2023, 10, 2), territory)
        assert last.status is Status.EXPIRING and last.last_day == date(2023, 10, 2), territory
        after = _decide(ledger, date(2023, 10, 3), territory)
        assert after.status is Status.UNCLEARED, territory
        assert after.reasons[0].code == "ended" and "ended 2023-10-02" in after.reasons[0].message
        first = _decide(_world(Term(date(2023, 10, 3), None, LOCAL)), date(2023, 10, 3), territory)
        assert first.status is Status.CLEARED, territory


def test_a_local_takedown_ends_the_grant_on_its_day_in_every_territory():
    stop = Termination.on_local_day(date(2015, 8, 15), TerminationCause.TAKEDOWN, "ddex:M")
    ledger = _world(Term(date(2015, 1, 1), None, LOCAL), stop)
    for territory in ("CN", "US", "JP"):
        assert _decide(ledger, date(2015, 8, 14), territory).status is Status.EXPIRING
        down = _decide(ledger, date(2015, 8, 15), territory)
        assert down.reasons[0].code == "grant-takedown" and "on 2015-08-15" in down.reasons[0].message


def test_a_query_instant_between_zones_is_answered_for_the_whole_territory():
    # 2023-10-03 01:00 in New York is still 2 October in Honolulu: the deal has ended in part of the territory
    ledger = _world(Term(date(2023, 1, 1), date(2023, 10, 2), LOCAL))
    track = LibraryTrack(platform="P", track_id="t1", title="T", isrc=ISRC)
    query = ClearanceQuery(at=at(NEW_YORK, 2023, 10, 3, 1), territory="US", use="OnDemandStream")
    assert decide(track, TrackIdentity(ISRC), ledger, query).status is Status.UNCLEARED


# -- the shortcuts hold for local terms too: timeline breakpoints and the chain ends --------------------------------

BENCH = Path(__file__).resolve().parents[2] / "bench" / "synthetic_ledger.py"


def _local_world(seed: int) -> tuple[Ledger, list]:
    """The benchmark generator's small world, every term made local and every territory worldwide (so that a
    question about any territory reads its days)."""
    spec = importlib.util.spec_from_file_location("synthetic_ledger", BENCH)
    gen = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, gen)
    spec.loader.exec_module(gen)
    w = gen.World(
        gen.Shape(labels=12, publishers=8, platforms=10, recordings=600, grants=900, tracks=1200, seed=seed)
    )
    parties, works, recordings = list(w.parties()), list(w.works()), list(w.recordings())
    grants = [
        dataclasses.replace(
            g, term=Term(g.term.start, g.term.end, LOCAL), territories=Territories.worldwide()
        )
        for g in w.grants()
    ]
    ledger = Ledger.build(
        parties=parties, works=works, recordings=recordings, grants=grants, notices=list(w.notices())
    )
    return ledger, list(w.tracks())


@pytest.mark.parametrize("territory", ["CN", "US", "RU"])
def test_the_timeline_of_local_terms_equals_deciding_every_day(territory):
    ledger, tracks = _local_world(2015)
    query = make_query(date(2015, 8, 15), territory=territory, use="Stream")
    days = [date(2015, 1, 1) + timedelta(days=5 * i) for i in range(80)]
    fast = status_timeline(tracks, ledger, query, days, isrc_identity)
    for point, day in zip(fast, days, strict=True):
        q = dataclasses.replace(query, at=day_begins_everywhere(day, territory))
        slow = Counter(decide(t, isrc_identity(t), ledger, q).status for t in tracks)
        assert point.counts == {s: slow.get(s, 0) for s in Status}, (territory, day)
    assert sum(p.counts[Status.EXPIRING] for p in fast) > 0


ZONES = st.sampled_from([LOCAL, "Asia/Shanghai", "UTC", "+05:30", "America/New_York"])
TERRITORIES = st.sampled_from(["CN", "JP", "US", "RU", "AU", "KI", "UM", "BR", "XK"])


@given(
    start=st.dates(date(2020, 1, 1), date(2025, 12, 31)),
    length=st.integers(0, 40),
    tz=ZONES,
    territory=TERRITORIES,
    probe=st.integers(-3 * 86400, 45 * 86400),
)
def test_a_term_covers_exactly_the_instants_from_its_start_to_its_end(start, length, tz, territory, probe):
    term = Term(start, start + timedelta(days=length), tz)
    first, after = term.start_instant(territory), term.end_instant(territory)
    instant = datetime.combine(start, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=probe)
    assert term.covers(instant, territory) == (first <= instant < after)
    if tz == LOCAL:  # a local term's last day is its end day, in the territory's days
        assert last_day(after, territory) == term.end
