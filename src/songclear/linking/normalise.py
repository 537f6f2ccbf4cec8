"""Normalisers for catalogue linking: text folding, script and pinyin keys, artist fields, version tags.

Keys, not display: every function here returns a form used to compare or index, never to show. The rules come from
measured pitfalls (docs/linking.md): NFKC folds full-width forms; traditional -> simplified (OpenCC t2s) is a safe
canonical key while simplified -> traditional is one-to-many and never used; pinyin collides on homophones, so it
only finds candidates; fuzzy scores ignore version tags, so versions are parsed out into a structured field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin

from songclear.domain.catalogue import Version

_T2S = opencc.OpenCC("t2s")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _is_punct_or_symbol(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


_PUNCT_TABLE = {cp: " " for cp in range(0x10000) if _is_punct_or_symbol(chr(cp))}


def fold_text(s: str) -> str:
    """NFKC (full-width -> half-width), case-folded, punctuation and symbols as spaces, whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", s).casefold().translate(_PUNCT_TABLE)).strip()


def has_cjk(s: str) -> bool:
    return _CJK.search(s) is not None


@lru_cache(maxsize=1 << 16)
def simplified_key(s: str) -> str:
    """fold_text, then traditional -> simplified: 後來 and 后来 give one key. Spaces kept (word boundaries)."""
    folded = fold_text(s)
    return _T2S.convert(folded) if has_cjk(folded) else folded


def compact(key: str) -> str:
    """A key without spaces: 'gao bai qi qiu' and 'gaobai qiqiu' compare equal, so do '告白 气球' and '告白气球'."""
    return key.replace(" ", "")


@lru_cache(maxsize=1 << 16)
def pinyin_key(s: str) -> str:
    """Toneless pinyin of the simplified key, without spaces (Latin kept as folded). Candidate finding only:
    homophones collide (告白气球 / 告白汽球), so equal pinyin never decides a match."""
    key = simplified_key(s)
    if not has_cjk(key):
        return compact(key)
    return compact("".join(lazy_pinyin(key)))


# -- artists --------------------------------------------------------------------------------------------------

# Separators always safe to split on. 'x' and '×' only as a word between spaces (not 'X Japan', 'Malcolm X').
_ARTIST_SEPARATORS = re.compile(
    r"\s*(?:[、/&,;，；＆／]|\s(?:feat\.?|ft\.?|featuring|with|vs\.?|x|×|和|与|與)\s|\((?:feat\.?|ft\.?)\s)\s*",
    re.IGNORECASE,
)
# 和/与 without spaces ('周杰伦和费玉清') split only when both sides are at least two characters: '陈和平' and
# '和田光司' are names, not pairs.
_BARE_AND = re.compile(r"^(.{2,}?)[和与與](.{2,})$")


def split_artists(field: str, keep: Container[str] = frozenset()) -> tuple[str, ...]:
    """Split a multi-artist field into names, in order, without duplicates.

    ``keep`` holds folded names that are never split (known artists such as 'Simon & Garfunkel', 'AC/DC'):
    the alias table passes its own names.
    """
    text = unicodedata.normalize("NFKC", field).strip()
    if not text:
        return ()
    if fold_text(text) in keep:
        return (text,)
    text = re.sub(r"\)\s*$", "", text) if re.search(r"\((?:feat\.?|ft\.?)\s", text, re.I) else text
    out: list[str] = []
    for part in _ARTIST_SEPARATORS.split(text):
        part = part.strip(" ()")
        if not part:
            continue
        if fold_text(part) not in keep and (m := _BARE_AND.match(part)) and has_cjk(part):
            pieces = [m.group(1), m.group(2)]
        else:
            pieces = [part]
        for piece in pieces:
            if piece and piece not in out:
                out.append(piece)
    # A known name with a separator inside, met within a longer field: 'X、Simon & Garfunkel'.
    i = 0
    while i < len(out) - 1:
        if fold_text(f"{out[i]} {out[i + 1]}") in keep:
            out[i : i + 2] = [f"{out[i]} & {out[i + 1]}"]
        i += 1
    return tuple(out)


# -- titles and versions -------------------------------------------------------------------------------------

