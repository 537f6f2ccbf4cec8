"""Background jobs: start an import, an audit, a library scan or a regulator report (202 with the job and its
Location), then poll the job for its state, progress and result, and download the files it wrote."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from songclear.api.auth import (
    ADMIN,
    REGULATOR,
    Caller,
    Principal,
    may_read_party,
    require,
    require_operator,
    require_platform,
)
from songclear.api.pages import Paged, Window
from songclear.api.params import MAX_EXPIRING_DAYS, IsoDate, IsoDateTime
from songclear.api.state import state
from songclear.api.uploads import DdexParties, ImportFile, ImportKind, read_upload
from songclear.api.work import (
    audit_work,
    every_platform_audit_work,
    import_work,
    media_type,
    party_mapping,
    report_work,
    scan_work,
    stored_file,
)
from songclear.errors import InputError, NotFound
from songclear.store.service_jobs import STATES, ServiceJob

router = APIRouter(prefix="/jobs", tags=["jobs"])
JOB_ID = Path(..., description="The job's id.")
ACCEPTED = {202: {"description": "The job, queued; its URL is in the Location header."}}


class AuditJob(BaseModel):
    platform: str = Field(description="Platform party id.")
    at: IsoDate = Field(description="Day judged (YYYY-MM-DD, read in Asia/Shanghai).")
    territory: str = "CN"
    use: str = "Stream"
    model: str | None = Field(None, description="DDEX CommercialModelType; default: not asked about.")
    expiring_days: int = Field(30, ge=0, le=MAX_EXPIRING_DAYS)
    known_at: IsoDateTime | None = Field(None, description="Judge with the ledger as known at this instant.")


class ScanJob(BaseModel):
    platform: str = Field(description="Platform party id.")
    limit: int | None = Field(
        None, ge=1, description="Stop after this many tracks (the rest waits for a rerun)."
    )
    evidence: bool = Field(True, description="Draw the evidence picture of each match.")


class ReportJob(BaseModel):
    platform: str = Field(description="Platform party id.")
    notice: str = Field(description="The regulator notice's id, e.g. NCAC-2015-07.")
    at: IsoDate = Field(description="The day the report speaks for (after the notice was issued).")
    formats: list[Literal["html", "csv", "xlsx", "pdf"]] = Field(["html", "csv"], min_length=1)


def _visible(who: Principal, job: ServiceJob) -> ServiceJob:
    if not may_read_party(who, job.party):
        raise NotFound(f"no job {job.job_id!r}")  # another party's job: as if it did not exist
    return job


def _accepted(response: Response, job: ServiceJob) -> dict:
    response.status_code = 202
    response.headers["Location"] = f"/jobs/{job.job_id}"
    return job.as_dict()


@router.get("", summary="The jobs the caller may see, newest first (a party sees its party's jobs)")
def list_jobs(
    request: Request,
    who: Principal = Caller,
    window: Window = Paged,
    kind: str | None = Query(None, description="Only jobs of this kind: import, audit, scan, report."),
    state_: str | None = Query(
        None, alias="state", description=f"Only jobs in this state: {', '.join(STATES)}."
    ),
) -> dict:
    from songclear.store.service_jobs import JobRepository

    party = None if who.reads_everything else who.party
    with state(request).db.session() as session:
        jobs, total = JobRepository(session).page(
            party=party, kind=kind, state=state_, limit=window.limit, offset=window.offset
        )
    return window.answer([j.as_dict() for j in jobs], total)


@router.get("/{job_id}", summary="A job: state (queued, running, done, failed), progress, result or error")
def get_job(request: Request, job_id: str = JOB_ID, who: Principal = Caller) -> dict:
    return _visible(who, state(request).jobs.get(job_id)).as_dict()


@router.get(
    "/{job_id}/files/{name}",
    summary="Download a file a finished job wrote (a report's HTML, CSV or PDF)",
    response_class=Response,
)
def get_job_file(
    request: Request,
    job_id: str = JOB_ID,
    name: str = Path(..., description="The file's name."),
    who: Principal = Caller,
) -> Response:

    st = state(request)
    job = _visible(who, st.jobs.get(job_id))
    files = {f["name"]: f for f in (job.result or {}).get("files", [])}
    if job.state != "done":
        raise InputError(f"job {job_id} is {job.state}: its files are there once it is done")
    if name not in files:
        raise NotFound(f"job {job_id} wrote no file {name!r} (it wrote: {', '.join(files) or 'none'})")
    return Response(
        stored_file(st.db, files[name]["sha256"]),
        media_type=media_type(name),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/imports", status_code=202, responses=ACCEPTED, summary="Import a table or DDEX message as a job (admin)"
)
def start_import(
    request: Request,
    response: Response,
    file: UploadFile = ImportFile,
    who: Principal = Caller,
    kind: str | None = ImportKind,
    party: list[str] = DdexParties,
) -> dict:
    require(who, ADMIN)
    st = state(request)
    upload, mapping = read_upload(file), party_mapping(party)
    work = import_work(st.writer, upload, kind, mapping, st.clock(), who.actor)
    job = st.jobs.submit("import", who, {"file": upload.name, "kind": kind, "party": mapping}, work)
    return _accepted(response, job)


@router.post("/audits", status_code=202, responses=ACCEPTED, summary="Audit a platform's library as a job")
def start_audit(request: Request, response: Response, body: AuditJob, who: Principal = Caller) -> dict:
    from songclear.app.audit import make_query

    require_platform(who, body.platform)
    st = state(request)
    _known_platform(st, body.platform)
    query = make_query(
        body.at, territory=body.territory, use=body.use, commercial_model=body.model,
        expiring_days=body.expiring_days,
    )  # fmt: skip
    work = audit_work(
        st.db, platform=body.platform, day=body.at, query=query, known_at=_utc(body.known_at),
        current_ledger=st.ledger,
    )  # fmt: skip
    job = st.jobs.submit("audit", who, body.model_dump(mode="json"), work, party=body.platform)
    return _accepted(response, job)


class EveryPlatformAuditJob(BaseModel):
    at: IsoDate = Field(description="Day judged (YYYY-MM-DD, read in Asia/Shanghai).")
    territory: str = "CN"
    use: str = "Stream"
    model: str | None = Field(None, description="DDEX CommercialModelType; default: not asked about.")
    expiring_days: int = Field(30, ge=0, le=MAX_EXPIRING_DAYS)
    known_at: IsoDateTime | None = Field(None, description="Judge with the ledger as known at this instant.")


@router.post(
    "/audits/every-platform",
    status_code=202,
    responses=ACCEPTED,
    summary="Audit every platform's library as one job (admin, regulator): per-platform summaries and timelines",
)
def start_every_platform_audit(
    request: Request, response: Response, body: EveryPlatformAuditJob, who: Principal = Caller
) -> dict:
    from songclear.app.audit import make_query

    require(who, ADMIN, REGULATOR)
    st = state(request)
    query = make_query(
        body.at, territory=body.territory, use=body.use, commercial_model=body.model,
        expiring_days=body.expiring_days,
    )  # fmt: skip
    work = every_platform_audit_work(
        st.db, day=body.at, query=query, known_at=_utc(body.known_at), current_ledger=st.ledger
    )
    job = st.jobs.submit("audit", who, body.model_dump(mode="json") | {"platform": None}, work)
    return _accepted(response, job)


@router.post(
    "/scans", status_code=202, responses=ACCEPTED, summary="Scan a platform's library audio as a job"
)
def start_scan(request: Request, response: Response, body: ScanJob, who: Principal = Caller) -> dict:
    require_operator(who, body.platform)
    st = state(request)
    _known_platform(st, body.platform)
    if not (st.index_path / "manifest.json").exists():
        raise NotFound(
            f"no fingerprint index at {st.index_path}: add references first with 'songclear fp add'"
        )
    work = scan_work(
        st.writer, platform=body.platform, index_path=st.index_path, clock=st.clock, actor=who.actor, limit=body.limit,
        evidence=body.evidence,
    )  # fmt: skip
    job = st.jobs.submit("scan", who, body.model_dump(mode="json"), work, party=body.platform)
    return _accepted(response, job)


@router.post(
    "/reports",
    status_code=202,
    responses=ACCEPTED,
    summary="Write a platform's regulator report for a notice as a job",
)
def start_report(request: Request, response: Response, body: ReportJob, who: Principal = Caller) -> dict:
    from songclear.reports.regulator import PdfError, chromium_binary

    require_platform(who, body.platform)
    st = state(request)
    _known_platform(st, body.platform)
    if "pdf" in body.formats and chromium_binary() is None:
        raise PdfError("cannot write a PDF: Chromium is not installed (Debian: apt-get install chromium)")
    formats = tuple(dict.fromkeys(body.formats))
    work = report_work(
        st.db,
        st.writer,
        platform=body.platform,
        notice=body.notice,
        day=body.at,
        formats=formats,
        now=st.clock(),
    )
    job = st.jobs.submit("report", who, body.model_dump(mode="json"), work, party=body.platform)
    return _accepted(response, job)


def _known_platform(st, platform: str) -> None:
    from songclear.store.repository import LedgerRepository

    with st.db.session() as session:
        if platform not in LedgerRepository(session).platforms():
            raise NotFound(f"platform {platform!r} has no library tracks")


def _utc(value: datetime | None) -> datetime | None:
    from datetime import UTC

    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
