"""Sound recordings of an ERN message: ISRC, title, display artists, duration, ISWC (3.x and 4.x layouts)."""

from __future__ import annotations

import re

from lxml import etree

from songclear.domain.identifiers import normalise_isrc, normalise_iswc
from songclear.errors import InvalidIdentifier
from songclear.ingest.ddex import schema
from songclear.ingest.ddex.model import SoundRecording
from songclear.ingest.ddex.xml import Reader, child, children, descendants, local, path, text

_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


def read_recordings(r: Reader, root: etree._Element) -> tuple[SoundRecording, ...]:
    resources = child(root, "ResourceList")
    if resources is None:
        return ()
    names = _party_names(root)
    out = []
    for sr in children(resources, "SoundRecording"):
        r.check_children(sr, schema.SOUND_RECORDING, "SoundRecording")
        ref = text(child(sr, "ResourceReference"))
        isrc_el = next(
            (
                e
                for e in descendants(sr, "ISRC")
                if local(e.getparent()) in ("SoundRecordingId", "ResourceId")
            ),
            None,
        )
        if isrc_el is None:
            r.warn("sound recording without an ISRC: not recorded in the ledger", sr)
            continue
        try:
            isrc = normalise_isrc(text(isrc_el)) if text(isrc_el) else ""
        except InvalidIdentifier as exc:
            raise r.refuse(exc.message, isrc_el) from None
        if not isrc:
            raise r.refuse("empty ISRC", isrc_el)
        out.append(
            SoundRecording(
                reference=ref,
                isrc=isrc,
                title=title_of(sr),
                artists=_artists(sr, names),
                duration_s=_duration(r, child(sr, "Duration")),
                iswc=_iswc(r, sr),
            )
        )
    return tuple(out)


def _party_names(root: etree._Element) -> dict[str, str]:
    """ERN 4.x PartyList: PartyReference -> first FullName."""
    plist = child(root, "PartyList")
    if plist is None:
        return {}
    return {
        text(child(p, "PartyReference")): text(path(p, "PartyName", "FullName"))
        for p in children(plist, "Party")
    }


def title_of(el: etree._Element) -> str:
    for candidate in (path(el, "ReferenceTitle", "TitleText"), child(el, "DisplayTitleText"),
                      path(el, "DisplayTitle", "TitleText")):  # fmt: skip
        if text(candidate):
            return text(candidate)
    return ""


def _artists(sr: etree._Element, names: dict[str, str]) -> tuple[str, ...]:
    found: list[str] = []
    for da in descendants(sr, "DisplayArtist"):
        name = text(path(da, "PartyName", "FullName")) or names.get(
            text(child(da, "ArtistPartyReference")), ""
        )
        if name:
            found.append(name)
    if not found:
        found = [text(e) for e in descendants(sr, "DisplayArtistName") if text(e)][:1]
    return tuple(dict.fromkeys(found))


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
