"""The search box's page: a track, recording, work, grant, party or artist by any id, title, name or alias, within
what the viewer may read (docs/dashboard.md, "Browse and search")."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request

from songclear.api.auth import PLATFORM, RIGHTS_HOLDER
from songclear.api.state import state
from songclear.store.search import MAX_QUERY, Scope, search
from songclear.web.render import PREFIX, PageRoute, page
from songclear.web.session import Viewer, Viewing

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
HITS = 20  # per kind


def _scope(who: Viewer, session) -> Scope:
    if who.principal.reads_everything:
        return Scope()
    if who.role == PLATFORM:
        return Scope(platforms=(who.party,), licensee=who.party)
    if who.role == RIGHTS_HOLDER:
        from songclear.web.catalogue_pages import own_works

        return Scope(tracks=False, licensor=who.party, owner=who.party, works=own_works(session, who.party))
    return Scope(tracks=False, grants=False, catalogue=False)


def _link(path: str, **params: str) -> str:
    return f"{PREFIX}/{path}?{urlencode(params)}"


@router.get("/search")
def search_page(request: Request, q: str = "", who: Viewer = Viewing):
    words = q.strip()
    if not words:
        return page(request, "search.html.j2", q="", sections=[], count=0, max_query=MAX_QUERY)
    st = state(request)
    names = {p: party.name for p, party in st.ledger().parties.items()}
    with st.db.session() as session:
        found = search(session, words, limit=HITS, scope=_scope(who, session))
    name = lambda p: names.get(p, p) if p else "no owner"  # noqa: E731
    sections = []

    def section(kind: str, title: str, hits, item, more: str | None) -> None:
        if hits is None or not hits.total:
            return
        sections.append(
            {
                "kind": kind,
                "title": title,
                "total": hits.total,
                "items": [item(x) for x in hits.items],
                "more": more,
            }
        )

    section(
        "tracks", "Library tracks", found.tracks,
        lambda t: {
            "label": t.key, "href": f"{PREFIX}/platforms/{quote(t.platform, safe='')}/tracks/{quote(t.track_id, safe='')}",
            "detail": f"{t.title} / {t.artist}" + (f" · ISRC {t.isrc}" if t.isrc else ""),
        },
        _link("tracks", q=words),
    )  # fmt: skip
    section(
        "recordings", "Recordings", found.recordings,
        lambda r: {
            "label": r.isrc, "href": _link("tracks", recording=r.isrc),
            "detail": f"{r.title} / {', '.join(r.artists)} · {name(r.owner)}",
        },
        _link("recordings", q=words),
    )  # fmt: skip
    section(
        "works", "Works", found.works,
        lambda w: {"label": w.id, "href": _link("recordings", work=w.id), "detail": w.title + (f" · ISWC {w.iswc}" if w.iswc else "")},
        _link("works", q=words),
    )  # fmt: skip
    section(
        "grants", "Grants", found.grants,
        lambda g: {"label": g.id, "href": _link("grants", q=g.id), "detail": f"{name(g.licensor)} → {name(g.licensee)}, {g.term}"},
        _link("grants", q=words),
    )  # fmt: skip
    section(
        "parties", "Parties", found.parties,
        lambda p: {
            "label": p.id, "href": _link("grants", **{"licensee" if p.kind.value == "platform" else "licensor": p.id}),
            "detail": f"{p.name} ({', '.join([p.kind.value, *p.aliases])})",
        },
        None,
    )  # fmt: skip
    section(
        "artists", "Artists", found.artists,
        lambda a: {
            "label": a["id"], "href": _link("recordings", q=a["name"]),
            "detail": a["name"] + (f" ({', '.join(a['aliases'])})" if a["aliases"] else ""),
        },
        None,
    )  # fmt: skip
    return page(request, "search.html.j2", q=words, sections=sections, count=found.count, max_query=MAX_QUERY)
