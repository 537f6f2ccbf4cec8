"""The ledger: parties, recordings, works, grants, and the files imported into it."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request, UploadFile

from songclear.api.auth import (
    ADMIN,
    PLATFORM,
    REGULATOR,
    RIGHTS_HOLDER,
    Caller,
    Principal,
    own_party,
    require,
)
from songclear.api.pages import Paged, Window
from songclear.api.records import grant_view, party_view, recording_view, work_view
from songclear.api.state import state
from songclear.api.uploads import DdexParties, ImportFile, ImportKind, read_upload
from songclear.api.work import import_upload, party_mapping
from songclear.errors import Forbidden, NotFound
from songclear.store.repository import LedgerRepository

router = APIRouter(tags=["ledger"])


def _ledger(request: Request):
    return state(request).ledger()


def _by_id(ledger, kind: str) -> list:
    """The ledger's recordings, works or grants in id order, sorted once per ledger snapshot (the server keeps
    the snapshot; sorting 500 k recordings for every page would cost half a second)."""
    key = ("api-sorted", kind)
    found = ledger.derived.get(key)
    if found is None:
        found = ledger.derived[key] = sorted(getattr(ledger, kind).values(), key=lambda x: x.id)
    return found


@router.get("/parties", summary="Parties: labels, publishers, platforms, regulators")
def list_parties(request: Request, who: Principal = Caller, window: Window = Paged) -> dict:
    with state(request).db.session() as session:
        parties = LedgerRepository(session).list_parties()
    return window.of(parties, party_view)


@router.get("/recordings", summary="Registered recordings (a rights holder sees the ones it owns)")
def list_recordings(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    owner: str | None = Query(None, description="Only recordings this party owns."),
) -> dict:
    if who.role == RIGHTS_HOLDER:  # a platform reads the registry to know what it streams
        owner = own_party(who, owner, "recordings")
    recordings = _by_id(_ledger(request), "recordings")
    if owner is not None:
        recordings = [r for r in recordings if r.owner == owner]
    return window.of(recordings, recording_view)


@router.get("/recordings/{isrc}", summary="One registered recording (a rights holder: one it owns)")
def get_recording(request: Request, isrc: str = Path(..., description="The ISRC."), who: Principal = Caller):
    with state(request).db.session() as session:
        recording = LedgerRepository(session).get_recording(isrc)
    if who.role == RIGHTS_HOLDER and recording.owner != who.party:
        raise Forbidden(f"recording {recording.isrc} is not {who.party}'s")
    return recording_view(recording)


def _own_works(ledger, party: str) -> set[str]:
    """A rights holder's works: those it publishes, and those its recordings record."""
    published = {w.id for w in ledger.works.values() if party in w.publishers}
    return published | {r.work_id for r in ledger.recordings.values() if r.owner == party and r.work_id}


@router.get("/works", summary="Registered works (a rights holder sees those it publishes or records)")
def list_works(request: Request, who: Principal = Caller, window: Window = Paged) -> dict:
    ledger = _ledger(request)
    works = _by_id(ledger, "works")
    if who.role == RIGHTS_HOLDER:
        own = _own_works(ledger, who.party)
        works = [w for w in works if w.id in own]
    return window.of(works, work_view)


@router.get("/works/{work_id}", summary="One registered work (a rights holder: one it publishes or records)")
def get_work(
    request: Request, work_id: str = Path(..., description="The work's id."), who: Principal = Caller
):
    ledger = _ledger(request)
    work = ledger.works.get(work_id)
    if work is None:
        raise NotFound(f"no work {work_id!r}")
    if who.role == RIGHTS_HOLDER and work_id not in _own_works(ledger, who.party):
        raise Forbidden(f"work {work_id} is neither published nor recorded by {who.party}")
    return work_view(work)


@router.get("/grants", summary="Grants (a rights holder sees those it gave, a platform those it holds)")
def list_grants(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    licensor: str | None = Query(None, description="Only grants this party gave."),
    licensee: str | None = Query(None, description="Only grants this party holds."),
) -> dict:
    if who.role == RIGHTS_HOLDER:
        licensor = own_party(who, licensor, "grants (as licensor)")
    elif who.role == PLATFORM:
        licensee = own_party(who, licensee, "grants (as licensee)")
    grants = _by_id(_ledger(request), "grants")
    grants = [
        g
        for g in grants
        if (licensor is None or g.licensor == licensor) and (licensee is None or g.licensee == licensee)
    ]
    return window.of(grants, grant_view)


@router.get(
    "/grants/{grant_id}", summary="One grant (a rights holder: one it gave; a platform: one it holds)"
)
def get_grant(
    request: Request, grant_id: str = Path(..., description="The grant's id."), who: Principal = Caller
):
    with state(request).db.session() as session:
        grant = LedgerRepository(session).get_grant(grant_id)
    side = {RIGHTS_HOLDER: grant.licensor, PLATFORM: grant.licensee}.get(who.role)
    if side is not None and side != who.party:
        raise Forbidden(f"grant {grant_id} is not {who.party}'s")
    return grant_view(grant)


@router.get("/imports", summary="The files imported into the ledger, newest first (admin, regulator)")
def list_imports(request: Request, who: Principal = Caller, window: Window = Paged) -> dict:
    require(who, ADMIN, REGULATOR)
    with state(request).db.session() as session:
        found, total = LedgerRepository(session).imports(limit=window.limit, offset=window.offset)
    return window.answer([r.as_dict() for r in found], total)


@router.post(
    "/imports", summary="Import a CSV/JSON table or a DDEX ERN message now (one transaction; admin only)"
)
def post_import(
    request: Request,
    file: UploadFile = ImportFile,
    who: Principal = Caller,
    kind: str | None = ImportKind,
    party: list[str] = DdexParties,
) -> dict:
    require(who, ADMIN)
    st = state(request)
    return import_upload(st.writer, read_upload(file), kind, party_mapping(party), st.clock(), who.actor)
