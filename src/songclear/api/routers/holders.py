"""A rights holder's own view (issue 13, item 2): its recordings and works on each platform, and claims filed from
that view by ISRC/ISWC with the platform's track ids filled in.

Who: the rights holder itself, admin and the regulator (they read everything). A platform, or another rights
holder, is refused: one holder's catalogue is never another's to read.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, Response, UploadFile

from songclear.api.auth import ADMIN, RIGHTS_HOLDER, Caller, Principal
from songclear.api.claim_intake import filing, parse_object
from songclear.api.params import IsoDate
from songclear.api.routers.claims import EVIDENCE
from songclear.api.state import state
from songclear.api.uploads import read_upload
from songclear.errors import Forbidden

router = APIRouter(prefix="/holders", tags=["rights holders"])
PARTY = Path(..., description="The rights holder's party id (a label or a publisher).")


def may_read_holder(who: Principal, party: str) -> None:
    if who.reads_everything or (who.role == RIGHTS_HOLDER and who.party == party):
        return
    raise Forbidden(
        f"a {who.role} token{' for ' + who.party if who.party else ''} may not read {party}'s catalogue"
    )


def may_claim_for(who: Principal, party: str) -> None:
    if who.role == ADMIN or (who.role == RIGHTS_HOLDER and who.party == party):
        return
    raise Forbidden(f"only {party} (or an admin) files claims from {party}'s catalogue")


@router.get("/{party}/catalogue", summary="A rights holder's recordings and works on each platform, on a day")
def catalogue(
    request: Request,
    party: str = PARTY,
    at: Annotated[
        IsoDate | None, Query(description="Day (YYYY-MM-DD, Asia/Shanghai); default today.")
    ] = None,
    platform: str | None = Query(None, description="Only this platform."),
    who: Principal = Caller,
) -> dict:
    """Every track that is one of the holder's recordings (or records a work it publishes): its status on the day,
    the chains of grants, since when, live or taken down and since when, and the audio matches of its recordings."""
    from songclear.app.holder_view import catalogue_view, holder_catalogue
    from songclear.domain.grants import DEFAULT_TZ, local_date

    may_read_holder(who, party)
    st = state(request)
    day = at or local_date(st.clock().astimezone(UTC), DEFAULT_TZ)
    found = holder_catalogue(
        st.db, party=party, day=day, ledger=st.ledger(), platforms=[platform] if platform else None
    )
    return catalogue_view(found)


@router.post(
    "/{party}/claims",
    status_code=201,
    summary="File a claim by ISRC/ISWC: the platform's track ids are filled in",
)
def file_claim(
    request: Request,
    response: Response,
    party: str = PARTY,
    claim: str = Form(
        ...,
        description="The claim as a JSON object (docs/enforcement.md) naming 'recordings' (ISRCs) and/or 'works' "
        "(ISWCs) and no 'items': they are filled in from the holder's catalogue on the claim's platform.",
    ),
    evidence: list[UploadFile] = EVIDENCE,
    who: Principal = Caller,
) -> dict:
    from songclear.app.claims import add_claim
    from songclear.app.holder_claims import holder_claim
    from songclear.store.claims import claim_to_dict

    may_claim_for(who, party)
    st = state(request)
    st.claims_limiter.hit(who.token_id or who.actor)
    now = st.clock()
    data, items = holder_claim(st.db, parse_object(claim, "claim"), party=party, now=now, ledger=st.ledger())
    filed = filing("claim", data, [read_upload(f) for f in evidence])
    stored, lacking, new = add_claim(st.writer, filed, now=now, actor=who.actor)
    response.headers["Location"] = f"/claims/{stored.id}"
    if not new:
        response.status_code = 200
    return {
        "claim": claim_to_dict(stored), "complete": not lacking, "missing": list(lacking), "new": new,
        "items_filled": items,
    }  # fmt: skip
