"""A rights holder's catalogue on each platform (issue 13, item 2): for a label or a publisher, every library track
that is one of its recordings, or records a work it publishes — its status on a day, by which chain of grants,
since when, whether it is live or taken down (and since when), and the audio matches found of its recordings.
One computation for the dashboard's page, the API's endpoint, ``songclear report rights-holder`` and the claim
filed from that view (``claim_items``: the platform's track ids of the recordings and works a holder names).

Which tracks are the holder's follows the audit's identities (``identities.identity_resolver``): what a track's
audio matched, an accepted or automatic metadata link, else the ISRC the platform lists. Only the holder's tracks
are read (indexed lookups by ISRC and track id, never a whole library), and only its recordings' audio matches
are shown: a holder never sees another holder's data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from songclear.domain.decision import Chain, ClearanceDecision, Status
from songclear.domain.identity import DECIDING_CONFIDENCE, AudioMatch
from songclear.errors import NotFound

HOLDER_KINDS = ("label", "publisher", "collecting_society")


@dataclass(frozen=True, slots=True)
class HolderTrack:
    platform: str
    track_id: str
    title: str  # as the platform lists it
    artist: str
    recording: str | None  # the ISRC it is identified as (None: a link to a work only)
    recording_title: str
    work: str | None  # the work it records
    why: str  # 'owner' (one of the holder's recordings) | 'publisher' (records a work the holder publishes)
    identified_by: str  # 'isrc' | 'link' | 'audio' | 'review'
    identity_evidence: str
    decision: ClearanceDecision
    status_since: date | None  # the first day of the current status (None: as far back as the ledger goes)
    available: bool
    available_since: datetime | None  # the instant it last went up or down (None: as far back as recorded)
    matches: tuple[AudioMatch, ...] = ()  # audio matches of this track to the holder's recordings

    @property
    def key(self) -> str:
        return f"{self.platform}/{self.track_id}"


@dataclass(frozen=True, slots=True)
class PlatformCatalogue:
    platform: str
    platform_name: str
    tracks: tuple[HolderTrack, ...]
    matches: tuple[AudioMatch, ...]  # every audio match of the holder's recordings here (latest scans)

    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for t in self.tracks if t.decision.status is s) for s in Status}


@dataclass(frozen=True, slots=True)
class HolderCatalogue:
    party: str
    party_name: str
    kind: str
    day: date
    territory: str
    use: str
    recordings: dict[str, str]  # ISRC -> 'owner' | 'publisher'
    works: frozenset[str]  # the works it publishes
    platforms: tuple[PlatformCatalogue, ...]
    iswcs: dict[str, str] = field(default_factory=dict)  # work id -> ISWC, for the works its tracks record
    names: dict[str, str] = field(default_factory=dict)  # party id -> name, for every party a chain names
    grant_parties: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # grant id -> (licensor, licensee)


def holder_subjects(ledger, party: str) -> tuple[dict[str, str], frozenset[str]]:
    """The recordings that are ``party``'s (ISRC -> 'owner', or 'publisher' when it publishes their work) and
    the works it publishes."""
    works = frozenset(w.id for w in ledger.works.values() if party in w.publishers)
    recordings = {r.isrc: "owner" for r in ledger.recordings.values() if r.owner == party}
    for r in ledger.recordings.values():
        if r.isrc not in recordings and r.work_id in works:
            recordings[r.isrc] = "publisher"
    return recordings, works


def _chain_path(chain: Chain, grant_parties: dict[str, tuple[str, str]]) -> str:
    from songclear.reports.context import chain_path

    path = chain_path(chain, grant_parties)
    grants = " > ".join(chain.grant_ids)
    return f"{chain.right.value}: {path} ({grants})" if path else f"{chain.right.value}: {grants}"


def _linked_work(links, decisions, key, works: frozenset[str]) -> str | None:
    """The holder's work a track is linked to without a registered recording (accepted, or an automatic link)."""
    verdict = decisions.get(key, [None])[-1]
    if verdict is not None and verdict.decision == "accept" and verdict.candidate in works:
        return verdict.candidate
    stored = links.get(key)
    if stored is not None and stored.link.outcome == "auto" and stored.link.work_id in works:
        return stored.link.work_id
    return None


