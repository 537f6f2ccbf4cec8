"""Claims: completeness, false claimants, conflicts, the per-item answer, counter-notices, claimant flags."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from songclear.domain.catalogue import LibraryTrack, TrackIdentity
from songclear.domain.enforcement.claimants import claimant_stats
from songclear.domain.enforcement.claims import Claim, Outcome, Verdict, answer_claim
from songclear.domain.enforcement.counternotice import (
    ClaimCase,
    CounterNotice,
    may_restore,
    receive_counter_notice,
)
from songclear.domain.enforcement.deadlines import Regime
from songclear.domain.ledger import Ledger
from world import at, parse_world

R1, R2, R3 = "CNA011500001", "CNA011500002", "CNA011500003"
ISWC = "T0345246801"
WORLD = f"""
recording {R1} owner=L1 work=W1
recording {R2} owner=L2
recording {R3} owner=L3
work W1 publishers=P1
grant G1 L1>QQ master list:{R1} 2015-01-01..2016-12-31 CN Stream
grant G2 P1>QQ composition works:W1 2015-01-01..2016-12-31 CN Stream
grant X1 L2>X master list:{R2} 2015-01-01..2016-12-31 CN Stream exclusive sublicensable
grant Y1 L2>Y master list:{R2} 2015-01-01..2016-12-31 CN Stream
grant XS X>XS master list:{R2} 2015-01-01..2016-12-31 CN Stream parent=X1
"""
RECEIVED = at("2015-08-03") + timedelta(hours=10)
H = "ab" * 32  # a sha256 hex digest


def ledger(text: str = WORLD) -> Ledger:
    facts = parse_world(text)
    facts["works"] = [replace(w, iswc=ISWC) if w.id == "W1" else w for w in facts["works"]]
    return Ledger.build(**facts)


def library():
    tracks = {
        "QQ/t1": (R1, TrackIdentity(R1)),
        "QQ/t2": (R2, TrackIdentity(R2)),
        # listed as R1, but its audio is R2
        "QQ/t3": (R1, TrackIdentity(R2, "audio", "audio matches recording CNA011500002: track 0.0-180.0 s")),
        "QQ/t4": (None, None),
        "QQ/t5": (R3, TrackIdentity(R3)),
    }
    lib = {k: LibraryTrack(platform="QQ", track_id=k[3:], title=k, isrc=v[0]) for k, v in tracks.items()}
    return lib, {k: v[1] for k, v in tracks.items()}


def claim(**kw) -> Claim:
    base = dict(
        id="C1",
        regime=Regime.CN_NDR,
        claimant="L2",
        platform="QQ",
        received_at=RECEIVED,
        contact="legal@l2.example",
        address="Beijing",
        recordings=(R2,),
        items=("t2",),
        evidence=(H,),
    )
    return Claim(**{**base, **kw})


def answer(c: Claim, text: str = WORLD, **kw):
    lib, ids = library()
    return answer_claim(c, ledger=ledger(text), library=lib, identities=ids, at=RECEIVED, actor="li", **kw)


def test_incomplete_claim_is_not_executed_and_says_what_is_missing():
    a = answer(claim(regime=Regime.US_DMCA, evidence=("not-a-hash",), agent="AgentCo"))
    assert a.outcome is Outcome.INCOMPLETE and a.items == () and a.actions == ()
    text = a.message()
    for needed in (
        "signature",
        "good-faith",
        "accuracy-under-penalty",
        "agent authorisation",
        "not a sha256",
    ):
        assert needed in text


def test_unlicensed_item_is_infringing_with_a_takedown_and_its_deadline():
    a = answer(claim())
    [item] = a.items
    assert a.outcome is Outcome.ANSWERED and item.verdict is Verdict.INFRINGING
    assert item.action is not None and item.action.reason.ref == "C1" and item.action.track == "QQ/t2"
    assert item.due.due == RECEIVED + timedelta(hours=24)  # CN: within a day of the complete claim


def test_an_item_identified_by_its_audio_is_judged_as_what_it_contains():
    item = answer(claim(items=("t3",))).items[0]
    assert item.verdict is Verdict.INFRINGING and item.recording == R2 and "audio matches" in item.detail


def test_licensed_item_is_rejected_with_the_chain_as_proof():
    a = answer(claim(claimant="L1", recordings=(R1,), items=("t1",)))
    assert a.items[0].verdict is Verdict.LICENSED and a.items[0].proof == (("G1",),) and a.actions == ()


def test_publisher_claim_by_iswc_is_judged_on_the_composition_only():
    c = claim(claimant="P1", recordings=(), works=("T-034.524.680-1",), items=("t1",))
    assert answer(c).items[0].verdict is Verdict.LICENSED
    without_g2 = WORLD.replace("grant G2", "# grant G2")
    assert answer(c, without_g2).items[0].verdict is Verdict.INFRINGING


def test_false_claimant_is_refused():
    a = answer(claim(claimant="ZZ", recordings=(R1,), items=("t1",)))
    assert a.outcome is Outcome.FALSE_CLAIMANT and a.actions == ()
    assert "ZZ holds no rights" in a.message() and "L1 holds it" in a.message()


def test_a_licensee_down_a_chain_has_standing():
    a = answer(claim(claimant="XS"))
    assert a.items[0].verdict is Verdict.INFRINGING


def test_an_expired_licensee_has_no_standing():
    a = answer(claim(claimant="Y", received_at=at("2017-02-01")), WORLD)
    assert a.outcome is Outcome.FALSE_CLAIMANT


def test_unrelated_claimants_on_one_recording_are_a_conflict_but_holder_and_licensee_are_not():
    x = claim(id="CX", claimant="X")
    y = claim(id="CY", claimant="Y")
    a = answer(x, other_claims=[y])
    assert a.items[0].verdict is Verdict.CONFLICT and a.conflicts == ("CY",) and a.actions == ()
    holder = claim(id="CL", claimant="L2")
    assert answer(x, other_claims=[holder]).items[0].verdict is Verdict.INFRINGING
    assert answer(claim(id="CXS", claimant="XS"), other_claims=[x]).conflicts == ()
    elsewhere = claim(id="CY2", claimant="Y", territory="HK")
    assert answer(x, other_claims=[elsewhere]).conflicts == ()


def test_items_we_cannot_tie_to_the_claim_go_to_review():
    a = answer(claim(items=("t4", "t5", "t404")))
    assert [i.verdict for i in a.items] == [Verdict.REVIEW] * 3
    assert "not identified" in a.items[0].detail and "not what the claim names" in a.items[1].detail
    assert "not in the library" in a.items[2].detail


def valid_counter(**kw) -> CounterNotice:
    base = dict(
        id="N1",
        claim_id="C1",
        respondent="uploader-9",
        received_at=RECEIVED + timedelta(days=2),
        contact="u9@example",
        address="Shanghai",
        items=("QQ/t2",),
        evidence=(H,),
    )
    return CounterNotice(**{**base, **kw})


def test_counter_notice_starts_the_restore_clock_and_bars_renotification_in_china():
    c = claim()
    case = ClaimCase(c).answered(answer(c)).took_down(RECEIVED + timedelta(hours=3))
    bad = receive_counter_notice(case, valid_counter(evidence=()))
    assert bad.missing and bad.window is None and bad.case.counter_at is None
    good = receive_counter_notice(case, valid_counter())
    assert good.missing == () and good.window[0].due == RECEIVED + timedelta(days=2)
    assert may_restore(good.case, RECEIVED + timedelta(days=2))[0]
    again = answer(claim(id="C2", received_at=RECEIVED + timedelta(days=9)), history=[good.case])
    assert again.items[0].verdict is Verdict.REFUSED and "re-notif" in again.items[0].detail
    # Under the DMCA the claimant may notify again; it is the suit that stops a restore there.
    us = ClaimCase(
        claim(
            regime=Regime.US_DMCA,
            signature="/L2/",
            statements=frozenset({"good-faith", "accuracy-under-penalty"}),
        )
    )
    us_answer = answer(us.claim)
    countered = receive_counter_notice(
        us.answered(us_answer).took_down(RECEIVED),
        valid_counter(
            signature="/u9/", statements=frozenset({"mistake-under-penalty", "consent-to-jurisdiction"})
        ),
    ).case
    assert answer(replace(us.claim, id="C3"), history=[countered]).items[0].verdict is Verdict.INFRINGING
    assert not may_restore(countered, RECEIVED + timedelta(days=5))[0]  # before the 10th business day
    assert may_restore(countered, RECEIVED + timedelta(days=20))[0]
    sued = countered.suit_reported(RECEIVED + timedelta(days=6))
    ok, why = may_restore(sued, RECEIVED + timedelta(days=20))
    assert not ok and "suit" in why


def test_a_claimant_whose_claims_are_mostly_rejected_is_flagged():
    answers = [answer(claim(id=f"B{i}", claimant="L1", recordings=(R1,), items=("t1",))) for i in range(8)]
    answers += [
        answer(claim(id="G1")),
        answer(claim(id="F1", claimant="ZZ", recordings=(R1,), items=("t1",))),
    ]
    stats = {s.claimant: s for s in claimant_stats(answers, min_items=5, threshold=0.5)}
    assert stats["L1"].flagged and stats["L1"].rejected == 8 and stats["L1"].rejection_rate == 1.0
    assert not stats["L2"].flagged and stats["L2"].infringing == 1
    assert not stats["ZZ"].flagged  # one refused claim is too few to judge


def test_under_the_dmca_only_the_owner_or_an_exclusive_licensee_may_claim():
    dmca = {
        "regime": Regime.US_DMCA, "signature": "/s/", "statements": frozenset({"good-faith", "accuracy-under-penalty"}),
    }  # fmt: skip
    exclusive = answer(claim(claimant="X", **dmca))  # X1 is exclusive
    assert exclusive.items[0].verdict is Verdict.INFRINGING
    for who, grants in (("Y", "Y1"), ("XS", "X1 -> XS")):  # a plain licensee; a non-exclusive sublicensee
        a = answer(claim(claimant=who, **dmca))
        assert a.outcome is Outcome.FALSE_CLAIMANT, who
        (why,) = a.refused_subjects
        assert f"{who} is a non-exclusive licensee ({grants})" in why
        assert "under us-dmca only L2, the rights holder, or an exclusive licensee may claim" in why
        # The same licensee may notify under the Chinese regulations, which let any licensee down a chain act.
        assert answer(claim(claimant=who)).items[0].verdict is Verdict.INFRINGING, who
