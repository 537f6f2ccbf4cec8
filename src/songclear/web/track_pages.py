"""A track's page: its decision, the grant chain drawn as a chain, its metadata link, its audio match evidence
(the aligned-spectrogram picture stored with each match, and players for both matched excerpts).

Access is the API's explain rule: admin, regulator, the platform itself, and the rights holder owning the recording
the track is identified as (which sees only the matches to its own recordings).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from songclear.api.auth import RIGHTS_HOLDER
from songclear.api.state import state
from songclear.domain.identity import DECIDING_CONFIDENCE
from songclear.errors import Forbidden, NotFound
from songclear.store.repository import LedgerRepository
from songclear.web.access import may_read_platform, parse_day, today
from songclear.web.render import PREFIX, PageRoute, page
from songclear.web.session import Viewer, Viewing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Seen:
    """What the viewer may see of one track."""

    track: object  # LibraryTrack
    decision: object  # ClearanceDecision
    ledger: object  # Ledger
    matches: list  # [(AudioMatch, png bytes | None)], only those the viewer may see


def _seen(request: Request, who: Viewer, platform: str, track_id: str, at: str | None) -> Seen:
    from songclear.app.audit import explain_track, make_query
    from songclear.store.matches import AudioMatchRepository

    if who.role != RIGHTS_HOLDER:  # a rights holder may see single tracks that are its recordings (below)
        may_read_platform(who, platform)
    st = state(request)
    day = parse_day(at, today(st.clock(), st.demo))
    with st.db.session() as session:
        track, decision, ledger = explain_track(
            LedgerRepository(session), platform=platform, track_id=track_id, query=make_query(day),
            ledger=st.ledger(),
        )  # fmt: skip
        matches = AudioMatchRepository(session).evidence(platform, track_id)
    if who.role == RIGHTS_HOLDER:

        def owned(isrc: str | None) -> bool:
            rec = ledger.recordings.get(isrc) if isrc else None
            return rec is not None and rec.owner == who.party

        if not owned(decision.recording):
            raise Forbidden(f"track {platform}/{track_id} is not identified as a recording of {who.party}")
        matches = [(m, png) for m, png in matches if owned(m.isrc)]
    return Seen(track, decision, ledger, matches)


def _chain_steps(ledger, grant_ids) -> list[dict]:
    """One step per grant, licensor first: who gave what to whom, for how long, where, for which uses."""
    steps = []
    for gid in grant_ids:
        g = ledger.grants.get(gid)
        if g is None:
            steps.append({"id": gid, "missing": True})
            continue
        steps.append(
            {
                "id": g.id, "missing": False, "licensor": ledger.party_name(g.licensor),
                "licensee": ledger.party_name(g.licensee), "start": g.term.start, "end": g.term.end,
                "territories": sorted(g.territories.included), "excluded": sorted(g.territories.excluded),
                "uses": sorted(g.uses), "exclusive": g.exclusive, "sublicensable": g.sublicensable,
                "scope": "catalogue" if g.catalogue else ", ".join(sorted(g.recordings | g.works)) or "listed",
                "terminated": g.termination.effective if g.termination else None,
            }
        )  # fmt: skip
    return steps


@router.get("/platforms/{platform}/tracks/{track_id}")
def track_page(request: Request, platform: str, track_id: str, at: str | None = None, who: Viewer = Viewing):
    from songclear.store.links import LinkRepository

    seen = _seen(request, who, platform, track_id, at)
    d, ledger = seen.decision, seen.ledger
    st = state(request)
    with st.db.session() as session:
        links = LinkRepository(session)
        link = links.current(platform).get((platform, track_id))
        reviews = links.decisions(platform).get((platform, track_id), [])
    named = sorted({r.grant_id for r in d.reasons if r.grant_id} - {g for c in d.chains for g in c.grant_ids})
    return page(
        request, "track.html.j2", platform=platform, track=seen.track, decision=d,
        day=parse_day(at, today(st.clock(), st.demo)),
        recording=ledger.recordings.get(d.recording) if d.recording else None,
        owner=ledger.party_name(ledger.recordings[d.recording].owner) if d.recording in ledger.recordings else None,
        chains=[{"chain": c, "steps": _chain_steps(ledger, c.grant_ids)} for c in d.chains],
        named=_chain_steps(ledger, named), link=link.as_dict() if link else None, reviews=reviews,
        matches=[m for m, _ in seen.matches], pictures=[png is not None for _, png in seen.matches],
        deciding_confidence=DECIDING_CONFIDENCE,
        titles=_titles(ledger, [m.isrc for m, _ in seen.matches] + [link.link.isrc if link else None]),
    )  # fmt: skip


def _titles(ledger, isrcs) -> dict[str, str]:
    """The titles of the recordings a page names (its matches and its link's candidate), not the whole registry."""
    return {i: ledger.recordings[i].title for i in isrcs if i in ledger.recordings}


def _match(seen: Seen, n: int):
    if not 0 <= n < len(seen.matches):
        raise NotFound(f"no audio match {n} for {seen.track.key}")
    return seen.matches[n]


@router.get("/platforms/{platform}/tracks/{track_id}/matches/{n}/evidence.png")
def match_picture(request: Request, platform: str, track_id: str, n: int, who: Viewer = Viewing):
    _, png = _match(_seen(request, who, platform, track_id, None), n)
    if png is None:
        raise NotFound("this match was stored without an evidence picture")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/platforms/{platform}/tracks/{track_id}/matches/{n}/{side}.wav")
def match_excerpt(request: Request, platform: str, track_id: str, n: int, side: str, who: Viewer = Viewing):
    """``side`` 'track': the matched stretch of the library file; 'reference': of the registered recording.
    (A sync route: FastAPI runs it in a worker thread, so decoding stays off the event loop.)"""
    from songclear.store.matches import AudioMatchRepository
    from songclear.web.excerpts import excerpt_wav

    if side not in ("track", "reference"):
        raise NotFound(f"no excerpt {side!r}: 'track' or 'reference'")
    seen = _seen(request, who, platform, track_id, None)
    m, _ = _match(seen, n)
    if side == "track":
        path, start, end = seen.track.audio_path, m.query_start, m.query_end
    else:
        with state(request).db.session() as session:
            ref = AudioMatchRepository(session).references().get(m.isrc)
        path, start, end = (ref.path if ref else None), m.reference_start, m.reference_end
    if not path:
        raise NotFound(f"no audio file is known for the {side} of this match")
    wav = excerpt_wav(path, start, end)
    return Response(wav, media_type="audio/wav", headers={"Cache-Control": "private, max-age=3600"})
