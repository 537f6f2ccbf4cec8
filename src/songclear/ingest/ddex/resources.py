"""Sound recordings and videos of an ERN message: ISRC, title, display artists, duration, ISWC (3.x and 4.x
layouts).

A resource is read on its own (``read_recording``); its artists named by a 4.x ``PartyList`` reference are
resolved once the message is read (``RecordingRead.resolve``), wherever the PartyList sits.

Artist names: a recording credits its ``DisplayArtistName`` (DDEX: the name a DSP shows; the one marked
``IsDefault``, else the first), else each ``DisplayArtist``'s party name as before. Every other spelling the message
gives an artist — its party's ``FullName`` in each script, the other ``DisplayArtistName``s when one artist is
credited — is kept in ``artist_aliases``, one group per artist, for the linker.
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
from songclear.ingest.ddex.xml import child, children, descendants, local, path, text

_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


@dataclass(frozen=True, slots=True)
class RecordingRead:
    """A sound recording or video as read, its PartyList artists not yet resolved."""

    reference: str
    isrc: str
    title: str
    credits: tuple[
        tuple[tuple[str, ...], str], ...
    ]  # per DisplayArtist: (its own FullNames, its party reference)
    display_names: tuple[str, ...]  # its DisplayArtistNames, the default one first
    duration_s: float | None
    iswc: str | None
    video: bool = False

    def resolve(self, names: Mapping[str, tuple[str, ...]]) -> SoundRecording:
        """``names``: PartyReference -> the FullNames of that party in the message's PartyList."""
        credited = [ns for own, ref in self.credits if (ns := own or names.get(ref, ()))]
        if self.display_names:
            artists = self.display_names[:1]
        else:
            artists = tuple(dict.fromkeys(ns[0] for ns in credited))
        if len(credited) == 1:
            groups = [(*self.display_names, *credited[0])]
        else:
            groups = list(credited) if credited else [self.display_names]
        aliases = tuple(g for group in groups if len(g := tuple(dict.fromkeys(group))) > 1)
        return SoundRecording(
            reference=self.reference,
            isrc=self.isrc,
            title=self.title,
            artists=artists,
            duration_s=self.duration_s,
            iswc=self.iswc,
            artist_aliases=aliases,
            video=self.video,
        )


_ISRC_PARENTS = ("SoundRecordingId", "VideoId", "ResourceId")


def read_recording(r: Reader, sr: etree._Element) -> RecordingRead | None:
    """One SoundRecording or Video; None (with a warning) when it has no ISRC."""
    video = local(sr) == "Video"
    what = "Video" if video else "SoundRecording"
    r.check_children(sr, schema.VIDEO if video else schema.SOUND_RECORDING, what)
    ref = text(child(sr, "ResourceReference"))
    isrc_el = next((e for e in descendants(sr, "ISRC") if local(e.getparent()) in _ISRC_PARENTS), None)
    if isrc_el is None:
        kind = "video" if video else "sound recording"
        r.warn(f"{kind} without an ISRC: not recorded in the ledger", sr)
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
            (full_names(da), text(child(da, "ArtistPartyReference")))
            for da in descendants(sr, "DisplayArtist")
        ),
        display_names=_display_names(sr),
        duration_s=_duration(r, child(sr, "Duration")),
        iswc=_iswc(r, sr),
        video=video,
    )


def full_names(el: etree._Element) -> tuple[str, ...]:
    """The FullName of each PartyName of ``el`` (a Party, a 3.x DisplayArtist), in order, without repeats."""
    names = (text(child(pn, "FullName")) for pn in children(el, "PartyName"))
    return tuple(dict.fromkeys(n for n in names if n))


def _display_names(sr: etree._Element) -> tuple[str, ...]:
    """The DisplayArtistNames of a resource, the one marked IsDefault first (else in message order)."""
    els = [e for e in descendants(sr, "DisplayArtistName") if text(e)]
    els.sort(key=lambda e: e.get("IsDefault", "").lower() not in ("true", "1"))
    return tuple(dict.fromkeys(text(e) for e in els))


def party_name(party: etree._Element) -> tuple[str, tuple[str, ...]]:
    """A 4.x PartyList Party: (PartyReference, its FullNames)."""
    return text(child(party, "PartyReference")), full_names(party)


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
