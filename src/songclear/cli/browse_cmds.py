"""Browsing without jq: `songclear tracks list`, `grants list`, `recordings list`, `works list` (filters, pages,
counts per value, --json and --csv) and `songclear search`. Filters and pages are SQL (store/browse_*.py)."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from songclear.app.limits import MAX_ROWS
from songclear.cli.output import STATUS_STYLE, console, emit_json, parse_day, plural, show, write_csv
from songclear.domain.decision import Status
from songclear.errors import InputError

tracks_app = typer.Typer(
    help="The platforms' library tracks, with how each is identified and its status.", no_args_is_help=True
)
grants_app = typer.Typer(help="The grants of the ledger.", no_args_is_help=True)
recordings_app = typer.Typer(help="The registered recordings (ISRC).", no_args_is_help=True)
works_app = typer.Typer(help="The registered works (compositions).", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")
CSV = typer.Option(False, "--csv", help="Print CSV (one row per item, a header first) instead of a table.")
LIMIT = typer.Option(
    50, "--limit", min=0, max=MAX_ROWS, help="Rows per page; 0: every row (for a CSV export)."
)
OFFSET = typer.Option(
    0, "--offset", min=0, max=MAX_ROWS, help="Rows to skip (the page: --offset 50 is the second page of 50)."
)
FACETS = typer.Option(False, "--facets", help="Also count the rows per value of the listed columns.")
SEARCH = "--search"


def register(app: typer.Typer) -> None:
    app.add_typer(tracks_app, name="tracks")
    app.add_typer(grants_app, name="grants")
    app.add_typer(recordings_app, name="recordings")
    app.add_typer(works_app, name="works")
    app.command("search")(search_cmd)


def _one_format(json_: bool, csv_: bool) -> None:
    if json_ and csv_:
        raise InputError("choose one of --json and --csv")


def _window(limit: int) -> int:
    return limit if limit > 0 else 2**62  # 0: every row


def _payload(filters: dict, total: int, limit: int, offset: int, items: list, facets) -> dict:
    return {
        "filters": {k: v for k, v in filters.items() if v is not None},
        "total": total, "limit": limit, "offset": offset, "items": items,
        "facets": None if facets is None else {k: [{"value": v, "count": n} for v, n in c] for k, c in facets.items()},
    }  # fmt: skip


def _footer(total: int, limit: int, offset: int, shown: int, noun: str) -> None:
    if not total:
        console.print(f"no {noun}s")
        return
    first, last = (offset + 1, offset + shown) if shown else (0, 0)
    line = (
        f"{first:,}-{last:,} of {plural(total, noun)}"
        if shown
        else f"none past {offset:,} of {plural(total, noun)}"
    )
    if limit and offset + shown < total:
        line += f"; next page: --offset {offset + limit}"
    console.print(line)


def _print_facets(facets, names: dict[str, str]) -> None:
    for column, counts in (facets or {}).items():
        shown = " · ".join(f"{escape(names.get(v, v))} {n:,}" for v, n in counts[:12])
        more = f" · and {plural(len(counts) - 12, 'more value')}" if len(counts) > 12 else ""
        console.print(f"[bold]{column}[/]: {shown or '-'}{more}")


def _table(title: str, columns: list[str], rows: list[list[str]], whole: tuple[str, ...] = ()) -> Table:
    """A table; the ``whole`` columns never wrap (ids, days, terms)."""
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c, overflow="fold", no_wrap=c in whole)
    for r in rows:
        table.add_row(*r)
    return table


# -- tracks ---------------------------------------------------------------------------------------------------------


@tracks_app.command("list")
def tracks_list(
    ctx: typer.Context,
    platform: str = typer.Option(
        None, "--platform", help="Only this platform's library (default: every one)."
    ),
    status: str = typer.Option(
        None,
        "--status",
        help="Only tracks with this status on --at: cleared, expiring, conflict, buffer, uncleared.",
    ),
    at: str = typer.Option(
        None, "--at", help="Decide the listed tracks on this day (YYYY-MM-DD, read in Asia/Shanghai)."
    ),
    territory: str = typer.Option("CN", "--territory", help="ISO 3166 code the status is about."),
    use: str = typer.Option("Stream", "--use", help="DDEX UseType the status is about."),
    availability: str = typer.Option(None, "--availability", help="Only live or taken_down tracks."),
    live: bool = typer.Option(False, "--live", help="Only live tracks (as --availability live)."),
    identity: str = typer.Option(
        None, "--identity", help="Only tracks identified this way: audio, link, review, isrc or none."
    ),
    licensor: str = typer.Option(
        None, "--licensor", help="Only tracks judged as a recording this party owns ('unknown': none)."
    ),
    recording: str = typer.Option(None, "--recording", help="Only tracks judged as this ISRC."),
    search: str = typer.Option(None, SEARCH, help="Title, artist, track id or ISRC contains this text."),
    limit: int = LIMIT,
    offset: int = OFFSET,
    facets: bool = FACETS,
    json_: bool = JSON,
    csv_: bool = CSV,
) -> None:
    """Library tracks with how each is identified, whose recording it is and, with --at, its status that day."""
    from songclear.app.audit import make_query
    from songclear.app.browse import TRACK_COLUMNS, export_tracks, list_tracks, track_view
    from songclear.store.browse_ledger import party_names
    from songclear.store.browse_tracks import TrackFilter
    from songclear.store.repository import LedgerRepository

    _one_format(json_, csv_)
    if live and availability not in (None, "live"):
        raise InputError("--live lists live tracks: drop --availability or --live")
    f = TrackFilter(
        platform=platform, availability="live" if live else availability, identity_source=identity,
        licensor=licensor, recording=recording, search=search,
    )  # fmt: skip
    day = parse_day(at, "--at") if at else None
    query = make_query(day, territory=territory, use=use) if day else None
    if status is not None and query is None:
        raise InputError("--status is a decision on a day: give --at with it")
    with ctx.obj.database().session() as session:
        repo = LedgerRepository(session)
        if platform is not None and platform not in repo.platforms():
            raise _unknown_platform(platform, repo.platforms())
        ledger = repo.load_ledger() if query is not None else None
        if csv_ and limit == 0:  # an export: streamed, every row
            names = party_names(session, _party_ids(session))
            write_csv(TRACK_COLUMNS, (track_view(r, d, names) for r, d in export_tracks(session, f, query=query, ledger=ledger, status=status)))  # fmt: skip
            return
        listing = list_tracks(
            session, f, limit=_window(limit), offset=offset, status=status, query=query, ledger=ledger,
            facets=facets,
        )  # fmt: skip
        names = party_names(session, {r.licensor for r in listing.rows} | _facet_ids(listing.facets))
    items = [track_view(r, listing.decisions.get(r.key), names) for r in listing.rows]
    if csv_:
        write_csv(TRACK_COLUMNS, items)
        return
    filters = {
        "platform": platform, "status": status, "at": day.isoformat() if day else None,
        "territory": territory if day else None, "use": use if day else None, "availability": f.availability,
        "identity_source": identity, "licensor": licensor, "recording": recording, "search": search,
    }  # fmt: skip
    payload = _payload(filters, listing.total, limit, offset, items, listing.facets)
    payload["status_counts"] = listing.status_counts
    if json_:
        emit_json(payload)
        return
    columns = ["track", "title / artist", "availability", "identified", "recording", "licensor"]
    if day:
        columns += ["status", "why"]
    rows = []
    for item in items:
        row = [
            escape(item["track"]), escape(f"{item['title']} / {item['artist']}"), item["availability"],
            item["identity_source"], item["recording"] or "-", escape(item["licensor_name"] or "-"),
        ]  # fmt: skip
        if day:
            st = Status(item["status"])
            row += [f"[{STATUS_STYLE[st]}]{st.value}[/]", escape(item["reason"] or "")]
        rows.append(row)
    title = "Tracks" + (f" on {day}" if day else "") + (f" ({status})" if status else "")
    console.print(_table(title, columns, rows, whole=("track", "status")))
    _footer(listing.total, limit, offset, len(items), "track")
    if listing.status_counts is not None:
        console.print("status (under the other filters): " + show(listing.status_counts))
    _print_facets(listing.facets, names)


def _unknown_platform(platform: str, known: list[str]):
    from songclear.errors import NotFound

    return NotFound(
        f"platform {platform!r} has no library tracks (known platforms: {', '.join(known) or 'none'})"
    )


def _facet_ids(facets) -> set[str]:
    return {v for c in (facets or {}).values() for v, _ in c}


def _party_ids(session) -> set[str]:
    from sqlalchemy import select

    from songclear.store import tables

    p = tables.parties
    return set(session.execute(select(p.c.party_id).where(p.c.superseded_at.is_(None))).scalars())


# -- grants ---------------------------------------------------------------------------------------------------------


@grants_app.command("list")
def grants_list(
    ctx: typer.Context,
    licensor: str = typer.Option(None, "--licensor", help="Only grants this party gave."),
    licensee: str = typer.Option(None, "--licensee", help="Only grants this party holds."),
    recording: str = typer.Option(
        None, "--recording", help="Only grants that cover this ISRC: listed, or its owner's catalogue grants."
    ),
    work: str = typer.Option(
        None, "--work", help="Only grants that cover this work id: listed, or catalogue."
    ),
    state: str = typer.Option(
        None, "--state", help="Only grants in this state on --at: in_term, not_started, ended, terminated."
    ),
    at: str = typer.Option(None, "--at", help="The day states are read on (YYYY-MM-DD, Asia/Shanghai)."),
    ending_before: str = typer.Option(
        None, "--ending-before", help="Only grants that no longer hold at the start of this day (YYYY-MM-DD)."
    ),
    exclusive: bool = typer.Option(
        None, "--exclusive/--non-exclusive", help="Only exclusive grants, or only non-exclusive ones."
    ),
    search: str = typer.Option(None, SEARCH, help="The grant id contains this text."),
    limit: int = LIMIT,
    offset: int = OFFSET,
    facets: bool = FACETS,
    json_: bool = JSON,
    csv_: bool = CSV,
) -> None:
    """Grants with their parties, terms, scope and, with --at, their state on that day."""
    from songclear.app.browse import GRANT_COLUMNS, grant_row_view
    from songclear.store.browse_ledger import GrantBrowser, GrantFilter, party_names

    _one_format(json_, csv_)
    day = parse_day(at, "--at") if at else None
    before = parse_day(ending_before, "--ending-before") if ending_before else None
    f = GrantFilter(
        licensor=licensor, licensee=licensee, recording=recording, work=work, state=state, at=day,
        ending_before=before, exclusive=exclusive, search=search,
    )  # fmt: skip
    with ctx.obj.database().session() as session:
        browser = GrantBrowser(session, f)
        names = party_names(session, _party_ids(session))
        if csv_ and limit == 0:
            write_csv(GRANT_COLUMNS, (grant_row_view(g, names, f.instant) for g in browser.stream()))
            return
        grants = browser.page(limit=_window(limit), offset=offset)
        total, found = browser.total(), browser.facets() if facets else None
    items = [grant_row_view(g, names, f.instant) for g in grants]
    if csv_:
        write_csv(GRANT_COLUMNS, items)
        return
    filters = {
        "licensor": licensor, "licensee": licensee, "recording": recording, "work": work, "state": state,
        "at": day.isoformat() if day else None, "ending_before": before.isoformat() if before else None,
        "exclusive": exclusive, "search": search,
    }  # fmt: skip
    if json_:
        emit_json(_payload(filters, total, limit, offset, items, found))
        return
    columns = ["grant", "licensor -> licensee", "rights", "term", "territories", "uses", "scope", "flags"]
    if day:
        columns.append(f"on {day}")
    rows = [_grant_row(i, day is not None) for i in items]
    console.print(_table("Grants", columns, rows, whole=("grant", "term", columns[-1])))
    _footer(total, limit, offset, len(items), "grant")
    _print_facets(found, names)


def _local(instant: str, tz: str) -> str:
    """An ISO instant as the grant reads it: the day (and time, unless midnight) in its own time zone."""
    from datetime import datetime

    from songclear.domain.grants import display_zone, zone

    tz = display_zone(tz)  # a term of local dates: shown in the home territory
    local = datetime.fromisoformat(instant).astimezone(zone(tz))
    return f"{local:%Y-%m-%d}" if (local.hour, local.minute) == (0, 0) else f"{local:%Y-%m-%d %H:%M} {tz}"


def _grant_row(g: dict, with_state: bool) -> list[str]:
    territories = ", ".join(g["territories"]) + "".join(f" -{t}" for t in g["excluded_territories"])
    scope = (
        "catalogue" if g["catalogue"] else
        ", ".join(x for x in (plural(len(g["recordings"]), "recording") if g["recordings"] else "",
                              plural(len(g["works"]), "work") if g["works"] else "") if x) or "-"
    )  # fmt: skip
    flags = [f for f, on in (("exclusive", g["exclusive"]), ("sublicensable", g["sublicensable"])) if on]
    if g["parent"]:
        flags.append(f"under {g['parent']}")
    if g["terminated"]:
        flags.append(f"terminated from {_local(g['terminated'], g['tz'])}")
    row = [
        escape(g["id"]), escape(f"{g['licensor_name']} -> {g['licensee_name']}"), ", ".join(g["rights"]),
        f"{g['start']}..{g['end'] or 'open'}", escape(territories), escape(", ".join(g["uses"])), scope,
        escape(", ".join(flags)) or "-",
    ]  # fmt: skip
    return [*row, g["state"]] if with_state else row


# -- recordings and works -------------------------------------------------------------------------------------------


@recordings_app.command("list")
def recordings_list(
    ctx: typer.Context,
    owner: str = typer.Option(None, "--owner", help="Only recordings this label owns."),
    work: str = typer.Option(None, "--work", help="Only recordings of this work id."),
    version: str = typer.Option(None, "--version", help="Only this version: studio, live, remix, cover..."),
    search: str = typer.Option(None, SEARCH, help="Title, artists or ISRC contains this text."),
    limit: int = LIMIT,
    offset: int = OFFSET,
    facets: bool = FACETS,
    json_: bool = JSON,
    csv_: bool = CSV,
) -> None:
    """Registered recordings with their artists, owner and work."""
    from songclear.app.browse import RECORDING_COLUMNS, recording_row_view
    from songclear.store.browse_ledger import RecordingBrowser, RecordingFilter, party_names

    _one_format(json_, csv_)
    f = RecordingFilter(owner=owner, work=work, version=version, search=search)
    with ctx.obj.database().session() as session:
        browser = RecordingBrowser(session, f)
        names = party_names(session, _party_ids(session))
        if csv_ and limit == 0:
            write_csv(RECORDING_COLUMNS, (recording_row_view(r, names) for r in browser.stream()))
            return
        found = browser.page(limit=_window(limit), offset=offset)
        total, counts = browser.total(), browser.facets() if facets else None
    items = [recording_row_view(r, names) for r in found]
    if csv_:
        write_csv(RECORDING_COLUMNS, items)
        return
    filters = {"owner": owner, "work": work, "version": version, "search": search}
    if json_:
        emit_json(_payload(filters, total, limit, offset, items, counts))
        return
    rows = [
        [i["isrc"], escape(i["title"]), escape(", ".join(i["artists"])) or "-", i["version"],
         escape(i["owner_name"] or "-"), escape(i["work"] or "-")]
        for i in items
    ]  # fmt: skip
    console.print(_table("Recordings", ["ISRC", "title", "artists", "version", "owner", "work"], rows))
    _footer(total, limit, offset, len(items), "recording")
    _print_facets(counts, names)


@works_app.command("list")
def works_list(
    ctx: typer.Context,
    publisher: str = typer.Option(None, "--publisher", help="Only works this publisher publishes."),
    search: str = typer.Option(None, SEARCH, help="Title, writers, work id or ISWC contains this text."),
    limit: int = LIMIT,
    offset: int = OFFSET,
    facets: bool = FACETS,
    json_: bool = JSON,
    csv_: bool = CSV,
) -> None:
    """Registered works with their ISWC, writers and publishers."""
    from songclear.app.browse import WORK_COLUMNS, work_row_view
    from songclear.store.browse_ledger import WorkBrowser, WorkFilter, party_names

    _one_format(json_, csv_)
    f = WorkFilter(publisher=publisher, search=search)
    with ctx.obj.database().session() as session:
        browser = WorkBrowser(session, f)
        names = party_names(session, _party_ids(session))
        if csv_ and limit == 0:
            write_csv(WORK_COLUMNS, (work_row_view(w, names) for w in browser.stream()))
            return
        found = browser.page(limit=_window(limit), offset=offset)
        total, counts = browser.total(), browser.facets() if facets else None
    items = [work_row_view(w, names) for w in found]
    if csv_:
        write_csv(WORK_COLUMNS, items)
        return
    if json_:
        emit_json(_payload({"publisher": publisher, "search": search}, total, limit, offset, items, counts))
        return
    rows = [
        [escape(i["id"]), escape(i["title"]), i["iswc"] or "-", escape(", ".join(i["writers"])) or "-",
         escape(", ".join(i["publisher_names"])) or "-"]
        for i in items
    ]  # fmt: skip
    console.print(_table("Works", ["work", "title", "ISWC", "writers", "publishers"], rows))
    _footer(total, limit, offset, len(items), "work")
    _print_facets(counts, names)


# -- search ---------------------------------------------------------------------------------------------------------


def search_cmd(
    ctx: typer.Context,
    words: str = typer.Argument(..., metavar="TEXT", help="An id, a title, a name or an alias."),
    limit: int = typer.Option(20, "--limit", min=1, max=200, help="Hits shown per kind of thing."),
    json_: bool = JSON,
) -> None:
    """Find tracks, recordings, works, grants, parties and artists by any id, title, name or alias."""
    from songclear.app.browse import search_view
    from songclear.store.browse_ledger import party_names
    from songclear.store.search import search

    with ctx.obj.database().session() as session:
        found = search(session, words, limit=limit)
        view = search_view(found, party_names(session, _party_ids(session)))
    if json_:
        emit_json(view)
        return
    console.print(f"{plural(view['count'], 'hit')} for {escape(words)!r}")
    for kind in ("tracks", "recordings", "works", "grants", "parties", "artists"):
        hits = view[kind]
        if not hits or not hits["total"]:
            continue
        console.print(f"[bold]{kind}[/] ({hits['total']:,})")
        for item in hits["items"]:
            console.print(f"  {escape(item['label'])}")
        if hits["total"] > len(hits["items"]):
            console.print(f"  ... and {hits['total'] - len(hits['items']):,} more")
