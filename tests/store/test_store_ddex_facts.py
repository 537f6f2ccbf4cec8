"""What issue 11's DDEX rules add to the stored facts round-trips on both backends (migration 0011): a local term
and a termination dated by a local day, a term in a fixed UTC offset, a video with its artists' other spellings,
and the file hash that orders two messages about a release."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from songclear.domain.catalogue import Recording, Version
from songclear.domain.grants import LOCAL, Grant, Term, Termination, TerminationCause
from songclear.domain.releases import ReleaseDeals
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import Right
from songclear.store import Database, LedgerRepository, RecordCounts

T1 = datetime(2016, 1, 10, 12, tzinfo=UTC)
T2 = datetime(2016, 2, 1, tzinfo=UTC)
VIDEO = Recording(
    isrc="HKA011600001", title="十年", artists=("陈奕迅",), version=Version.VIDEO, owner="L",
    artist_aliases=(("陈奕迅", "Eason Chan", "陳奕迅"), ("B", "Bee")),
)  # fmt: skip
LOCAL_GRANT = Grant(
    id="ddex-1", licensor="L", licensee="P", rights=frozenset({Right.MASTER}),
    term=Term(date(2016, 1, 1), date(2016, 12, 31), LOCAL), territories=Territories.worldwide(),
    uses=frozenset({"Stream"}), recordings=frozenset({"HKA011600001"}),
    termination=Termination.on_local_day(date(2016, 8, 15), TerminationCause.TAKEDOWN, "ddex:M-2"),
)  # fmt: skip
OFFSET_GRANT = replace(
    LOCAL_GRANT, id="ddex-2", term=Term(date(2016, 1, 1), None, "+08:00"), termination=None
)
DEALS = ReleaseDeals(
    key="L|P|ICPN", sender="L", recipient="P", release_id="ICPN", message_id="M-1", message_created=T1,
    grant_ids=("ddex-1",), isrcs=("HKA011600001",), message_sha256="ab" * 32,
)  # fmt: skip
FACTS = [VIDEO, LOCAL_GRANT, OFFSET_GRANT, DEALS]


def test_local_terms_videos_and_message_hashes_round_trip(database: Database):
    with database.session() as s:
        assert LedgerRepository(s).record(FACTS, recorded_at=T1) == RecordCounts(added=len(FACTS))
    with database.session() as s:
        repo = LedgerRepository(s)
        ledger = repo.load_ledger()
        assert ledger.recordings["HKA011600001"] == replace(VIDEO, recorded_at=T1)
        g = ledger.grants["ddex-1"]
        assert g == replace(LOCAL_GRANT, recorded_at=T1)
        assert g.term.tz == LOCAL and g.termination.local and g.termination.day == date(2016, 8, 15)
        assert ledger.grants["ddex-2"].term.tz == "+08:00"
        assert repo.get_release_deals("L|P|ICPN") == replace(DEALS, recorded_at=T1)
        # the same facts again: nothing new
        assert repo.record(FACTS, recorded_at=T2) == RecordCounts(added=0, unchanged=len(FACTS))
