"""Business-day calendars and the legal clocks computed from them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songclear.domain.enforcement.calendars import CN, CN_ANNOUNCED, US, WEEKENDS_ONLY, calendar_with
from songclear.domain.enforcement.deadlines import (
    REGIMES,
    Regime,
    alerts,
    restore_window,
    rules_for,
    takedown_due,
)
from songclear.domain.grants import start_of_day
from songclear.errors import InputError


def shanghai(day: str, hour: int = 0) -> datetime:
    return start_of_day(date.fromisoformat(day), "Asia/Shanghai") + timedelta(hours=hour)


def test_shipped_holidays_fall_where_the_state_council_and_opm_put_them():
    # 2015 Spring Festival off Feb 18-24; Sunday Feb 15 and Saturday Feb 28 worked.
    assert not CN.is_business_day(date(2015, 2, 18))
    assert CN.is_business_day(date(2015, 2, 15)) and date(2015, 2, 15).weekday() == 6
    assert CN.is_business_day(date(2015, 2, 28))
    assert not CN.is_business_day(date(2015, 9, 3))  # Victory Day, a one-off 2015 holiday
    assert CN.is_business_day(date(2015, 9, 6))
    # US federal holidays as observed (Independence Day 2015 fell on Saturday: Friday Jul 3 off).
    assert not US.is_business_day(date(2015, 7, 3)) and not US.is_business_day(date(2015, 11, 26))
    off_2015 = [d for d in US.holidays if d.year == 2015 and d.weekday() < 5]
    assert len(off_2015) == 10


@pytest.mark.parametrize("year", [2015, 2016])
def test_the_announced_data_kept_here_agrees_with_the_holidays_package(year):
    import holidays

    package = holidays.country_holidays("CN", years=year)
    off, worked = CN_ANNOUNCED[year]
    business = {
        d: d.weekday() < 5 and d not in off or d in worked
        for d in (date(year, 1, 1) + timedelta(i) for i in range(365))
    }
    assert business == {d: package.is_working_day(d) for d in business}


def test_calendars_know_2024_and_2026():
    # 2024: Spring Festival Feb 10-17 off, Sunday Feb 4 and Sunday Feb 18 worked (国办发明电〔2023〕7号).
    assert not CN.is_business_day(date(2024, 2, 15)) and CN.is_business_day(date(2024, 2, 4))
    assert CN.is_business_day(date(2024, 2, 18)) and not CN.is_business_day(date(2024, 10, 7))
    assert CN.add_business_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    # 2026: National Day Oct 1-7 off; US: Juneteenth (Friday) and Independence Day observed Friday Jul 3.
    assert not CN.is_business_day(date(2026, 10, 5)) and CN.is_business_day(date(2026, 10, 9))
    assert not US.is_business_day(date(2026, 6, 19)) and not US.is_business_day(date(2026, 7, 3))
    assert US.add_business_days(date(2026, 7, 2), 1) == date(2026, 7, 6)


def test_cn_workday_counts_around_national_day_2015():
    # Sep 30 (Wed) + 1 business day: Oct 1-7 off, Oct 8 (Thu) works.
    assert CN.add_business_days(date(2015, 9, 30), 1) == date(2015, 10, 8)
    # Oct 10 is a Saturday worked: Oct 9 (Fri) + 1 -> Oct 10.
    assert CN.add_business_days(date(2015, 10, 9), 1) == date(2015, 10, 10)


def test_days_outside_the_holiday_data_are_an_error_not_a_guess():
    last = max(CN.years)  # the last year a schedule was announced for (the package's, or ours)
    with pytest.raises(InputError, match=f"no holiday data for {last + 1}"):
        CN.add_business_days(date(last, 12, 30), 5)
    extended = calendar_with(CN, holidays=[date(last + 1, 1, 1)], years=[last + 1])
    assert extended.is_business_day(date(last + 1, 1, 1)) is False
    with pytest.raises(InputError, match="no holiday data for 2101"):
        US.is_business_day(date(2101, 1, 3))


CALS = st.sampled_from([CN, US, WEEKENDS_ONLY])
DAYS = st.dates(date(2015, 1, 1), date(2016, 11, 30))


@settings(max_examples=200, deadline=None)
@given(cal=CALS, day=DAYS, n=st.integers(0, 20))
def test_adding_then_counting_business_days_round_trips(cal, day, n):
    later = cal.add_business_days(day, n)
    assert cal.business_days_between(day, later) == n
    assert later >= day
    if n > 0:
        assert cal.is_business_day(later)


@settings(max_examples=200, deadline=None)
@given(cal=CALS, day=DAYS, a=st.integers(0, 10), b=st.integers(0, 10))
def test_business_day_addition_composes(cal, day, a, b):
    assert cal.add_business_days(cal.add_business_days(day, a), b) == cal.add_business_days(day, a + b)


@settings(max_examples=100, deadline=None)
@given(day=DAYS, n=st.integers(1, 15))
def test_holidays_only_push_deadlines_later(day, n):
    assert US.add_business_days(day, n) >= WEEKENDS_ONLY.add_business_days(day, n)


def test_dmca_restore_window_is_10_to_14_us_business_days():
    ny = start_of_day(date(2015, 11, 20), "America/New_York") + timedelta(hours=15)  # Friday
    earliest, latest = restore_window(rules_for(Regime.US_DMCA), ny)
    # Business days after Fri Nov 20: 23,24,25,(26 Thanksgiving),27,30, Dec 1,2,3,4,7 -> the 10th is Dec 7.
    assert earliest.due == start_of_day(date(2015, 12, 7), "America/New_York")
    # ... 8,9,10,11 -> the 14th is Dec 11; latest is the end of that day.
    assert latest.due == start_of_day(date(2015, 12, 12), "America/New_York")


def test_ecommerce_restore_after_fifteen_calendar_days():
    earliest, latest = restore_window(rules_for(Regime.CN_ECOMMERCE), shanghai("2015-09-30", 10))
    assert earliest.due == shanghai("2015-10-16")
    assert latest.due == shanghai("2015-10-17")


def test_cn_ndr_restores_at_once_and_takes_down_within_a_day():
    rules = rules_for(Regime.CN_NDR)
    earliest, latest = restore_window(rules, shanghai("2015-08-03", 9))
    assert earliest.due == shanghai("2015-08-03", 9) and latest.due == shanghai("2015-08-04", 9)
    assert takedown_due(rules, shanghai("2015-08-03", 9)).due == shanghai("2015-08-04", 9)
    assert rules.renotify_after_counter is False


def test_eu_has_no_restore_clock_only_human_review():
    rules = REGIMES[Regime.EU_ART17]
    assert restore_window(rules, datetime(2016, 3, 1, tzinfo=UTC)) is None
    assert rules.human_review


def test_unknown_regime_is_named():
    with pytest.raises(InputError, match="unknown regime 'uk'"):
        rules_for("uk")


class Case:
    def __init__(self, claim_id, regime, received_at, **kw):
        self.claim_id, self.regime, self.received_at = claim_id, regime, received_at
        self.executable = kw.get("executable", True)
        self.taken_down_at = kw.get("taken_down_at")
        self.counter_at = kw.get("counter_at")
        self.suit_reported_at = kw.get("suit_reported_at")
        self.restored_at = kw.get("restored_at")
        self.order_deadline = kw.get("order_deadline")


def test_alerts_list_overdue_then_due_and_skip_what_is_done():
    # A Tuesday: 'restore''s 15 days from its counter-notice end on Monday 08-03, a working day.
    t = shanghai("2015-08-04", 9)
    cases = [
        Case("late", Regime.CN_NDR, t - timedelta(days=2)),
        Case("soon", Regime.CN_NDR, t - timedelta(hours=1)),
        Case("done", Regime.CN_NDR, t - timedelta(days=2), taken_down_at=t - timedelta(days=1)),
        Case("incomplete", Regime.CN_NDR, t - timedelta(days=5), executable=False),
        Case(
            "restore",
            Regime.CN_ECOMMERCE,
            t - timedelta(days=20),
            taken_down_at=t - timedelta(days=19),
            counter_at=t - timedelta(days=16),
        ),
        Case(
            "sued",
            Regime.CN_ECOMMERCE,
            t - timedelta(days=20),
            taken_down_at=t - timedelta(days=19),
            counter_at=t - timedelta(days=16),
            suit_reported_at=t - timedelta(days=3),
        ),
    ]
    got = [(a.claim_id, a.kind, a.state) for a in alerts(cases, t)]
    assert got == [
        ("late", "takedown", "overdue"),
        ("restore", "restore", "due"),
        ("soon", "takedown", "due"),
    ]


@pytest.mark.parametrize(
    ("forwarded", "opens", "why"),
    [
        ("2016-09-16", "2016-10-09", "day 15 is Oct 1, National Day: Oct 1-7 off, Saturday Oct 8 worked"),
        ("2015-09-20", "2015-10-09", "day 15 is Oct 5, in the National Day week; Oct 8 works"),
        ("2024-09-20", "2024-10-09", "day 15 is Oct 5 (Oct 1-7 off); Oct 8 works"),
        ("2026-01-17", "2026-02-03", "day 15 is Sunday Feb 1: the period ends Monday Feb 2"),
        ("2015-07-10", "2015-07-28", "day 15 is Saturday Jul 25: the period ends Monday Jul 27"),
    ],
)
def test_the_e_commerce_wait_ends_on_a_working_day_civil_code_203(forwarded, opens, why):
    rules = rules_for(Regime.CN_ECOMMERCE)
    earliest, latest = restore_window(rules, shanghai(forwarded, 10))
    assert earliest.due == shanghai(opens), why
    assert latest.due == shanghai(opens) + timedelta(days=1)
