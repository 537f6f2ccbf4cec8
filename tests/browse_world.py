"""A small world for the browsing tests (issue 13, item 1), written as readable text: parties, an artist, works,
recordings, grants and two platforms' tracks, with every way a track gets identified — its ISRC, an automatic
link, an accepted link, a rejected link, a link in review, audio (a medley whose primary recording is not its
longest match), weak audio, audio of an older scan only — stored through the real repositories.

    track P1 p1-03 "Unknown upload" / "" isrc= live    # a line: platform, id, "title" / "artist", ISRC, availability
"""

from __future__ import annotations

import shlex
from datetime import UTC, date, datetime

from songclear.domain.catalogue import Artist, Availability, LibraryTrack, Party, Recording, Version, Work
from songclear.domain.grants import Grant, Term, Termination, TerminationCause, start_of_day
from songclear.domain.identity import AudioMatch, TrackLink
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right
from songclear.store.links import LinkRepository
from songclear.store.matches import AudioMatchRepository, ScanOutcome
from songclear.store.repository import LedgerRepository

KNOWN = datetime(2015, 1, 1, tzinfo=UTC)
SCANNED = datetime(2015, 2, 1, tzinfo=UTC)
RESCANNED = datetime(2015, 2, 2, tzinfo=UTC)
DECIDED = datetime(2015, 3, 1, tzinfo=UTC)

PARTIES = """
L-ALPHA label 阿尔法唱片 | Alpha Records, 阿爾法唱片
L-BETA label Beta Music |
PUB publisher Pearl Publishing |
P1 platform 平台一 | Platform One
P2 platform Platform Two |
"""
RECORDINGS = """
CNA011500001 L-ALPHA W1 studio 月光码头 / 林一
CNA011500002 L-ALPHA - studio 长江以南 / 林一
CNB011500001 L-BETA - studio Desert Wind / Sand
CNB011500002 L-BETA - live Night Train / Sand
CNC011500001 - - studio Orphan / Nobody
"""
# id licensor>licensee right scope start..end tz flags
GRANTS = """
G-ALPHA-P1 L-ALPHA>P1 master catalogue 2015-01-01..2016-12-31 Asia/Shanghai exclusive,sublicensable
S-P1-P2 P1>P2 master catalogue 2015-06-01..2016-06-30 Asia/Shanghai parent=G-ALPHA-P1
G-BETA-P1 L-BETA>P1 master list:CNB011500001 2015-01-01..2015-10-31 America/New_York -
G-BETA-P2 L-BETA>P2 master catalogue 2016-01-01.. Asia/Shanghai -
G-BETA-TERM L-BETA>P2 master catalogue 2014-01-01..2017-12-31 Asia/Shanghai terminated=2015-09-01
G-PUB-P1 PUB>P1 composition works:W1 2015-01-01.. Asia/Shanghai -
"""
TRACKS = """
P1 p1-01 "月光码头" / "林一" CNA011500001 live
P1 p1-02 "月光碼頭 (Live)" / "Lin Yi" - live
P1 p1-03 "Unknown upload" / "" - live
P1 p1-04 "Medley" / "DJ" CNA011500002 live
P1 p1-05 "Weak copy" / "Sand" CNB011500002 live
P1 p1-06 "Old scan" / "" - live
P1 p1-07 "Night Train" / "Sand" CNB011500002 live
P1 p1-08 "Desert Wind?" / "Sand" - live
P1 p1-09 "Rejected" / "Nobody" CNC011500001 live
P1 p1-10 "Gone" / "林一" CNA011500002 taken_down
P1 p1-11 "Unregistered" / "X" CNZ991500001 live
P2 p2-01 "月光码头" / "林一" CNA011500001 live
P2 p2-02 "Ｄｅｓｅｒｔ Ｗｉｎｄ" / "Sand" CNB011500001 live
"""
# What the audit makes of each track: (identity source, recording judged as, its owner).
EXPECTED = {
    "P1/p1-01": ("isrc", "CNA011500001", "L-ALPHA"),
    "P1/p1-02": ("link", "CNA011500001", "L-ALPHA"),
    "P1/p1-03": ("audio", "CNB011500001", "L-BETA"),
    "P1/p1-04": ("audio", "CNA011500001", "L-ALPHA"),  # the strongest match, not the longest
    "P1/p1-05": ("isrc", "CNB011500002", "L-BETA"),  # its audio match is too weak to decide
    "P1/p1-06": ("none", None, None),  # only an older scan matched
    "P1/p1-07": ("review", "CNB011500002", "L-BETA"),
    "P1/p1-08": ("link", "CNB011500001", "L-BETA"),
    "P1/p1-09": ("isrc", "CNC011500001", None),  # the automatic link was rejected; no owner
    "P1/p1-10": ("isrc", "CNA011500002", "L-ALPHA"),
    "P1/p1-11": ("isrc", None, None),  # a valid ISRC nobody registered
    "P2/p2-01": ("isrc", "CNA011500001", "L-ALPHA"),
    "P2/p2-02": ("isrc", "CNB011500001", "L-BETA"),
}


