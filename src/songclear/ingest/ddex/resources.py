"""Sound recordings of an ERN message: ISRC, title, display artists, duration, ISWC (3.x and 4.x layouts).

A recording is read on its own (``read_recording``); its artists named by a 4.x ``PartyList`` reference are
resolved once the message is read (``RecordingRead.resolve``), wherever the PartyList sits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from songclear.domain.identifiers import normalise_isrc, normalise_iswc
from songclear.errors import InvalidIdentifier
from songclear.ingest.ddex import schema
from songclear.ingest.ddex.locate import Reader
from songclear.ingest.ddex.model import SoundRecording
from songclear.ingest.ddex.xml import child, descendants, local, path, text

_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


@dataclass(frozen=True, slots=True)
class RecordingRead:
    """A sound recording as read, its PartyList artists not yet resolved."""

    reference: str
    isrc: str
    title: str
    credits: tuple[tuple[str, str], ...]  # per DisplayArtist: (its FullName, its ArtistPartyReference)
    fallback_artist: str  # the first DisplayArtistName, used when no DisplayArtist gives a name
    duration_s: float | None
    iswc: str | None

    def resolve(self, names: Mapping[str, str]) -> SoundRecording:
        """``names``: PartyReference -> FullName from the message's PartyList."""
        found = [name for full, ref in self.credits if (name := full or names.get(ref, ""))]
        if not found and self.fallback_artist:
            found = [self.fallback_artist]
        return SoundRecording(
            reference=self.reference,
            isrc=self.isrc,
            title=self.title,
            artists=tuple(dict.fromkeys(found)),
            duration_s=self.duration_s,
            iswc=self.iswc,
        )


def read_recording(r: Reader, sr: etree._Element) -> RecordingRead | None:
    """One SoundRecording; None (with a warning) when it has no ISRC."""
    r.check_children(sr, schema.SOUND_RECORDING, "SoundRecording")
    ref = text(child(sr, "ResourceReference"))
    isrc_el = next(
        (e for e in descendants(sr, "ISRC") if local(e.getparent()) in ("SoundRecordingId", "ResourceId")),
        None,
    )
    if isrc_el is None:
        r.warn("sound recording without an ISRC: not recorded in the ledger", sr)
        return None
    try:
        isrc = normalise_isrc(text(isrc_el)) if text(isrc_el) else ""
    except InvalidIdentifier as exc:
        raise r.refuse(exc.message, isrc_el) from None
    if not isrc:
        raise r.refuse("empty ISRC", isrc_el)
    return RecordingRead(
        reference=ref,
        isrc=isrc,
        title=title_of(sr),
        credits=tuple(
            (text(path(da, "PartyName", "FullName")), text(child(da, "ArtistPartyReference")))
            for da in descendants(sr, "DisplayArtist")
        ),
        fallback_artist=next((text(e) for e in descendants(sr, "DisplayArtistName") if text(e)), ""),
        duration_s=_duration(r, child(sr, "Duration")),
        iswc=_iswc(r, sr),
    )


def party_name(party: etree._Element) -> tuple[str, str]:
    """A 4.x PartyList Party: (PartyReference, its first FullName)."""
    return text(child(party, "PartyReference")), text(path(party, "PartyName", "FullName"))


def title_of(el: etree._Element) -> str:
    for candidate in (path(el, "ReferenceTitle", "TitleText"), child(el, "DisplayTitleText"),
                      path(el, "DisplayTitle", "TitleText")):  # fmt: skip
        if text(candidate):
            return text(candidate)
    return ""


def _duration(r: Reader, el: etree._Element | None) -> float | None:
    if el is None or not text(el):
        return None
    m = _DURATION.match(text(el))
    if not m:
        r.warn(f"unreadable Duration {text(el)!r} ignored", el)
        return None
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return d * 86400 + h * 3600 + mi * 60 + s


def _iswc(r: Reader, sr: etree._Element) -> str | None:
    for el in descendants(sr, "ISWC"):
        if not text(el):
            continue
        try:
            return normalise_iswc(text(el))
        except InvalidIdentifier as exc:
            r.warn(f"{exc.message}: the work link is ignored", el)
    return None