def _platform_catalogue(repo, ledger, platform: str, recordings, works, query) -> PlatformCatalogue:
    from songclear.app.availability import action_spans
    from songclear.app.holder_history import availability_since, status_since
    from songclear.app.identities import identity_resolver
    from songclear.domain.clearance import decide
    from songclear.store.links import LinkRepository
    from songclear.store.matches import AudioMatchRepository

    found = AudioMatchRepository(repo.session).matches_by_track(platform)
    mine_matched = {k: tuple(m for m in ms if m.isrc in recordings) for k, ms in found.items()}
    mine_matched = {k: ms for k, ms in mine_matched.items() if ms}
    links_repo = LinkRepository(repo.session)
    links, decisions = links_repo.current(platform), links_repo.decisions(platform)
    ids = {tid for (_p, tid) in mine_matched}
    ids |= {tid for (_p, tid), s in links.items() if s.link.isrc in recordings or s.link.work_id in works}
    ids |= {tid for (_p, tid), ds in decisions.items() if any(d.candidate in recordings or d.candidate in works for d in ds)}  # fmt: skip
    candidates = repo.tracks_where(platform, track_ids=ids, isrcs=recordings)
    if not candidates:
        return PlatformCatalogue(platform, ledger.party_name(platform), (), _all_matches(mine_matched))
    resolve = identity_resolver(repo, platform, None)
    spans = action_spans(repo.session, platform)
    history = repo.availability_history(platform)
    memo: dict = {}  # decide()'s memo for the day's query
    memos: dict = {}  # and per instant 'since' decides at
    decided: dict[
        tuple, tuple
    ] = {}  # (platform, identity) -> (decision, since): tracks of one recording share it
    rows = []
    for t in candidates:
        identity = resolve(t)
        isrc = identity.isrc if identity is not None and identity.isrc else None
        ours = [i for i in ((isrc,) + (identity.contains if identity else ())) if i in recordings]
        work = _linked_work(links, decisions, (platform, t.track_id), works) if isrc is None else None
        if not ours and work is None:
            continue  # listed under one of its ISRCs, but its audio or an accepted link says it is another
        rec = ledger.recordings.get(ours[0]) if ours else None
        key = (platform, identity)
        if key not in decided:
            d = decide(t, identity, ledger, query, memo=memo)
            decided[key] = (d, status_since(t, identity, ledger, query, d.status, memos))
        d, since = decided[key]
        if d.track != t.key:
            d = dataclasses.replace(d, track=t.key)
        available, up_since = availability_since(
            [s for s in spans if s.action.track == t.key], history.get(t.key, ()), t.availability, query.at,
            query.territory, query.use,
        )  # fmt: skip
        rows.append(
            HolderTrack(
                platform=platform, track_id=t.track_id, title=t.title, artist=t.artist,
                recording=rec.isrc if rec else None, recording_title=rec.title if rec else "",
                work=rec.work_id if rec else work, why=recordings[rec.isrc] if rec else "publisher",
                identified_by=identity.source if identity else "isrc",
                identity_evidence=identity.evidence if identity else "", decision=d,
                status_since=since, available=available,
                available_since=up_since, matches=mine_matched.get((platform, t.track_id), ()),
            )
        )  # fmt: skip
    return PlatformCatalogue(platform, ledger.party_name(platform), tuple(rows), _all_matches(mine_matched))


def _all_matches(by_track: dict) -> tuple[AudioMatch, ...]:
    return tuple(m for key in sorted(by_track) for m in by_track[key])


