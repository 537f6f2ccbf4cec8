"""Read a DDEX ERN message (3.8.x or 4.x) into the model, refusing what breaks a business rule.

Every refusal names the file and the XPath (with its line) of the offending element. The message is read as a
stream (see stream.py) and nothing is returned before its end, so a refused file contributes nothing. ERN 3.x
and 4.x differ in where things sit (3.x ``Usage/UseType`` and ``SoundRecordingId/ISRC``, 4.x
``DealTerms/UseType`` and ``ResourceId/ISRC``); the lookups accept both.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from songclear.ingest.ddex.locate import Reader, Refusal
from songclear.ingest.ddex.model import ControlType, DdexMessage, DdexParty
from songclear.ingest.ddex.stream import HEADER, TAGS, MessageReader
from songclear.ingest.ddex.xml import EndEvents, child, namespace, opened, path, text


def parse_message(path_: str | Path) -> DdexMessage:
    """Parse and check one ERN file; raises ImportError_ (HostileXMLError for a DTD/entity) on refusal."""
    with opened(path_) as f:
        return _read(f, str(path_), None)


def parse_message_bytes(data: bytes, source: str) -> DdexMessage:
    return _read(BytesIO(data), source, data)


def _read(stream: BinaryIO, source: str, data: bytes | None) -> DdexMessage:
    events = EndEvents(stream, source, TAGS)
    reader = MessageReader(source)
    for el in events:
        reader.feed(el)
    root = events.root
    header = reader.finish(root)
    r = reader.r
    r.phase = HEADER
    try:
        created, control = _created(r, header), _control(r, header)
        sender, recipient = _party(r, header, "MessageSender"), _party(r, header, "MessageRecipient")
    except Refusal as refusal:
        raise r.error(refusal) from None
    sha = hashlib.sha256(data).hexdigest() if data is not None else events.sha256
    recordings = tuple(rec.resolve(reader.party_names) for rec in reader.recordings)
    isrc_of = {rec.reference: rec.isrc for rec in recordings}
    render = reader.positions.render
    assert reader.kind is not None
    return DdexMessage(
        source=source,
        kind=reader.kind,
        version="ern/" + namespace(root).rsplit("/", 1)[-1],
        message_id=text(child(header, "MessageId")) or "sha256:" + sha[:16],
        thread_id=text(child(header, "MessageThreadId")),
        created=created,
        control=control,
        sender=sender,
        recipient=recipient,
        recordings=recordings,
        releases=tuple(rel.resolve(isrc_of, render(rel.where)) for rel in reader.releases),
        deals=tuple(dataclasses.replace(deal, xpath=render(where)) for deal, where in reader.deals),
        warnings=r.warnings(),
        sha256=sha,
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
