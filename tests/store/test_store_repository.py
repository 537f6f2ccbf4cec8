"""LedgerRepository: every fact kind round-trips exactly; re-recording is idempotent; reads and imports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from songclear.domain.catalogue import Artist, Availability, LibraryTrack, Party, Recording, Version, Work
from songclear.domain.grants import Grant, Term, Termination, TerminationCause
from songclear.domain.notices import Notice
from songclear.domain.releases import ReleaseDeals
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right
from songclear.errors import InputError, LedgerIntegrityError, NotFound
from songclear.store import Database, LedgerRepository, RecordCounts
from songclear.store.repository import LOOKUP_BATCH
from songclear.store.rows import codec_for

T1 = datetime(2015, 7, 1, 8, 30, 0, 123456, tzinfo=UTC)
T2 = datetime(2015, 8, 1, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))

LABEL = Party(id="L1", name="Label \u4e00", kind=PartyKind.LABEL, aliases=("L-One", "\u6807\u7b7e\u4e00"))
PUBLISHER = Party(id="P1", name="Pub", kind=PartyKind.PUBLISHER)
WORK = Work(id="W7", title="Song", iswc="T0345246801", writers=("A", "B"), publishers=("P1",))
RECORDING = Recording(
    isrc="CNA011500001", title="Song (Live)", artists=("Singer", "Band"), duration_s=201.25,
    version=Version.LIVE, owner="L1", work_id="W7",
)  # fmt: skip
ROOT = Grant(
    id="G1", licensor="L1", licensee="A", rights=frozenset({Right.MASTER, Right.COMPOSITION}),
    term=Term(date(2015, 1, 1), date(2015, 10, 31), "Asia/Shanghai"),
    territories=Territories.parse("Worldwide", "TW HK"), uses=frozenset({"Stream", "PermanentDownload"}),
    commercial_models=frozenset({"SubscriptionModel"}), recordings=frozenset({"CNA011500001", "CNA011500002"}),
    works=frozenset({"W7"}), exclusive=True, sublicensable=True, issued=date(2014, 12, 20),
    termination=Termination(datetime(2015, 9, 1, 0, 0, tzinfo=SHANGHAI), TerminationCause.TAKEDOWN, "MSG-9"),
    source="grants.csv:12",
)  # fmt: skip
SUB = Grant(
    id="S3", licensor="A", licensee="B", rights=frozenset({Right.MASTER}), term=Term(date(2015, 2, 1), tz="UTC"),
    territories=Territories.parse("CN"), uses=frozenset({"Stream"}), catalogue=True, parent="G1",
)  # fmt: skip
NOTICE = Notice(
    id="NCAC-2015", issuer="NCAC", title="Stop unlicensed music", issued=date(2015, 7, 8),
    effective=date(2015, 7, 31), buffer_end=date(2015, 11, 30), platforms=frozenset({"A", "B"}),
    territories=Territories.parse("CN"),
)  # fmt: skip
TRACK = LibraryTrack(
    platform="A", track_id="t-001", title="Song", artist="Singer", isrc="CNA011500001", audio_path="/a/1.mp3",
    play_count=12_345_678_901, availability=Availability.TAKEN_DOWN,
)  # fmt: skip
BARE_TRACK = LibraryTrack(platform="B", track_id="x 9", title="\u6b4c")
DEALS = ReleaseDeals(
    key="L1|A|ICPN1", sender="L1", recipient="A", release_id="ICPN1", message_id="M-2",
    message_created=datetime(2015, 6, 30, 12, tzinfo=SHANGHAI), grant_ids=("G1", "G2"), isrcs=("CNA011500001",),
    state="taken-down",
)  # fmt: skip
SINGER = Artist(id="A-1", name="歌手", aliases=("Singer", "Ge Shou"), party="L1")
BAND = Artist(id="A-2", name="Band")
FACTS = [LABEL, PUBLISHER, SINGER, BAND, WORK, RECORDING, ROOT, SUB, NOTICE, TRACK, BARE_TRACK, DEALS]


def at(fact, when: datetime = T1):
    return replace(fact, recorded_at=when)


@pytest.fixture
def recorded(database: Database) -> Database:
    with database.session() as s:
        assert LedgerRepository(s).record(FACTS, recorded_at=T1) == RecordCounts(added=len(FACTS))
    return database


def test_every_fact_kind_round_trips_exactly(recorded: Database):
    with recorded.session() as s:
        repo = LedgerRepository(s)
        ledger = repo.load_ledger()
        assert ledger.parties == {"L1": at(LABEL), "P1": at(PUBLISHER)}
        assert ledger.works == {"W7": at(WORK)}
        assert ledger.recordings == {"CNA011500001": at(RECORDING)}
        assert ledger.grants == {"G1": at(ROOT), "S3": at(SUB)}
        assert ledger.notices == {"NCAC-2015": at(NOTICE)}
        assert repo.get_track("A", "t-001") == at(TRACK)
        assert repo.list_artists() == [at(SINGER), at(BAND)]
        assert repo.get_track("B", "x 9") == at(BARE_TRACK)
        assert repo.get_release_deals("L1|A|ICPN1") == at(DEALS)
        assert repo.get_release_deals("nope") is None
        g = repo.get_grant("G1")
        # Instants come back in UTC, the same instant as written.
        assert g.termination.effective.tzinfo is UTC and g.termination.effective == ROOT.termination.effective
        assert g.recorded_at.tzinfo is UTC and g.recorded_at == T1
        assert g.term.tz == "Asia/Shanghai" and isinstance(g.rights, frozenset)
        assert repo.get_release_deals("L1|A|ICPN1").message_created.tzinfo is UTC


def test_re_recording_the_same_facts_changes_nothing(recorded: Database):
    with recorded.session() as s:
        repo = LedgerRepository(s)
        assert repo.record(FACTS, recorded_at=T2) == RecordCounts(added=0, unchanged=len(FACTS))
        # The version kept is the first one: its recorded_at did not move.
        assert repo.get_grant("G1").recorded_at == T1
        assert repo.count_tracks() == 2


def test_a_changed_fact_appends_a_version_and_supersedes_the_old(recorded: Database):
    changed = replace(TRACK, title="Song (remastered)")
    with recorded.session() as s:
        repo = LedgerRepository(s)
        assert repo.record([changed, BARE_TRACK], recorded_at=T2) == RecordCounts(added=1, unchanged=1)
        assert repo.get_track("A", "t-001") == at(changed, T2)
        assert repo.get_track("A", "t-001", known_at=T1) == at(TRACK)
        assert repo.count_tracks() == 2
        assert repo.count_tracks(known_at=T1 - timedelta(seconds=1)) == 0


def test_a_change_cannot_be_recorded_before_the_current_version(recorded: Database):
    with pytest.raises(LedgerIntegrityError, match="cannot be recorded earlier"), recorded.session() as s:
        LedgerRepository(s).record([replace(ROOT, exclusive=False)], recorded_at=T1 - timedelta(days=1))


def test_naive_instants_are_refused(database: Database):
    with database.session() as s:
        repo = LedgerRepository(s)
        with pytest.raises(InputError, match="no time zone"):
            repo.record([LABEL], recorded_at=datetime(2015, 7, 1))
        with pytest.raises(InputError, match="no time zone"):
            repo.load_ledger(known_at=datetime(2015, 7, 1))
        naive_end = Termination(datetime(2015, 9, 1), TerminationCause.TERMINATED)
        with pytest.raises(InputError, match="grant G1: naive datetime"):
            repo.record([replace(ROOT, termination=naive_end)], recorded_at=T1)


def test_the_same_key_twice_in_one_call_is_applied_in_order(database: Database):
    second = replace(LABEL, name="Renamed")
    with database.session() as s:
        repo = LedgerRepository(s)
        assert repo.record([LABEL, second, second], recorded_at=T1) == RecordCounts(added=2, unchanged=1)
        assert repo.list_parties() == [at(second)]


def test_tracks_stream_in_key_order_and_filter_by_platform(database: Database):
    tracks = [
        LibraryTrack(platform=p, track_id=f"{i:04d}", title=f"T{i}") for p in ("B", "A") for i in range(50)
    ]
    with database.session() as s:
        repo = LedgerRepository(s)
        repo.record(reversed(tracks), recorded_at=T1)
        streamed = list(repo.iter_tracks(batch=7))
        assert [(t.platform, t.track_id) for t in streamed] == sorted(
            (t.platform, t.track_id) for t in tracks
        )
        assert [t.track_id for t in repo.iter_tracks("B", batch=7)] == [f"{i:04d}" for i in range(50)]
        assert list(repo.iter_tracks("A", known_at=T1 - timedelta(days=1))) == []
        assert repo.count_tracks("A") == 50 and repo.count_tracks() == 100
        assert repo.platforms() == ["A", "B"]
        with pytest.raises(NotFound, match="no library track A/9999"):
            repo.get_track("A", "9999")


def test_grant_and_recording_lookups(recorded: Database):
    with recorded.session() as s:
        repo = LedgerRepository(s)
        assert repo.current_grants_by_ids(["S3", "G1", "missing"]) == {"G1": at(ROOT), "S3": at(SUB)}
        assert repo.get_recording("CNA011500001") == at(RECORDING)
        with pytest.raises(NotFound, match="no grant G404"):
            repo.get_grant("G404")
        with pytest.raises(NotFound, match="no recording"):
            repo.get_recording("CNA019900001")
        with pytest.raises(NotFound, match="as known at"):
            repo.get_grant("G1", known_at=T1 - timedelta(days=1))


def test_imports_are_registered_and_found_by_content(database: Database):
    sha = "0f" * 32
    with database.session() as s:
        repo = LedgerRepository(s)
        assert repo.find_import(sha, "grants") is None
        import_id = repo.begin_import("grants.csv", sha, "grants", T1)
        counts = repo.record([ROOT, SUB], recorded_at=T1, import_id=import_id)
        repo.finish_import(import_id, counts.as_dict())
    with database.session() as s:
        found = LedgerRepository(s).find_import(sha, "grants")
        assert found is not None and found.id == import_id and found.source == "grants.csv"
        assert found.recorded_at == T1 and found.counts == {"added": 2, "unchanged": 0}
        assert LedgerRepository(s).find_import(sha, "tracks") is None


def test_a_non_fact_is_refused(database: Database):
    with database.session() as s, pytest.raises(TypeError, match="not a ledger fact"):
        LedgerRepository(s).record(["G1"], recorded_at=T1)


def test_codecs_encode_columns_in_table_order():
    # record() and decode() rely on it: values travel as tuples in table order.
    for fact in FACTS:
        codec = codec_for(fact)
        assert tuple(codec.encode(fact)) == codec.columns, codec.kind


def test_bulk_record_across_lookup_batches(database: Database):
    # More keys than one lookup batch holds, over two platforms: every batch boundary is crossed.
    n = LOOKUP_BATCH * 2 + 321
    tracks = [
        LibraryTrack(platform=f"P{i % 2}", track_id=f"{i:06d}", title=f"T{i}", play_count=i) for i in range(n)
    ]
    changed = [
        replace(t, availability=Availability.TAKEN_DOWN) if i % 3 == 0 else t for i, t in enumerate(tracks)
    ]
    with database.session() as s:
        repo = LedgerRepository(s)
        assert repo.record(tracks, recorded_at=T1) == RecordCounts(added=n)
        assert repo.record(changed, recorded_at=T2) == RecordCounts(
            added=(n + 2) // 3, unchanged=n - (n + 2) // 3
        )
    with database.session() as s:
        repo = LedgerRepository(s)
        assert repo.count_tracks() == n and repo.count_tracks(known_at=T1) == n
        now = {t.key: t for t in repo.iter_tracks(batch=1000)}
        then = {t.key: t for t in repo.iter_tracks(known_at=T1, batch=1000)}
        assert now == {t.key: at(t, T2 if t.availability is Availability.TAKEN_DOWN else T1) for t in changed}
        assert then == {t.key: at(t) for t in tracks}
