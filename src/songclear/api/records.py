"""JSON of ledger records the CLI does not print one by one (parties, recordings, works, grants, library tracks,
audio matches). Results the CLI prints come from ``songclear.app.views``, so the API and the CLI share those shapes."""

from __future__ import annotations

from songclear.domain.catalogue import LibraryTrack, Party, Recording, Work
from songclear.domain.grants import Grant
from songclear.domain.identity import AudioMatch


def party_view(p: Party) -> dict:
    return {"id": p.id, "name": p.name, "kind": p.kind.value, "aliases": list(p.aliases)}


def recording_view(r: Recording) -> dict:
    return {
        "isrc": r.isrc,
        "title": r.title,
        "artists": list(r.artists),
        "duration_s": r.duration_s,
        "version": r.version.value,
        "owner": r.owner,
        "work": r.work_id,
    }


def work_view(w: Work) -> dict:
    return {
        "id": w.id,
        "title": w.title,
        "iswc": w.iswc,
        "writers": list(w.writers),
        "publishers": list(w.publishers),
    }


def grant_view(g: Grant) -> dict:
    return {
        "id": g.id,
        "licensor": g.licensor,
        "licensee": g.licensee,
        "rights": sorted(r.value for r in g.rights),
        "start": g.term.start.isoformat(),
        "end": g.term.end.isoformat() if g.term.end else None,
        "tz": g.term.tz,
        "territories": sorted(g.territories.included),
        "excluded_territories": sorted(g.territories.excluded),
        "uses": sorted(g.uses),
        "commercial_models": sorted(g.commercial_models),
        "catalogue": g.catalogue,
        "recordings": sorted(g.recordings),
        "works": sorted(g.works),
        "exclusive": g.exclusive,
        "sublicensable": g.sublicensable,
        "parent": g.parent,
        "issued": g.issued_on.isoformat(),
        "terminated": g.termination.effective_in().isoformat() if g.termination else None,
        "source": g.source,
    }


def track_view(t: LibraryTrack) -> dict:
    return {
        "track": t.key,
        "platform": t.platform,
        "track_id": t.track_id,
        "title": t.title,
        "artist": t.artist,
        "isrc": t.isrc,
        "duration_s": t.duration_s,
        "play_count": t.play_count,
        "availability": t.availability.value,
    }


def match_view(m: AudioMatch) -> dict:
    from songclear.app.views import match_fields

    return {"recording": m.isrc} | match_fields(m) | {"explanation": m.describe()}