def _parties() -> list[Party]:
    out = []
    for line in PARTIES.strip().splitlines():
        head, _, aliases = line.partition("|")
        pid, kind, name = head.split(maxsplit=2)
        out.append(Party(id=pid, kind=PartyKind(kind), name=name.strip(),
                         aliases=tuple(a.strip() for a in aliases.split(",") if a.strip())))  # fmt: skip
    return out


def _recordings() -> list[Recording]:
    out = []
    for line in RECORDINGS.strip().splitlines():
        isrc, owner, work, version, rest = line.split(maxsplit=4)
        title, artist = (x.strip() for x in rest.split("/"))
        out.append(Recording(isrc=isrc, title=title, artists=(artist,), owner=None if owner == "-" else owner,
                             work_id=None if work == "-" else work, version=Version(version)))  # fmt: skip
    return out


def _grants() -> list[Grant]:
    out = []
    for line in GRANTS.strip().splitlines():
        gid, parties, right, scope, term, tz, flags = line.split()
        licensor, licensee = parties.split(">")
        start, end = term.split("..")
        kv = dict(f.split("=", 1) for f in flags.split(",") if "=" in f)
        ended = kv.get("terminated")
        out.append(Grant(
            id=gid, licensor=licensor, licensee=licensee, rights=frozenset({Right(right)}),
            term=Term(date.fromisoformat(start), date.fromisoformat(end) if end else None, tz),
            territories=Territories.from_text("CN"), uses=frozenset({"Stream"}),
            recordings=frozenset(scope[5:].split(",")) if scope.startswith("list:") else frozenset(),
            works=frozenset(scope[6:].split(",")) if scope.startswith("works:") else frozenset(),
            catalogue=scope == "catalogue", exclusive="exclusive" in flags, sublicensable="sublicensable" in flags,
            parent=kv.get("parent"),
            termination=Termination(start_of_day(date.fromisoformat(ended)), TerminationCause.TERMINATED, "test")
            if ended else None,
        ))  # fmt: skip
    return out


def _tracks() -> list[LibraryTrack]:
    out = []
    for line in TRACKS.strip().splitlines():
        platform, track_id, title, _slash, artist, isrc, availability = shlex.split(line)
        out.append(LibraryTrack(platform=platform, track_id=track_id, title=title, artist=artist,
                                isrc=None if isrc == "-" else isrc, availability=Availability(availability),
                                play_count=1000))  # fmt: skip
    return out


def _match(track_id: str, isrc: str, start: float, end: float, score: float, confidence: float) -> AudioMatch:
    return AudioMatch("P1", track_id, isrc, start, end, start, end, 1.0, 1.0, score, confidence)


def build(db) -> None:
    """Write the world into ``db`` (an opened, empty ``Database``)."""
    with db.session(write=True) as s:
        LedgerRepository(s).record(
            [*_parties(), Artist(id="A-LIN", name="林一", aliases=("Lin Yi",)),
             Work(id="W1", title="月光码头", iswc="T0345246801", publishers=("PUB",)),
             *_recordings(), *_grants(), *_tracks()],
            recorded_at=KNOWN,
        )  # fmt: skip
        audio = AudioMatchRepository(s)
        scans = [
            ("v1", SCANNED, "p1-03", (_match("p1-03", "CNB011500001", 0, 30, 80, 0.97),)),
            # a medley: the long match is weaker and mostly inside the strong one's stretch: one recording
            ("v1", SCANNED, "p1-04", (_match("p1-04", "CNB011500002", 0, 30, 20, 0.9),
                                       _match("p1-04", "CNA011500001", 5, 25, 60, 1.0))),
            ("v1", SCANNED, "p1-05", (_match("p1-05", "CNA011500001", 0, 30, 12, 0.3),)),
            ("v1", SCANNED, "p1-06", (_match("p1-06", "CNA011500002", 0, 30, 90, 1.0),)),
            ("v2", RESCANNED, "p1-06", ()),  # the newer scan found nothing: the old match no longer decides
        ]  # fmt: skip
        for version, at, track_id, matches in scans:
            audio.record_scan(
                ScanOutcome("P1", track_id, f"/audio/{track_id}.mp3", matches),
                index_version=version,
                recorded_at=at,
            )
        links = LinkRepository(s)
        links.record(
            "P1",
            [
                ("p1-02", TrackLink("auto", "CNA011500001", "W1", "metadata", 0.96, "metadata link"), {}),
                ("p1-03", TrackLink("review", "CNB011500001", None, "audio", 0.06, "audio match, metadata disagrees"), {}),
                ("p1-07", TrackLink("review", "CNB011500001", None, "metadata", 0.91, "another version"), {}),
                ("p1-08", TrackLink("review", "CNB011500001", None, "metadata", 0.85, "title by sound"), {}),
                ("p1-09", TrackLink("auto", "CNA011500002", None, "metadata", 0.9, "metadata link"), {}),
            ],
            recorded_at=SCANNED,
        )  # fmt: skip
        links.decide("P1", "p1-08", "accept", actor="reviewer", note="", at=DECIDED)
        links.decide("P1", "p1-09", "reject", actor="reviewer", note="", at=DECIDED)