def holder_catalogue(
    db, *, party: str, day: date, ledger=None, platforms: Iterable[str] | None = None, territory: str = "CN",
    use: str = "Stream",
) -> HolderCatalogue:  # fmt: skip
    """``party``'s catalogue on each platform (or on ``platforms``) on ``day``, the ledger as known now
    (``ledger``: that ledger, already loaded by a server)."""
    from songclear.app.audit import make_query
    from songclear.reports.context import grant_parties_from_ledger
    from songclear.store.repository import LedgerRepository

    query = make_query(day, territory=territory, use=use)
    with db.session() as session:
        repo = LedgerRepository(session)
        ledger = ledger if ledger is not None else repo.load_ledger()
        holder = ledger.parties.get(party)
        if holder is None:
            raise NotFound(f"no party {party!r} in the ledger")
        recordings, works = holder_subjects(ledger, party)
        known = repo.platforms()
        wanted = known if platforms is None else [p for p in platforms if p in known]
        catalogues = tuple(_platform_catalogue(repo, ledger, p, recordings, works, query) for p in wanted)
    tracks = [t for c in catalogues for t in c.tracks]
    decisions = [t.decision for t in tracks]
    grant_parties = grant_parties_from_ledger(ledger, decisions)
    named = {party, *wanted, *(d.licensor for d in decisions if d.licensor)}
    return HolderCatalogue(
        party=party, party_name=holder.name, kind=holder.kind.value, day=day, territory=query.territory,
        use=query.use, recordings=recordings, works=works, platforms=catalogues,
        names={p: ledger.party_name(p) for p in named}, grant_parties=grant_parties,
        iswcs={w: ledger.works[w].iswc for t in tracks if (w := t.work) in ledger.works and ledger.works[w].iswc},
    )  # fmt: skip


def claim_items(
    catalogue: HolderCatalogue, platform: str, recordings: Iterable[str], iswcs: Iterable[str]
) -> list[str]:
    """The platform's track ids of the tracks in ``catalogue`` that are one of ``recordings`` (ISRCs) or record
    a work of one of ``iswcs``: what a claim filed 'by ISRC/ISWC' lists as its items, so the holder never needs
    them."""
    isrcs, wanted = set(recordings), set(iswcs)
    found = next((c for c in catalogue.platforms if c.platform == platform), None)
    if found is None:
        return []
    return [
        t.track_id
        for t in found.tracks
        if t.recording in isrcs or catalogue.iswcs.get(t.work or "") in wanted
    ]


def track_view(t: HolderTrack, grant_parties, iswcs: dict[str, str]) -> dict:
    d = t.decision
    return {
        "platform": t.platform, "track_id": t.track_id, "title": t.title, "artist": t.artist,
        "recording": t.recording, "recording_title": t.recording_title, "work": t.work,
        "iswc": iswcs.get(t.work or ""), "why": t.why,
        "identified_by": t.identified_by, "identity_evidence": t.identity_evidence, "status": d.status.value,
        "status_since": t.status_since.isoformat() if t.status_since else None,
        "chains": [_chain_path(c, grant_parties) for c in d.chains],
        "reasons": [r.message for r in d.reasons], "notice": d.notice,
        "availability": "live" if t.available else "taken_down",
        "availability_since": t.available_since.isoformat() if t.available_since else None,
        "audio_matches": len(t.matches),
    }  # fmt: skip


def match_view(m: AudioMatch) -> dict:
    return {
        "platform": m.platform, "track_id": m.track_id, "recording": m.isrc, "confidence": round(m.confidence, 3),
        "deciding": m.confidence >= DECIDING_CONFIDENCE, "track_from_s": round(m.query_start, 1),
        "track_to_s": round(m.query_end, 1), "recording_from_s": round(m.reference_start, 1),
        "recording_to_s": round(m.reference_end, 1),
    }  # fmt: skip


def catalogue_view(c: HolderCatalogue) -> dict:
    """The catalogue as JSON-able data: the API's answer, and what the reports render from."""
    return {
        "party": c.party, "party_name": c.party_name, "kind": c.kind, "day": c.day.isoformat(),
        "territory": c.territory, "use": c.use, "recordings": len(c.recordings), "works": sorted(c.works),
        "platforms": [
            {
                "platform": p.platform, "platform_name": p.platform_name, "counts": p.counts(),
                "live": sum(1 for t in p.tracks if t.available),
                "taken_down": sum(1 for t in p.tracks if not t.available),
                "tracks": [track_view(t, c.grant_parties, c.iswcs) for t in p.tracks],
                "audio_matches": [match_view(m) for m in p.matches],
            }
            for p in c.platforms
        ],
    }  # fmt: skip
