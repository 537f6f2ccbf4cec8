"""The clearance decision for one track, on small worlds written as text (see world.py)."""

from __future__ import annotations

from songclear.domain.clearance import decide
from songclear.domain.decision import Status
from songclear.domain.rules import ClearanceQuery
from world import at, track, world

R1 = "CNA011500001"
R2 = "CNA011500002"

BASE = f"""
recording {R1} owner=L1
recording {R2} owner=L2
grant G1 L1>A master catalogue 2014-01-01..2016-12-31 CN Stream exclusive sublicensable issued=2013-12-01
grant S1 A>B master catalogue 2015-01-01..2015-10-31 CN,HK Stream parent=G1
"""


def judge(ledger, platform, isrc, day, **query):
    t, ident = track(platform, isrc)
    return decide(t, ident, ledger, ClearanceQuery(at=at(day), **query))


def test_root_grant_clears_with_its_chain():
    d = judge(world(BASE), "A", R1, "2015-08-01")
    assert d.status is Status.CLEARED
    assert [c.grant_ids for c in d.chains] == [("G1",)]


def test_sublicence_clears_with_chain_from_rights_holder_down():
    d = judge(world(BASE), "B", R1, "2015-08-01")
    assert d.status is Status.CLEARED
    assert d.chains[0].grant_ids == ("G1", "S1")


def test_sublicence_never_clears_more_territory_than_its_parent():
    d = judge(world(BASE), "B", R1, "2015-08-01", territory="HK")
    assert d.status is Status.UNCLEARED
    assert d.reasons[0].code == "exceeds-parent-territory"
    assert "sublicence S1 exceeds its parent's territory" in d.reasons[0].message
    assert d.reasons[0].grant_id == "G1"


def test_sublicence_term_beyond_parent_is_uncleared_after_parent_ends():
    text = BASE.replace("2015-01-01..2015-10-31", "2015-01-01..2017-12-31")
    d = judge(world(text), "B", R1, "2017-03-01")
    assert d.status is Status.UNCLEARED
    assert d.reasons[0].code == "exceeds-parent-term"
    assert "grant G1 ended 2016-12-31" in d.reasons[0].message


def test_expired_sublicence_names_its_end():
    d = judge(world(BASE), "B", R1, "2015-11-05")
    assert d.status is Status.UNCLEARED
    assert d.reasons[0].message == "grant S1 ended 2015-10-31"


def test_parent_must_be_sublicensable():
    d = judge(world(BASE.replace(" sublicensable", "")), "B", R1, "2015-08-01")
    assert d.status is Status.UNCLEARED
    assert d.reasons[0].code == "not-sublicensable"


def test_catalogue_grant_covers_only_the_licensors_recordings():
    d = judge(world(BASE), "A", R2, "2015-08-01")
    assert d.status is Status.UNCLEARED
    assert d.reasons[0].code == "no-grant"
    assert "recording CNA011500002 not licensed" in d.reasons[0].message


def test_listed_grant_from_someone_who_does_not_own_the_recording_does_not_clear():
    text = BASE + f"grant X1 L1>A master list:{R2} 2014-01-01.. CN Stream\n"
    d = judge(world(text), "A", R2, "2015-08-01")
    assert d.status is Status.UNCLEARED
    assert d.reasons[0].code == "licensor-not-holder"


def test_expiring_within_window():
    d = judge(world(BASE), "B", R1, "2015-10-15")
    assert d.status is Status.EXPIRING
    assert str(d.last_day) == "2015-10-31"
    assert judge(world(BASE), "B", R1, "2015-09-15").status is Status.CLEARED
    assert judge(world(BASE), "B", R1, "2015-09-15", expiring_days=60).status is Status.EXPIRING


def test_later_grant_overlapping_an_earlier_exclusive_grant_is_a_conflict():
    text = BASE + "grant C1 L1>C master catalogue 2015-03-01..2015-12-31 CN Stream issued=2015-02-01\n"
    d = judge(world(text), "C", R1, "2015-08-01")
    assert d.status is Status.CONFLICT
    assert d.chains[0].grant_ids == ("C1",)
    assert any(r.code == "exclusive-conflict" and "G1" in r.message for r in d.reasons)
    # Outside the exclusive grant's territory there is no overlap.
    text_hk = text.replace("2015-12-31 CN Stream issued", "2015-12-31 CN,HK Stream issued")
    assert judge(world(text_hk), "C", R1, "2015-08-01", territory="HK").status is Status.CLEARED


