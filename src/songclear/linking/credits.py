"""Artist credits: a platform's artist field split into the artists it credits, each resolved to a group id, and
the comparison of a track's credits with a recording's.

Platforms mix scripts in one field: '周杰伦 Jay Chou', 'G.E.M. 邓紫棋', '林一(Lin Yi)'. A part of a field that the
ledger does not know whole is split into its script runs; runs that resolve to one artist are one credit with
several spellings, runs that resolve to different artists are several credits ('周杰伦 费玉清'). A credit the ledger
does not know is compared by sound with the recording's artists (pinyin either way, initials, a homophone typo);
if nothing matches it is *unknown*, which asks a person, unlike an artist the ledger knows as someone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from songclear.linking.aliases import ArtistAliases, name_key
from songclear.linking.normalise import has_cjk
from songclear.linking.phonetic import FULL, INITIALS, pinyin_spelling, typo_kind

_CJK_CLASS = r"\u3400-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK_CLASS}]+|[^\s{_CJK_CLASS}]+(?:\s+[^\s{_CJK_CLASS}]+)*")
_BRACKETS = re.compile(r"[()（）\[\]【】]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Credit:
    """One credited artist: its spellings as written, its group id (``known``) or else '?' + its name key."""

    spellings: tuple[str, ...]
    key: str
    known: bool

    @property
    def shown(self) -> str:
        return " ".join(self.spellings)


def _credit(spellings: tuple[str, ...], key: str | None) -> Credit:
    return (
        Credit(spellings, key, True)
        if key is not None
        else Credit(spellings, f"?{name_key(spellings[0])}", False)
    )


def _runs(part: str) -> list[str]:
    return [r.strip() for r in _RUNS.findall(_BRACKETS.sub(" ", part))]


def part_credits(part: str, aliases: ArtistAliases) -> list[Credit]:
    """The credits of one name of a split field (see module doc)."""
    key = aliases.key(part)
    if key is not None or not has_cjk(part):
        return [_credit((part,), key)]
    runs = _runs(part)
    mixed = any(_LATIN.search(r) for r in runs)
    if len(runs) < 2 or not (mixed or all(len(r) >= 2 for r in runs)):
        return [_credit((part,), None)]
    resolved = [(r, aliases.key(r)) for r in runs]
    known = list(dict.fromkeys(k for _, k in resolved if k is not None))
    if len(known) == 1:
        return [_credit(tuple(runs), known[0])]
    if not known:
        if not mixed:  # '林 一': one name written with a space
            return [_credit((part,), None)]
        chinese = "".join(r for r in runs if has_cjk(r))
        return [_credit((chinese, *(r for r in runs if not has_cjk(r))), None)]
    return [_credit((r,), k) for r, k in resolved]


def credits(
    fields: str | tuple[str, ...], aliases: ArtistAliases, extra: tuple[str, ...] = ()
) -> tuple[Credit, ...]:
    """The credits of an artist field, or of a recording's artist list (each item a field), plus ``extra``
    names ('feat.' in the title), without repeats."""
    out: dict[str, Credit] = {}
    names = [n for f in ((fields,) if isinstance(fields, str) else fields) for n in aliases.names(f)]
    for name in (*names, *(n for n in extra if n not in names)):
        for c in part_credits(name, aliases):
            out.setdefault(c.key, c)
    return tuple(out.values())


# -- comparison --------------------------------------------------------------------------------------------------

AGREE, SOUND, INITIALS_ONLY, APART, OTHER, UNKNOWN = "agree", "sound", "initials", "apart", "other", "unknown"
SEVERAL = "several"  # a pinyin name several artists of the table share


def _sound(
    credit: Credit, recording: tuple[Credit, ...], aliases: ArtistAliases, *, cross_script_only: bool = False
) -> str | None:
    """How a credit sounds like one of the recording's artists: 'sound' (full pinyin either way, or one
    homophone/variant character of a Chinese name), 'initials', or None."""
    best = None
    mine_all = (*credit.spellings, *aliases.spellings(credit.key)) if credit.known else credit.spellings
    for rc in recording:
        theirs = (*rc.spellings, *aliases.spellings(rc.key)) if rc.known else rc.spellings
        for mine in mine_all:
            for other in theirs:
                if has_cjk(mine) and has_cjk(other):
                    if cross_script_only:
                        continue
                    found = SOUND if typo_kind(name_key(mine), name_key(other)) else None
                else:
                    latin, chinese = (other, mine) if has_cjk(mine) else (mine, other)
                    spelt = pinyin_spelling(latin, chinese)
                    found = SOUND if spelt == FULL else INITIALS_ONLY if spelt == INITIALS else None
                if found == SOUND:
                    return SOUND
                best = best or found
    return best


@dataclass(frozen=True, slots=True)
class ArtistComparison:
    agreement: str  # agree | phonetic | initials | partial | unknown | disagree
    similarity: float
    vetoes: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()


def compare_credits(
    track: tuple[Credit, ...], recording: tuple[Credit, ...], aliases: ArtistAliases
) -> ArtistComparison:
    """The track may credit fewer artists than the recording, not others. Pinyin bridges scripts for names the
    ledger does not know; a name it knows as another artist is a different artist (veto)."""
    if not track or not recording:
        return ArtistComparison("unknown", 0.5, blockers=("no artist to compare",))
    theirs = {c.key for c in recording}
    levels: list[tuple[Credit, str]] = []
    for c in track:
        if c.key in theirs:
            levels.append((c, AGREE))
        elif c.known:  # pinyin of a name the ledger knows apart: a person decides (it never merges them)
            apart = _sound(c, recording, aliases, cross_script_only=True) == SOUND
            levels.append((c, APART if apart else OTHER))
        elif named := frozenset().union(*(aliases.pinyin_groups(s) for s in c.spellings if not has_cjk(s))):
            # A Latin name that is the pinyin of artists of the table: the recording's artist, or someone else.
            levels.append((c, (SOUND if len(named) == 1 else SEVERAL) if named & theirs else OTHER))
        else:
            levels.append((c, _sound(c, recording, aliases) or UNKNOWN))
    kinds = {level for _, level in levels}
    if kinds == {AGREE}:
        return ArtistComparison("agree", 1.0)
    if kinds <= {AGREE, SOUND}:
        return ArtistComparison("phonetic", 0.9)
    if kinds <= {AGREE, SOUND, INITIALS_ONLY}:
        return ArtistComparison(
            "initials", 0.75, blockers=("artist agrees only by pinyin initials: a person decides",)
        )
    if kinds <= {AGREE, SOUND, INITIALS_ONLY, SEVERAL}:
        return ArtistComparison(
            "initials",
            0.75,
            blockers=("the artist's pinyin names several artists of the table: a person decides",),
        )
    if kinds <= {AGREE, SOUND, INITIALS_ONLY, SEVERAL, APART}:
        return ArtistComparison(
            "phonetic", 0.7, blockers=("artist agrees only in pinyin with a name the ledger knows apart",)
        )
    unmatched = ", ".join(c.shown for c, level in levels if level in (OTHER, UNKNOWN))
    if kinds & {AGREE, SOUND, INITIALS_ONLY, SEVERAL, APART}:
        return ArtistComparison(
            "partial", 0.6, blockers=(f"track credits artists the recording does not: {unmatched}",)
        )
    if OTHER in kinds:
        return ArtistComparison("disagree", 0.0, vetoes=("a different artist",))
    return ArtistComparison(
        "unknown", 0.3, blockers=(f"artist {unmatched!r} is not known to the ledger: a person decides",)
    )
