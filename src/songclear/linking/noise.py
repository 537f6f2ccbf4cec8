"""Platform noise around a title: file names, track numbers, and the artist written into the title.

Uploads carry what a file name carried: '03. 周杰伦 - 晴天.mp3', '晴天 - 周杰伦 (正式版)', '周杰伦-晴天' with an
empty artist field. ``readings`` turns one (title, artist) into the few ways it can be read, the platform's own
first; the linker scores each and keeps the best (docs/linking.md, 'Platform noise'). Version and quality
annotations are not handled here but by ``normalise.parse_title``, on each reading's title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from songclear.linking.normalise import fold_text, has_cjk, parse_title

_EXTENSION = re.compile(
    r"\.(?:mp3|flac|wav|m4a|ape|aac|ogg|oga|opus|wma|dsf|dff|alac|aiff?|mp4|m4v|mkv|avi|flv|mov|wmv|webm)$",
    re.I,
)
_SEP = r"[.\-_:、)\]】]"  # after NFKC: '．' is '.', '）' is ')'
_TRACK_NUMBER = re.compile(
    rf"^\s*(?:(?:track|tr\.?)\s*\d{{1,3}}\s*{_SEP}?|第\s*\d{{1,3}}\s*[首曲]\s*{_SEP}?|0\d{{1,2}}\s*{_SEP}?"
    rf"|\d{{1,3}}\s*{_SEP}|[(\[【]\d{{1,3}}[)\]】])\s*",
    re.IGNORECASE,
)
# 'A - T', 'A – T', 'A—T', 'A | T', 'A_T'; a bare '-' only between two non-spaces ('周杰伦-晴天', 'Jay-Sunny' too).
_ARTIST_SEPARATOR = re.compile(r"\s+[-–—~|_]\s+|\s*[–—|]\s*|(?<=\S)[-_](?=\S)")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to read a track's title and artist, and how it was read ('' for the platform's own fields)."""

    title: str
    artist: str
    note: str = ""


def clean_title(title: str) -> str:
    """The title without a file extension and a leading track number: '03. 晴天.mp3' -> '晴天'. A number
    that is the whole title, or one not followed by a separator ('17岁', '2002年的第一场雪', '99 Red Balloons'),
    stays."""
    text = unicodedata.normalize("NFKC", title).strip()
    text = _EXTENSION.sub("", text).strip()
    m = _TRACK_NUMBER.match(text)
    if m and _LETTER.search(text[m.end() :]):
        text = text[m.end() :].strip()
    return text


def _sides(title: str) -> list[tuple[str, str]]:
    """(left, right) at each artist separator, at most three."""
    out = []
    for m in list(_ARTIST_SEPARATOR.finditer(title))[:3]:
        left, right = title[: m.start()].strip(), title[m.end() :].strip()
        if _LETTER.search(left) and _LETTER.search(right):
            out.append((left, right))
    return out


def _suffix_reading(title: str, artist: str) -> str | None:
    """'晴天 周杰伦' (the artist appended after a space, or prefixed): the title without it."""
    name = unicodedata.normalize("NFKC", artist).strip()
    if not name or len(fold_text(name)) < 2:
        return None
    for rest in (
        title[: -len(name)] if title.endswith(name) else None,
        title[len(name) :] if title.startswith(name) else None,
    ):
        if (
            rest is not None
            and rest.strip()
            and (rest != rest.strip() or has_cjk(name) != has_cjk(rest.strip()))
        ):
            return rest.strip()
    return None


def readings(title: str, artist: str, same_artist: Callable[[str], bool]) -> list[Reading]:
    """The readings of a track, the platform's fields first. ``same_artist(name)``: whether a name written in
    the title is the track's artist (the linker resolves it through the alias table)."""
    out = [Reading(title, artist)]
    cleaned = clean_title(title)
    if cleaned != unicodedata.normalize("NFKC", title).strip():
        out.append(Reading(cleaned, artist, "title read without its file extension or track number"))
    for left, right in _sides(cleaned):
        if not artist.strip():
            out.append(
                Reading(right, parse_title(left).base, f"artist read from the title: {left!r} - {right!r}")
            )
            out.append(
                Reading(left, parse_title(right).base, f"artist read from the title: {left!r} - {right!r}")
            )
        elif same_artist(parse_title(right).base):
            out.append(
                Reading(left + _trailing_notes(right), artist, "the artist's name after the title dropped")
            )
        elif same_artist(parse_title(left).base):
            out.append(Reading(right, artist, "the artist's name before the title dropped"))
    if artist.strip() and (rest := _suffix_reading(cleaned, artist)) is not None:
        out.append(Reading(rest, artist, "the artist's name beside the title dropped"))
    seen, unique = set(), []
    for r in out:
        if (r.title, r.artist) not in seen:
            seen.add((r.title, r.artist))
            unique.append(r)
    return unique


def _trailing_notes(side: str) -> str:
    """The annotations after an artist name ('周杰伦 (正式版)' -> ' (正式版)'): they belong to the track."""
    parsed = parse_title(side)
    notes = side[len(parsed.base) :] if side.startswith(parsed.base) else ""
    return f" {notes.strip()}" if notes.strip() else ""
