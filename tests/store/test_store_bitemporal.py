"""Bitemporal snapshots: 'as known at T' is fixed forever, even after late, backdated changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from songclear.domain.grants import Grant, Term, Termination, TerminationCause
from songclear.domain.territory import Territories, all_codes
from songclear.domain.vocabulary import COMMERCIAL_MODELS, USE_TYPES, Right
from songclear.store import Database, LedgerRepository

T1 = datetime(2015, 7, 1, tzinfo=UTC)
T2 = datetime(2015, 9, 1, tzinfo=UTC)
T3 = datetime(2016, 1, 1, tzinfo=UTC)

V1 = Grant(
    id="G12", licensor="L1", licensee="A", rights=frozenset({Right.MASTER}),
    term=Term(date(2015, 1, 1), date(2015, 12, 31)), territories=Territories.parse("CN"),
    uses=frozenset({"Stream"}), recordings=frozenset({"CNA011500001"}),
)  # fmt: skip
# Recorded at T2, but it says the grant already ended in October: a backdated change.
V2 = replace(V1, term=Term(date(2015, 1, 1), date(2015, 10, 31)))
V3 = replace(V2, territories=Territories.parse("CN HK"))


def test_snapshots_as_known_then_and_now(database: Database):
    with database.session() as s:
        repo = LedgerRepository(s)
        repo.record([V1], recorded_at=T1)
        repo.record([V2], recorded_at=T2)
        repo.record([V3], recorded_at=T3)
    with database.session() as s:
        repo = LedgerRepository(s)
        assert repo.load_ledger(known_at=T1 - timedelta(microseconds=1)).grants == {}
        assert repo.load_ledger(known_at=T1).grants["G12"] == replace(V1, recorded_at=T1)
        between = repo.load_ledger(known_at=T1 + timedelta(days=30))
        assert between.grants["G12"].term.end == date(2015, 12, 31)
        assert between.known_at == T1 + timedelta(days=30)
        assert repo.load_ledger(known_at=T2).grants["G12"] == replace(V2, recorded_at=T2)
        assert repo.load_ledger(known_at=T3 - timedelta(microseconds=1)).grants["G12"].term.end == date(
            2015, 10, 31
        )
        now = repo.load_ledger()
        assert now.grants["G12"] == replace(V3, recorded_at=T3)
        assert repo.get_grant("G12", known_at=T1 + timedelta(days=30)).term.end == date(2015, 12, 31)


def test_an_old_snapshot_survives_later_recording(database: Database):
    """The same question asked before and after a backdated change gets the same answer."""
    when = T1 + timedelta(days=1)
    with database.session() as s:
        LedgerRepository(s).record([V1], recorded_at=T1)
    with database.session() as s:
        before = LedgerRepository(s).load_ledger(known_at=when).grants
    with database.session() as s:
        LedgerRepository(s).record([V2], recorded_at=T2)
    with database.session() as s:
        assert LedgerRepository(s).load_ledger(known_at=when).grants == before


_ids = st.text("ABCXYZ019-_ \u4e00", min_size=1, max_size=8)
_codes = sorted(all_codes())


@st.composite
def grants(draw) -> Grant:
    start = draw(st.dates(date(1990, 1, 1), date(2040, 1, 1)))
    end = draw(st.none() | st.dates(start, date(2050, 1, 1)))
    included = draw(st.just(["Worldwide"]) | st.lists(st.sampled_from(_codes), min_size=1, max_size=4))
    excluded = draw(st.lists(st.sampled_from(_codes), max_size=3))
    termination = draw(
        st.none()
        | st.builds(
            Termination,
            # Real instants, shown in UTC or Shanghai. (Drawing wall times in Shanghai would include the
            # non-existent hours of its 1986-1991 summer-time gaps, which Python never equates across zones.)
            st.tuples(
                st.datetimes(timezones=st.just(UTC)),
                st.sampled_from([UTC, Term(start).start_instant().tzinfo]),
            ).map(lambda p: p[0].astimezone(p[1])),
            st.sampled_from(list(TerminationCause)),
            _ids,
        )
    )
    return Grant(
        id=draw(_ids), licensor=draw(_ids), licensee=draw(_ids),
        rights=draw(st.frozensets(st.sampled_from(list(Right)), min_size=1)),
        term=Term(start, end, draw(st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York"]))),
        territories=Territories.parse(included, excluded),
        uses=draw(st.frozensets(st.sampled_from(sorted(USE_TYPES)), min_size=1)),
        commercial_models=draw(st.frozensets(st.sampled_from(sorted(COMMERCIAL_MODELS)))),
        recordings=draw(st.frozensets(_ids, max_size=3)), works=draw(st.frozensets(_ids, max_size=3)),
        catalogue=draw(st.booleans()), exclusive=draw(st.booleans()), sublicensable=draw(st.booleans()),
        parent=draw(st.none() | _ids), issued=draw(st.none() | st.dates()), termination=termination,
        # PostgreSQL text holds neither NUL nor lone surrogates; no decoded file produces them.
        source=draw(st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=20)),
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grant=grants(), step=st.integers(1, 10**9))
def test_any_grant_round_trips_and_re_records_as_unchanged(database: Database, grant: Grant, step: int):
    # One database serves every example: each records a fresh id, later than the last example.
    n = _counter.bump()
    grant = replace(grant, id=f"{grant.id}#{n}")
    when = T1 + timedelta(days=n, microseconds=step)
    with database.session() as s:
        repo = LedgerRepository(s)
        repo.record([grant], recorded_at=when)
        assert repo.get_grant(grant.id) == replace(grant, recorded_at=when)
        assert repo.record([grant], recorded_at=when + timedelta(seconds=1)).unchanged == 1


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def bump(self) -> int:
        self.n += 1
        return self.n


_counter = _Counter()
