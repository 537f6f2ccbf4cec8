"""Regulator reports from the dashboard: ask for one (a background job, as ``POST /jobs/reports`` starts it),
watch it, download its HTML, CSVs and PDF. Who: admin, the regulator (reads every platform), and the platform
itself — the API's rule for report jobs (``require_platform``)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from songclear.api.state import state
from songclear.errors import InputError, NotFound
from songclear.store.repository import LedgerRepository
from songclear.store.service_jobs import JobRepository
from songclear.web.access import may_read_platform, parse_day, today
from songclear.web.render import PREFIX, PageRoute, page, redirect
from songclear.web.session import Viewer, Viewing, Writing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
FORMATS = ("html", "csv", "xlsx", "pdf")


def _notices(st, platform: str) -> list:
    return sorted(
        (n for n in st.ledger().notices.values() if n.applies_to(platform, "CN")), key=lambda n: n.issued
    )


@router.get("/platforms/{platform}/reports")
def reports(request: Request, platform: str, who: Viewer = Viewing):
    """The platform's regulator reports: a form to write one, and the jobs that wrote (or are writing) them."""
    from songclear.reports.regulator import chromium_binary

    may_read_platform(who, platform)
    st = state(request)
    with st.db.session() as session:
        if platform not in LedgerRepository(session).platforms():
            raise NotFound(f"platform {platform!r} has no library tracks")
        jobs, _ = JobRepository(session).page(party=platform, kind="report", limit=50)
    return page(
        request, "reports.html.j2", platform=platform, jobs=jobs, notices=_notices(st, platform),
        day=today(st.clock(), st.demo), pdf=chromium_binary() is not None,
    )  # fmt: skip


@router.post("/platforms/{platform}/reports")
def start_report(
    request: Request,
    platform: str,
    notice: str = Form(...),
    at: str = Form(""),
    formats: list[str] = Form(["html", "csv"]),
    who: Viewer = Writing,
):
    """Queue the report as a job; the list on the reports page shows its progress."""
    from songclear.api.work import report_work
    from songclear.reports.regulator import PdfError, chromium_binary

    may_read_platform(who, platform)  # the regulator may ask for reports: they only read
    st = state(request)
    if notice not in {n.id for n in _notices(st, platform)}:
        raise NotFound(f"no notice {notice!r} applies to {platform}")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(f"formats are {', '.join(FORMATS)}; got {', '.join(unknown) or 'none'}")
    if "pdf" in formats and chromium_binary() is None:
        raise PdfError("cannot write a PDF: Chromium is not installed (Debian: apt-get install chromium)")
    day = parse_day(at, today(st.clock(), st.demo))
    work = report_work(
        st.db, st.writer, platform=platform, notice=notice, day=day, formats=tuple(dict.fromkeys(formats)),
        now=st.clock(),
    )  # fmt: skip
    params = {"platform": platform, "notice": notice, "at": day.isoformat(), "formats": formats}
    job = st.jobs.submit("report", who, params, work, party=platform)  # a Viewer acts as the API's Principal
    return redirect(
        request, f"{PREFIX}/platforms/{platform}/reports", f"Report {job.job_id} queued: it appears below."
    )


@router.get("/jobs/{job_id}/files/{name}")
def job_file(request: Request, job_id: str, name: str, who: Viewer = Viewing):
    """A file a finished report job wrote, to anyone who may read the job's platform."""
    from songclear.api.work import media_type, stored_file

    st = state(request)
    job = st.jobs.get(job_id)
    if job.party is None or not job.result:
        raise NotFound(f"job {job_id} wrote no files")
    may_read_platform(who, job.party)
    files = {f["name"]: f for f in job.result.get("files", [])}
    if name not in files:
        raise NotFound(f"job {job_id} wrote no file {name!r}")
    disposition = "inline" if name.endswith((".html", ".pdf")) else "attachment"
    return Response(
        stored_file(st.db, files[name]["sha256"]),
        media_type=media_type(name),
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )
