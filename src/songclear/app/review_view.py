"""What the audit makes of a link proposal, for the review queue: the confidence it would use and what it judges
the track as meanwhile.

A proposal's ``score`` is the linker's weighted field agreement (docs/linking.md): an internal number the audit
never reads. The audit reads two things (domain/identity.py): an audio match, by its calibrated ``confidence``
(a probability, docs/fingerprint.md), which identifies the track from ``DECIDING_CONFIDENCE`` on; and a link's
outcome — a link in review never decides until a person accepts it. So the queue shows, per proposal:

- ``confidence``: the calibrated confidence of the track's newest-scan audio match to the proposed recording
  (the best one), or None when no audio match backs the proposal;
- ``judged_as`` / ``judged_by``: the recording the audit judges the track as now and how (``audio``, ``link``,
  ``review`` — its listed ISRC while the link waits —, ``isrc``, or ``none``), as ``identity_resolver`` gives it.
"""

from __future__ import annotations

from sqlalchemy import select

from songclear.app.identities import resolver_over
from songclear.domain.catalogue import LibraryTrack
from songclear.domain.identity import DECIDING_CONFIDENCE
from songclear.store import tables
from songclear.store.browse_tracks import identity_evidence, keys_in


def audit_reading(session, stored_links) -> dict[tuple[str, str], dict]:
    """Per (platform, track id) of ``stored_links`` (``StoredLink``): ``confidence``, ``judged_as``,
    ``judged_by`` and ``audit_uses`` (the same in one sentence)."""
    keys = [(s.platform, s.track_id) for s in stored_links]
    if not keys:
        return {}
    found, links, decisions = identity_evidence(session, keys)
    resolve = resolver_over(found, links, decisions)
    t = tables.library_tracks
    listed = {
        (r.platform, r.track_id): LibraryTrack(
            platform=r.platform, track_id=r.track_id, title=r.title, isrc=r.isrc
        )
        for r in session.execute(
            select(t.c.platform, t.c.track_id, t.c.title, t.c.isrc).where(
                t.c.superseded_at.is_(None), keys_in(keys)
            )
        )
    }
    out = {}
    for s in stored_links:
        key = (s.platform, s.track_id)
        proposed = [m.confidence for m in found.get(key, ()) if s.link.isrc and m.isrc == s.link.isrc]
        confidence = round(max(proposed), 4) if proposed else None
        track = listed.get(key)
        ident = resolve(track) if track is not None else None
        judged_as = ident.isrc or None if ident is not None else None
        judged_by = ident.source if ident is not None else "none"
        out[key] = {
            "confidence": confidence,
            "judged_as": judged_as,
            "judged_by": judged_by,
            "audit_uses": _sentence(confidence, judged_as, judged_by),
        }
    return out


def _sentence(confidence: float | None, judged_as: str | None, judged_by: str) -> str:
    if confidence is None:
        backing = "no audio match backs it: a link in review never decides until a person accepts it"
    elif confidence >= DECIDING_CONFIDENCE:
        backing = (
            f"audio match confidence {confidence:.3f} (the audit trusts audio from {DECIDING_CONFIDENCE})"
        )
    else:
        backing = f"audio match confidence {confidence:.3f}, below the {DECIDING_CONFIDENCE} the audit needs"
    now = {
        "audio": f"judged as {judged_as} by its audio",
        "link": f"judged as {judged_as or 'a work only'} by an accepted or automatic link",
        "review": f"judged by its listed ISRC {judged_as}"
        if judged_as
        else "unidentified while the link waits",
        "isrc": f"judged by its listed ISRC {judged_as}",
    }.get(judged_by, "unidentified")
    return f"{backing}; meanwhile {now}"
