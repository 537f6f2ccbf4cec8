"""JSON views of results, shared by the CLI's --json and the API, so both speak the same shapes.

Every field named here is documented in docs/cli.md (a test checks it).
"""

from __future__ import annotations

from datetime import date, datetime

from songclear.app.audit_run import AuditRun
from songclear.app.imports import ImportOutcome
from songclear.domain.audit import StatusChange
from songclear.domain.catalogue import LibraryTrack
from songclear.domain.decision import ClearanceDecision, Status
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery
from songclear.domain.territory_time import last_day


def query_view(q: ClearanceQuery) -> dict:
    return {
        "at": q.at.isoformat(),
        "territory": q.territory,
        "use": q.use,
        "commercial_model": q.commercial_model,
        "expiring_days": q.expiring_days,
    }


def decision_view(
    d: ClearanceDecision, track: LibraryTrack | None = None, ledger: Ledger | None = None
) -> dict:
    out = {
        "track": d.track,
        "status": d.status.value,
        "recording": d.recording,
        "licensor": d.licensor,
        "chains": [
            {
                "right": c.right.value,
                "subject": c.subject,
                "grants": list(c.grant_ids),
                "parties": _chain_parties(c.grant_ids, ledger) if ledger else None,
                "last_day": _last_day(c.ends, d.territory),
            }
            for c in d.chains
        ],
        "reasons": [{"code": r.code, "message": r.message, "grant": r.grant_id} for r in d.reasons],
        "last_day": d.last_day.isoformat() if d.last_day else None,
        "notice": d.notice,
        "identity_source": d.identity_source,
        "explanation": d.explain(),
    }
    if track is not None:
        out["title"], out["artist"], out["availability"] = track.title, track.artist, track.availability.value
    return out


def _last_day(end, territory: str) -> str | None:
    return None if end is None else last_day(end, territory).isoformat()


def _chain_parties(grant_ids, ledger: Ledger) -> list[str]:
    grants = [ledger.grants[g] for g in grant_ids if g in ledger.grants]
    if not grants:
        return []
    return [ledger.party_name(grants[0].licensor)] + [ledger.party_name(g.licensee) for g in grants]


def change_view(c: StatusChange) -> dict:
    return {
        "track": c.track,
        "before": c.before.value if c.before else None,
        "after": c.after.value if c.after else None,
        "before_reason": c.before_reason,
        "after_reason": c.after_reason,
    }


def audit_view(run: AuditRun, *, with_decisions: bool = False) -> dict:
    down = set(run.summary.already_down)  # not cleared, but already taken down: not the notice's to remove
    out = {
        "platform": run.platform,
        "platform_name": run.platform_name,
        "day": run.at_day.isoformat(),
        "query": query_view(run.query),
        "known_at": run.known_at.isoformat() if run.known_at else None,
        "summary": run.summary.as_dict(),
        "takedown": [
            {"track": d.track, "title": _title(run, d.track), "reason": d.explain()}
            for d in run.decisions
            if d.status in (Status.UNCLEARED, Status.BUFFER) and d.track not in down
        ],
        "already_down": sorted(down),
        "timeline": timeline_view(run),
        "changes_vs_now": [change_view(c) for c in run.changes_vs_now]
        if run.changes_vs_now is not None
        else None,
        "elapsed_s": round(run.elapsed_s, 3),
    }
    if with_decisions:
        out["decisions"] = [decision_view(d, run.tracks.get(d.track)) for d in run.decisions]
    return out


def timeline_view(run: AuditRun) -> list[dict]:
    return [
        {"day": p.day.isoformat(), "counts": {s.value: n for s, n in p.counts.items()}} for p in run.timeline
    ]


def platform_summary_view(run: AuditRun) -> dict:
    """One platform in the every-platform audit: its summary and timeline, not its decisions."""
    return {
        "platform": run.platform,
        "platform_name": run.platform_name,
        "summary": run.summary.as_dict(),
        "timeline": timeline_view(run),
        "elapsed_s": round(run.elapsed_s, 3),
    }


def every_platform_view(
    day: date, query: ClearanceQuery, known_at: datetime | None, platforms: list[dict], elapsed_s: float
) -> dict:
    """``songclear audit --all-platforms --json`` and the API's every-platform audit job: ``platforms`` are
    ``platform_summary_view``s; the counts are summed over them."""
    totals = {s.value: sum(p["summary"]["counts"][s.value] for p in platforms) for s in Status}
    return {
        "day": day.isoformat(),
        "query": query_view(query),
        "known_at": known_at.isoformat() if known_at else None,
        "platforms": platforms,
        "total": sum(totals.values()),
        "counts": totals,
        "elapsed_s": round(elapsed_s, 3),
    }


def _title(run: AuditRun, key: str) -> str | None:
    t = run.tracks.get(key)
    return t.title if t else None


def import_view(outcomes: list[ImportOutcome]) -> dict:
    return {"imports": [o.as_dict() for o in outcomes], "ok": True}


def match_fields(m) -> dict:
    """Where and how an audio match aligns (a fingerprint ``Match`` or a stored ``AudioMatch``): the same JSON
    fields in the CLI's identify and the API."""
    return {
        "query_start": round(float(m.query_start), 2),
        "query_end": round(float(m.query_end), 2),
        "reference_start": round(float(m.reference_start), 2),
        "reference_end": round(float(m.reference_end), 2),
        "speed": round(float(m.speed), 4),
        "pitch": round(float(m.pitch), 4),
        "score": round(float(m.score), 2),
        "confidence": round(float(m.confidence), 4),
    }


def exposure_view(platform: str, report, tracks=None) -> dict:
    """``songclear exposure --json`` and the API's exposure: the figures with the terms they were computed on.
    ``tracks``: the rows to include (a page of them in the API); default all."""
    return {
        "platform": platform,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "terms": report.terms(),
        "currency": report.rates.currency,
        "total": str(report.total),
        "by_platform": {k: str(v) for k, v in report.by_platform.items()},
        "by_licensor": {k: str(v) for k, v in report.by_licensor.items()},
        "tracks": report.rows() if tracks is None else tracks,
    }
