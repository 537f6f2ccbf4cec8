"""Exposure: unlicensed live days, plays, rates, and the per-platform and per-licensor sums."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songclear.domain.catalogue import LibraryTrack
from songclear.domain.decision import ClearanceDecision, Status
from songclear.domain.enforcement.exposure import Rates, StatusInterval, exposure, intervals_from_decisions
from songclear.errors import InputError

D = date.fromisoformat


def dec(key: str, status: Status, licensor: str | None = "L1") -> ClearanceDecision:
    return ClearanceDecision(key, status, None, licensor, (), ())


TRACKS = {
    "QQ/a": LibraryTrack(platform="QQ", track_id="a", title="a", play_count=3100),
    "QQ/b": LibraryTrack(platform="QQ", track_id="b", title="b"),
    "KG/c": LibraryTrack(platform="KG", track_id="c", title="c", play_count=0),
}


def test_days_live_while_unlicensed_times_plays_times_rate():
    series = [
        (D("2015-07-01"), {"QQ/a": dec("QQ/a", Status.CLEARED), "QQ/b": dec("QQ/b", Status.BUFFER, None)}),
        (
            D("2015-07-11"),
            {"QQ/a": dec("QQ/a", Status.UNCLEARED), "QQ/b": dec("QQ/b", Status.UNCLEARED, None)},
        ),
        (D("2015-07-21"), {"QQ/a": dec("QQ/a", Status.CLEARED), "QQ/b": dec("QQ/b", Status.UNCLEARED, None)}),
    ]
    ivs = intervals_from_decisions(series, until=D("2015-08-01"))
    down = {"QQ/b": [(D("2015-07-25"), None)]}
    rep = exposure(
        ivs, TRACKS, start=D("2015-07-01"), end=D("2015-08-01"), down=down, rates=Rates(Decimal("0.02"))
    )
    a, b = rep.tracks
    # a: uncleared Jul 11-20 = 10 days of 31; 3100 plays over 31 days -> 1000 plays -> 20.00
    assert (a.track, a.days, a.plays, a.amount) == ("QQ/a", 10, Decimal(1000), Decimal("20.00"))
    # b: buffer and uncleared Jul 1-24 (down from the 25th) = 24 days, plays unknown -> 24 x 1.00
    assert (b.days, b.plays, b.amount, b.licensor) == (24, None, Decimal("24.00"), "unknown")
    assert rep.by_platform == {"QQ": Decimal("44.00")} and rep.by_licensor == {
        "L1": Decimal("20.00"),
        "unknown": Decimal("24.00"),
    }
    assert rep.rows()[0] == {
        "track": "QQ/a",
        "platform": "QQ",
        "licensor": "L1",
        "days": "10",
        "plays": "1000",
        "amount": "20.00",
    }


def test_a_track_down_the_whole_time_has_no_exposure_and_bad_input_is_named():
    ivs = [StatusInterval("KG/c", Status.UNCLEARED, D("2015-07-01"), D("2015-07-10"))]
    rep = exposure(
        ivs, TRACKS, start=D("2015-07-01"), end=D("2015-08-01"), down={"KG/c": [(D("2015-06-01"), None)]}
    )
    assert rep.tracks == () and rep.total == 0
    with pytest.raises(InputError, match="increasing date order"):
        intervals_from_decisions([(D("2015-07-02"), {}), (D("2015-07-01"), {})], until=D("2015-08-01"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30), st.sampled_from(list(Status))), max_size=8))
def test_days_never_exceed_the_period_and_sums_agree(spans):
    ivs = [
        StatusInterval(
            "QQ/b",
            s,
            date.fromordinal(D("2015-07-01").toordinal() + a),
            date.fromordinal(D("2015-07-01").toordinal() + a + n),
        )
        for a, n, s in spans
    ]
    rep = exposure(ivs, TRACKS, start=D("2015-07-10"), end=D("2015-08-10"))
    assert all(0 < t.days <= 31 for t in rep.tracks)
    assert sum(rep.by_platform.values(), Decimal(0)) == rep.total == sum(rep.by_licensor.values(), Decimal(0))
