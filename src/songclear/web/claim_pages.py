"""Claims: the inbox with deadlines, a claim's page (evidence, per-item answers, steps), filing a claim, answering
it, a counter-notice, the restore.

A filed claim or counter-notice is the JSON object ``songclear claim add`` reads (docs/enforcement.md) with the
uploaded evidence files, one ``Filing`` handed to the same app functions: one format, one set of checks, and no
evidence but the files uploaded with the form.
"""

from __future__ import annotations

import re
import secrets

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from songclear.api.auth import RIGHTS_HOLDER
from songclear.api.state import state
from songclear.api.uploads import upload_name
from songclear.app.claim_filing import Filing
from songclear.domain.enforcement.deadlines import REGIMES, Regime, alerts, rules_for, takedown_due
from songclear.errors import InputError, NotFound, PayloadTooLarge
from songclear.store.claims import ClaimRepository
from songclear.web.access import may_act_for_platform, may_file_claim, may_see_claim
from songclear.web.render import PREFIX, PageRoute, page, redirect
from songclear.web.session import Viewer, Viewing, Writing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
CLAIMANT_KINDS = ("label", "publisher", "collecting_society")
STATEMENTS = sorted({s for r in REGIMES.values() for s in r.claim_statements})
COUNTER_STATEMENTS = sorted({s for r in REGIMES.values() for s in r.counter_statements})
_SPLIT = re.compile(r"[\s,;]+")


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text.strip()) if w]


def _visible_cases(who: Viewer, repo: ClaimRepository) -> list:
    if who.principal.reads_everything:
        return repo.cases()
    if who.role == "platform":
        return repo.cases(who.party)
    if who.role == RIGHTS_HOLDER:
        return [c for c in repo.cases() if c.claim.claimant == who.party]
    return []


@router.get("/claims")
def inbox(request: Request, who: Viewer = Viewing):
    """Every claim the viewer may see, with its takedown deadline; due and overdue ones flagged."""
    st = state(request)
    now = st.clock()
    with st.db.session() as session:
        cases = _visible_cases(who, ClaimRepository(session))
    flagged: dict[str, list] = {}
    for a in alerts(cases, now):
        flagged.setdefault(a.claim_id, []).append(a)
    rows = []
    for c in sorted(cases, key=lambda c: c.received_at, reverse=True):
        due = takedown_due(rules_for(c.regime), c.received_at, order_deadline=c.order_deadline)
        rows.append(
            {"case": c, "due": due.due if c.executable else None, "alerts": flagged.get(c.claim_id, [])}
        )
    return page(request, "claims.html.j2", rows=rows, now=now)


@router.get("/claims/new")
def new_claim(request: Request, who: Viewer = Viewing):
    from songclear.store.repository import LedgerRepository

    with state(request).db.session() as session:
        repo = LedgerRepository(session)
        parties = repo.list_parties()
        platforms = repo.platforms()
    claimants = [p for p in parties if p.kind.value in CLAIMANT_KINDS]
    if who.role == RIGHTS_HOLDER:
        claimants = [p for p in claimants if p.id == who.party]
    return page(
        request, "claim_new.html.j2", claimants=claimants, platforms=platforms, regimes=list(Regime),
        statements=STATEMENTS, suggested_id=f"C-{who.party or 'ADMIN'}-{secrets.token_hex(3).upper()}",
    )  # fmt: skip


def _evidence(files: list[UploadFile], limit: int) -> dict[str, bytes]:
    """The uploaded evidence files by name (the only evidence a filing has: nothing is looked up on disk)."""
    out: dict[str, bytes] = {}
    total = 0
    for f in files:
        if not f.filename:
            continue  # the browser sends an empty part when no file was chosen
        name = upload_name(f)  # a label: at most 255 printable characters, without any folder
        if name in out:
            raise InputError(f"two evidence files are named {name!r}: give each its own")
        out[name] = f.file.read()
        total += len(out[name])
        if total > limit:
            raise PayloadTooLarge(f"the evidence files are over the limit of {limit} bytes")
    return out


@router.post("/claims")
def file_claim(
    request: Request,
    who: Viewer = Writing,
    claim_id: str = Form(...),
    claimant: str = Form(...),
    platform: str = Form(...),
    regime: str = Form(...),
    recordings: str = Form(""),
    works: str = Form(""),
    items: str = Form(""),
    territory: str = Form("CN"),
    use: str = Form("Stream"),
    contact: str = Form(""),
    address: str = Form(""),
    identity: str = Form(""),
    signature: str = Form(""),
    statements: list[str] = Form([]),
    evidence: list[UploadFile] = File([]),
):
    """Receive a claim filed from the form (received now), as ``songclear claim add`` receives a file."""
    from songclear.app.claims import add_claim

    may_file_claim(who, claimant)
    st = state(request)
    now = st.clock()
    files = _evidence(evidence, st.limits.max_upload_bytes)
    body = {
        "id": claim_id.strip(), "regime": regime, "claimant": claimant, "platform": platform,
        "received_at": now.isoformat(), "contact": contact, "address": address, "identity": identity,
        "signature": signature, "recordings": _words(recordings), "works": _words(works), "items": _words(items),
        "territory": territory.strip() or "CN", "use": use.strip() or "Stream", "statements": statements,
        "evidence": list(files),
    }  # fmt: skip
    claim, lacking, new = add_claim(st.writer, Filing(body, "claim", files), now=now, actor=who.actor)
    said = "Claim received" if new else "This claim was received before"
    if lacking:
        said += f"; it lacks: {', '.join(lacking)}"
    return redirect(request, f"{PREFIX}/claims/{claim.id}", said + ".")


