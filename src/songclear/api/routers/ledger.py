"""The ledger: parties, recordings, grants, and importing a file into it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from songclear.api.auth import ADMIN, Caller, Principal, own_party, require
from songclear.api.pages import Paged, Window
from songclear.api.records import grant_view, party_view, recording_view
from songclear.api.state import ApiState, state
from songclear.api.uploads import UPLOAD_BODY, Upload, read_upload
from songclear.errors import ImportError_, InputError
from songclear.store.repository import LedgerRepository

router = APIRouter(tags=["ledger"])
TABLE_SUFFIXES = (".csv", ".json")


def _ledger(request: Request):
    with state(request).db.session() as session:
        return LedgerRepository(session).load_ledger()


@router.get("/parties", summary="Parties: labels, publishers, platforms, regulators")
def list_parties(request: Request, who: Principal = Caller, window: Window = Paged) -> dict:
    with state(request).db.session() as session:
        parties = LedgerRepository(session).list_parties()
    return window.of([party_view(p) for p in parties])


@router.get("/recordings", summary="Registered recordings (a rights holder sees the ones it owns)")
def list_recordings(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    owner: str | None = Query(None, description="Only recordings this party owns."),
) -> dict:
    if who.role == "rights_holder":  # a platform reads the registry to know what it streams
        owner = own_party(who, owner, "recordings")
    recordings = sorted(_ledger(request).recordings.values(), key=lambda r: r.isrc)
    if owner is not None:
        recordings = [r for r in recordings if r.owner == owner]
    return window.of([recording_view(r) for r in recordings])


@router.get("/grants", summary="Grants (a rights holder sees those it gave, a platform those it holds)")
def list_grants(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    licensor: str | None = Query(None, description="Only grants this party gave."),
    licensee: str | None = Query(None, description="Only grants this party holds."),
) -> dict:
    if who.role == "rights_holder":
        licensor = own_party(who, licensor, "grants (as licensor)")
    elif who.role == "platform":
        licensee = own_party(who, licensee, "grants (as licensee)")
    grants = sorted(_ledger(request).grants.values(), key=lambda g: g.id)
    grants = [
        g
        for g in grants
        if (licensor is None or g.licensor == licensor) and (licensee is None or g.licensee == licensee)
    ]
    return window.of([grant_view(g) for g in grants])


@router.post(
    "/imports",
    summary="Import a CSV/JSON table or a DDEX ERN message (one transaction; admin only)",
    openapi_extra=UPLOAD_BODY,
)
async def post_import(
    request: Request,
    who: Principal = Caller,
    kind: str | None = Query(None, description="Table kind (default: from the header); not for DDEX."),
    party: list[str] = Query([], description="DDEX: map a DDEX party id to a ledger party id, DPID=party."),
) -> dict:
    require(who, ADMIN)
    st = state(request)
    upload = await read_upload(request, st.limits.max_upload_bytes)
    mapping = {}
    for item in party:
        if "=" not in item:
            raise InputError(f"party expects DPID=party, got {item!r}")
        k, v = item.split("=", 1)
        mapping[k.strip()] = v.strip()
    return await run_in_threadpool(_import, st, upload, kind, mapping, who.actor)


def _import(st: ApiState, upload: Upload, kind: str | None, mapping: dict, actor: str) -> dict:
    from songclear.app.imports import import_ddex, import_table
    from songclear.app.views import import_view

    suffix = Path(upload.name).suffix.lower()
    if suffix not in (*TABLE_SUFFIXES, ".xml"):
        raise InputError(f"{upload.name}: send a .csv or .json table or a .xml DDEX message")
    with tempfile.TemporaryDirectory(prefix="songclear-import-") as folder:
        path = Path(folder) / upload.name  # the client's name, so the ledger and the errors name its file
        path.write_bytes(upload.data)
        try:
            if suffix == ".xml":
                outcome = import_ddex(st.db, path, recorded_at=st.clock(), party_ids=mapping, actor=actor)
            else:
                outcome = import_table(st.db, path, kind=kind, recorded_at=st.clock(), actor=actor)
        except ImportError_ as e:  # name the uploaded file, not the temporary copy
            raise type(e)(e.detail.replace(folder + "/", ""), source=upload.name, location=e.location) from e
    outcome.source = upload.name
    return import_view([outcome])
