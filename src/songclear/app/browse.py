"""Browsing the library tracks with their clearance on a day: the use case shared by ``songclear tracks list`` and
the dashboard's tracks table.

Filters, the page and the facets are SQL (store/browse_tracks.py). A track's status on a day is a clearance
decision, which needs the ledger (the caller passes it: the CLI loads it, the server keeps it):

- without a status filter only the tracks shown are decided, with the evidence of those tracks alone
  (``page_resolver``): a page costs its SQL and 50 decisions, whatever the library's size;
- with a status filter every track the other filters keep is decided (each distinct identity once, as the audit
  does), streaming, and only the page's rows are kept: the cost of auditing that part of the library, paid on
  every page. The counts per status come with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from songclear.domain.catalogue import Availability, LibraryTrack
from songclear.domain.decision import ClearanceDecision, Status
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery
from songclear.errors import InputError
from songclear.store.browse_tracks import TrackBrowser, TrackFilter, TrackRow

STATUSES = tuple(s.value for s in Status)


@dataclass(slots=True)
class TrackListing:
    rows: list[TrackRow]
    total: int  # tracks the filters (and the status) keep
    decisions: dict[str, ClearanceDecision] = field(default_factory=dict)  # track key -> its decision
    facets: dict[str, list[tuple[str, int]]] | None = None
    status_counts: dict[str, int] | None = None  # decided in full: tracks per status under the other filters


def check_status(status: str | None, query: ClearanceQuery | None) -> None:
    if status is None:
        return
    if status not in STATUSES:
        raise InputError(f"status is one of {', '.join(STATUSES)}, not {status!r}")
    if query is None:
        raise InputError("a status is a decision on a day: give the day (--at) with the status")


def library_track(row: TrackRow) -> LibraryTrack:
    return LibraryTrack(
        platform=row.platform, track_id=row.track_id, title=row.title, artist=row.artist, isrc=row.isrc,
        play_count=row.play_count, availability=Availability(row.availability),
    )  # fmt: skip


def list_tracks(
    session,
    f: TrackFilter,
    *,
    limit: int,
    offset: int,
    status: str | None = None,
    query: ClearanceQuery | None = None,
    ledger: Ledger | None = None,
    facets: bool = False,
) -> TrackListing:
    """A page of the tracks ``f`` keeps (and, with ``status``, decided so on ``query``'s day); with ``query``, each
    shown track's decision; with ``facets``, the counts per value under the filters."""
    from songclear.app.audit import DecisionCache
    from songclear.app.identities import page_resolver

    check_status(status, query)
    if limit < 0 or offset < 0:
        raise InputError("limit and offset are 0 or more")
    browser = TrackBrowser(session, f)
    found = browser.facets() if facets else None
    if status is not None:
        assert query is not None and ledger is not None
        rows, decisions, counts, total = [], {}, dict.fromkeys(STATUSES, 0), 0
        for row, d in _decided(session, browser, f, query, ledger):
            counts[d.status.value] += 1
            if d.status.value != status:
                continue
            if offset <= total < offset + limit:
                rows.append(row)
                decisions[row.key] = d
            total += 1
        return TrackListing(rows, total, decisions, found, counts)
    rows = browser.page(limit=limit, offset=offset)
    listing = TrackListing(rows, browser.total(), facets=found)
    if query is not None:
        assert ledger is not None
        cache = DecisionCache(ledger, query, page_resolver(session, [(r.platform, r.track_id) for r in rows]))
        listing.decisions = {r.key: cache.decide(library_track(r)) for r in rows}
    return listing


def _decided(session, browser: TrackBrowser, f: TrackFilter, query: ClearanceQuery, ledger: Ledger):
    from songclear.app.audit import DecisionCache, paused_gc
    from songclear.app.identities import identity_resolver
    from songclear.store.repository import LedgerRepository

    cache = DecisionCache(ledger, query, identity_resolver(LedgerRepository(session), f.platform, None))
    with paused_gc():
        for row in browser.stream():
            yield row, cache.decide(library_track(row))


def export_tracks(
    session, f: TrackFilter, *, query: ClearanceQuery | None = None, ledger: Ledger | None = None,
    status: str | None = None,
) -> Iterator[tuple[TrackRow, ClearanceDecision | None]]:  # fmt: skip
    """Every track ``f`` keeps, streamed in order, with its decision when ``query`` is given (a CSV download)."""
    check_status(status, query)
    browser = TrackBrowser(session, f)
    if query is None:
        yield from ((row, None) for row in browser.stream())
        return
    assert ledger is not None
    for row, d in _decided(session, browser, f, query, ledger):
        if status is None or d.status.value == status:
            yield row, d


TRACK_COLUMNS = (
    "track", "platform", "track_id", "title", "artist", "isrc", "availability", "play_count", "identity_source",
    "recording", "licensor", "licensor_name", "status", "reason",
)  # fmt: skip


def track_view(row: TrackRow, decision: ClearanceDecision | None, names: dict[str, str]) -> dict:
    """One track of a listing as JSON (and as a CSV row, in ``TRACK_COLUMNS`` order)."""
    return {
        "track": row.key, "platform": row.platform, "track_id": row.track_id, "title": row.title,
        "artist": row.artist, "isrc": row.isrc, "availability": row.availability, "play_count": row.play_count,
        "identity_source": row.identity_source, "recording": row.recording, "licensor": row.licensor,
        "licensor_name": names.get(row.licensor, row.licensor) if row.licensor else None,
        "status": decision.status.value if decision else None,
        "reason": decision.explain() if decision else None,
    }  # fmt: skip


# -- the ledger's lists: each row as JSON (and as a CSV row in the COLUMNS order) --------------------------------

GRANT_COLUMNS = (
    "id", "licensor", "licensor_name", "licensee", "licensee_name", "rights", "start", "end", "tz", "territories",
    "excluded_territories", "uses", "commercial_models", "catalogue", "recordings", "works", "exclusive",
    "sublicensable", "parent", "issued", "terminated", "source", "state",
)  # fmt: skip
RECORDING_COLUMNS = ("isrc", "title", "artists", "duration_s", "version", "owner", "owner_name", "work")
WORK_COLUMNS = ("id", "title", "iswc", "writers", "publishers", "publisher_names")


def grant_row_view(g, names: dict[str, str], at=None) -> dict:
    """A grant as the API shows it, with its parties' names and, with ``at`` (an instant), its state then."""
    from songclear.api.records import grant_view
    from songclear.domain.grant_state import grant_state

    return grant_view(g) | {
        "licensor_name": names.get(g.licensor, g.licensor), "licensee_name": names.get(g.licensee, g.licensee),
        "state": grant_state(g, at).value if at is not None else None,
    }  # fmt: skip


def recording_row_view(r, names: dict[str, str]) -> dict:
    from songclear.api.records import recording_view

    return recording_view(r) | {"owner_name": names.get(r.owner, r.owner) if r.owner else None}


def work_row_view(w, names: dict[str, str]) -> dict:
    from songclear.api.records import work_view

    return work_view(w) | {"publisher_names": [names.get(p, p) for p in w.publishers]}


def search_view(found, names: dict[str, str]) -> dict:
    """A search's hits per kind: ``total`` and ``items`` (each ``id`` and a one-line ``label``); a kind the asker
    may not see is null."""

    def kind(hits, one) -> dict | None:
        return None if hits is None else {"total": hits.total, "items": [one(x) for x in hits.items]}

    def name(party: str | None) -> str:
        return names.get(party, party) if party else "no owner"

    return {
        "query": found.query,
        "count": found.count,
        "tracks": kind(found.tracks, lambda t: {
            "id": t.key, "label": f"{t.key} {t.title} / {t.artist}" + (f" (ISRC {t.isrc})" if t.isrc else ""),
        }),
        "recordings": kind(found.recordings, lambda r: {
            "id": r.isrc, "label": f"{r.isrc} {r.title} / {', '.join(r.artists)} ({name(r.owner)})",
        }),
        "works": kind(found.works, lambda w: {
            "id": w.id, "label": f"{w.id} {w.title}" + (f" (ISWC {w.iswc})" if w.iswc else ""),
        }),
        "grants": kind(found.grants, lambda g: {
            "id": g.id, "label": f"{g.id} {name(g.licensor)} -> {name(g.licensee)}, {g.term}",
        }),
        "parties": kind(found.parties, lambda p: {
            "id": p.id, "label": f"{p.id} {p.name} ({', '.join([p.kind.value, *p.aliases])})",
        }),
        "artists": kind(found.artists, lambda a: {
            "id": a["id"], "label": f"{a['id']} {a['name']}" + (f" ({', '.join(a['aliases'])})" if a["aliases"] else ""),
        }),
    }  # fmt: skip


def csv_cell(value) -> str:
    """A browse row's value as one CSV cell (the command line's --csv and the dashboard's download): lists joined
    with '; ', booleans as true/false, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(csv_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
