"""A rights holder's own view (issue 13, item 2): "my recordings on each platform" — each track, its status, by
which chain, since when, live or taken down, the audio matches found — and a claim filed from it by ISRC/ISWC, the
platform's track ids filled in (``app.holder_claims``).

Who: a rights holder sees its own catalogue only (``/ui/holders`` sends it there); admin and the regulator see
any holder's; a platform sees none. Filing: the holder itself (or an admin), as any claim.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from songclear.api.auth import ADMIN, RIGHTS_HOLDER
from songclear.api.state import state
from songclear.app.claim_filing import Filing
from songclear.app.holder_view import HOLDER_KINDS
from songclear.domain.decision import Status
from songclear.domain.enforcement.deadlines import Regime
from songclear.errors import Forbidden
from songclear.reports.times import instant_text, zone_text
from songclear.web.access import may_file_claim, parse_day, today
from songclear.web.claim_pages import STATEMENTS, _evidence, _words
from songclear.web.render import PREFIX, PageRoute, page, redirect
from songclear.web.session import Viewer, Viewing, Writing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
UNLICENSED = (Status.UNCLEARED.value, Status.BUFFER.value)


def may_read_holder(who: Viewer, party: str) -> None:
    if who.principal.reads_everything or (who.role == RIGHTS_HOLDER and who.party == party):
        return
    raise Forbidden(
        f"a {who.role}{' for ' + who.party if who.party else ''} may not read {party}'s catalogue"
    )


@router.get("/holders")
def holders(request: Request, who: Viewer = Viewing):
    """The rights holders (admin, regulator); a rights holder goes straight to its own catalogue."""
    from songclear.store.repository import LedgerRepository

    if who.role == RIGHTS_HOLDER and who.party:
        return RedirectResponse(f"{PREFIX}/holders/{who.party}", status_code=303)
    if not who.principal.reads_everything:
        raise Forbidden(f"a {who.role} may not read the rights holders' catalogues")
    with state(request).db.session() as session:
        parties = [p for p in LedgerRepository(session).list_parties() if p.kind.value in HOLDER_KINDS]
    return page(request, "holders.html.j2", parties=parties)


def _catalogue(request: Request, who: Viewer, party: str, at: str | None):
    from songclear.app.holder_view import catalogue_view, holder_catalogue

    may_read_holder(who, party)
    st = state(request)
    day = parse_day(at, today(st.clock(), st.demo))
    return catalogue_view(holder_catalogue(st.db, party=party, day=day, ledger=st.ledger()))


@router.get("/holders/{party}")
def holder_page(request: Request, party: str, at: str | None = None, who: Viewer = Viewing):
    """The holder's recordings and works on each platform on a day, with a claim form per platform."""
    view = _catalogue(request, who, party, at)
    may_claim = who.may_write and (who.role == ADMIN or (who.role == RIGHTS_HOLDER and who.party == party))
    return page(
        request, "holder.html.j2", c=view, may_claim=may_claim, unlicensed=UNLICENSED, zone=zone_text(),
        when_iso=_from_iso,
    )  # fmt: skip


def _from_iso(value: str | None) -> str:
    from datetime import datetime

    return instant_text(datetime.fromisoformat(value)) if value else "—"


@router.get("/holders/{party}/claim")
def holder_claim_form(
    request: Request,
    party: str,
    platform: str = Query(...),
    recordings: list[str] = Query([]),
    works: list[str] = Query([]),
    who: Viewer = Viewing,
):
    """The claim form for ``platform``, the chosen recordings and works filled in, and the platform's track ids
    they are there as shown (the POST looks them up again)."""
    from songclear.app.holder_claims import holder_claim

    may_file_claim(who, party)
    st = state(request)
    data, items = holder_claim(
        st.db, {"platform": platform, "recordings": recordings, "works": works}, party=party, now=st.clock(),
        ledger=st.ledger(),
    )  # fmt: skip
    return page(
        request, "holder_claim.html.j2", party=party, platform=platform, recordings=data["recordings"],
        works=data["works"], items=items, regimes=list(Regime), statements=STATEMENTS,
        suggested_id=f"C-{party}-{secrets.token_hex(3).upper()}",
    )  # fmt: skip


@router.post("/holders/{party}/claims")
def file_holder_claim(
    request: Request,
    party: str,
    who: Viewer = Writing,
    claim_id: str = Form(...),
    platform: str = Form(...),
    regime: str = Form(...),
    recordings: list[str] = Form([]),
    works: list[str] = Form([]),
    territory: str = Form("CN"),
    use: str = Form("Stream"),
    contact: str = Form(""),
    address: str = Form(""),
    identity: str = Form(""),
    signature: str = Form(""),
    statements: list[str] = Form([]),
    evidence: list[UploadFile] = File([]),
):
    """File the claim (received now) with its items looked up from the holder's catalogue on the platform."""
    from songclear.app.claims import add_claim
    from songclear.app.holder_claims import holder_claim

    may_file_claim(who, party)
    st = state(request)
    now = st.clock()
    files = _evidence(evidence, st.limits.max_upload_bytes)
    named = [w for r in recordings for w in _words(r)], [w for r in works for w in _words(r)]
    body = {
        "id": claim_id.strip(), "regime": regime, "platform": platform, "recordings": named[0], "works": named[1],
        "territory": territory.strip() or "CN", "use": use.strip() or "Stream", "contact": contact,
        "address": address, "identity": identity, "signature": signature, "statements": statements,
        "evidence": list(files), "received_at": now.isoformat(),
    }  # fmt: skip
    body, items = holder_claim(st.db, body, party=party, now=now, ledger=st.ledger())
    claim, lacking, new = add_claim(st.writer, Filing(body, "claim", files), now=now, actor=who.actor)
    said = f"Claim received for {', '.join(items)} on {platform}" if new else "This claim was received before"
    if lacking:
        said += f"; it lacks: {', '.join(lacking)}"
    return redirect(request, f"{PREFIX}/claims/{claim.id}", said + ".")
