"""Link library tracks to registered recordings (and works): auto-link, review, or no link.

Precedence when sources disagree: audio over metadata, metadata over a malformed ISRC; a valid registered ISRC that
disagrees with strong metadata goes to review with both sides. A rejected (track, recording) pair is never
proposed again. Versions must agree; a cover by another artist links to the Work, not to the original recording.
A track is read the ways platform noise allows (``noise.readings``: the artist written into the title, a file name);
the best reading's proposal is kept, and says how the track was read.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from songclear.domain.catalogue import LibraryTrack, Recording, Version, Work
from songclear.domain.identifiers import is_valid_iswc, normalise_isrc
from songclear.errors import InvalidIdentifier
from songclear.linking.aliases import ArtistAliases
from songclear.linking.candidates import CandidateIndex
from songclear.linking.credits import Credit, credits
from songclear.linking.noise import Reading, readings
from songclear.linking.normalise import parse_title
from songclear.linking.score import LinkScore, TrackView, score_pair, title_key

AUTO, REVIEW, NONE = "auto", "review", "none"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Why these values: docs/linking.md ('Thresholds')."""

    auto: float = 0.88  # weighted total needed to auto-link (and no veto, no blocker)
    review: float = 0.60  # below this the best candidate is not worth a person's time
    margin: float = 0.05  # the runner-up must trail the best by this much, or a person chooses
    fuzzy_title_auto: float = 0.75  # a track's ISRC whose recording's title is less similar is disputed
    duration_agree_s: float = 2.0  # a title or artist that agrees only by sound needs durations this close
    duration_far_s: float = 15.0


@dataclass(frozen=True, slots=True)
class LinkTrack:
    """The linker's view of a library track. ``LibraryTrack`` has no duration yet: pass it here."""

    key: str
    title: str
    artist: str = ""
    isrc: str | None = None
    duration_s: float | None = None

    @classmethod
    def from_library(cls, track: LibraryTrack, duration_s: float | None = None) -> LinkTrack:
        return cls(track.key, track.title, track.artist, track.isrc, duration_s)


@dataclass(frozen=True, slots=True)
class LinkProposal:
    track_key: str
    outcome: str  # 'auto' | 'review' | 'none'
    isrc: str | None  # the recording proposed (None: no recording, maybe a work)
    work_id: str | None  # the work: the recording's, or the original's for a cover
    source: str  # 'audio' | 'isrc' | 'metadata'
    score: LinkScore | None  # the proposed (or nearest) recording's field-by-field evidence
    explanation: str
    conflicts: tuple[str, ...] = ()  # disagreements between sources, each side shown
    flags: tuple[str, ...] = ()  # bad identifiers and other notes that do not change the outcome
    alternatives: tuple[tuple[str, float], ...] = ()  # other candidates (isrc, score), best first
    reasons: tuple[str, ...] = field(default=())  # why not auto (review, none): what a person must look at


_RANK = {AUTO: 2, REVIEW: 1, NONE: 0}


