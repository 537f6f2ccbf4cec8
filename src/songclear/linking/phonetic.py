"""Sound and script of Chinese text: homophone and variant characters, and pinyin spellings of Chinese names.

Two uses, both measured pitfalls of platform metadata (docs/linking.md):
- a one-character change in a title is an input-method typo only when the two characters sound alike (想 / 香,
  toneless, in context: 长 in 长大 is zhang) or are script variants (OpenCC t2s / s2t); any other change (晴天 /
  阴天) may be another song;
- an artist written in Latin letters may be the pinyin of a Chinese name: in Chinese order ('Zhou Jielun'), given
  name first ('Jielun Zhou'), or by tone-less initials ('ZJL', 'Z.J.L.'), the latter a weaker agreement.
"""

from __future__ import annotations

from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

from songclear.linking.normalise import compact, fold_text, has_cjk, simplified_key

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")

FULL, INITIALS = "full", "initials"  # how a Latin spelling matched a Chinese name


def _plain(syllable: str) -> str:
    """ü is written v by pypinyin and u or v by people ('Lu', 'Lv' for 吕): one form for comparing readings."""
    return syllable.replace("ü", "u").replace("v", "u")


def _spellings(syllable: str) -> frozenset[str]:
    """How people write one syllable in Latin letters: 'lv' (吕) as lu, lv or lyu."""
    if "v" not in syllable and "ü" not in syllable:
        return frozenset({syllable})
    v = syllable.replace("ü", "v")
    return frozenset({v, v.replace("v", "u"), v.replace("v", "yu")})


@lru_cache(maxsize=1 << 15)
def readings(ch: str) -> frozenset[str]:
    """Every toneless pinyin reading of one character (all of a heteronym's, rare ones too: 家 jia, jie, gu);
    for names, where a surname's reading is the rare one (单 shan, 曾 zeng). Empty for a non-Chinese character."""
    if not has_cjk(ch):
        return frozenset()
    return frozenset(_plain(r) for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=1 << 15)
def _usual(ch: str) -> str:
    return _plain(lazy_pinyin(ch)[0])


@lru_cache(maxsize=1 << 16)
def _in_context(text: str) -> tuple[str, ...] | None:
    """The reading of each character of an all-Chinese text, phrase-aware (长大 zhang da, 长城 chang cheng)."""
    if not text or not all(map(has_cjk, text)):
        return None
    out = lazy_pinyin(text)
    return tuple(map(_plain, out)) if len(out) == len(text) else None


@lru_cache(maxsize=1 << 12)
def _variant_forms(ch: str) -> frozenset[str]:
    return frozenset({ch, _T2S.convert(ch), _S2T.convert(ch)})


def is_variant(a: str, b: str) -> bool:
    """Two characters that OpenCC converts into one another (裡 / 裏 / 里): the same character in another script."""
    return bool(_variant_forms(a) & _variant_forms(b))


def changed_characters(a: str, b: str) -> list[int] | None:
    """The positions at which two texts of one length differ, or None when the lengths differ."""
    if len(a) != len(b):
        return None
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def typo_kind(a: str, b: str, *, max_changes: int = 1) -> str | None:
    """'homophone' or 'variant' when ``a`` and ``b`` (compact keys) differ only in at most ``max_changes``
    Chinese characters, each a variant of the other or read alike; None otherwise (another length, a Latin letter
    changed, a character that neither sounds nor is written alike).

    'Read alike' models an input method: the writer typed the intended character's pinyin and took a wrong
    candidate. The intended reading is the one in context (长 in 长大 is zhang) or the character's usual one, and
    the typed character must have it as its own reading in context or its usual one: 想 / 香 (xiang), 千 / 前
    (qian), not 故 / 家 although 家 has a rare reading gu."""
    positions = changed_characters(a, b)
    if not positions or len(positions) > max_changes:
        return None
    ctx_a, ctx_b = _in_context(a), _in_context(b)
    kinds = set()
    for i in positions:
        x, y = a[i], b[i]
        if not (has_cjk(x) and has_cjk(y)):
            return None
        if is_variant(x, y):
            kinds.add("variant")
            continue
        heard_a = {_usual(x)} | ({ctx_a[i]} if ctx_a else set())
        heard_b = {_usual(y)} | ({ctx_b[i]} if ctx_b else set())
        if not heard_a & heard_b:
            return None
        kinds.add("homophone")
    return "homophone" if "homophone" in kinds else "variant"


# -- names -------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def name_syllables(name: str) -> tuple[frozenset[str], ...]:
    """The Latin spellings of each Chinese character of a name (simplified first), every reading of a heteronym
    (单 dan, shan; 曾 ceng, zeng); () when it has fewer than two characters."""
    chars = [c for c in compact(simplified_key(name)) if has_cjk(c)]
    if len(chars) < 2:
        return ()
    return tuple(
        frozenset(sp for r in pinyin(c, style=Style.NORMAL, heteronym=True)[0] for sp in _spellings(r))
        for c in chars
    )


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
    text = compact(fold_text(latin)).replace("ü", "v")
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
