"""What every audit report shows, as plain JSON-able data: one ``report_context(run)`` for the HTML and its tests.

The HTML template renders only from this dict (plus the SVG charts), so a golden JSON dump of it pins the report's
content without comparing markup or pixels. Rows keep the audit's order; lists are capped at ``row_limit`` with
the number left out stated, because a 10 M-track library belongs in the CSV, not in a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from songclear.app.audit_run import AuditRun
from songclear.domain.decision import Chain, ClearanceDecision, Status
from songclear.domain.grants import DEFAULT_TZ
from songclear.domain.ledger import Ledger
from songclear.reports.times import instant_text, zone_text

# Bump when the context's shape changes: golden files and any JSON consumer key on it.
CONTEXT_VERSION = 1

# One colour per status, the same in tables, badges and charts.
STATUS_COLOURS: dict[Status, str] = {
    Status.CLEARED: "#2e7d32",  # green
    Status.EXPIRING: "#e69500",  # amber
    Status.CONFLICT: "#7b1fa2",  # purple
    Status.BUFFER: "#1e6fd9",  # blue
    Status.UNCLEARED: "#c62828",  # red
}

STATUS_LABELS: dict[Status, str] = {
    Status.CLEARED: "Cleared",
    Status.EXPIRING: "Expiring",
    Status.CONFLICT: "Conflict",
    Status.BUFFER: "Buffer (tolerated)",
    Status.UNCLEARED: "Uncleared",
}

# grant id -> (licensor name, licensee name): lets a chain read 'Label -> QQ Music -> NetEase'.
GrantParties = Mapping[str, tuple[str, str]]


def grant_parties_from_ledger(
    ledger: Ledger, decisions: Iterable[ClearanceDecision]
) -> dict[str, tuple[str, str]]:
    """The party names of every grant a decision's chain cites (what the reports need of the ledger)."""
    out: dict[str, tuple[str, str]] = {}
    for d in decisions:
        for chain in d.chains:
            for gid in chain.grant_ids:
                g = ledger.grants.get(gid)
                if g is not None and gid not in out:
                    out[gid] = (ledger.party_name(g.licensor), ledger.party_name(g.licensee))
    return out


def chain_compact(chains: Iterable[Chain]) -> str:
    """'master: G1>S3; composition: P1' — the CSV form."""
    return "; ".join(f"{c.right.value}: {'>'.join(c.grant_ids)}" for c in chains)


def chain_path(chain: Chain, parties: GrantParties) -> str | None:
    """'Universal -> QQ Music -> NetEase': the rights holder first, the platform last; None when a grant's
    parties are not known (the report then shows the grant ids alone rather than guess)."""
    if any(gid not in parties for gid in chain.grant_ids):
        return None
    names = [parties[chain.grant_ids[0]][0]] + [parties[gid][1] for gid in chain.grant_ids]
    return " -> ".join(names)


