"""Releases of an ERN message and their deals, one item at a time: a ``Release``/``TrackRelease`` of the
ReleaseList, a ``ReleaseDeal`` of the DealList, a ``PurgedRelease``, a 4.3 ``UpdateRelease`` with its own deals.

What depends on the rest of the message waits for the end: a release's ISRCs (its resources may be listed
anywhere) and the XPaths (positions among siblings read later), hence ``ReleaseRead`` and ``(deal, Where)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from songclear.ingest.ddex import schema
from songclear.ingest.ddex.deals import read_deal
from songclear.ingest.ddex.locate import Reader, Where
from songclear.ingest.ddex.model import DdexDeal, DdexRelease, ReleaseIds
from songclear.ingest.ddex.resources import title_of
from songclear.ingest.ddex.xml import child, children, descendants, local, path, text

DealRead = tuple[DdexDeal, Where]


@dataclass(frozen=True, slots=True)
class ReleaseRead:
    reference: str
    ids: ReleaseIds
    title: str
    resources: tuple[str, ...]  # its ReleaseResourceReferences, in message order
    where: Where

    def resolve(self, isrc_of: Mapping[str, str], xpath: str) -> DdexRelease:
        """``isrc_of``: ResourceReference -> ISRC of the message's sound recordings."""
        isrcs = dict.fromkeys(isrc_of[ref] for ref in self.resources if ref in isrc_of)
        return DdexRelease(
            reference=self.reference, ids=self.ids, title=self.title, isrcs=tuple(isrcs), xpath=xpath
        )


def release_ids(r: Reader, rel: etree._Element) -> ReleaseIds:
    ids = child(rel, "ReleaseId")
    if ids is None:
        raise r.refuse("release without ReleaseId", rel)
    prop = child(ids, "ProprietaryId")
    out = ReleaseIds(
        icpn=text(child(ids, "ICPN")) or None,
        grid=text(child(ids, "GRid")) or None,
        isrc=text(child(ids, "ISRC")) or None,
        proprietary=(
            f"{prop.get('Namespace', '')}:{text(prop)}" if prop is not None and text(prop) else None
        ),
        catalog_number=text(child(ids, "CatalogNumber")) or None,
    )
    if out.primary is None:
        raise r.refuse("ReleaseId carries no ICPN, GRid, ISRC, ProprietaryId or CatalogNumber", ids)
    return out


def read_release(r: Reader, rel: etree._Element) -> ReleaseRead:
    """A Release or TrackRelease of the ReleaseList."""
    r.check_children(rel, schema.RELEASE, local(rel))
    reference = text(child(rel, "ReleaseReference"))
    resources = tuple(text(e) for e in descendants(rel, "ReleaseResourceReference"))
    return ReleaseRead(reference, release_ids(r, rel), title_of(rel), resources, r.where(rel))


def read_purged_release(r: Reader, p: etree._Element) -> ReleaseRead:
    title = title_of(p) or text(path(p, "Title", "TitleText"))
    return ReleaseRead("", release_ids(r, p), title, (), r.where(p))


def read_release_deal(
    r: Reader, rd: etree._Element, known: set[str] | frozenset[str], counters: dict[str, int]
) -> list[DealRead]:
    """A ReleaseDeal: each Deal for each DealReleaseReference (``known``: the ReleaseList's references;
    ``counters``: deals per release so far, for their positions)."""
    refs = children(rd, "DealReleaseReference")
    if not refs:
        raise r.refuse("ReleaseDeal without DealReleaseReference", rd)
    for ref_el in refs:
        if text(ref_el) not in known:
            raise r.refuse(f"deal references unknown release {text(ref_el)!r}", ref_el)
    out = []
    for deal_el in children(rd, "Deal"):
        where = None
        for ref_el in refs:
            ref = text(ref_el)
            counters[ref] = counters.get(ref, 0) + 1
            deal = read_deal(r, deal_el, ref, counters[ref])
            if deal is not None:
                where = where or r.where(deal_el)
                out.append((deal, where))
    return out


def read_update_release(r: Reader, ur: etree._Element, position: int) -> tuple[ReleaseRead, list[DealRead]]:
    """ERN 4.3 UpdateRelease number ``position``: the release and the deals of its own DealList."""
    reference = f"U{position}"
    release = ReleaseRead(reference, release_ids(r, ur), title_of(ur), (), r.where(ur))
    deals = []
    dl = child(ur, "DealList")
    for i, deal_el in enumerate(children(dl, "Deal") if dl is not None else [], start=1):
        deal = read_deal(r, deal_el, reference, i, strict_children=False)
        if deal is not None:
            deals.append((deal, r.where(deal_el)))
    return release, deals
