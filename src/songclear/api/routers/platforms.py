"""A platform's library: its tracks, its audit at a date, one track's decision explained, its scan status, its
exposure."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from songclear.api.auth import RIGHTS_HOLDER, Caller, Principal, require_platform
from songclear.api.pages import MAX_LIMIT, MAX_OFFSET, Paged, Window
from songclear.api.params import MAX_EXPIRING_DAYS, IsoDate, IsoDateTime
from songclear.api.records import match_view, track_view
from songclear.api.state import state
from songclear.app.exposure import MAX_RATE
from songclear.errors import Forbidden, NotFound
from songclear.store.repository import LedgerRepository

router = APIRouter(prefix="/platforms/{platform}", tags=["platforms"])
PLATFORM = Path(..., description="Platform party id, e.g. qq.")
AtDay = Annotated[IsoDate, Query(description="Day judged (YYYY-MM-DD, read in Asia/Shanghai).")]
TERRITORY = Query("CN", description="ISO 3166 code the question is about.")
USE = Query("Stream", description="DDEX UseType.")
MODEL = Query(None, description="DDEX CommercialModelType; default: not asked about.")
EXPIRING = Query(
    30, ge=0, le=MAX_EXPIRING_DAYS, description="A chain lapsing within this many days is 'expiring'."
)
KnownAt = Annotated[
    IsoDateTime | None,
    Query(description="Judge with the ledger as known at this instant (ISO; UTC if naive)."),
]


def _utc(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def _known_platform(repo: LedgerRepository, platform: str) -> None:
    if platform not in repo.platforms():
        raise NotFound(f"platform {platform!r} has no library tracks")


@router.get("/tracks", summary="The platform's library tracks")
def list_tracks(
    request: Request, platform: str = PLATFORM, who: Principal = Caller, window: Window = Paged
) -> dict:
    require_platform(who, platform)
    with state(request).db.session() as session:
        repo = LedgerRepository(session)
        _known_platform(repo, platform)
        total = repo.count_tracks(platform)
        tracks = islice(repo.iter_tracks(platform), window.offset, window.offset + window.limit)
        return window.answer([track_view(t) for t in tracks], total)


@router.get("/audit", summary="Audit the whole library at a date: summary, takedown list, decisions")
def audit(
    request: Request,
    *,
    platform: str = PLATFORM,
    who: Principal = Caller,
    at: AtDay,
    territory: str = TERRITORY,
    use: str = USE,
    model: str | None = MODEL,
    expiring_days: int = EXPIRING,
    known_at: KnownAt = None,
    limit: int = Query(100, ge=0, le=MAX_LIMIT, description="Decisions per page (0: none)."),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Decisions to skip."),
) -> dict:
    from songclear.app.audit import make_query, run_audit
    from songclear.app.views import audit_view, decision_view

    require_platform(who, platform)
    query = make_query(at, territory=territory, use=use, commercial_model=model, expiring_days=expiring_days)
    st = state(request)
    ledger = st.ledger() if known_at is None else None  # the server's current ledger; a past one is loaded
    with st.db.session() as session:
        run = run_audit(
            LedgerRepository(session), platform=platform, day=at, query=query, known_at=_utc(known_at),
            ledger=ledger,
        )  # fmt: skip
    page = run.decisions[offset : offset + limit]
    decisions = [decision_view(d, run.tracks.get(d.track)) for d in page]
    view = audit_view(run)
    view["decisions"] = {"items": decisions, "total": len(run.decisions), "limit": limit, "offset": offset}
    return view


@router.get(
    "/tracks/{track_id}/explain", summary="One track's decision: grant chain, reasons, audio evidence"
)
def explain(
    request: Request,
    *,
    platform: str = PLATFORM,
    track_id: str = Path(..., description="The platform's track id."),
    who: Principal = Caller,
    at: AtDay,
    territory: str = TERRITORY,
    use: str = USE,
    model: str | None = MODEL,
    expiring_days: int = EXPIRING,
    known_at: KnownAt = None,
) -> dict:
    from songclear.app.audit import explain_track, make_query
    from songclear.app.views import decision_view
    from songclear.store.matches import AudioMatchRepository

    if who.role != RIGHTS_HOLDER:  # a rights holder may see single tracks that are its recordings (below)
        require_platform(who, platform)
    query = make_query(at, territory=territory, use=use, commercial_model=model, expiring_days=expiring_days)
    st = state(request)
    with st.db.session() as session:
        repo = LedgerRepository(session)
        track, decision, ledger = explain_track(
            repo, platform=platform, track_id=track_id, query=query, known_at=_utc(known_at),
            ledger=st.ledger() if known_at is None else None,
        )  # fmt: skip
        matches = [m for m, _png in AudioMatchRepository(session).evidence(platform, track_id)]
    if who.role == RIGHTS_HOLDER:

        def owned(isrc: str | None) -> bool:
            rec = ledger.recordings.get(isrc) if isrc else None
            return rec is not None and rec.owner == who.party

        if not owned(decision.recording):
            raise Forbidden(f"track {platform}/{track_id} is not identified as a recording of {who.party}")
        matches = [m for m in matches if owned(m.isrc)]
    return decision_view(decision, track, ledger) | {"matches": [match_view(m) for m in matches]}


@router.get("/scan", summary="Library scan status: tracks with audio, scanned, matched, errors, the last run")
def scan_status(request: Request, platform: str = PLATFORM, who: Principal = Caller) -> dict:
    from songclear.jobs.scan import index_version
    from songclear.store.matches import AudioMatchRepository

    require_platform(who, platform)
    st = state(request)
    version = index_version(st.index_path) if (st.index_path / "manifest.json").exists() else None
    with st.db.session() as session:
        repo = LedgerRepository(session)
        _known_platform(repo, platform)
        tracks = repo.count_tracks(platform)
        with_audio = repo.count_tracks(platform, with_audio=True)
        matches = AudioMatchRepository(session)
        counts = matches.scan_counts(platform, version) if version else {}
        last_run = matches.last_scan(platform)
    return {
        "platform": platform,
        "index_version": version,
        "tracks": tracks,
        "with_audio": with_audio,
        "scanned": sum(counts.values()),
        "matched": counts.get("matched", 0),
        "no_match": counts.get("no_match", 0),
        "errors": counts.get("error", 0),
        "last_run": _utc(last_run).isoformat() if last_run else None,
    }


@router.get("/exposure", summary="Exposure: days live while uncleared times plays (or days) times a rate")
def exposure(
    request: Request,
    *,
    platform: str = PLATFORM,
    who: Principal = Caller,
    window: Window = Paged,
    start: Annotated[IsoDate, Query(alias="from", description="First day (YYYY-MM-DD).")],
    end: Annotated[IsoDate, Query(alias="to", description="Day after the last (exclusive).")],
    rate_per_play: Decimal = Query(
        Decimal("0.01"), ge=0, le=MAX_RATE, allow_inf_nan=False, description="Amount per estimated play."
    ),
    rate_per_day: Decimal = Query(
        Decimal("1.00"),
        ge=0,
        le=MAX_RATE,
        allow_inf_nan=False,
        description="Amount per day when plays are unknown.",
    ),
    currency: str = Query("CNY", pattern="^[A-Z]{3}$", description="ISO 4217 code the rates are in."),
    territory: str = TERRITORY,
    use: str = USE,
) -> dict:
    """As ``songclear exposure --json``, with ``tracks`` a page."""
    from songclear.app.exposure import exposure_report
    from songclear.app.views import exposure_view
    from songclear.domain.enforcement.exposure import Rates

    require_platform(who, platform)
    report = exposure_report(
        state(request).db, platform=platform, start=start, end=end, territory=territory, use=use,
        rates=Rates(per_play=rate_per_play, per_day=rate_per_day, currency=currency),
    )  # fmt: skip
    return exposure_view(platform, report, window.of(report.rows()))
