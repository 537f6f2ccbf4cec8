"""Explainable comparison of one library track with one registered recording, field by field.

Each field gives an agreement level, a similarity in [0, 1] and a weight; the total is the weighted mean over the
fields known on both sides. Two more outputs keep the score honest where a number cannot: ``vetoes`` say the
pair is not the same recording at all (another version, an artist the ledger knows as someone else), ``blockers``
say a person must look before it is linked (a title changed beyond a homophone, an artist the ledger does not know,
an unknown annotation such as '英文版', durations far apart).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from songclear.domain.catalogue import Version
from songclear.linking.aliases import ArtistAliases
from songclear.linking.credits import Credit, compare_credits
from songclear.linking.normalise import ParsedTitle, compact, fold_text, has_cjk, pinyin_key, simplified_key
from songclear.linking.phonetic import FULL, pinyin_spelling, typo_kind

WEIGHTS = {"title": 0.45, "artist": 0.35, "duration": 0.15, "version": 0.05}
# Versions that may be the same master under another label: a person decides, metadata alone does not.
_SOFT = frozenset({Version.STUDIO, Version.RADIO_EDIT, Version.REMASTER})


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    name: str
    track_value: str
    recording_value: str
    agreement: str  # see docs/linking.md ('Score'): exact script variant homophone phonetic fuzzy | agree ...
    similarity: float
    weight: float

    def line(self) -> str:
        return (
            f"{self.name}: {self.agreement} ({self.similarity:.2f} x {self.weight:.2f}) "
            f"track {self.track_value!r} / recording {self.recording_value!r}"
        )


@dataclass(frozen=True, slots=True)
class LinkScore:
    isrc: str
    total: float
    fields: tuple[FieldEvidence, ...]
    vetoes: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()

    def field(self, name: str) -> FieldEvidence:
        return next(f for f in self.fields if f.name == name)

    def explain(self) -> str:
        lines = [f"{self.isrc}: score {self.total:.3f}"]
        lines += [f"  {f.line()}" for f in self.fields]
        lines += [f"  not this recording: {v}" for v in self.vetoes]
        lines += [f"  needs review: {b}" for b in self.blockers]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class TrackView:
    """What the scorer needs of a track, computed once per track."""

    raw_title: str
    parsed: ParsedTitle
    title_key: str  # compact simplified base title
    raw_artist: str
    credits: tuple[Credit, ...]
    artist_keys: frozenset[str]
    duration_s: float | None


@dataclass(frozen=True, slots=True)
class RecordingView:
    """What the scorer needs of a recording, computed once when the index is built."""

    isrc: str
    raw_title: str
    title_key: str
    version: Version
    tags: frozenset[str]
    extras: tuple[str, ...]
    credits: tuple[Credit, ...]
    artist_keys: frozenset[str]
    duration_s: float | None
    work_id: str | None


def title_key(parsed: ParsedTitle) -> str:
    return compact(simplified_key(parsed.base))


def compare_title(track: TrackView, rec: RecordingView) -> tuple[FieldEvidence, tuple[str, ...]]:
    """exact | script (t2s) | variant / homophone (one character written or sounding alike: a typo) | phonetic
    (Latin letters that are the title's pinyin) | fuzzy (anything else: a person decides)."""
    t, r = track.title_key, rec.title_key
    w = WEIGHTS["title"]

    def ev(agreement: str, sim: float) -> FieldEvidence:
        return FieldEvidence("title", track.raw_title, rec.raw_title, agreement, sim, w)

    if t == r:
        return ev("exact" if compact(fold_text(track.parsed.base)) == r else "script", 1.0), ()
    if has_cjk(t) != has_cjk(r):
        # One side in Chinese characters, the other in Latin letters: only pinyin can compare them.
        latin, chinese = (r, t) if has_cjk(t) else (t, r)
        spelt = all(map(has_cjk, chinese)) and pinyin_spelling(latin, chinese) == FULL  # heteronyms too
        if spelt or pinyin_key(latin) == pinyin_key(chinese):
            return ev("phonetic", 0.9), ()
        sim = Indel.normalized_similarity(pinyin_key(t), pinyin_key(r))
        return ev("phonetic", 0.9 * sim), ("title agrees only partly in pinyin",)
    kind = typo_kind(t, r, max_changes=1 if len(r) < 8 else 2) if has_cjk(r) else None
    if _numerals(t) != _numerals(r) and (kind is None or _numeral_changed(t, r)):
        # '第一天' / '第二天', 'Love Song 2': a different number is a sequel or another song, not a typo (秋千 /
        # 秋前 is a typo: 前 is no number).
        return ev("fuzzy", Indel.normalized_similarity(t, r)), ("titles differ in a number",)
    if kind:
        return ev(kind, 0.95), ()
    blocker = (
        "titles differ in characters that neither sound nor are written alike"
        if has_cjk(r)
        else "titles are spelt differently"
    )
    return ev("fuzzy", Indel.normalized_similarity(t, r)), (blocker,)


_NUMERALS = frozenset("0123456789零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾")


def _numerals(key: str) -> str:
    return "".join(c for c in key if c in _NUMERALS)


def _numeral_changed(a: str, b: str) -> bool:
    """Whether a character changed from one number to another (一 / 二), as opposed to a number mistyped as a
    word that sounds like it (千 / 前)."""
    return any(x != y and x in _NUMERALS and y in _NUMERALS for x, y in zip(a, b, strict=False))


def compare_artists(
    track: TrackView, rec: RecordingView, aliases: ArtistAliases
) -> tuple[FieldEvidence, tuple[str, ...], tuple[str, ...]]:
    """(evidence, vetoes, blockers): see ``credits.compare_credits``."""
    shown_t = " / ".join(c.shown for c in track.credits)
    shown_r = " / ".join(c.shown for c in rec.credits)
    cmp = compare_credits(track.credits, rec.credits, aliases)
    evidence = FieldEvidence("artist", shown_t, shown_r, cmp.agreement, cmp.similarity, WEIGHTS["artist"])
    return evidence, cmp.vetoes, cmp.blockers


def compare_version(
    track: TrackView, rec: RecordingView, *, same_length: bool = False
) -> tuple[FieldEvidence, tuple[str, ...], tuple[str, ...]]:
    """``same_length``: durations agree, so a TV/film annotation on one side only is a label, not an edit."""
    w = WEIGHTS["version"]
    tv, rv = track.parsed.version, rec.version
    t_tv, r_tv = "tv_edit" in track.parsed.tags, "tv_edit" in rec.tags
    shown_t = ", ".join(sorted(track.parsed.tags)) or "studio"
    shown_r = ", ".join(sorted(rec.tags)) or rec.version.value
    vetoes: tuple[str, ...] = ()
    blockers: list[str] = []
    if tv == rv:
        ev = FieldEvidence("version", shown_t, shown_r, "agree", 1.0, w)
    elif same_length and t_tv != r_tv and {tv, rv} == {Version.STUDIO, Version.RADIO_EDIT}:
        # '晴天 (电视剧《X》插曲)' of the same length as the studio 晴天 is that master, annotated with its use.
        ev = FieldEvidence("version", shown_t, shown_r, "equivalent", 0.8, w)
    elif tv in _SOFT and rv in _SOFT:
        ev = FieldEvidence("version", shown_t, shown_r, "soft", 0.5, w)
        blockers.append(f"version {tv.value} vs {rv.value}: may be the same master, a person decides")
    else:
        ev = FieldEvidence("version", shown_t, shown_r, "disagree", 0.0, w)
        vetoes = (f"another version: track {tv.value}, recording {rv.value}",)
    if t_tv != r_tv and tv == rv:
        blockers.append("TV/film edit marker on one side only")
    if track.parsed.extras != rec.extras:
        blockers.append(
            f"title annotations differ: track {list(track.parsed.extras)}, recording {list(rec.extras)}"
        )
    return ev, vetoes, tuple(blockers)


def compare_duration(
    track: TrackView, rec: RecordingView, *, agree_s: float, far_s: float
) -> tuple[FieldEvidence, tuple[str, ...]]:
    w = WEIGHTS["duration"]
    if track.duration_s is None or rec.duration_s is None:
        shown_t = "" if track.duration_s is None else f"{track.duration_s:.0f}s"
        shown_r = "" if rec.duration_s is None else f"{rec.duration_s:.0f}s"
        return FieldEvidence("duration", shown_t, shown_r, "unknown", 0.0, 0.0), ()
    d = abs(track.duration_s - rec.duration_s)
    shown_t, shown_r = f"{track.duration_s:.0f}s", f"{rec.duration_s:.0f}s"
    if d <= agree_s:
        return FieldEvidence("duration", shown_t, shown_r, "agree", 1.0, w), ()
    if d <= far_s:
        sim = 1.0 - (d - agree_s) / (far_s - agree_s)
        return FieldEvidence("duration", shown_t, shown_r, "partial", sim, w), ()
    return FieldEvidence("duration", shown_t, shown_r, "disagree", 0.0, w), (f"durations {d:.0f}s apart",)


def score_pair(
    track: TrackView, rec: RecordingView, aliases: ArtistAliases, *, agree_s: float = 2.0, far_s: float = 15.0
) -> LinkScore:
    title, title_blockers = compare_title(track, rec)
    artist, artist_vetoes, artist_blockers = compare_artists(track, rec, aliases)
    duration, duration_blockers = compare_duration(track, rec, agree_s=agree_s, far_s=far_s)
    version, version_vetoes, version_blockers = compare_version(
        track, rec, same_length=duration.agreement == "agree"
    )
    fields = (title, artist, version, duration)
    weight = sum(f.weight for f in fields)
    total = sum(f.similarity * f.weight for f in fields) / weight
    return LinkScore(
        isrc=rec.isrc,
        total=round(total, 4),
        fields=fields,
        vetoes=artist_vetoes + version_vetoes,
        blockers=title_blockers + artist_blockers + version_blockers + duration_blockers,
    )
