"""Safe edits of a grant over HTTP (admin only): end it from a day on, or amend some of its fields, each as a new
version of the grant, logged; the answers are those of `songclear grant end --json` / `grant amend --json`."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from songclear.api.auth import ADMIN, Caller, Principal, require
from songclear.api.params import IsoDate
from songclear.api.state import state

router = APIRouter(tags=["ledger"])
GRANT_ID = Path(..., description="The grant's id.")


class EndRequest(BaseModel):
    on: IsoDate = Field(
        description="The first day the grant no longer holds (YYYY-MM-DD, in the grant's time zone)."
    )
    reason: str = Field(description="Why it ends, e.g. the letter that ends it.")


class AmendRequest(BaseModel):
    fields: dict[str, str] = Field(
        min_length=1,
        description="Columns of a grants table (docs/import.md) -> their new values as text; '' clears an optional "
        "field. The others keep their values.",
    )


@router.post("/grants/{grant_id}/end", summary="End a grant from a day on, as a new version (admin)")
def end(request: Request, body: EndRequest, grant_id: str = GRANT_ID, who: Principal = Caller) -> dict:
    from songclear.app.edits import end_grant

    require(who, ADMIN)
    st = state(request)
    edit = end_grant(st.writer, grant_id, on=body.on, reason=body.reason, now=st.clock(), actor=who.actor)
    return edit.as_dict()


@router.post("/grants/{grant_id}/amend", summary="Change some fields of a grant, as a new version (admin)")
def amend(request: Request, body: AmendRequest, grant_id: str = GRANT_ID, who: Principal = Caller) -> dict:
    from songclear.app.edits import amend_grant

    require(who, ADMIN)
    st = state(request)
    fields = {k.strip().lower().replace("-", "_"): v for k, v in body.fields.items()}
    edit = amend_grant(st.writer, grant_id, fields, now=st.clock(), actor=who.actor)
    return edit.as_dict()
