"""Sound and script of Chinese text: homophone and variant characters, and pinyin spellings of Chinese names.

Two uses, both measured pitfalls of platform metadata (docs/linking.md):
- a one-character change in a title is an input-method typo only when the two characters sound alike (想 / 香,
  toneless, any reading of a heteronym: 长 is chang and zhang) or are script variants (OpenCC t2s / s2t); any other
  change (晴天 / 阴天) may be another song;
- an artist written in Latin letters may be the pinyin of a Chinese name: in Chinese order ('Zhou Jielun'), given
  name first ('Jielun Zhou'), or by tone-less initials ('ZJL', 'Z.J.L.'), the latter a weaker agreement.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from pypinyin import Style, pinyin

from songclear.linking.normalise import compact, fold_text, has_cjk, simplified_key

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")

FULL, INITIALS = "full", "initials"  # how a Latin spelling matched a Chinese name


_LYU = re.compile(r"([ln])yu")


def _plain(syllable: str) -> str:
    """ü is written v by pypinyin and u, v or yu by people ('Lu', 'Lv', 'Lyu' for 吕): one form."""
    return syllable.replace("ü", "u").replace("v", "u")


@lru_cache(maxsize=1 << 15)
def readings(ch: str) -> frozenset[str]:
    """The toneless pinyin readings of one character (all of a heteronym's); empty for a non-Chinese character."""
    if not has_cjk(ch):
        return frozenset()
    return frozenset(_plain(r) for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=1 << 12)
def _variant_forms(ch: str) -> frozenset[str]:
    return frozenset({ch, _T2S.convert(ch), _S2T.convert(ch)})


def is_variant(a: str, b: str) -> bool:
    """Two characters that OpenCC converts into one another (裡 / 裏 / 里): the same character in another script."""
    return bool(_variant_forms(a) & _variant_forms(b))


def sound_alike(a: str, b: str) -> bool:
    """Two Chinese characters with a toneless reading in common (想 xiang / 香 xiang)."""
    return bool(readings(a) & readings(b))


def changed_characters(a: str, b: str) -> list[tuple[str, str]] | None:
    """The pairs of characters that differ at the same position, or None when the lengths differ."""
    if len(a) != len(b):
        return None
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def typo_kind(a: str, b: str, *, max_changes: int = 1) -> str | None:
    """'homophone' or 'variant' when ``a`` and ``b`` (compact keys) differ only in at most ``max_changes``
    Chinese characters, each a homophone or a variant of the other; None otherwise (another length, a Latin
    letter changed, or a character that neither sounds nor is written alike)."""
    pairs = changed_characters(a, b)
    if not pairs or len(pairs) > max_changes:
        return None
    kinds = set()
    for x, y in pairs:
        if not (has_cjk(x) and has_cjk(y)):
            return None
        if is_variant(x, y):
            kinds.add("variant")
        elif sound_alike(x, y):
            kinds.add("homophone")
        else:
            return None
    return "homophone" if "homophone" in kinds else "variant"


# -- names -------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def name_syllables(name: str) -> tuple[frozenset[str], ...]:
    """The readings of each Chinese character of a name (simplified first); () when it has fewer than two."""
    chars = [c for c in compact(simplified_key(name)) if has_cjk(c)]
    return tuple(readings(c) for c in chars) if len(chars) >= 2 else ()


def _match(text: str, syllables: tuple[frozenset[str], ...]) -> str | None:
    """Whether ``text`` spells ``syllables`` in order, each in full or by its first letter: FULL, INITIALS or
    None. Memoised search over (position, syllable); names are short."""
    best: dict[tuple[int, int], str | None] = {}

    def go(i: int, k: int) -> str | None:
        if k == len(syllables):
            return FULL if i == len(text) else None
        if (i, k) in best:
            return best[(i, k)]
        found = None
        for reading in syllables[k]:
            if text.startswith(reading, i) and (rest := go(i + len(reading), k + 1)) is not None:
                found = rest
                if rest == FULL:
                    break
        initial = i < len(text) and any(r[:1] == text[i] for r in syllables[k])
        if found != FULL and initial and go(i + 1, k + 1) is not None:
            found = INITIALS
        best[(i, k)] = found
        return found

    return go(0, 0)


@lru_cache(maxsize=1 << 16)
def pinyin_spelling(latin: str, chinese: str) -> str | None:
    """Whether the Latin ``latin`` spells the Chinese name ``chinese`` in pinyin: FULL ('Zhou Jielun',
    'zhoujielun', 'Jielun Zhou', 'Lyu'), INITIALS ('ZJL', 'Z.J.L.', 'Zhou JL'), or None. Order: Chinese (surname
    first), or given name first with a one- or two-character surname moved to the end."""
    if has_cjk(latin) or not has_cjk(chinese):
        return None
    text = _LYU.sub(r"\1u", _plain(compact(fold_text(latin))))
    syllables = name_syllables(chinese)
    if not text.isalpha() or not text.isascii() or not syllables:
        return None
    orders = [syllables, syllables[1:] + syllables[:1]]
    if len(syllables) >= 3:
        orders.append(syllables[2:] + syllables[:2])
    found = [m for order in orders if (m := _match(text, order)) is not None]
    if FULL in found:
        return FULL
    return INITIALS if found else None