def _chain_dict(chain: Chain, parties: GrantParties) -> dict:
    return {
        "right": chain.right.value,
        "subject": chain.subject,
        "grants": list(chain.grant_ids),
        "path": chain_path(chain, parties),
        "ends": chain.ends.isoformat() if chain.ends else None,
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def _row(run: AuditRun, d: ClearanceDecision, parties: GrantParties) -> dict:
    track = run.tracks.get(d.track)
    platform, _, track_id = d.track.partition("/")
    own = [r.message for r in d.reasons if r.code != "buffer"]  # the tolerance is shown as the notice
    last_day = d.last_day if d.status.has_licence else None
    return {
        "track": d.track,
        "platform": track.platform if track else platform,
        "track_id": track.track_id if track else track_id,
        "title": track.title if track else "",
        "artist": track.artist if track else "",
        "status": d.status.value,
        "recording": d.recording,
        "licensor": d.licensor,
        "licensor_name": run.licensor_names.get(d.licensor, d.licensor) if d.licensor else "unknown",
        "chains": [_chain_dict(c, parties) for c in d.chains],
        "last_day": _iso(last_day),
        "days_left": (last_day - run.at_day).days if last_day else None,
        "reasons": own,
        "reason_codes": [r.code for r in d.reasons],
        "notice": d.notice,
        "identity_source": d.identity_source,
        "availability": track.availability.value if track else None,
    }


def _capped(rows: list[dict], limit: int | None) -> dict:
    shown = rows if limit is None else rows[:limit]
    return {"rows": shown, "total": len(rows), "omitted": len(rows) - len(shown)}


def _header(run: AuditRun) -> dict:
    q = run.query
    return {
        "platform": run.platform,
        "platform_name": run.platform_name,
        "at_day": run.at_day.isoformat(),
        "territory": q.territory,
        "use": q.use,
        "commercial_model": q.commercial_model or "any",
        "expiring_days": q.expiring_days,
        "known_at": run.known_at.isoformat() if run.known_at else None,
        "known_at_label": instant_text(run.known_at, DEFAULT_TZ) if run.known_at else "as known now",
        "time_zone": zone_text(DEFAULT_TZ, on=run.at_day),
    }


def _summary(run: AuditRun) -> dict:
    s = run.summary
    return {
        "total": s.total,
        "counts": [
            {
                "status": st.value,
                "count": s.counts.get(st, 0),
                "share": _percent(s.counts.get(st, 0), s.total),
            }
            for st in Status
        ],
        "removal_count": len(s.takedown),
        "removal_share": round(s.removal_share, 6),
        "removal_percent": _percent(len(s.takedown), s.live),
        "live": s.live,
        "taken_down": s.taken_down,
        "already_down_count": len(s.already_down),
    }


def _licensors(run: AuditRun) -> list[dict]:
    out = []
    for lic, counts in sorted(run.summary.by_licensor.items()):
        total, live, removed = run.summary.licensor_figures(lic)
        out.append(
            {
                "id": lic,
                "name": run.licensor_names.get(lic, lic),
                "counts": {st.value: counts.get(st, 0) for st in Status},
                "total": total,
                "removed": removed,
                "removed_percent": _percent(removed, live),
            }
        )
    return out


def _without_status(reason: str, status: Status | None) -> str:
    """'cleared: master: G1' -> 'master: G1': the report shows the status as a badge beside the reason."""
    if status is None or not reason.startswith(status.value):
        return reason
    return reason[len(status.value) :].removeprefix(":").strip()


def _changes(run: AuditRun) -> list[dict] | None:
    if run.changes_vs_now is None:
        return None
    out = []
    for ch in run.changes_vs_now:
        track = run.tracks.get(ch.track)
        out.append(
            {
                "track": ch.track,
                "title": track.title if track else "",
                "artist": track.artist if track else "",
                "then": ch.before.value if ch.before else None,
                "now": ch.after.value if ch.after else None,
                "then_reason": _without_status(ch.before_reason, ch.before),
                "now_reason": _without_status(ch.after_reason, ch.after),
            }
        )
    return out


def report_context(
    run: AuditRun, *, grant_parties: GrantParties | None = None, row_limit: int | None = 2000
) -> dict:
    """Everything the audit report shows, JSON-able and deterministic (no clock, no elapsed time)."""
    # An AuditRun that carries its chains' party names (``grant_parties``) needs no argument here.
    parties = grant_parties if grant_parties is not None else getattr(run, "grant_parties", None) or {}
    rows = [_row(run, d, parties) for d in run.decisions]
    party_names = getattr(run, "party_names", None) or {}
    by_track = {r["track"]: r for r in rows}
    takedown = [by_track[k] for k in run.summary.takedown if k in by_track]
    lapsing = [
        {
            **by_track[lp.track],
            "last_day": lp.last_day.isoformat(),
            "days_left": (lp.last_day - run.at_day).days,
        }
        for lp in run.summary.lapsing
        if lp.track in by_track
    ]
    return {
        "version": CONTEXT_VERSION,
        "header": _header(run),
        "statuses": [
            {"status": st.value, "label": STATUS_LABELS[st], "colour": STATUS_COLOURS[st]} for st in Status
        ],
        "summary": _summary(run),
        "licensors": _licensors(run),
        "notices": [
            {
                "id": n.id,
                "title": n.title,
                "issuer": n.issuer,
                "issuer_name": party_names.get(n.issuer, n.issuer),
                "issued": n.issued.isoformat(),
                "deadline": n.effective.isoformat(),
                "buffer_end": _iso(n.buffer_end),
            }
            for n in sorted(run.notices, key=lambda n: (n.issued, n.id))
        ],
        "takedown": _capped(takedown, row_limit),
        "lapsing": _capped(lapsing, row_limit),
        "conflicts": _capped([r for r in rows if r["status"] == Status.CONFLICT.value], row_limit),
        "buffer": _capped([r for r in rows if r["status"] == Status.BUFFER.value], row_limit),
        "changes": _changes(run),
        "decisions": _capped(rows, row_limit),
        "timeline": [
            {"day": p.day.isoformat(), "counts": {st.value: p.counts.get(st, 0) for st in Status}}
            for p in run.timeline
        ],
    }
