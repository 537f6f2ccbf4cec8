"""Infringement claims and counter-notices: file (with evidence files), list, read with the per-track answers and
deadlines, answer, counter-notice, and the alerts of what is due or overdue.

Who sees a claim: admin and the regulator; the claimant (a rights holder: its own claims) and the platform it is
against. Who files: admin, a rights holder in its own name, a platform recording a claim received against itself.
Who answers and records counter-notices: admin and the platform the claim is against. Filing is rate-limited per
token, as identify is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from songclear.api.auth import (
    ADMIN,
    PLATFORM,
    REGULATOR,
    RIGHTS_HOLDER,
    Caller,
    Principal,
    require,
    require_operator,
)
from songclear.api.claim_intake import filing, parse_object
from songclear.api.pages import Paged, Window
from songclear.api.params import IsoDateTime
from songclear.api.state import ApiState, state
from songclear.api.uploads import read_upload
from songclear.errors import Forbidden, InputError, NotFound, StateConflict

router = APIRouter(prefix="/claims", tags=["claims"])
CLAIM_ID = Path(..., description="The claim's id (the claimant's reference).")
EVIDENCE = File(
    [],
    description="Evidence files: the only evidence there is (the object's 'evidence' names them by file name or "
    "sha256; unnamed ones are added). Nothing else is evidence: a name or hash of no upload is refused.",
)


def may_read_claim(who: Principal, claim) -> bool:
    """Admin and the regulator; the claimant, its agent and the platform the claim is against."""
    return who.reads_everything or who.party in (claim.claimant, claim.platform, claim.agent)


def _case(st: ApiState, who: Principal, claim_id: str):
    from songclear.store.claims import ClaimRepository

    with st.db.session() as session:
        repo = ClaimRepository(session)
        case = repo.case(claim_id)
        _, missing = repo.get(claim_id)
        steps = repo.steps(claim_id)
    if not may_read_claim(who, case.claim):
        raise NotFound(f"no claim {claim_id!r}")  # another party's claim: as if it did not exist
    return case, missing, steps


def _due(case) -> dict | None:
    from songclear.domain.enforcement.deadlines import rules_for, takedown_due
    from songclear.store.claims import deadline_to_dict

    if not case.executable:
        return None
    c = case.claim
    return deadline_to_dict(takedown_due(rules_for(c.regime), c.received_at, order_deadline=c.order_deadline))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def case_summary(case, missing) -> dict:
    c = case.claim
    return {
        "id": c.id, "regime": c.regime.value, "claimant": c.claimant, "platform": c.platform,
        "received_at": c.received_at.isoformat(), "complete": not missing, "missing": list(missing),
        "outcome": case.answer.outcome.value if case.answer else None, "takedown_due": _due(case),
        "taken_down_at": _iso(case.taken_down_at), "counter_at": _iso(case.counter_at),
        "suit_reported_at": _iso(case.suit_reported_at), "restored_at": _iso(case.restored_at),
    }  # fmt: skip


@router.post("", status_code=201, summary="File a claim: a JSON object and its evidence files (rate-limited)")
def file_claim(
    request: Request,
    response: Response,
    claim: str = Form(..., description="The claim as a JSON object (docs/enforcement.md)."),
    evidence: list[UploadFile] = EVIDENCE,
    who: Principal = Caller,
) -> dict:
    from songclear.app.claims import add_claim
    from songclear.store.claims import claim_to_dict

    require(who, ADMIN, RIGHTS_HOLDER, PLATFORM)  # the regulator reads; it does not file
    st = state(request)
    st.claims_limiter.hit(who.token_id or who.actor)
    data = parse_object(claim, "claim")
    if who.role == RIGHTS_HOLDER and data.get("claimant") != who.party:
        raise Forbidden(f"a rights holder files claims in its own name: claimant must be {who.party}")
    if who.role == PLATFORM and data.get("platform") != who.party:
        raise Forbidden(f"a platform records claims against itself: platform must be {who.party}")
    filed = filing("claim", data, [read_upload(f) for f in evidence])
    stored, lacking, new = add_claim(st.writer, filed, now=st.clock(), actor=who.actor)
    response.headers["Location"] = f"/claims/{stored.id}"
    if not new:
        response.status_code = 200
    return {"claim": claim_to_dict(stored), "complete": not lacking, "missing": list(lacking), "new": new}


@router.get("", summary="Claims the caller may see (a rights holder: its own; a platform: those against it)")
def list_claims(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    platform: str | None = Query(None, description="Only claims against this platform."),
    claimant: str | None = Query(None, description="Only claims by this claimant."),
) -> dict:
    from songclear.store.claims import ClaimRepository

    with state(request).db.session() as session:
        repo = ClaimRepository(session)
        rows = [
            (repo.case(c.id), missing)
            for c, missing in repo.all(platform)
            if may_read_claim(who, c) and (claimant is None or c.claimant == claimant)
        ]
    return window.of([case_summary(case, missing) for case, missing in rows])


@router.get(
    "/alerts", summary="What is due or overdue on the caller's claims: takedowns, restores, responses"
)
def claim_alerts(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    now: Annotated[
        IsoDateTime | None, Query(description="Judge at this instant (ISO; UTC if naive; default: now).")
    ] = None,
) -> dict:
    from songclear.domain.enforcement.deadlines import alerts
    from songclear.store.claims import ClaimRepository

    st = state(request)
    when = st.clock() if now is None else (now if now.tzinfo else now.replace(tzinfo=UTC))
    with st.db.session() as session:
        cases = [case for case in ClaimRepository(session).cases() if may_read_claim(who, case.claim)]
    found = alerts(cases, when)
    rows = [
        {"claim": a.claim_id, "kind": a.kind, "state": a.state, "due": a.due.isoformat(), "detail": a.detail}
        for a in found
    ]
    return {"now": when.isoformat()} | window.of(rows)


@router.get(
    "/claimants",
    summary="Per claimant: claims, answers and the share rejected; flagged ones (admin, regulator)",
)
def list_claimants(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    min_items: int = Query(10, ge=1, description="Items answered before a claimant can be flagged."),
    threshold: float = Query(0.5, ge=0, le=1, description="Flag above this share of items rejected."),
) -> dict:
    from songclear.app.claims import claimants

    require(who, ADMIN, REGULATOR)
    return window.of(
        [c.as_dict() for c in claimants(state(request).db, min_items=min_items, threshold=threshold)]
    )


@router.get("/{claim_id}", summary="A claim: what it says, its per-track answer with deadlines, its history")
def get_claim(request: Request, claim_id: str = CLAIM_ID, who: Principal = Caller) -> dict:
    from songclear.store.claims import answer_to_dict, claim_to_dict, counter_to_dict

    case, missing, steps = _case(state(request), who, claim_id)
    return case_summary(case, missing) | {
        "claim": claim_to_dict(case.claim),
        "answer": answer_to_dict(case.answer) if case.answer else None,
        "counter": counter_to_dict(case.counter) | {"valid": case.counter_valid} if case.counter else None,
        "steps": [{"step": step, "at": at.isoformat(), "by": actor} for step, at, actor, _ in steps],
    }


@router.get(
    "/{claim_id}/evidence/{sha256}", summary="Download one evidence file of a claim or its counter-notice",
    response_class=Response,
)  # fmt: skip
def get_evidence(
    request: Request,
    claim_id: str = CLAIM_ID,
    sha256: str = Path(..., description="The file's sha256, as the claim lists it."),
    who: Principal = Caller,
) -> Response:
    from songclear.store.claims import ClaimRepository

    st = state(request)
    case, _, _ = _case(st, who, claim_id)
    named = {
        *case.claim.evidence,
        case.claim.agent_authorisation,
        *(case.counter.evidence if case.counter else ()),
    }
    if sha256 not in named:
        raise NotFound(f"claim {claim_id} names no evidence file {sha256}")
    with st.db.session() as session:
        content = ClaimRepository(session).evidence(sha256)
    return Response(content, media_type="application/octet-stream")


@router.post("/{claim_id}/answer", summary="Answer a claim per item against the ledger (admin, the platform)")
def answer_claim(
    request: Request,
    claim_id: str = CLAIM_ID,
    who: Principal = Caller,
    apply: bool = Query(False, description="Take down the infringing items now."),
) -> dict:
    from songclear.app.claims import answer

    st = state(request)
    case, _, _ = _case(st, who, claim_id)
    require_operator(who, case.claim.platform)
    return answer(st.writer, claim_id, now=st.clock(), actor=who.actor, apply=apply).as_dict()


@router.post("/{claim_id}/counter", status_code=201, summary="Record a counter-notice (admin, the platform)")
def file_counter(
    request: Request,
    claim_id: str = CLAIM_ID,
    counter: str = Form(..., description="The counter-notice as a JSON object (docs/enforcement.md)."),
    evidence: list[UploadFile] = EVIDENCE,
    who: Principal = Caller,
) -> dict:
    from songclear.app.claims import counter as record_counter

    st = state(request)
    case, _, _ = _case(st, who, claim_id)
    require_operator(who, case.claim.platform)  # the platform forwards what its uploader sent
    st.claims_limiter.hit(who.token_id or who.actor)
    data = parse_object(counter, "counter-notice")
    filed = filing("counter", data, [read_upload(f) for f in evidence])
    r = record_counter(st.writer, claim_id, filed, now=st.clock(), actor=who.actor)
    window = None
    if r.window:
        window = {"earliest": r.window[0].due.isoformat(), "latest": r.window[1].due.isoformat(),
                  "basis": r.window[1].basis}  # fmt: skip
    return {"claim": claim_id, "counter": r.case.counter.id, "valid": not r.missing, "missing": list(r.missing),
            "window": window}  # fmt: skip


class SuitReport(BaseModel):
    reported_at: IsoDateTime | None = Field(None, description="When the suit was reported (default: now).")


class Withdrawal(BaseModel):
    reason: str = Field(
        ..., min_length=1, description="Why the claimant withdraws (settled, filed in error...)."
    )


@router.post(
    "/{claim_id}/suit",
    summary="The claimant reports a suit: stops the restore clock where the regime says so",
)
def report_suit(
    request: Request, body: SuitReport | None = None, claim_id: str = CLAIM_ID, who: Principal = Caller
) -> dict:
    """Admin, the claimant, or the platform recording what the claimant told it."""
    from songclear.app.claims import report_suit as record_suit

    st = state(request)
    case, _, _ = _case(st, who, claim_id)
    if who.party != case.claim.claimant:
        require_operator(who, case.claim.platform)
    at = body.reported_at if body and body.reported_at else None
    if at is not None and at.tzinfo is None:
        raise InputError("reported_at needs a UTC offset")
    case = record_suit(st.writer, claim_id, now=st.clock(), actor=who.actor, reported_at=at)
    return {"claim": claim_id, "suit_reported_at": case.suit_reported_at.isoformat()}


@router.post(
    "/{claim_id}/restore",
    summary="Put a claim's items back after a valid counter-notice (admin, the platform)",
)
def restore_claim(request: Request, claim_id: str = CLAIM_ID, who: Principal = Caller) -> dict:
    """409 when the regime does not allow it yet (or any more): no valid counter-notice, the window not open, a
    suit reported."""
    from songclear.app.claims import restore

    st = state(request)
    case, _, _ = _case(st, who, claim_id)
    require_operator(who, case.claim.platform)
    r = restore(st.writer, claim_id, now=st.clock(), actor=who.actor)
    if not r.allowed:
        raise StateConflict(f"claim {claim_id} may not be restored: {r.why}")
    return {"claim": claim_id, "why": r.why, "reinstated": r.reinstated, "still_down": r.still_down}


@router.post(
    "/{claim_id}/withdraw", summary="The claimant withdraws its claim; its takedowns in force are lifted"
)
def withdraw_claim(
    request: Request, body: Withdrawal, claim_id: str = CLAIM_ID, who: Principal = Caller
) -> dict:
    """Admin or the claimant. Once only (409 after)."""
    from songclear.app.claim_cases import withdraw

    st = state(request)
    case, _, _ = _case(st, who, claim_id)
    if not (who.role == ADMIN or who.party == case.claim.claimant):
        raise Forbidden(
            f"only the claimant ({case.claim.claimant}) or an admin may withdraw claim {claim_id}"
        )
    out = withdraw(st.writer, claim_id, reason=body.reason, now=st.clock(), actor=who.actor)
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in out.items()}
