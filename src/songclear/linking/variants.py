"""The spellings a searched text may be stored under: as typed, width-folded (NFKC), in simplified and in traditional
script. A search matches a stored title when any of them occurs in it, so '月光碼頭' finds '月光码头', 'ＱＱ' finds 'QQ'.

Simplified -> traditional is one-to-many (docs/linking.md): OpenCC's s2t gives the usual form only, which is what
platforms write; a rarer traditional form is still found when it is typed as stored. Case is left to the query
(a case-insensitive LIKE).
"""

from __future__ import annotations

import unicodedata
from functools import cache

import opencc

from songclear.linking.normalise import has_cjk


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def spellings(text: str) -> list[str]:
    """``text`` as typed, NFKC-folded, and (for Chinese) in simplified and traditional script; distinct, in that
    order, none empty."""
    typed = text.strip()
    folded = unicodedata.normalize("NFKC", typed)
    out = [typed, folded]
    if has_cjk(folded):
        out += [_converter("t2s").convert(folded), _converter("s2t").convert(folded)]
    return [s for s in dict.fromkeys(out) if s]
