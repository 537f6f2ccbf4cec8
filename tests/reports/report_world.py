"""A small 2015 world, audited with the real domain code (no database), for the report tests.

Labels Universal (U) and Rock Records (ROCK), publisher Hikari (HIK); platforms QQ Music (QQ) and NetEase (NE).
U grants QQ an exclusive, sublicensable licence for R1 and R4; QQ sublicenses R1 to NetEase (S3). Rock's grant
of R2 to NetEase ends 2015-08-15. U's later direct grant of R4 to NetEase collides with QQ's exclusivity. R3 has
no grant; one NetEase track has no ISRC at all (and a hostile title); one is R1 found by a metadata link.
Notice N1: issued 2015-07-08, deadline 2015-07-31, tolerated until 2015-10-31.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

from songclear.app.audit_run import AuditRun, TimelinePoint
from songclear.domain.audit import diff, summarise
from songclear.domain.catalogue import LibraryTrack, Party, Recording, TrackIdentity, Work
from songclear.domain.clearance import decide
from songclear.domain.decision import Status
from songclear.domain.grants import Grant, Term, start_of_day
from songclear.domain.ledger import Ledger
from songclear.domain.notices import Notice
from songclear.domain.rules import ClearanceQuery
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right

HOSTILE_TITLE = "<script>alert('x')</script> & Co"
CN = Territories.parse("CN")
STREAM = frozenset({"Stream"})
MASTER = frozenset({Right.MASTER})


def grant(gid: str, licensor: str, licensee: str, start: str, end: str | None, **kw) -> Grant:
    term = Term(date.fromisoformat(start), date.fromisoformat(end) if end else None)
    kw.setdefault("rights", MASTER)
    return Grant(id=gid, licensor=licensor, licensee=licensee, term=term, territories=CN, uses=STREAM, **kw)


PARTIES = [
    Party(id="U", name="Universal", kind=PartyKind.LABEL),
    Party(id="ROCK", name="Rock Records", kind=PartyKind.LABEL),
    Party(id="HIK", name="Hikari Publishing", kind=PartyKind.PUBLISHER),
    Party(id="QQ", name="QQ Music", kind=PartyKind.PLATFORM),
    Party(id="NE", name="NetEase", kind=PartyKind.PLATFORM),
    Party(id="NCAC", name="NCAC", kind=PartyKind.REGULATOR),
]
RECORDINGS = [
    Recording(isrc="CNA011500001", title="后来", artists=("刘若英",), owner="U", work_id="W1"),
    Recording(isrc="CNA011500002", title="Rock Song", artists=("Band",), owner="ROCK"),
    Recording(isrc="CNA011500003", title="Orphan", artists=("Nobody",), owner="ROCK"),
    Recording(isrc="CNA011500004", title="Contested", artists=("Singer",), owner="U"),
]
WORKS = [Work(id="W1", title="后来", publishers=("HIK",))]
GRANTS = [
    grant("G1", "U", "QQ", "2015-01-01", "2016-12-31", exclusive=True, sublicensable=True,
           recordings=frozenset({"CNA011500001", "CNA011500004"})),
    grant("S3", "QQ", "NE", "2015-02-01", "2016-12-31", parent="G1", recordings=frozenset({"CNA011500001"})),
    grant("C1", "HIK", "NE", "2015-01-01", None, rights=frozenset({Right.COMPOSITION}), works=frozenset({"W1"})),
    grant("G2", "ROCK", "NE", "2015-01-01", "2015-08-15", recordings=frozenset({"CNA011500002"})),
    grant("G4", "U", "NE", "2015-03-01", "2016-06-30", recordings=frozenset({"CNA011500004"})),
]  # fmt: skip
NOTICES = [
    Notice(id="N1", issuer="NCAC", title="Stop unlicensed music distribution", issued=date(2015, 7, 8),
           effective=date(2015, 7, 31), buffer_end=date(2015, 10, 31)),
]  # fmt: skip
TRACKS = [
    LibraryTrack(platform="NE", track_id="1", title="后来", artist="刘若英", isrc="CNA011500001"),
    LibraryTrack(platform="NE", track_id="2", title="Rock Song", artist="Band", isrc="CNA011500002"),
    LibraryTrack(platform="NE", track_id="3", title="Orphan", artist="Nobody", isrc="CNA011500003"),
    LibraryTrack(platform="NE", track_id="4", title="Contested", artist="Singer", isrc="CNA011500004"),
    LibraryTrack(platform="NE", track_id="5", title=HOSTILE_TITLE, artist="<b>anon</b>"),
    LibraryTrack(platform="NE", track_id="6", title="后来 (Live?)", artist="刘若英"),
]
LINKS = {"NE/6": TrackIdentity("CNA011500001", "link", "title and artist match recording CNA011500001")}


def identity(track: LibraryTrack) -> TrackIdentity | None:
    if track.key in LINKS:
        return LINKS[track.key]
    return TrackIdentity(track.isrc) if track.isrc else None


def ledger(known_at: datetime | None = None, grants: list[Grant] = GRANTS) -> Ledger:
    return Ledger.build(
        parties=PARTIES, recordings=RECORDINGS, works=WORKS, grants=grants, notices=NOTICES, known_at=known_at
    )


def _query(day: date) -> ClearanceQuery:
    return ClearanceQuery(at=start_of_day(day), territory="CN", use="Stream")


def build_run(
    day: date, *, known_at: datetime | None = None, now_grants: list[Grant] | None = None
) -> AuditRun:
    """Audit NetEase at ``day``: decisions, summary and a weekly timeline from 2015-07-01 to 2015-11-25."""
    led = ledger(known_at)
    decisions = [decide(t, identity(t), led, _query(day)) for t in TRACKS]
    timeline = []
    for week in range(22):
        d = date(2015, 7, 1) + timedelta(days=7 * week)
        statuses = [decide(t, identity(t), led, _query(d)).status for t in TRACKS]
        timeline.append(TimelinePoint(d, {s: statuses.count(s) for s in Status}))
    changes = None
    if known_at is not None:
        now = ledger(None, now_grants if now_grants is not None else GRANTS)
        now_decisions = [decide(t, identity(t), now, _query(day)) for t in TRACKS]
        changes = diff({d.track: d for d in decisions}, {d.track: d for d in now_decisions})
    return AuditRun(
        platform="NE",
        platform_name=led.party_name("NE"),
        query=_query(day),
        at_day=day,
        known_at=known_at,
        decisions=decisions,
        tracks={t.key: t for t in TRACKS},
        summary=summarise(decisions),
        notices=list(led.notices.values()),
        timeline=timeline,
        changes_vs_now=changes,
        licensor_names={d.licensor: led.party_name(d.licensor) for d in decisions if d.licensor},
        elapsed_s=0.123,
    )


GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("SONGCLEAR_REGEN_GOLDEN") == "1"


def assert_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/reports/golden/``name``; SONGCLEAR_REGEN_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if REGEN:
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.exists(), (
        f"{path} is missing: run SONGCLEAR_REGEN_GOLDEN=1 pytest tests/reports and review it"
    )
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from its golden file (regenerate with SONGCLEAR_REGEN_GOLDEN=1)"
    )
