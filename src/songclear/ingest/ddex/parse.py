"""Read a DDEX ERN message (3.8.x or 4.x) into the model, refusing what breaks a business rule.

Every refusal names the file and the XPath (with its line) of the offending element. A message is read whole
before anything is returned, so a refused file contributes nothing. ERN 3.x and 4.x differ in where things sit
(3.x ``Usage/UseType`` and ``SoundRecordingId/ISRC``, 4.x ``DealTerms/UseType`` and ``ResourceId/ISRC``); the
lookups below accept both.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from songclear.errors import ImportError_
from songclear.ingest.ddex import schema
from songclear.ingest.ddex.deals import read_deal
from songclear.ingest.ddex.model import (
    ControlType,
    DdexDeal,
    DdexMessage,
    DdexParty,
    DdexRelease,
    MessageKind,
    ReleaseIds,
    SoundRecording,
)
from songclear.ingest.ddex.resources import read_recordings, title_of
from songclear.ingest.ddex.xml import (
    Reader,
    child,
    children,
    descendants,
    local,
    namespace,
    parse_bytes,
    path,
    text,
    xpath_of,
)

_SUPPORTED_NS = re.compile(r"^http://ddex\.net/xml/ern/(38\d|4\d)$")
_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
USER_DEFINED = "UserDefined"


def parse_message(path_: str | Path) -> DdexMessage:
    """Parse and check one ERN file; raises ImportError_ (HostileXMLError for a DTD/entity) on refusal."""
    p = Path(path_)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot read the file: {exc.strerror}", source=str(p)) from exc
    return parse_message_bytes(data, str(p))


def parse_message_bytes(data: bytes, source: str) -> DdexMessage:
    tree = parse_bytes(data, source)
    root = tree.getroot()
    r = Reader(source)
    ns = namespace(root)
    if not _SUPPORTED_NS.match(ns):
        raise r.refuse(
            f"unsupported message namespace {ns or '(none)'!r}: songclear reads ERN 3.8.x and 4.x", root
        )
    try:
        kind = MessageKind(local(root))
    except ValueError:
        raise r.refuse(f"unsupported ERN message {local(root)}: expected NewReleaseMessage, "
                       "UpdateReleaseMessage or PurgeReleaseMessage", root) from None  # fmt: skip
    header = child(root, "MessageHeader")
    if header is None:
        raise r.refuse("missing MessageHeader", root)
    message_id = text(child(header, "MessageId")) or "sha256:" + hashlib.sha256(data).hexdigest()[:16]
    recordings = read_recordings(r, root)
    releases, deals = _releases_and_deals(r, root, kind, {s.reference: s for s in recordings})
    return DdexMessage(
        source=source,
        kind=kind,
        version="ern/" + ns.rsplit("/", 1)[-1],
        message_id=message_id,
        thread_id=text(child(header, "MessageThreadId")),
        created=_created(r, header),
        control=_control(r, header),
        sender=_party(r, header, "MessageSender"),
        recipient=_party(r, header, "MessageRecipient"),
        recordings=recordings,
        releases=releases,
        deals=deals,
        warnings=tuple(r.warnings),
    )


# -- header -------------------------------------------------------------------------------------------------------


def _created(r: Reader, header: etree._Element) -> datetime:
    el = child(header, "MessageCreatedDateTime")
    if el is None or not text(el):
        raise r.refuse("missing MessageCreatedDateTime (needed to order messages about a release)", header)
    try:
        value = datetime.fromisoformat(text(el))
    except ValueError:
        raise r.refuse(f"invalid MessageCreatedDateTime {text(el)!r}", el) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # no offset: read as UTC


def _control(r: Reader, header: etree._Element) -> ControlType:
    el = child(header, "MessageControlType")
    if el is None or not text(el):
        return ControlType.LIVE  # the ERN default
    try:
        return ControlType(text(el))
    except ValueError:
        raise r.refuse(f"unknown MessageControlType {text(el)!r}", el) from None


def _party(r: Reader, header: etree._Element, role: str) -> DdexParty:
    el = child(header, role)
    pid = text(child(el, "PartyId")) if el is not None else ""
    if el is None or not pid:
        raise r.refuse(f"{role} has no PartyId", el if el is not None else header)
    return DdexParty(pid, text(path(el, "PartyName", "FullName")))


# -- releases and deals -------------------------------------------------------------------------------------------


def _release_ids(r: Reader, rel: etree._Element) -> ReleaseIds:
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


def _releases_and_deals(
    r: Reader, root: etree._Element, kind: MessageKind, recordings: dict[str, SoundRecording]
) -> tuple[tuple[DdexRelease, ...], tuple[DdexDeal, ...]]:
    if kind is MessageKind.PURGE_RELEASE:
        purged = [DdexRelease(reference="", ids=_release_ids(r, p), title=title_of(p) or text(path(p, "Title", "TitleText")),
                              xpath=xpath_of(p)) for p in children(root, "PurgedRelease")]  # fmt: skip
        if not purged:
            raise r.refuse("PurgeReleaseMessage without PurgedRelease", root)
        return tuple(purged), ()
    if kind is MessageKind.UPDATE_RELEASE:
        return _update_releases(r, root)
    release_list = child(root, "ReleaseList")
    if release_list is None:
        raise r.refuse("NewReleaseMessage without ReleaseList", root)
    releases = []
    for rel in release_list:
        if local(rel) not in ("Release", "TrackRelease"):
            continue
        r.check_children(rel, schema.RELEASE, local(rel))
        ref = text(child(rel, "ReleaseReference"))
        isrcs = [
            recordings[text(e)].isrc
            for e in descendants(rel, "ReleaseResourceReference")
            if text(e) in recordings
        ]
        releases.append(
            DdexRelease(
                reference=ref,
                ids=_release_ids(r, rel),
                title=title_of(rel),
                isrcs=tuple(dict.fromkeys(isrcs)),
                xpath=xpath_of(rel),
            )  # fmt: skip
        )
    known = {rel.reference for rel in releases}
    deals: list[DdexDeal] = []
    counters: dict[str, int] = {}
    deal_list = child(root, "DealList")
    for rd in children(deal_list, "ReleaseDeal") if deal_list is not None else []:
        refs = children(rd, "DealReleaseReference")
        if not refs:
            raise r.refuse("ReleaseDeal without DealReleaseReference", rd)
        for ref_el in refs:
            if text(ref_el) not in known:
                raise r.refuse(f"deal references unknown release {text(ref_el)!r}", ref_el)
        for deal_el in children(rd, "Deal"):
            for ref_el in refs:
                ref = text(ref_el)
                counters[ref] = counters.get(ref, 0) + 1
                deal = read_deal(r, deal_el, ref, counters[ref])
                if deal is not None:
                    deals.append(deal)
    return tuple(releases), tuple(deals)


def _update_releases(r: Reader, root: etree._Element) -> tuple[tuple[DdexRelease, ...], tuple[DdexDeal, ...]]:
    """ERN 4.3 UpdateReleaseMessage: each UpdateRelease carries its own DealList (no resources)."""
    releases, deals = [], []
    ulist = child(root, "UpdateReleaseList")
    for n, ur in enumerate(children(ulist, "UpdateRelease") if ulist is not None else [], start=1):
        ref = f"U{n}"
        releases.append(
            DdexRelease(reference=ref, ids=_release_ids(r, ur), title=title_of(ur), xpath=xpath_of(ur))
        )
        dl = child(ur, "DealList")
        for i, deal_el in enumerate(children(dl, "Deal") if dl is not None else [], start=1):
            deal = read_deal(r, deal_el, ref, i, strict_children=False)
            if deal is not None:
                deals.append(deal)
    return tuple(releases), tuple(deals)