def test_sublicence_from_the_exclusive_holder_is_not_a_conflict():
    assert judge(world(BASE), "B", R1, "2015-08-01").status is Status.CLEARED


def test_composition_must_be_cleared_when_the_work_and_publisher_are_known():
    text = (
        BASE.replace(f"recording {R1} owner=L1", f"recording {R1} owner=L1 work=W7")
        + "work W7 publishers=P1\n"
    )
    d = judge(world(text), "A", R1, "2015-08-01")
    assert d.status is Status.UNCLEARED
    assert "composition W7 not licensed" in d.reasons[0].message
    text += "grant P7 P1>A composition works:W7 2014-01-01.. Worldwide Stream\n"
    d = judge(world(text), "A", R1, "2015-08-01")
    assert d.status is Status.CLEARED
    assert [(c.right.value, c.grant_ids) for c in d.chains] == [("master", ("G1",)), ("composition", ("P7",))]


def test_every_publisher_of_a_split_work_must_license():
    text = (
        BASE.replace(f"recording {R1} owner=L1", f"recording {R1} owner=L1 work=W7")
        + "work W7 publishers=P1,P2\n"
        + "grant P7 P1>A composition works:W7 2014-01-01.. Worldwide Stream\n"
    )
    d = judge(world(text), "A", R1, "2015-08-01")
    assert d.status is Status.UNCLEARED
    assert "from P2" in d.reasons[0].message


NOTICE = "notice N1 issued=2015-07-08 deadline=2015-07-31 buffer=2015-10-31\n"


def test_buffer_tolerates_uncleared_tracks_until_its_end():
    ledger = world(BASE + NOTICE)
    assert judge(ledger, "A", R2, "2015-07-01").status is Status.UNCLEARED  # before the notice
    d = judge(ledger, "A", R2, "2015-08-15")
    assert d.status is Status.BUFFER
    assert d.notice == "N1"
    assert d.reasons[-1].code == "buffer"
    assert judge(ledger, "A", R2, "2015-10-31").status is Status.BUFFER
    assert judge(ledger, "A", R2, "2015-11-01").status is Status.UNCLEARED


def test_notice_scope_limits_the_buffer():
    ledger = world(BASE + NOTICE.replace("\n", " platforms=B\n"))
    assert judge(ledger, "A", R2, "2015-08-15").status is Status.UNCLEARED
    assert judge(ledger, "A", R2, "2015-08-15", territory="HK").status is Status.UNCLEARED


def test_uses_and_commercial_models_are_independent_dimensions():
    text = f"recording {R1} owner=L1\ngrant G1 L1>A master catalogue 2014-01-01.. CN Stream models=SubscriptionModel\n"
    ledger = world(text)
    assert judge(ledger, "A", R1, "2015-08-01", use="OnDemandStream").status is Status.CLEARED
    d = judge(ledger, "A", R1, "2015-08-01", use="PermanentDownload")
    assert d.status is Status.UNCLEARED and d.reasons[0].code == "use"
    d = judge(ledger, "A", R1, "2015-08-01", commercial_model="AdvertisementSupportedModel")
    assert d.status is Status.UNCLEARED and d.reasons[0].code == "model"
    assert judge(ledger, "A", R1, "2015-08-01", commercial_model="SubscriptionModel").status is Status.CLEARED


def test_termination_causes_give_different_reasons():
    base = f"recording {R1} owner=L1\ngrant G1 L1>A master catalogue 2014-01-01.. CN Stream ended=2015-09-01:"
    taken = judge(world(base + "takedown\n"), "A", R1, "2015-09-02")
    purged = judge(world(base + "purged\n"), "A", R1, "2015-09-02")
    assert (taken.reasons[0].code, purged.reasons[0].code) == ("grant-takedown", "grant-purged")
    assert "taken down" in taken.reasons[0].message and "purged" in purged.reasons[0].message
    assert judge(world(base + "purged\n"), "A", R1, "2015-08-31").status is Status.EXPIRING  # ends tomorrow


