"""Browsing pages: the library tracks and the grants as filterable tables with facets and a CSV download
(docs/dashboard.md, "Browse and search"); the helpers the other browsing pages share.

Each role sees what the API lets it read (api/auth.py): a platform its own tracks and the grants it holds, a
rights holder the grants it gave, its recordings and works and the tracks judged as its recordings; admin and
the regulator everything. The queries are the CLI's (store/browse_*.py, app/browse.py)."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request

from songclear.api.auth import PLATFORM, RIGHTS_HOLDER, own_party
from songclear.api.state import state
from songclear.app.audit import make_query
from songclear.app.browse import (
    GRANT_COLUMNS,
    STATUSES,
    TRACK_COLUMNS,
    export_tracks,
    grant_row_view,
    list_tracks,
    track_view,
)
from songclear.app.limits import MAX_ROWS
from songclear.domain.grant_state import GrantState
from songclear.domain.grants import display_zone, start_of_day, zone
from songclear.errors import InputError, NotFound
from songclear.store.browse_ledger import GrantBrowser, GrantFilter
from songclear.store.browse_tracks import AVAILABILITIES, IDENTITY_SOURCES, TrackFilter
from songclear.store.repository import LedgerRepository
from songclear.web.access import may_read_platform, parse_day, today
from songclear.web.browse_tables import PAGE, Cell, Field, Listing, csv_response, current
from songclear.web.render import PREFIX, PageRoute, page
from songclear.web.session import Viewer, Viewing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def browse_routers() -> list[APIRouter]:
    """The routers of the browsing pages: tracks and grants (here), recordings and works, search."""
    from songclear.web import catalogue_pages, search_page

    return [router, catalogue_pages.router, search_page.router]


def browse_day(request: Request, at: str | None) -> date:
    st = state(request)
    return parse_day(at, today(st.clock(), st.demo))


def names_of(request: Request) -> dict[str, str]:
    return {p: party.name for p, party in state(request).ledger().parties.items()}


def choices(values, labels: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    return (("", "any"), *((v, (labels or {}).get(v, v)) for v in values))


def link(page_: str, **params: str) -> str:
    return f"{PREFIX}/{page_}?{urlencode(params)}"


def checked_offset(offset: int) -> int:
    if not 0 <= offset <= MAX_ROWS:
        raise InputError(f"offset is from 0 to {MAX_ROWS}")
    return offset


# -- tracks ---------------------------------------------------------------------------------------------------------


def _track_scope(who: Viewer, known: list[str], platform: str | None, licensor: str | None):
    """(the platforms ``who`` may list, None: all; the licensor filter, forced to a rights holder's own)."""
    if platform is not None:
        if platform not in known:
            raise NotFound(f"platform {platform!r} has no library tracks")
        if who.role != RIGHTS_HOLDER:
            may_read_platform(who, platform)
    if who.role == RIGHTS_HOLDER:  # the tracks judged as its recordings, as the track page allows
        return None, own_party(who.principal, licensor, "tracks (as licensor)")
    if who.role == PLATFORM:
        return (who.party,), licensor
    return None, licensor


@router.get("/tracks")
def tracks_page(
    request: Request,
    platform: str | None = None,
    at: str | None = None,
    status: str | None = None,
    availability: str | None = None,
    identity: str | None = None,
    licensor: str | None = None,
    recording: str | None = None,
    q: str | None = None,
    offset: int = 0,
    format: str | None = None,
    who: Viewer = Viewing,
):
    """Library tracks: filters, facets, each shown track decided on the day; CSV: every track, decided."""
    st = state(request)
    day, offset = browse_day(request, at), checked_offset(offset)
    query, ledger = make_query(day), st.ledger()
    with st.db.session() as session:
        known = LedgerRepository(session).platforms()
    allowed, licensor = _track_scope(who, known, platform or None, licensor or None)
    f = TrackFilter(
        platform=platform or None, availability=availability or None, identity_source=identity or None,
        licensor=licensor, recording=recording or None, search=q or None, platforms=allowed,
    )  # fmt: skip
    status = status or None
    names = names_of(request)
    if format == "csv":
        return csv_response("tracks", TRACK_COLUMNS, _trackstreamed(st.db, f, query, ledger, status, names))
    with st.db.session() as session:
        found = list_tracks(
            session, f, limit=PAGE, offset=offset, status=status, query=query, ledger=ledger, facets=True
        )
    params = current({
        "platform": f.platform, "at": day.isoformat() if at else None, "status": status,
        "availability": f.availability, "identity": f.identity_source,
        "licensor": licensor if who.role != RIGHTS_HOLDER else None, "recording": f.recording, "q": f.search,
    })  # fmt: skip
    visible = [p for p in known if allowed is None or p in allowed]
    listing = Listing(
        "tracks", "Library tracks", f"{PREFIX}/tracks", params,
        [
            Field("platform", "platform", f.platform or "", "select", choices(visible, names)),
            Field("at", "status on", day.isoformat(), "date"),
            Field("status", "status", status or "", "select", choices(STATUSES)),
            Field("availability", "availability", f.availability or "", "select", choices(AVAILABILITIES)),
            Field("identity", "identified by", f.identity_source or "", "select", choices(IDENTITY_SOURCES)),
            Field("licensor", "licensor (party id)", params.get("licensor", "")),
            Field("recording", "recording (ISRC)", f.recording or ""),
            Field("q", "title, artist, id or ISRC", f.search or ""),
        ],
        ["track", "title", "artist", "availability", "identified", "recording", "licensor", "status", "why"],
        [_track_cells(r, found.decisions.get(r.key), names, day) for r in found.rows],
        found.total, offset,
    )  # fmt: skip
    facets = found.facets or {}
    listing.add_facet("status", f"status on {day}", _status_counts(found.status_counts))
    for name, param, label in (
        ("platform", "platform", "platform"), ("availability", "availability", "availability"),
        ("identity_source", "identity", "identified by"), ("licensor", "licensor", "licensor"),
    ):  # fmt: skip
        if name == "licensor" and who.role == RIGHTS_HOLDER:
            continue
        listing.add_facet(param, label, facets.get(name, []), names)
    if found.status_counts is None:
        listing.notes.append(
            f"Statuses on {day} (CN, Stream) are decided for the {len(found.rows)} tracks shown; choose a status to "
            "decide every track the filters keep and count them."
        )
    else:
        listing.notes.append(
            f"Every track the other filters keep was decided on {day} (CN, Stream) to find these."
        )
    return page(request, "browse.html.j2", listing=listing)


def _status_counts(counts: dict[str, int] | None) -> list[tuple[str, int | None]]:
    return [(s, counts.get(s, 0) if counts is not None else None) for s in STATUSES]


def _track_cells(row, decision, names: dict[str, str], day: date) -> list[Cell]:
    view = track_view(row, decision, names)
    href = f"{PREFIX}/platforms/{quote(row.platform, safe='')}/tracks/{quote(row.track_id, safe='')}?at={day}"
    return [
        Cell(row.key, href), Cell(row.title), Cell(row.artist), Cell(row.availability), Cell(row.identity_source),
        Cell(row.recording or "—"), Cell(view["licensor_name"] or "—"),
        Cell(view["status"] or "", status=view["status"]), Cell(view["reason"] or "", small=True),
    ]  # fmt: skip


def _trackstreamed(db, f, query, ledger, status, names):
    with db.session() as session:
        for row, d in export_tracks(session, f, query=query, ledger=ledger, status=status):
            yield track_view(row, d, names)


# -- grants ---------------------------------------------------------------------------------------------------------


@router.get("/grants")
def grants_page(
    request: Request,
    licensor: str | None = None,
    licensee: str | None = None,
    recording: str | None = None,
    work: str | None = None,
    at: str | None = None,
    grant_state: str | None = Query(None, alias="state"),
    ending_before: str | None = None,
    exclusive: str | None = None,
    q: str | None = None,
    offset: int = 0,
    format: str | None = None,
    who: Viewer = Viewing,
):
    """Grants: filters (parties, a recording or work they cover, state on a day, ending before a day,
    exclusivity, id), facets and CSV."""
    st = state(request)
    day, offset = browse_day(request, at), checked_offset(offset)
    grant_state = grant_state or None
    licensor, licensee = licensor or None, licensee or None
    if who.role == RIGHTS_HOLDER:
        licensor = own_party(who.principal, licensor, "grants (as licensor)")
    elif who.role == PLATFORM:
        licensee = own_party(who.principal, licensee, "grants (as licensee)")
    if exclusive not in (None, "", "yes", "no"):
        raise InputError(f"exclusive is 'yes' or 'no', not {exclusive!r}")
    f = GrantFilter(
        licensor=licensor, licensee=licensee, recording=recording or None, work=work or None, state=grant_state,
        at=day, ending_before=parse_day(ending_before, day) if ending_before else None,
        exclusive={"yes": True, "no": False}.get(exclusive or ""), search=q or None,
    )  # fmt: skip
    names = names_of(request)
    at_instant = start_of_day(day)
    if format == "csv":
        return csv_response(
            "grants",
            GRANT_COLUMNS,
            streamed(st.db, GrantBrowser, f, lambda g: grant_row_view(g, names, at_instant)),
        )
    with st.db.session() as session:
        browser = GrantBrowser(session, f)
        grants, total, facets = browser.page(limit=PAGE, offset=offset), browser.total(), browser.facets()
    params = current({
        "licensor": licensor if who.role != RIGHTS_HOLDER else None,
        "licensee": licensee if who.role != PLATFORM else None, "recording": f.recording, "work": f.work,
        "at": day.isoformat() if at else None, "state": grant_state,
        "ending_before": f.ending_before.isoformat() if f.ending_before else None, "exclusive": exclusive, "q": q,
    })  # fmt: skip
    states = tuple(s.value for s in GrantState)
    listing = Listing(
        "grants", "Grants", f"{PREFIX}/grants", params,
        [
            Field("licensor", "licensor (party id)", params.get("licensor", "")),
            Field("licensee", "licensee (party id)", params.get("licensee", "")),
            Field("recording", "covers recording (ISRC)", f.recording or ""),
            Field("work", "covers work", f.work or ""),
            Field("at", "state on", day.isoformat(), "date"),
            Field("state", "state", grant_state or "", "select", choices(states)),
            Field("ending_before", "ending before", params.get("ending_before", ""), "date"),
            Field("exclusive", "exclusive", exclusive or "", "select", choices(("yes", "no"))),
            Field("q", "grant id", q or ""),
        ],
        ["grant", "licensor", "licensee", "rights", "term", "territories", "uses", "scope", "flags", f"on {day}"],
        [_grant_cells(grant_row_view(g, names, at_instant)) for g in grants], total, offset,
    )  # fmt: skip
    for name, label in (("state", f"state on {day}"), ("licensor", "licensor"), ("licensee", "licensee"), ("exclusive", "exclusive")):  # fmt: skip
        if (name == "licensor" and who.role == RIGHTS_HOLDER) or (
            name == "licensee" and who.role == PLATFORM
        ):
            continue
        listing.add_facet(name, label, facets.get(name, []), names)
    return page(request, "browse.html.j2", listing=listing)


def _grant_cells(g: dict) -> list[Cell]:
    territories = ", ".join(g["territories"]) + "".join(f" −{t}" for t in g["excluded_territories"])
    if g["catalogue"]:
        scope = "catalogue"
    else:
        scope = ", ".join(
            x for x in (f"{len(g['recordings'])} recordings" if g["recordings"] else "",
                        f"{len(g['works'])} works" if g["works"] else "") if x
        ) or "—"  # fmt: skip
    flags = [f for f, on in (("exclusive", g["exclusive"]), ("sublicensable", g["sublicensable"])) if on]
    if g["parent"]:
        flags.append(f"under {g['parent']}")
    if g["terminated"]:
        local = datetime.fromisoformat(g["terminated"]).astimezone(zone(display_zone(g["tz"])))
        flags.append(
            f"terminated from {local:%Y-%m-%d}"
            + ("" if (local.hour, local.minute) == (0, 0) else f" {local:%H:%M}")
        )
    return [
        Cell(g["id"]), Cell(g["licensor_name"], link("grants", licensor=g["licensor"])),
        Cell(g["licensee_name"], link("grants", licensee=g["licensee"])), Cell(", ".join(g["rights"])),
        Cell(f"{g['start']} – {g['end'] or 'open'}"), Cell(territories), Cell(", ".join(g["uses"]), small=True),
        Cell(scope), Cell(", ".join(flags) or "—", small=True), Cell(g["state"] or ""),
    ]  # fmt: skip


def streamed(db, browser_type, f, view):
    with db.session() as session:
        for item in browser_type(session, f).stream():
            yield view(item)