# Tag -> patterns, matched on the folded (NFKC, lower-case) text of one annotation: a bracketed part, a ' - '
# suffix, or a bare trailing Chinese marker. '(Live)' and '（Live版）' both fold to a 'live' annotation.
_TAG_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (tag, re.compile(p, re.IGNORECASE))
    for tag, p in (
        ("cut", r"片段|铃声|鈴聲|彩铃|彩鈴|ringtone|\bcut\b|试听版|試聽版|snippet"),
        ("instrumental", r"instrumental|\binst\b|伴奏|karaoke|卡拉ok|ktv|纯音乐|純音樂|off vocal|消音版"),
        ("remix", r"remix|\bdj\b|dj版|串烧|串燒|\bmix\b|慢摇|慢搖|edm版|混音"),
        ("live", r"\blive\b|live版|现场|現場|演唱会|演唱會|\bconcert\b"),
        ("acoustic", r"acoustic|不插电|不插電|unplugged"),
        ("demo", r"\bdemo\b|小样|小樣"),
        ("cover", r"\bcover\b|翻唱|翻自"),  # not 原唱: on platforms it marks the original singer's version
        ("radio_edit", r"radio edit|radio version|radio mix|电台版|電台版"),
        ("tv_edit", r"电视剧|電視劇|电影|電影|网剧|網劇|动画|動畫|插曲|主题曲|主題曲|片尾曲|片头曲|片頭曲|"
                    r"\btv size\b|\btv version\b|\btv edit\b|film version|影视版"),
        ("remaster", r"remaster|重制|重製|修复版|修復版"),
    )
)  # fmt: skip
# Precedence when several tags are present: the first found here names the Version.
_VERSION_OF_TAG: tuple[tuple[str, Version], ...] = (
    ("cut", Version.CUT),
    ("instrumental", Version.INSTRUMENTAL),
    ("remix", Version.REMIX),
    ("live", Version.LIVE),
    ("acoustic", Version.ACOUSTIC),
    ("demo", Version.DEMO),
    ("cover", Version.COVER),
    ("radio_edit", Version.RADIO_EDIT),
    # The domain has no TV/film edit: the closest is a broadcast edit. The 'tv_edit' tag is kept beside it.
    ("tv_edit", Version.RADIO_EDIT),
    ("remaster", Version.REMASTER),
)
# Annotations that say nothing about which recording it is: quality and format, source and release labels, the
# original singer's version (原唱), a year. Matched word by word on the simplified, folded annotation, so '高品质
# 320k', '無損 FLAC' and '官方正式版' are benign; any other word keeps the annotation (docs/linking.md).
_BENIGN_WORD = re.compile(
    r"^(?:(?:超|高|标准|极|超高)?(?:品质|音质)|无损(?:音质|音乐)?|高清|超清|标清|hq|sq|hr|hi|res|hires|flac|ape|wav|"
    r"mp3|aac|m4a|dsd|alac|\d{2,4}k(?:bps)?|\d{2,3}khz|\d{2}bit|bit|完整|正式|官方(?:正式)?|official|audio|原版|单曲|"
    r"首发|独家(?:首发)?|新歌|原唱|original|album|studio|录音室|version|explicit|clean|mono|stereo|"
    r"qq(?:音乐)?|音乐|网易云(?:音乐)?|酷狗(?:音乐)?|酷我(?:音乐)?|咪咕(?:音乐)?|\d{4})(?:版|版本)?$"
)  # fmt: skip
_SOURCE = re.compile(r"^(?:来源|来自|出自|source|from)\s*[:：]?\s*\S")  # '来源：网易云音乐'


def is_benign(annotation: str) -> bool:
    """Whether an annotation says nothing about which recording it is ('高品质', '无损 FLAC', '(官方版)')."""
    folded = unicodedata.normalize("NFKC", annotation).casefold().strip()
    if _SOURCE.match(folded):
        return True
    words = simplified_key(annotation).split()
    return bool(words) and all(_BENIGN_WORD.match(w) or all(map(_BENIGN_WORD.match, _runs(w))) for w in words)


_SCRIPT_RUN = re.compile(r"[a-z0-9]+|[^a-z0-9]+")


def _runs(word: str) -> list[str]:
    """'sq无损' -> ['sq', '无损']: a word that mixes Latin letters and Chinese, one run per script."""
    return _SCRIPT_RUN.findall(word)