class Linker:
    """Built once over the ledger's recordings; ``link`` is then pure per track."""

    def __init__(
        self,
        recordings: Iterable[Recording],
        works: Mapping[str, Work],
        aliases: ArtistAliases,
        *,
        thresholds: Thresholds = Thresholds(),
    ) -> None:
        self.aliases = aliases
        self.works = works
        self.thresholds = thresholds
        self.index = CandidateIndex.build(recordings, aliases)
        self._credits: dict[tuple[str, tuple[str, ...]], tuple[Credit, ...]] = {}  # artist fields repeat

    def credits(self, field_: str | tuple[str, ...], extra: tuple[str, ...] = ()) -> tuple[Credit, ...]:
        key = (field_ if isinstance(field_, str) else ";".join(field_), extra)
        found = self._credits.get(key)
        if found is None:
            if len(self._credits) >= 1 << 17:
                self._credits.clear()
            found = self._credits[key] = credits(field_, self.aliases, extra)
        return found

    def track_view(self, track: LinkTrack | Reading) -> TrackView:
        parsed = parse_title(track.title)
        found = self.credits(track.artist, parsed.featuring)
        if parsed.original_artists:
            # '(原唱: X)' names the original singer: by X (or with no artist) it is X's own version, by anyone
            # else a cover of it.
            named = self.credits(parsed.original_artists)
            if not found:
                found = named
            elif not {c.key for c in named} & {c.key for c in found}:
                parsed = replace(parsed, version=Version.COVER, tags=parsed.tags | {"cover"})
        return TrackView(
            raw_title=track.title,
            parsed=parsed,
            title_key=title_key(parsed),
            raw_artist=track.artist,
            credits=found,
            artist_keys=frozenset(c.key for c in found),
            duration_s=getattr(track, "duration_s", None),
        )

    def _same_artist(self, artist: str) -> Callable[[str], bool]:
        mine = {c.key for c in self.credits(artist)}
        return lambda name: bool(mine & {c.key for c in self.credits(name)})

    def _score(self, view: TrackView, isrc: str) -> LinkScore:
        t = self.thresholds
        return score_pair(
            view,
            self.index.views[self.index.by_isrc[isrc]],
            self.aliases,
            agree_s=t.duration_agree_s,
            far_s=t.duration_far_s,
        )

    def _work_of(self, isrc: str) -> str | None:
        return self.index.views[self.index.by_isrc[isrc]].work_id

    def _work_flags(self, work_id: str | None) -> tuple[str, ...]:
        work = self.works.get(work_id) if work_id else None
        if work is not None and work.iswc and not is_valid_iswc(work.iswc):
            return (f"work {work.id} has a malformed ISWC {work.iswc!r}: not trusted",)
        return ()

    def link(
        self, track: LinkTrack, *, audio_isrc: str | None = None, rejected: Collection[str] = ()
    ) -> LinkProposal:
        """Propose a link for one track. ``rejected``: ids (ISRCs or work ids) a person refused for it."""
        flags: list[str] = []
        claimed = self._registered(track.isrc, "the track's ISRC", flags)
        heard = self._registered(audio_isrc, "audio match", flags) if audio_isrc else None
        if claimed in rejected:
            flags.append(f"ISRC {claimed} was rejected for this track by a reviewer")
            claimed = None
        if heard in rejected:
            flags.append(f"audio match {heard} was rejected for this track by a reviewer")
            heard = None
        view, meta = self._best_reading(track, rejected)
        if heard is not None:
            return self._with_audio(track.key, view, heard, claimed, meta, flags)
        if claimed is not None:
            return self._with_isrc(track.key, view, claimed, meta, flags)
        return replace(meta, flags=tuple(flags) + meta.flags)

    def _best_reading(self, track: LinkTrack, rejected: Collection[str]) -> tuple[TrackView, LinkProposal]:
        """The metadata proposal of the track's best reading: the platform's own fields unless another reading
        (the artist in the title, a file name) links better. Readings that auto-link to different recordings
        go to review."""
        view = self.track_view(track)
        meta = self._by_metadata(track.key, view, rejected)
        if meta.outcome == AUTO:
            return view, meta
        best = (view, meta)
        autos: set[str | None] = set()
        for reading in readings(track.title, track.artist, self._same_artist(track.artist))[1:]:
            v = self.track_view(replace(track, title=reading.title, artist=reading.artist))
            p = self._by_metadata(track.key, v, rejected)
            note = f"read as {reading.title!r} by {reading.artist!r}: {reading.note}"
            p = replace(p, flags=(note, *p.flags), explanation=f"{note}\n{p.explanation}")
            if p.outcome == AUTO:
                autos.add(p.isrc or p.work_id)
            key = (_RANK[p.outcome], p.score.total if p.score else 0.0)
            if key > (_RANK[best[1].outcome], best[1].score.total if best[1].score else 0.0):
                best = (v, p)
        view, meta = best
        if len(autos) > 1:
            why = f"readings of the title link to different recordings: {', '.join(sorted(map(str, autos)))}"
            meta = replace(meta, outcome=REVIEW, reasons=(why, *meta.reasons))
        return view, meta

    def _registered(self, isrc: str | None, what: str, flags: list[str]) -> str | None:
        if not isrc:
            return None
        try:
            norm = normalise_isrc(isrc)
        except InvalidIdentifier:
            flags.append(f"{what} {isrc!r} is malformed: not trusted, metadata decides")
            return None
        if norm not in self.index.by_isrc:
            flags.append(f"{what} {norm} is not a registered recording: metadata decides")
            return None
        return norm

    def _with_audio(
        self, key: str, view: TrackView, heard: str, claimed: str | None, meta: LinkProposal, flags: list[str]
    ) -> LinkProposal:
        conflicts = []
        if claimed is not None and claimed != heard:
            conflicts.append(f"audio says {heard}, the track's ISRC says {claimed}")
        if meta.isrc is not None and meta.isrc != heard:
            conflicts.append(f"audio says {heard}, metadata says {meta.isrc} ({meta.outcome})")
        score = self._score(view, heard)
        if score.vetoes:
            conflicts.append(f"audio says {heard}, but metadata disagrees: {'; '.join(score.vetoes)}")
        outcome = REVIEW if conflicts else AUTO
        work = self._work_of(heard)
        return LinkProposal(
            key, outcome, heard, work, "audio", score,
            f"audio match {heard}" + (" (sources disagree: a person decides)" if conflicts else ""),
            tuple(conflicts), tuple(flags) + self._work_flags(work), meta.alternatives, tuple(conflicts),
        )  # fmt: skip

    def _with_isrc(
        self, key: str, view: TrackView, claimed: str, meta: LinkProposal, flags: list[str]
    ) -> LinkProposal:
        score = self._score(view, claimed)
        conflicts = []
        if meta.outcome == AUTO and meta.isrc is not None and meta.isrc != claimed:
            conflicts.append(f"the track's ISRC says {claimed}, metadata strongly says {meta.isrc}")
        if score.vetoes or score.field("title").similarity < self.thresholds.fuzzy_title_auto:
            why = "; ".join(score.vetoes) or "the title differs"
            conflicts.append(
                f"the track's ISRC {claimed} names a recording its metadata disagrees with: {why}"
            )
        work = self._work_of(claimed)
        alternatives = meta.alternatives
        if meta.isrc and meta.isrc != claimed:
            alternatives = ((meta.isrc, meta.score.total if meta.score else 0.0), *alternatives)
        return LinkProposal(
            key, REVIEW if conflicts else AUTO, claimed, work, "isrc", score,
            f"registered ISRC {claimed}" + (" disputed by metadata" if conflicts else ", metadata agrees"),
            tuple(conflicts), tuple(flags) + self._work_flags(work), alternatives, tuple(conflicts),
        )  # fmt: skip

    def _gates(self, best: LinkScore) -> list[str]:
        """Why the best candidate may not be linked automatically even with no blocker: evidence by sound
        (a pinyin or homophone title, a pinyin artist) counts only with a strong other field and equal lengths."""
        title, artist = best.field("title").agreement, best.field("artist").agreement
        by_sound = [
            what for what, weak in (("title", title in _BY_SOUND), ("artist", artist == "phonetic")) if weak
        ]
        if len(by_sound) == 2:
            return ["title and artist agree only by sound"]
        if by_sound and best.field("duration").agreement != "agree":
            return [f"the {by_sound[0]} agrees only by sound and the durations do not confirm it"]
        return []

    def _by_metadata(self, key: str, view: TrackView, rejected: Collection[str]) -> LinkProposal:
        t = self.thresholds
        scores = [
            score_pair(
                view, self.index.views[i], self.aliases, agree_s=t.duration_agree_s, far_s=t.duration_far_s
            )
            for i in self.index.candidates(view)
        ]
        scores = [s for s in scores if s.isrc not in rejected]
        scores.sort(key=lambda s: (-s.total, s.isrc))
        viable = [s for s in scores if not s.vetoes]
        alternatives = tuple((s.isrc, s.total) for s in scores[:5])
        if viable:
            best = viable[0]
            work = self._work_of(best.isrc)
            reasons = list(best.blockers) + self._gates(best)
            rival = next((s for s in viable[1:] if _clean(s)), None)
            if rival is not None and rival.total > best.total - t.margin:
                reasons.append(f"{rival.isrc} scores {rival.total:.3f}, too close to tell apart")
            if best.total >= t.auto and not reasons:
                return LinkProposal(
                    key, AUTO, best.isrc, work, "metadata", best, best.explain(),
                    flags=self._work_flags(work), alternatives=alternatives[1:],
                )  # fmt: skip
            if best.total >= t.review:
                if best.total < t.auto:
                    reasons.append(f"score {best.total:.3f} is below {t.auto:.2f}")
                text = best.explain() + "".join(f"\n  {r}" for r in reasons if r not in best.blockers)
                return LinkProposal(
                    key, REVIEW, best.isrc, work, "metadata", best, text,
                    flags=self._work_flags(work), alternatives=alternatives, reasons=tuple(reasons),
                )  # fmt: skip
        return self._work_only(key, view, scores, rejected, alternatives)

    def _work_only(
        self,
        key: str,
        view: TrackView,
        scores: list[LinkScore],
        rejected: Collection[str],
        alternatives: tuple[tuple[str, float], ...],
    ) -> LinkProposal:
        """No recording fits. The same title in another version or by another artist may still be the Work."""
        same_title = [
            s for s in scores
            if s.field("title").agreement in ("exact", "script")
            and (w := self._work_of(s.isrc)) is not None and w not in rejected
        ]  # fmt: skip
        if view.parsed.version is Version.COVER:
            originals = [s for s in same_title if s.field("artist").agreement in ("disagree", "unknown")]
            if view.parsed.original_artists:  # '(原唱: X)' names the original: keep X's recordings
                named = frozenset(c.key for c in self.credits(view.parsed.original_artists))
                originals = [
                    s for s in originals if named & self.index.views[self.index.by_isrc[s.isrc]].artist_keys
                ]
            works = sorted({self._work_of(s.isrc) for s in originals} - {None})
            if works:
                first = originals[0]
                outcome = AUTO if len(works) == 1 else REVIEW
                text = (
                    f"a cover by another artist of work {works[0]} ({first.isrc}): linked to the work only"
                    if len(works) == 1
                    else f"a cover of one of several works titled alike: {', '.join(works)}; a person chooses"
                )
                return LinkProposal(
                    key, outcome, None, works[0], "metadata", first, f"{text}\n{first.explain()}",
                    flags=self._work_flags(works[0]), alternatives=alternatives,
                    reasons=() if outcome == AUTO else (text,),
                )  # fmt: skip
        for s in same_title:
            if (
                s.field("artist").agreement in ("agree", "partial", "phonetic")
                and s.field("version").agreement == "disagree"
            ):
                work = self._work_of(s.isrc)
                why = f"another version of work {work} by the same artist, not registered as a recording"
                return LinkProposal(
                    key, REVIEW, None, work, "metadata", s, f"{why}\n{s.explain()}",
                    flags=self._work_flags(work), alternatives=alternatives, reasons=(why, *s.vetoes),
                )  # fmt: skip
        nearest = scores[0] if scores else None
        if nearest is None:
            return LinkProposal(key, NONE, None, None, "metadata", None, "no candidate recording",
                                reasons=("no candidate recording",))  # fmt: skip
        why = [*nearest.vetoes] or [f"nearest candidate scores {nearest.total:.3f}, below the review floor"]
        text = f"no link; nearest:\n{nearest.explain()}"
        return LinkProposal(key, NONE, None, None, "metadata", nearest, text, alternatives=alternatives,
                            reasons=tuple(why))  # fmt: skip


_BY_SOUND = frozenset({"phonetic", "homophone", "variant"})


def _clean(s: LinkScore) -> bool:
    """A rival worth a margin check: nothing against it, and its version agrees outright."""
    return not s.blockers and s.field("version").agreement == "agree"


def link_tracks(
    tracks: Iterable[LinkTrack],
    recordings: Iterable[Recording],
    works: Mapping[str, Work],
    aliases: ArtistAliases,
    *,
    thresholds: Thresholds = Thresholds(),
    audio: Mapping[str, str] | None = None,
    rejected: Collection[tuple[str, str]] = frozenset(),
) -> Iterator[LinkProposal]:
    """One proposal per track, lazily. ``audio``: track key -> ISRC found by audio matching (wins over
    metadata). ``rejected``: (track key, ISRC or work id) pairs a reviewer refused; never proposed again."""
    linker = Linker(recordings, works, aliases, thresholds=thresholds)
    refused: dict[str, set[str]] = {}
    for track_key, ident in rejected:
        refused.setdefault(track_key, set()).add(ident)
    audio = audio or {}
    for track in tracks:
        yield linker.link(
            track, audio_isrc=audio.get(track.key), rejected=refused.get(track.key, frozenset())
        )
