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

from songclear.linking.normalise import parse_title

_EXTENSION = re.compile(
    r"\.(?:mp3|flac|wav|m4a|ape|aac|ogg|oga|opus|wma|dsf|dff|alac|aiff?|mp4|m4v|mkv|avi|flv|mov|wmv|webm)$",
    re.I,
)
_SEP = r"[.\-_:、)\]】]"  # after NFKC: '．' is '.', '）' is ')'
_TRACK_NUMBER = re.compile(
    rf"^\s*(?:(?:track|tr\.?|no\.?|#)\s*\d{{1,3}}\s*{_SEP}?|第\s*\d{{1,3}}\s*[首曲]\s*{_SEP}?|0\d{{1,2}}\s*{_SEP}?"
    rf"|\d{{1,3}}\s*{_SEP}|[(\[【]\d{{1,3}}[)\]】]|\d{{1,3}}\s+(?=[\u3400-\u9fff]))\s*",
    re.IGNORECASE,
)
# 'A - T', 'A – T', 'A—T', 'A——T', 'A | T', 'A_T', 'A：T'; a bare '-' only between two non-spaces ('周杰伦-晴天').
_ARTIST_SEPARATOR = re.compile(r"\s+[-–—~|_]\s+|\s*[–—|]+\s*|(?<=\S)[-_](?=\S)|\s*[:：]\s*")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to read a track's title and artist, and how it was read ('' for the platform's own fields)."""

    title: str
    artist: str
    note: str = ""


def clean_title(title: str) -> str:
    """The title without a file extension and a leading track number: '03. 晴天.mp3', '3 晴天' -> '晴天'. A
    number that is the whole title, or not followed by a separator or a space and a Chinese character ('17岁',
    '2002年的第一场雪', '99 Red Balloons'), stays. The linker reads the platform's title first anyway, so a
    number that belongs to a registered title ('17 岁') still links as written."""
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


_TITLE_MARKS = re.compile(r"《([^《》]+)》")
_SEPARATORS_ONLY = re.compile(r"(?:^|\s)[-–—~|_:：]+(?:\s|$)|^[-–—~|_:：]+|[-–—~|_:：]+$")
_BRACKET = re.compile(r"[(\[【〔〖「『]([^()\[\]【】〔〕〖〗「」『』]+)[)\]】〕〗」』]")


def _bracketed(title: str) -> list[re.Match[str]]:
    """Bracketed annotations that are neither a version nor a quality note (those are parse_title's)."""
    return [m for m in _BRACKET.finditer(title) if parse_title(f"x ({m.group(1)})").extras][:2]


_TRAILING_NOTES = re.compile(r"(?:\s*[(\[【〔{〖「『][^()\[\]【】〔〕{}〖〗「」『』]*[)\]】〕}〗」』])+\s*$")


def _without_name_beside(title: str, same_artist: Callable[[str], bool]) -> str | None:
    """'晴天 周杰倫', '周杰伦 晴天', '晴天 Jay Chou [320k]' (the artist written beside the title, after a space):
    the title without it, its trailing annotations kept."""
    notes = _TRAILING_NOTES.search(title)
    core, tail = (title[: notes.start()], title[notes.start() :]) if notes else (title, "")
    words = core.split()
    for n in (1, 2):
        if len(words) > n:
            if same_artist(" ".join(words[-n:])):
                return " ".join(words[:-n]) + tail
            if same_artist(" ".join(words[:n])):
                return " ".join(words[n:]) + tail
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
    if artist.strip() and (rest := _without_name_beside(cleaned, same_artist)) is not None:
        out.append(Reading(rest, artist, "the artist's name beside the title dropped"))
    unbracketed = _BRACKET.sub(" ", cleaned)  # not the 《》 of '晴天 (电视剧《步步惊心》插曲)'
    marked = _TITLE_MARKS.search(unbracketed)
    if marked and "tv_edit" not in parse_title(cleaned).tags:  # '周杰伦《晴天》(Live)', '《晴天》- 周杰伦'
        notes = "".join(
            f" {m.group(0)}" for m in _BRACKET.finditer(cleaned)
        )  # annotations stay with the title
        rest = _SEPARATORS_ONLY.sub(
            " ", unbracketed[: marked.start()] + " " + unbracketed[marked.end() :]
        ).strip()
        # What stands beside the marks is the artist, unless it is an annotation ('翻唱《晴天》': a cover).
        if rest and (artist.strip() or parse_title(f"x ({rest})").tags) and not same_artist(rest):
            notes, rest = f" ({rest}){notes}", ""
        out.append(
            Reading(marked.group(1) + notes, artist or rest, "the title read from its title marks 《》")
        )
    for note in _bracketed(
        cleaned
    ):  # '【周杰伦】晴天', '晴天（周杰伦）': an annotation that names the artist
        rest = cleaned.replace(note.group(0), " ").strip()
        if not artist.strip() and _LETTER.search(rest):
            out.append(
                Reading(rest, note.group(1).strip(), f"artist read from the annotation {note.group(0)!r}")
            )
        elif artist.strip() and same_artist(note.group(1).strip()):
            out.append(Reading(rest, artist, "the artist's name in an annotation dropped"))
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
