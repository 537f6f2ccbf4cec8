"""Takedown plans and their application: deterministic ids, idempotent apply, undo, reinstatement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songclear.domain.catalogue import Availability, LibraryTrack
from songclear.domain.clearance import decide
from songclear.domain.decision import Chain, ClearanceDecision, Status
from songclear.domain.enforcement.takedown import (
    ActionKind,
    ReasonKind,
    apply_actions,
    make_action,
    plan_takedowns,
    reason_for_claim,
    reinstate,
    reinstatement_list,
    state_from_history,
    track_state,
    undo_actions,
)
from songclear.domain.rules import ClearanceQuery, Finding
from songclear.domain.vocabulary import Right
from songclear.errors import InputError
from world import at, track, world

R1, R2 = "CNA011500001", "CNA011500002"
WORLD = f"""
recording {R1} owner=L1
recording {R2} owner=L2
grant G1 L1>QQ master list:{R1} 2015-01-01..2016-12-31 CN Stream
grant G2 L2>QQ master list:{R2} 2014-01-01..2015-06-30 CN Stream
"""
T = at("2015-08-01")


def library_and_decisions(text: str = WORLD, day: str = "2015-08-01"):
    ledger = world(text)
    tracks, decisions = {}, {}
    for i, isrc in enumerate((R1, R2, None), start=1):
        t, ident = track("QQ", isrc, f"t{i}")
        tracks[t.key] = t
        decisions[t.key] = decide(t, ident, ledger, ClearanceQuery(at=at(day)))
    return tracks, decisions


def test_plan_takes_down_what_no_chain_clears_with_its_reason():
    tracks, decisions = library_and_decisions()
    plan = plan_takedowns(decisions.values(), tracks, at=T, actor="machine:audit")
    assert [a.track for a in plan.actions] == ["QQ/t2", "QQ/t3"]
    lapsed = plan.actions[0]
    assert lapsed.kind is ActionKind.REMOVE and lapsed.reason.kind is ReasonKind.DECISION
    assert (
        lapsed.reason.ref == R2
        and lapsed.reason.grants == ("G2",)
        and "ended 2015-06-30" in lapsed.reason.detail
    )
    assert plan.actions[1].reason.ref == "unidentified"


def test_planning_twice_gives_the_same_ids_and_applying_twice_applies_once():
    tracks, decisions = library_and_decisions()
    p1 = plan_takedowns(decisions.values(), tracks, at=T, actor="machine:audit")
    p2 = plan_takedowns(reversed(list(decisions.values())), tracks, at=T, actor="machine:audit")
    assert p1 == p2 and p1.id == p2.id
    first = apply_actions({}, p1.actions)
    assert len(first.applied) == 2 and first.taken_down == ("QQ/t2", "QQ/t3")
    again = apply_actions(first.state, p1.actions)
    assert again.applied == () and len(again.skipped) == 2 and again.state == first.state
    # A plan made a day later has new ids but the same effects: nothing new is applied.
    later = plan_takedowns(decisions.values(), tracks, at=T + timedelta(days=1), actor="machine:audit")
    assert {a.id for a in later.actions}.isdisjoint(a.id for a in p1.actions)
    assert apply_actions(first.state, later.actions).applied == ()


def test_tracks_already_down_and_tolerated_tracks_are_not_planned():
    text = WORLD + "notice N1 issued=2015-07-08 deadline=2015-07-31 buffer=2015-10-31 platforms=QQ\n"
    tracks, decisions = library_and_decisions(text)
    tracks["QQ/t3"] = LibraryTrack(
        platform="QQ", track_id="t3", title="x", availability=Availability.TAKEN_DOWN
    )
    plan = plan_takedowns(decisions.values(), tracks, at=T, actor="a")
    assert plan.actions == ()
    assert [d.track for d in plan.deferred] == ["QQ/t2"] and "tolerated by notice N1" in plan.deferred[
        0
    ].detail


def test_geo_block_and_disabled_use_restrict_without_removing():
    tracks, decisions = library_and_decisions()
    geo = plan_takedowns(decisions.values(), tracks, at=T, actor="a", territories=["CN"])
    dl = plan_takedowns(decisions.values(), tracks, at=T, actor="a", use="PermanentDownload")
    state = apply_actions(apply_actions({}, geo.actions).state, dl.actions).state
    s = state["QQ/t2"]
    assert not s.removed and s.availability is Availability.LIVE
    assert not s.available("CN", "Stream") and s.available("HK", "Stream")
    assert not s.available("HK", "PermanentDownload")
    with pytest.raises(InputError, match="not both"):
        plan_takedowns(decisions.values(), tracks, at=T, actor="a", territories=["CN"], use="Stream")
    with pytest.raises(InputError, match="needs at least one territory"):
        make_action("QQ/t1", ActionKind.GEO_BLOCK, reason_for_claim("C1", "x"), actor="a", at=T)


def test_undo_reinstates_and_is_recorded_not_deleted():
    tracks, decisions = library_and_decisions()
    plan = plan_takedowns(decisions.values(), tracks, at=T, actor="a")
    state = apply_actions({}, plan.actions).state
    result = undo_actions(state, [plan.actions[0].id], at=T, actor="li", reason="takedown in error")
    assert result.reinstated == ("QQ/t2",) and result.undone[0].actor == "li"
    assert track_state(result.state, "QQ/t2").availability is Availability.LIVE
    assert undo_actions(result.state, [plan.actions[0].id], at=T, actor="li", reason="again").undone == ()
    assert state_from_history(plan.actions, [plan.actions[0].id]) == result.state


def test_a_signed_licence_reinstates_but_a_pending_claim_keeps_the_track_down():
    tracks, before = library_and_decisions()
    plan = plan_takedowns(before.values(), tracks, at=T, actor="a")
    claim = make_action("QQ/t2", ActionKind.REMOVE, reason_for_claim("C7", "claimed by L2"), actor="b", at=T)
    state = apply_actions({}, (*plan.actions, claim)).state
    renewed = WORLD + f"grant G3 L2>QQ master list:{R2} 2015-08-01..2017-12-31 CN Stream\n"
    _, after = library_and_decisions(renewed)
    cands = reinstatement_list(before, after, state)
    assert [(c.track, c.before, c.after) for c in cands] == [("QQ/t2", Status.UNCLEARED, Status.CLEARED)]
    assert cands[0].blocked_by == (claim.id,) and "G3" in cands[0].proof
    result = reinstate(state, cands, at=T, actor="machine:reaudit")
    assert result.reinstated == () and result.still_down == ("QQ/t2",)
    assert undo_actions(result.state, [claim.id], at=T, actor="li", reason="counter-notice").reinstated == (
        "QQ/t2",
    )


def test_a_contested_chain_is_not_reinstated():
    tracks, before = library_and_decisions()
    state = apply_actions({}, plan_takedowns(before.values(), tracks, at=T, actor="a").actions).state
    after = dict(before)
    after["QQ/t2"] = ClearanceDecision(
        "QQ/t2",
        Status.CONFLICT,
        R2,
        "L2",
        (Chain(Right.MASTER, R2, ("G3",), None),),
        (Finding("exclusive-conflict", "x"),),
    )
    assert reinstatement_list(before, after, state) == []


STATUSES = st.sampled_from([Status.CLEARED, Status.UNCLEARED, Status.BUFFER, Status.EXPIRING])


@settings(max_examples=80, deadline=None)
@given(st.lists(STATUSES, min_size=1, max_size=12))
def test_apply_is_idempotent_and_takes_down_exactly_the_uncleared(statuses):
    tracks = {
        f"P/t{i}": LibraryTrack(platform="P", track_id=f"t{i}", title="x") for i in range(len(statuses))
    }
    decisions = [ClearanceDecision(f"P/t{i}", s, None, None, (), ()) for i, s in enumerate(statuses)]
    plan = plan_takedowns(decisions, tracks, at=T, actor="a")
    once = apply_actions({}, plan.actions)
    twice = apply_actions(once.state, plan.actions)
    assert twice.state == once.state and twice.applied == ()
    down = {k for k, s in once.state.items() if s.removed}
    assert down == {f"P/t{i}" for i, s in enumerate(statuses) if s is Status.UNCLEARED}
