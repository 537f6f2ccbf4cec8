"""A small world of parties, recordings, works, grants and notices written as readable text, for tests.

    recording CNA011500001 owner=L1 work=W1 version=live
    work W1 publishers=P1,P2
    grant G1 L1>A master catalogue 2014-01-01..2016-12-31 CN Stream exclusive sublicensable
    grant S1 A>B master list:CNA011500001 2015-01-01..2015-10-31 CN,HK Stream parent=G1
    grant G2 P1>A composition works:W1 2014-01-01.. Worldwide-TW Stream models=SubscriptionModel
    notice N1 issued=2015-07-08 deadline=2015-07-31 buffer=2015-10-31 platforms=B

Flags: exclusive, sublicensable. Keys: parent, issued, models, tz, ended=DATE:cause.
"""

from __future__ import annotations

from datetime import date, datetime

from songclear.domain.catalogue import LibraryTrack, Recording, TrackIdentity, Version, Work
from songclear.domain.grants import Grant, Term, Termination, TerminationCause, start_of_day
from songclear.domain.ledger import Ledger
from songclear.domain.notices import Notice
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import Right


def _d(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def parse_world(text: str) -> dict[str, list]:
    facts: dict[str, list] = {"recordings": [], "works": [], "grants": [], "notices": []}
    for raw in text.strip().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind, *tokens = line.split()
        kv = dict(t.split("=", 1) for t in tokens if "=" in t)
        flags = {t for t in tokens if "=" not in t}
        if kind == "recording":
            facts["recordings"].append(
                Recording(
                    isrc=tokens[0],
                    title=kv.get("title", tokens[0]),
                    owner=kv.get("owner"),
                    work_id=kv.get("work"),
                    version=Version(kv.get("version", "studio")),
                )
            )
        elif kind == "work":
            pubs = tuple(p for p in kv.get("publishers", "").split(",") if p)
            facts["works"].append(Work(id=tokens[0], title=tokens[0], publishers=pubs))
        elif kind == "grant":
            facts["grants"].append(_grant(tokens, kv, flags))
        elif kind == "notice":
            facts["notices"].append(
                Notice(
                    id=tokens[0],
                    issuer="NCAC",
                    title=tokens[0],
                    issued=_d(kv["issued"]),
                    effective=_d(kv["deadline"]),
                    buffer_end=_d(kv.get("buffer", "")),
                    platforms=frozenset(p for p in kv.get("platforms", "").split(",") if p),
                )
            )
        else:
            raise ValueError(f"unknown world line: {raw}")
    return facts


def _grant(tokens: list[str], kv: dict[str, str], flags: set[str]) -> Grant:
    gid, parties, rights, scope, term, territories, uses = tokens[:7]
    licensor, licensee = parties.split(">")
    start, end = term.split("..")
    inc, _, exc = territories.partition("-")
    termination = None
    if "ended" in kv:
        day, cause = kv["ended"].split(":")
        termination = Termination(start_of_day(_d(day)), TerminationCause(cause), "test")
    return Grant(
        id=gid,
        licensor=licensor,
        licensee=licensee,
        rights=frozenset(Right(r) for r in rights.split("+")),
        term=Term(_d(start), _d(end), kv.get("tz", "Asia/Shanghai")),
        territories=Territories.parse(inc.split(","), exc.split(",") if exc else ()),
        uses=frozenset(uses.split(",")),
        commercial_models=frozenset(m for m in kv.get("models", "").split(",") if m),
        recordings=frozenset(scope[5:].split(",")) if scope.startswith("list:") else frozenset(),
        works=frozenset(scope[6:].split(",")) if scope.startswith("works:") else frozenset(),
        catalogue=scope == "catalogue",
        exclusive="exclusive" in flags,
        sublicensable="sublicensable" in flags,
        parent=kv.get("parent"),
        issued=_d(kv.get("issued", "")),
        termination=termination,
    )


def world(text: str, known_at: datetime | None = None) -> Ledger:
    return Ledger.build(**parse_world(text), known_at=known_at)


def track(platform: str, isrc: str | None, track_id: str = "t1") -> tuple[LibraryTrack, TrackIdentity | None]:
    t = LibraryTrack(platform=platform, track_id=track_id, title="x", isrc=isrc)
    return t, (TrackIdentity(isrc) if isrc else None)


def at(day: str) -> datetime:
    return start_of_day(date.fromisoformat(day))