_BRACKETED = re.compile(r"[(\[【〔{〖「『]([^()\[\]【】〔〕{}〖〗「」『』]*)[)\]】〕}〗」』]")
_WHOLE_TITLE = re.compile(r"^《([^《》]+)》$")  # '《晴天》': the title in title marks
_DASH_SUFFIX = re.compile(r"\s+[-–—~]\s+([^-–—~]+)$|(?<=\S)[-_]([^-–—~_\s][^-–—~_]*)$")
# '原唱: X' names the original singer: a cover when X is not the track's artist (the linker decides), the
# original itself when X is. '翻自 X', 'cover of X', 'cover: X' name whom a cover covers.
_ORIGINAL = re.compile(r"^(?:原唱|原唱者|演唱)\s*[:：]\s*(.+)$|^原唱\s+(.+)$", re.IGNORECASE)
_COVER_OF = re.compile(
    r"^(?:翻自|翻唱自|cover of|cover\s*[:：]|originally by)\s*[:：]?\s*(.+)$", re.IGNORECASE
)
_FEAT = re.compile(r"^(?:feat\.?|ft\.?|featuring|with)\s+(.+)$", re.IGNORECASE)
# Bare markers at the end of a title. Glued to a Chinese title or after a space: '告白气球伴奏', '告白气球 DJ版',
# '告白气球翻唱'. Only after a space, and only after a Chinese title: '告白气球 live', '告白气球 cover', '告白气球 现场'
# ('案发现场' and 'Long Live' are titles).
_BARE_SUFFIX = re.compile(
    r"(?:\s*|(?<=[\u3400-\u9fff]))(伴奏版?|纯音乐版?|純音樂版?|现场版|現場版|live版|dj版|串烧版?|串燒版?|铃声版?|鈴聲版?|"
    r"片段|翻唱版?|remix版?|原唱版)$",
    re.IGNORECASE,
)  # fmt: skip
_SPACED_SUFFIX = re.compile(
    r"(?<=[\u3400-\u9fff])\s+((?:live|cover|remix|dj|inst|instrumental|karaoke|acoustic|demo)"
    r"(?:\s+(?:version|ver\.?|edit|mix))?|现场|現場|原唱)$",
    re.IGNORECASE,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ParsedTitle:
    """A title split into its base (annotations removed), its Version, the version tags found, the
    annotations that were not understood (kept: '(英文版)' is another recording until a person says otherwise)
    and artists named with feat./ft. inside the title."""

    base: str
    version: Version = Version.STUDIO
    tags: frozenset[str] = frozenset()
    extras: tuple[str, ...] = ()
    featuring: tuple[str, ...] = ()
    original_artists: tuple[str, ...] = ()  # '(原唱: 周杰伦)', '(翻自 周杰伦)': the original singer


def tags_of(annotation: str) -> frozenset[str]:
    """The version tags one annotation carries ('Live版' -> {'live'}, 'DJ版' -> {'remix'})."""
    folded = unicodedata.normalize("NFKC", annotation).casefold()
    return frozenset(tag for tag, pattern in _TAG_PATTERNS if pattern.search(folded))


def version_of(tags: frozenset[str]) -> Version:
    for tag, version in _VERSION_OF_TAG:
        if tag in tags:
            return version
    return Version.STUDIO


@lru_cache(maxsize=1 << 16)
def parse_title(title: str) -> ParsedTitle:
    """'告白气球 (Live版)' -> ParsedTitle('告白气球', LIVE, {'live'}); '晴天 - Remastered 2011' -> REMASTER."""
    text = unicodedata.normalize("NFKC", title).strip()
    if whole := _WHOLE_TITLE.match(text):
        text = whole.group(1).strip()
    annotations: list[str] = []
    while True:  # bracketed parts, innermost first, anywhere in the title
        m = _BRACKETED.search(text)
        if m is None:
            break
        annotations.append(m.group(1).strip())
        text = (text[: m.start()] + " " + text[m.end() :]).strip()
    while (m := _DASH_SUFFIX.search(text)) and tags_of(note := m.group(1) or m.group(2)) | _benign_or_feat(
        note
    ):
        annotations.append(note.strip())  # '晴天 - Live', '晴天-Live', '晴天_伴奏'; never 'Song - Part 2'
        text = text[: m.start()].strip()
    while (m := _BARE_SUFFIX.search(text) or _SPACED_SUFFIX.search(text)) and m.start() > 0:
        annotations.append(m.group(1))
        text = text[: m.start()].strip()
    tags: set[str] = set()
    extras: list[str] = []
    featuring: list[str] = []
    originals: list[str] = []
    for note in annotations:
        if not note:
            continue
        if original := _ORIGINAL.match(note):
            originals.extend(split_artists(original.group(1) or original.group(2)))
            continue
        if cover_of := _COVER_OF.match(note):
            originals.extend(split_artists(cover_of.group(1)))
            tags.add("cover")
            continue
        if feat := _FEAT.match(note):
            featuring.extend(split_artists(feat.group(1)))
            continue
        found = tags_of(note)
        if found:
            tags |= found
        elif not is_benign(note):
            extras.append(fold_text(note))
    base = _SPACES.sub(" ", text).strip(" -–—~·") or _SPACES.sub(" ", title).strip()
    frozen = frozenset(tags)
    return ParsedTitle(
        base, version_of(frozen), frozen, tuple(sorted(extras)), tuple(featuring), tuple(originals)
    )


def _benign_or_feat(note: str) -> frozenset[str]:
    """A ' - ' suffix is an annotation only when it reads as one (else 'A - B' is part of the title)."""
    return frozenset({"_"}) if is_benign(note) or _FEAT.match(note.strip()) else frozenset()