def _case(request: Request, who: Viewer, claim_id: str):
    with state(request).db.session() as session:
        repo = ClaimRepository(session)
        case = repo.case(claim_id)
        _, lacking = repo.get(claim_id)
        steps = repo.steps(claim_id)
    may_see_claim(who, case.claim.claimant, case.claim.platform)
    return case, lacking, steps


@router.get("/claims/{claim_id}")
def claim_page(request: Request, claim_id: str, who: Viewer = Viewing):
    st = state(request)
    case, lacking, steps = _case(request, who, claim_id)
    rules = rules_for(case.regime)
    due = (
        takedown_due(rules, case.received_at, order_deadline=case.order_deadline) if case.executable else None
    )
    counter_evidence = list(case.counter.evidence) if case.counter else []
    may_act = who.may_write and (
        who.role == "admin" or (who.role == "platform" and who.party == case.claim.platform)
    )
    return page(
        request, "claim.html.j2", case=case, lacking=lacking, steps=steps, due=due, rules=rules,
        alerts=[a for a in alerts([case], st.clock())], counter_evidence=counter_evidence, may_act=may_act,
        counter_statements=COUNTER_STATEMENTS,
    )  # fmt: skip


@router.get("/claims/{claim_id}/evidence/{sha256}")
def evidence_file(request: Request, claim_id: str, sha256: str, who: Viewer = Viewing):
    """An evidence file of this claim or of its counter-notice (only those: a hash alone opens nothing)."""
    case, _, _ = _case(request, who, claim_id)
    known = set(case.claim.evidence) | set(case.counter.evidence if case.counter else ())
    if case.claim.agent_authorisation:
        known.add(case.claim.agent_authorisation)
    if sha256 not in known:
        raise NotFound(f"claim {claim_id} has no evidence file {sha256}")
    with state(request).db.session() as session:
        content = ClaimRepository(session).evidence(sha256)
    headers = {"Content-Disposition": f'attachment; filename="{sha256[:12]}.bin"'}
    return Response(content, media_type="application/octet-stream", headers=headers)


@router.post("/claims/{claim_id}/answer")
def answer_claim(request: Request, claim_id: str, apply: str = Form(""), who: Viewer = Writing):
    from songclear.app.claims import answer

    case, _, _ = _case(request, who, claim_id)
    may_act_for_platform(who, case.claim.platform)
    st = state(request)
    take_down = apply == "1"  # only the explicit "answer and take down" button sends it
    report = answer(st.db, claim_id, now=st.clock(), actor=who.actor, apply=take_down)
    acted = (report.applied.taken_down + report.applied.restricted) if report.applied else []
    taken = (
        f"; taken down or blocked: {', '.join(acted) or 'nothing'}"
        if take_down
        else "; nothing was taken down"
    )
    return redirect(request, f"{PREFIX}/claims/{claim_id}", f"Answered: {report.answer.message()}{taken}.")


@router.post("/claims/{claim_id}/counter")
def counter_notice(
    request: Request,
    claim_id: str,
    who: Viewer = Writing,
    counter_id: str = Form(...),
    respondent: str = Form(...),
    items: str = Form(""),
    contact: str = Form(""),
    address: str = Form(""),
    identity: str = Form(""),
    signature: str = Form(""),
    statements: list[str] = Form([]),
    evidence: list[UploadFile] = File([]),
):
    """Record a counter-notice the platform received from the uploader (received now)."""
    from songclear.app.claims import counter

    case, _, _ = _case(request, who, claim_id)
    may_act_for_platform(who, case.claim.platform)
    st = state(request)
    now = st.clock()
    files = _evidence(evidence, st.limits.max_upload_bytes)
    body = {
        "id": counter_id.strip(), "respondent": respondent, "received_at": now.isoformat(), "contact": contact,
        "address": address, "identity": identity, "signature": signature, "items": _words(items),
        "statements": statements, "evidence": list(files),
    }  # fmt: skip
    result = counter(st.writer, claim_id, Filing(body, "counter-notice", files), now=now, actor=who.actor)
    said = (
        "Valid counter-notice recorded"
        if not result.missing
        else f"Incomplete: lacks {', '.join(result.missing)}"
    )
    return redirect(request, f"{PREFIX}/claims/{claim_id}", said + ".")


@router.post("/claims/{claim_id}/restore")
def restore_claim(request: Request, claim_id: str, who: Viewer = Writing):
    from songclear.app.claims import restore

    case, _, _ = _case(request, who, claim_id)
    may_act_for_platform(who, case.claim.platform)
    st = state(request)
    out = restore(st.db, claim_id, now=st.clock(), actor=who.actor)
    said = (
        f"Restored: {', '.join(out.reinstated) or 'nothing'}" if out.allowed else f"Not restored: {out.why}"
    )
    return redirect(request, f"{PREFIX}/claims/{claim_id}", said + ".")
