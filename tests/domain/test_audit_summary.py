"""summarise() against a plain reference: counts per status and licensor, the takedown list, and the soonest
lapses (its shortcut only turns the decisions that can qualify into Lapses)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from songclear.domain.audit import REMOVED_BY_NOTICE, summarise
from songclear.domain.decision import Chain, ClearanceDecision, Status
from songclear.domain.vocabulary import Right

BASE = datetime(2015, 7, 31, 16, tzinfo=UTC)  # midnight in Shanghai: ends cluster around day boundaries


@st.composite
def decisions(draw) -> list[ClearanceDecision]:
    out = []
    for i in range(draw(st.integers(0, 60))):
        status = draw(st.sampled_from(list(Status)))
        ends = draw(st.lists(st.one_of(st.none(), st.integers(-48, 24 * 20)), min_size=0, max_size=2))
        chains = tuple(
            Chain(Right.MASTER, f"R{i}", (f"G{i}",), None if h is None else BASE + timedelta(hours=h))
            for h in ends
        )
        licensor = draw(st.sampled_from([None, "L1", "L2"]))
        out.append(
            ClearanceDecision(f"P/{draw(st.integers(0, 30)):03d}-{i}", status, f"R{i}", licensor, chains, ())
        )
    return out


@settings(max_examples=200, deadline=None)
@given(decisions(), st.integers(0, 8), st.data())
def test_summarise_matches_the_plain_reference(ds: list[ClearanceDecision], limit: int, data) -> None:
    down = frozenset(d.track for d in ds if data.draw(st.booleans()))  # already taken down by the platform
    got = summarise(iter(ds), down=down, lapsing_limit=limit)
    assert got.total == len(ds)
    assert got.counts == Counter(d.status for d in ds)
    by_licensor: dict[str, Counter] = {}
    for d in ds:
        by_licensor.setdefault(d.licensor or "unknown", Counter())[d.status] += 1
    assert got.by_licensor == by_licensor
    assert got.takedown == sorted(
        d.track for d in ds if d.status in REMOVED_BY_NOTICE and d.track not in down
    )
    assert got.already_down == sorted(
        d.track for d in ds if d.status in REMOVED_BY_NOTICE and d.track in down
    )
    assert got.taken_down == sum(1 for d in ds if d.track in down)
    assert got.live == len(ds) - got.taken_down
    for lic in by_licensor:
        mine = [d for d in ds if (d.licensor or "unknown") == lic]
        live = [d for d in mine if d.track not in down]
        removed = sum(1 for d in live if d.status in REMOVED_BY_NOTICE)
        assert got.licensor_figures(lic) == (len(mine), len(live), removed)
    expected = sorted(
        (d.last_day, d.track, d.recording) for d in ds if d.status.has_licence and d.last_day is not None
    )[:limit]
    assert [(lp.last_day, lp.track, lp.recording) for lp in got.lapsing] == expected
