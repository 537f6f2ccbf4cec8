"""Rights semantics on real DDEX messages (issue 11, DDEX items 1-3), replayed through ``app.imports`` on SQLite
and PostgreSQL: deal dates are local days, a MessageId reused for an update, a purge and a re-delivery, and a
purge of a release never delivered.

The messages are built from real samples of ../shared/ddex-samples (dedex's 3.8.2 album with ten releases, one
without a deal, and its 3.8.2 purge) by editing them here: MessageId, MessageCreatedDateTime, deals removed, an
EndDate added. Where the folder is absent (it is beside the project root in CI and on the team machine) these
tests skip with that reason; tests/domain/test_territory_days.py and tests/ingest/test_ddex_changes.py cover the
same rules on our own samples.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared_material import SAMPLES, needs_samples
from songclear.app.audit import explain_track, make_query
from songclear.app.imports import import_ddex, import_table
from songclear.domain.grants import LOCAL, Grant
from songclear.store import Database
from songclear.store.repository import LedgerRepository

pytestmark = needs_samples

ALBUM = "ern382/dedex_014_release_without_deal.xml"  # R0 album (ICPN 1199119911991), R1-R9 track releases
PURGE = "ern382/dedex_017_purged_release.xml"
SENDER, RECIPIENT = "PADPIDA20129999999", "PADPIDA20189999999"
X = "20189999999999999"  # the album's MessageId, reused by its sender for every version
PARTIES = {RECIPIENT: "pf"}
ISRCS = [f"BE000000000{i}" for i in range(1, 10)]


def album(*, message_id: str = X, created: str | None = None, drop: tuple[str, ...] = (),
          end: str | None = None, territory: str | None = None) -> str:  # fmt: skip
    text = (SAMPLES / ALBUM).read_text(encoding="utf-8")
    text = text.replace(f"<MessageId>{X}</MessageId>", f"<MessageId>{message_id}</MessageId>")
    if created:
        text = re.sub(r"<MessageCreatedDateTime>[^<]*<", f"<MessageCreatedDateTime>{created}<", text)
    head, deals = text.split("<DealList>")
    for ref in drop:  # the release's deals removed
        deals = re.sub(rf"<ReleaseDeal>\s*<DealReleaseReference>{ref}</DealReleaseReference>.*?</ReleaseDeal>",
                       "", deals, flags=re.S)  # fmt: skip
    if end:
        deals = deals.replace(
            "<StartDate>2017-01-01</StartDate>", f"<StartDate>2017-01-01</StartDate><EndDate>{end}</EndDate>"
        )
    if territory:
        deals = deals.replace(
            "<TerritoryCode>Worldwide</TerritoryCode>", f"<TerritoryCode>{territory}</TerritoryCode>"
        )
    return head + "<DealList>" + deals


def purge(*, message_id: str, created: str, icpn: str = "1199119911991") -> str:
    text = (SAMPLES / PURGE).read_text(encoding="utf-8")
    text = text.replace("PADPIDAXXXX", SENDER).replace("PADPIDAYYYY", RECIPIENT)
    text = text.replace("<MessageControlType>TestMessage</MessageControlType>", "")  # a live purge
    text = text.replace("<MessageId>56779846</MessageId>", f"<MessageId>{message_id}</MessageId>")
    text = re.sub(r"<MessageCreatedDateTime>[^<]*<", f"<MessageCreatedDateTime>{created}<", text)
    return text.replace("<ICPN>7665431654967</ICPN>", f"<ICPN>{icpn}</ICPN>")


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def release_of(g: Grant) -> str:
    return "R0" if len(g.recordings) > 1 else f"R{next(iter(g.recordings))[-1]}"


def state(database: Database) -> dict[str, tuple[str, str | None, datetime | None, date | None]]:
    """Every DDEX grant as known now: id -> (release, termination cause, its effective instant, term end)."""
    with database.session() as session:
        ledger = LedgerRepository(session).load_ledger()
    return {
        g.id: (release_of(g), g.termination and g.termination.cause.value,
               g.termination and g.termination.effective, g.term.end)
        for g in ledger.grants.values() if g.source.startswith("ddex:")
    }  # fmt: skip


def release_state(database: Database, key: str):
    with database.session() as session:
        return LedgerRepository(session).get_release_deals(key)


def imported(database: Database, path: Path, at: str):
    return import_ddex(database, path, recorded_at=utc(at), party_ids=PARTIES)


def test_a_reused_message_id_orders_by_created_time_through_update_purge_and_redelivery(database, tmp_path):
    # 1. the delivery, as sent
    first = imported(database, SAMPLES / ALBUM, "2018-01-23T16:00:00+01:00")
    assert first.added > 0
    s1 = state(database)
    live1 = {gid: v for gid, v in s1.items() if v[1] is None}
    assert sorted(v[0] for v in live1.values()) == [f"R{i}" for i in range(9)]  # R9 has no deal
    assert all(v[3] is None for v in s1.values())

    # 2. an update: the same MessageId, created later, R2's deals removed
    t2 = "2018-03-01T10:00:00+01:00"
    update = imported(
        database, write(tmp_path, "update.xml", album(created=t2, drop=("R2",))), "2018-03-01T11:00:00+01:00"
    )
    assert not any("duplicate" in n for n in update.notes), update.notes
    s2 = state(database)
    for gid, (rel, *_rest) in live1.items():  # every grant of the delivery ends at the update's created time
        cause = "withdrawn" if rel == "R2" else "superseded"
        assert s2[gid][1:3] == (cause, utc(t2)), (rel, s2[gid])
    live2 = {gid: v for gid, v in s2.items() if v[1] is None}
    assert sorted(v[0] for v in live2.values()) == [f"R{i}" for i in range(9) if i != 2]
    assert not set(live2) & set(live1)  # a new message version, new grant ids
    assert release_state(database, f"{SENDER}|{RECIPIENT}|BE0000000002").state == "no-deal"

    # 3. a purge of the album
    t3 = "2018-06-01T10:00:00+01:00"
    imported(
        database,
        write(tmp_path, "purge.xml", purge(message_id="P-1", created=t3)),
        "2018-06-01T11:00:00+01:00",
    )
    s3 = state(database)
    (album_grant,) = [gid for gid, v in live2.items() if v[0] == "R0"]
    assert s3[album_grant][1:3] == ("purged", utc(t3))
    assert {gid for gid, v in s3.items() if v[1] is None} == set(live2) - {album_grant}
    assert release_state(database, f"{SENDER}|{RECIPIENT}|1199119911991").state == "purged"

    # 4. a re-delivery with an end date: the same MessageId again, created later still
    t4 = "2018-09-01T10:00:00+01:00"
    again = album(created=t4, end="2019-12-31")
    imported(database, write(tmp_path, "redelivery.xml", again), "2018-09-01T11:00:00+01:00")
    s4 = state(database)
    for gid, v in s3.items():  # every earlier ending stands: the purge is not wiped, nor the update's
        if v[1] is not None:
            assert s4[gid] == v, (gid, v, s4[gid])
    for gid in set(live2) - {album_grant}:
        assert s4[gid][1:3] == ("superseded", utc(t4))
    live4 = {gid: v for gid, v in s4.items() if v[1] is None}
    assert sorted(v[0] for v in live4.values()) == [f"R{i}" for i in range(9)]
    assert all(v[3] == date(2019, 12, 31) for v in live4.values())
    assert not set(live4) & (set(live1) | set(live2))
    assert release_state(database, f"{SENDER}|{RECIPIENT}|1199119911991").state == "available"

    # 5. the first message again: the same file, and a copy of it, change nothing
    assert imported(database, SAMPLES / ALBUM, "2018-09-02T00:00:00+01:00").already_imported
    copy = write(tmp_path, "copy.xml", (SAMPLES / ALBUM).read_text(encoding="utf-8") + "\n<!-- resent -->\n")
    late = imported(database, copy, "2018-09-02T01:00:00+01:00")
    assert late.added == 0 and late.notes and all("not newer" in n for n in late.notes)
    assert state(database) == s4


def test_a_purge_of_a_release_never_delivered_records_nothing_and_hides_no_delivery(database, tmp_path):
    # the purge comes first, though created after the delivery
    p = write(tmp_path, "purge.xml", purge(message_id="P-1", created="2018-06-01T10:00:00+01:00"))
    out = imported(database, p, "2018-06-01T11:00:00+01:00")
    assert out.added == 0 and any("never delivered (unknown release)" in n for n in out.notes), out.notes
    with database.session() as session:
        repo = LedgerRepository(session)
        ledger = repo.load_ledger()
        assert not ledger.parties and not ledger.grants
        assert repo.get_release_deals(f"{SENDER}|{RECIPIENT}|1199119911991") is None
    # the delivery, created before the purge, is not hidden by it
    imported(database, SAMPLES / ALBUM, "2018-06-02T00:00:00+01:00")
    live = {v[0] for v in state(database).values() if v[1] is None}
    assert (
        "R0" in live and release_state(database, f"{SENDER}|{RECIPIENT}|1199119911991").state == "available"
    )


LIBRARY = "platform,track_id,title,artist,isrc\npf,t1,Track Title 1,Artist 1,BE0000000001\n"


@pytest.mark.parametrize("territory", ["CN", "JP", "US"])
def test_a_date_only_end_date_holds_for_the_whole_local_day_of_the_territory(database, tmp_path, territory):
    # the album's deals end on 2023-10-02: the last local day, in every territory asked about
    platform = write(tmp_path, "parties.csv", "id,name,kind\npf,The platform,platform\n")
    import_table(database, platform, kind="parties", recorded_at=utc("2018-01-01T00:00:00+00:00"))
    lib = write(tmp_path, "library.csv", LIBRARY)  # its platform is known: the import checks references
    assert (
        import_table(database, lib, kind="library", recorded_at=utc("2018-01-01T00:00:00+00:00")).added == 1
    )
    msg = write(tmp_path, "ending.xml", album(end="2023-10-02", territory=territory))
    imported(database, msg, "2018-01-24T00:00:00+00:00")
    with database.session() as session:
        repo = LedgerRepository(session)
        grant = next(g for g in repo.load_ledger().grants.values() if g.recordings == {"BE0000000001"})
        assert (grant.term.end, grant.term.tz) == (date(2023, 10, 2), LOCAL)

        def explain(day: date):
            query = make_query(day, territory=territory, use="OnDemandStream")
            return explain_track(repo, platform="pf", track_id="t1", query=query)[1]

        last = explain(date(2023, 10, 2))
        assert last.status.value == "expiring" and last.last_day == date(2023, 10, 2)
        # read as UTC, the deal still held (and was 'expiring') on 2023-10-03 at 00:00 in Shanghai
        after = explain(date(2023, 10, 3))
        assert after.status.value == "uncleared", after
        assert after.reasons[0].code == "ended" and "ended 2023-10-02" in after.reasons[0].message
        start = explain(date(2017, 1, 1))  # the StartDate holds from the local midnight
        assert start.status.value == "cleared"
        assert explain(date(2016, 12, 31)).reasons[0].code == "not-started"
    assert grant.termination is None  # no termination: the term itself ends
