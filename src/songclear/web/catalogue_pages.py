"""The registered recordings and works as filterable tables with facets and a CSV download (docs/dashboard.md,
"Browse and search"). A rights holder sees its own: the recordings it owns, the works it publishes or records."""

from __future__ import annotations

from fastapi import APIRouter, Request

from songclear.api.auth import RIGHTS_HOLDER, own_party
from songclear.api.state import state
from songclear.app.browse import RECORDING_COLUMNS, WORK_COLUMNS, recording_row_view, work_row_view
from songclear.store.browse_ledger import RecordingBrowser, RecordingFilter, WorkBrowser, WorkFilter
from songclear.web.browse_pages import checked_offset, link, names_of, streamed
from songclear.web.browse_tables import PAGE, Cell, Field, Listing, csv_response, current
from songclear.web.render import PREFIX, PageRoute, page
from songclear.web.session import Viewer, Viewing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


@router.get("/recordings")
def recordings_page(
    request: Request,
    owner: str | None = None,
    work: str | None = None,
    version: str | None = None,
    q: str | None = None,
    offset: int = 0,
    format: str | None = None,
    who: Viewer = Viewing,
):
    st = state(request)
    offset = checked_offset(offset)
    owner = owner or None
    if who.role == RIGHTS_HOLDER:
        owner = own_party(who.principal, owner, "recordings")
    f = RecordingFilter(owner=owner, work=work or None, version=version or None, search=q or None)
    names = names_of(request)
    if format == "csv":
        return csv_response("recordings", RECORDING_COLUMNS, streamed(st.db, RecordingBrowser, f, lambda r: recording_row_view(r, names)))  # fmt: skip
    with st.db.session() as session:
        browser = RecordingBrowser(session, f)
        found, total, facets = browser.page(limit=PAGE, offset=offset), browser.total(), browser.facets()
    params = current({
        "owner": owner if who.role != RIGHTS_HOLDER else None, "work": f.work, "version": f.version, "q": f.search,
    })  # fmt: skip
    listing = Listing(
        "recordings", "Recordings", f"{PREFIX}/recordings", params,
        [
            Field("owner", "owner (party id)", params.get("owner", "")), Field("work", "work", f.work or ""),
            Field("version", "version", f.version or ""), Field("q", "title, artist or ISRC", f.search or ""),
        ],
        ["ISRC", "title", "artists", "version", "owner", "work", "tracks"],
        [
            [
                Cell(r.isrc), Cell(r.title), Cell(", ".join(r.artists) or "—"), Cell(r.version.value),
                Cell(names.get(r.owner, r.owner) if r.owner else "—"),
                Cell(r.work_id or "—", link("works", q=r.work_id) if r.work_id else None),
                Cell("tracks judged as it", link("tracks", recording=r.isrc)),
            ]
            for r in found
        ],
        total, offset,
    )  # fmt: skip
    if who.role != RIGHTS_HOLDER:
        listing.add_facet("owner", "owner", facets.get("owner", []), names)
    listing.add_facet("version", "version", facets.get("version", []))
    return page(request, "browse.html.j2", listing=listing)


def own_works(session, party: str) -> tuple[str, ...]:
    """A rights holder's works: those it publishes, and those its recordings record (as the API's)."""
    from sqlalchemy import select

    from songclear.store import tables

    rec = tables.recordings
    recorded = select(rec.c.work_id).where(
        rec.c.superseded_at.is_(None), rec.c.owner == party, rec.c.work_id.is_not(None)
    )
    published = WorkBrowser(session, WorkFilter(publisher=party)).stream()
    ids = {w.id for w in published} | set(session.execute(recorded).scalars())
    return tuple(sorted(ids))


@router.get("/works")
def works_page(
    request: Request,
    publisher: str | None = None,
    q: str | None = None,
    offset: int = 0,
    format: str | None = None,
    who: Viewer = Viewing,
):
    st = state(request)
    offset = checked_offset(offset)
    names = names_of(request)
    with st.db.session() as session:
        own = own_works(session, who.party) if who.role == RIGHTS_HOLDER and who.party else None
    f = WorkFilter(publisher=publisher or None, search=q or None, works=own)
    if format == "csv":
        return csv_response(
            "works", WORK_COLUMNS, streamed(st.db, WorkBrowser, f, lambda w: work_row_view(w, names))
        )
    with st.db.session() as session:
        browser = WorkBrowser(session, f)
        found, total, facets = browser.page(limit=PAGE, offset=offset), browser.total(), browser.facets()
    params = current({"publisher": f.publisher, "q": f.search})
    listing = Listing(
        "works", "Works", f"{PREFIX}/works", params,
        [Field("publisher", "publisher (party id)", f.publisher or ""), Field("q", "title, writer, id or ISWC", f.search or "")],
        ["work", "title", "ISWC", "writers", "publishers", "recordings"],
        [
            [
                Cell(w.id), Cell(w.title), Cell(w.iswc or "—"), Cell(", ".join(w.writers) or "—"),
                Cell(", ".join(names.get(p, p) for p in w.publishers) or "—"),
                Cell("its recordings", link("recordings", work=w.id)),
            ]
            for w in found
        ],
        total, offset,
    )  # fmt: skip
    listing.add_facet("publisher", "publisher", facets.get("publisher", []), names)
    return page(request, "browse.html.j2", listing=listing)
