"""From DDEX messages to ledger facts: deals -> grants, and how newer messages, takedowns and purges end them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from songclear.domain.grants import Grant, TerminationCause
from songclear.domain.releases import ReleaseDeals
from songclear.domain.vocabulary import Right
from songclear.ingest.ddex import DdexChanges, apply_message, parse_message, parse_message_bytes

DATA = Path(__file__).parent / "data" / "ddex"
T0 = datetime(2024, 1, 1, tzinfo=UTC)
QQ = {"PADPIDA2015000002P": "qq"}


class Store:
    """Just enough of a ledger to replay messages in order: the latest ReleaseDeals and grant versions."""

    def __init__(self) -> None:
        self.releases: dict[str, ReleaseDeals] = {}
        self.grants: dict[str, Grant] = {}
        self.tick = 0

    def apply(self, name: str, party_ids: dict[str, str] = QQ) -> DdexChanges:
        msg = parse_message(DATA / name)
        self.tick += 1
        changes = apply_message(
            msg,
            existing={k: self.releases[k] for k in msg.release_keys() if k in self.releases},
            existing_grants=dict(self.grants),
            party_ids=party_ids,
            recorded_at=T0.replace(hour=self.tick),
        )
        self.releases.update({r.key: r for r in changes.release_deals})
        self.grants.update({g.id: g for g in changes.grants})
        return changes


def test_each_deal_becomes_a_master_grant_from_sender_to_recipient():
    changes = Store().apply("ern382_new_release.xml")
    stream, download = changes.grants
    assert (stream.licensor, stream.licensee, stream.rights) == ("PADPIDA2015000001L", "qq", {Right.MASTER})
    assert stream.recordings == {"CNA011500001", "CNA011500002"}
    assert (stream.term.start, stream.term.end, stream.term.tz) == (
        date(2015, 1, 1),
        date(2015, 12, 31),
        "local",  # DDEX dates are days of each territory asked about (issue 11, item 1)
    )
    assert stream.territories.covers("HK") and not stream.territories.covers("TW")
    assert stream.uses == {"OnDemandStream"} and "SubscriptionModel" in stream.commercial_models
    assert (
        download.territories.covers("US")
        and not download.territories.covers("TW")
        and download.term.end is None
    )
    assert stream.termination is None and stream.recorded_at == T0.replace(hour=1)
    (rd,) = changes.release_deals
    assert (rd.state, rd.grant_ids, rd.sender, rd.recipient) == (
        "available",
        (stream.id, download.id),
        stream.licensor,
        "qq",
    )
    assert {r.isrc: r.owner for r in changes.recordings} == dict.fromkeys(
        stream.recordings, "PADPIDA2015000001L"
    )
    assert [w.iswc for w in changes.works] == ["T0345246801"]
    # the mapped platform is a party the ledger knows already; only the unmapped label is proposed
    assert [(p.id, p.name) for p in changes.parties] == [("PADPIDA2015000001L", "Red Lantern Records")]


def test_same_message_gives_same_ids_and_reimport_changes_nothing():
    store = Store()
    first = store.apply("ern382_new_release.xml")
    again = apply_message(
        parse_message(DATA / "ern382_new_release.xml"),
        existing={},
        existing_grants={},
        party_ids=QQ,
        recorded_at=T0,
    )
    assert [g.id for g in again.grants] == [g.id for g in first.grants]
    dup = store.apply("ern382_new_release.xml")
    assert dup.is_empty and "duplicate" in dup.notes[0]


def test_takedown_flag_ends_grants_at_the_deal_start():
    store = Store()
    first = store.apply("ern382_new_release.xml")
    changes = store.apply("ern382_takedown.xml")
    assert {g.id for g in changes.grants} == {g.id for g in first.grants}  # only new versions, no new grant
    for g in changes.grants:
        assert g.termination.cause is TerminationCause.TAKEDOWN
        # the takedown's StartDate is a local day: from its midnight in each territory asked about
        assert g.termination.local and g.termination.day == date(2015, 8, 15)
        assert g.termination.reference == "ddex:SC-382-0002"
        assert g.effective_end("CN") == datetime(2015, 8, 14, 16, tzinfo=UTC)
        assert g.effective_end("HK") == datetime(2015, 8, 14, 16, tzinfo=UTC)
    (rd,) = changes.release_deals
    assert (rd.state, rd.grant_ids, rd.isrcs) == ("taken-down", (), ("CNA011500001", "CNA011500002"))


def test_purge_ends_grants_with_its_own_cause_and_an_older_message_is_then_ignored():
    store = Store()
    first = store.apply("ern382_new_release.xml")
    purge = store.apply("ern382_purge.xml")
    assert {g.id: g.termination.cause for g in purge.grants} == dict.fromkeys(
        (g.id for g in first.grants), TerminationCause.PURGED
    )
    assert purge.grants[0].termination.effective == datetime(2015, 9, 1, 1, tzinfo=UTC)
    assert purge.release_deals[0].state == "purged"
    late = store.apply("ern382_takedown.xml")  # created 2015-08-01, before the purge
    assert late.is_empty and "not newer" in late.notes[0]


def test_takedown_then_purge_keeps_the_first_ending():
    store = Store()
    store.apply("ern382_new_release.xml")
    store.apply("ern382_takedown.xml")
    purge = store.apply("ern382_purge.xml")
    assert purge.grants == ()  # the grants ended on 2015-08-15 already; the purge does not rewrite that
    assert purge.release_deals[0].state == "purged"


def test_test_message_never_changes_live_data():
    store = Store()
    changes = store.apply("ern382_test_message.xml")
    assert changes.is_empty and changes.grants == () and "TestMessage" in changes.notes[-1]
    assert store.releases == {}


def test_newer_message_supersedes_and_release_without_deal_is_not_available():
    store = Store()
    first = store.apply("ern43_new_release.xml", party_ids={})
    album, track = first.release_deals
    assert album.state == "available" and len(album.grant_ids) == 1
    assert (track.state, track.grant_ids) == ("no-deal", ())
    assert any("no deal" in n for n in first.notes)
    newer = store.apply("ern43_newer_deals.xml", party_ids={})
    old_id = album.grant_ids[0]
    ended = next(g for g in newer.grants if g.id == old_id)
    assert ended.termination.cause is TerminationCause.SUPERSEDED
    assert ended.termination.effective == datetime(2016, 3, 1, 12, tzinfo=UTC)
    fresh = next(g for g in newer.grants if g.id != old_id)
    assert (
        fresh.termination is None and fresh.territories.covers("MO") and fresh.term.end == date(2017, 2, 28)
    )
    assert newer.release_deals[0].grant_ids == (fresh.id,)
    older = store.apply("ern43_new_release.xml", party_ids={})
    assert older.is_empty and len(older.notes) == 2 and all("not newer" in n for n in older.notes)


def test_release_withdrawn_when_resent_without_deals():
    store = Store()
    first = store.apply("ern43_new_release.xml", party_ids={})
    text = (DATA / "ern43_newer_deals.xml").read_text(encoding="utf-8")
    no_deal = text[: text.index("<DealList>")] + "</ern:NewReleaseMessage>\n"
    changes = apply_message(
        parse_message_bytes(no_deal.encode("utf-8"), "withdrawn.xml"),
        existing=store.releases,
        existing_grants=store.grants,
        party_ids={},
        recorded_at=T0.replace(hour=9),
    )
    (ended,) = changes.grants
    assert ended.id == first.grants[0].id and ended.termination.cause is TerminationCause.WITHDRAWN
    assert [r.state for r in changes.release_deals] == ["no-deal", "no-deal"]