def test_term_is_read_in_the_grants_time_zone():
    text = f"recording {R1} owner=L1\ngrant G1 L1>A master catalogue 2014-01-01..2015-07-31 CN Stream tz=America/New_York\n"
    # 2015-08-01 00:00 in Shanghai is still 2015-07-31 in New York.
    assert judge(world(text), "A", R1, "2015-08-01").status is Status.EXPIRING
    shanghai = text.replace("tz=America/New_York", "tz=Asia/Shanghai")
    assert judge(world(shanghai), "A", R1, "2015-08-01").status is Status.UNCLEARED


def test_unidentified_and_unregistered_tracks_are_uncleared():
    ledger = world(BASE)
    assert judge(ledger, "A", None, "2015-08-01").reasons[0].code == "unidentified"
    d = judge(ledger, "A", "CNA019999999", "2015-08-01")
    assert d.status is Status.UNCLEARED and "not registered" in d.reasons[0].message


def test_explain_names_chain_or_reasons():
    assert judge(world(BASE), "B", R1, "2015-08-01").explain() == "cleared: master: G1 -> S1"
    assert judge(world(BASE), "B", R1, "2015-11-05").explain() == "uncleared: grant S1 ended 2015-10-31"


CYCLE = f"""
recording {R1} owner=L1
recording {R2} owner=L2
grant G1 L1>A master catalogue 2014-01-01..2016-12-31 CN Stream sublicensable
grant GA A>B master catalogue 2015-01-01..2015-12-31 CN Stream sublicensable parent=GB
grant GB B>A master catalogue 2015-01-01..2015-12-31 CN Stream sublicensable parent=GC
grant GC A>B master list:{R2} 2015-01-01..2015-12-31 CN Stream sublicensable parent=GA
grant GD B>C master catalogue 2015-01-01..2015-12-31 CN Stream parent=GA
"""


def test_a_cycle_of_sublicences_fails_the_tracks_that_rely_on_it_and_nothing_else():
    ledger = world(CYCLE)  # building the snapshot does not fail on the cycle
    assert ledger.cycle_of("GA") == ("GA", "GB", "GC") and ledger.cycle_of("G1") is None
    assert judge(ledger, "A", R1, "2015-08-01").status is Status.CLEARED  # G1 does not depend on the cycle
    d = judge(ledger, "B", R2, "2015-08-01")  # GC lists R2, but its parents go round in a circle
    assert d.status is Status.UNCLEARED
    assert d.reasons[0].code == "sublicence-cycle"
    assert "(GC -> GA -> GB -> GC)" in d.reasons[0].message
    below = judge(ledger, "C", R1, "2015-08-01")  # GD hangs from the cycle: refused with the cycle as reason
    assert below.status is Status.UNCLEARED and below.reasons[0].code == "sublicence-cycle"


def test_an_uncleared_track_of_a_release_with_hundreds_of_deals_explains_itself_in_a_few_lines():
    # One deal per territory (like a real release's 747 deals), none for CN; and one CN deal that has ended.
    codes = ["HK", "MO", "TW", "US", "GB", "FR", "DE", "JP", "KR", "SG"]
    deals = "\n".join(
        f"grant D{i:03d} L1>A master list:{R1} 2015-01-01..2016-12-31 {codes[i % len(codes)]} Stream"
        for i in range(747)
    )
    text = (
        f"recording {R1} owner=L1\n{deals}\ngrant E1 L1>A master list:{R1} 2014-01-01..2014-12-31 CN Stream\n"
    )
    d = judge(world(text), "A", R1, "2015-08-01")
    assert d.status is Status.UNCLEARED
    reason = d.reasons[0]
    assert reason.code == "ended" and reason.grant_id == "E1"  # the grant about the question comes first
    assert reason.message.startswith("grant E1 ended 2014-12-31; ")
    assert reason.message.endswith("and 743 more grants that fail (743 for another territory)")
    assert len(reason.message) < 600
