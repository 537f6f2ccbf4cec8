"""Blocking: which registered recordings a track is compared with at all.

Three inverted indexes over the recordings, built once: the compact simplified base title (catches script and
punctuation variants and every version of a title), the toneless pinyin of that title (catches pinyin-only titles;
built lazily, on the first track that needs it, because pypinyin is the slowest step), and each canonical artist key
(catches typos: the artist's own titles are compared fuzzily, with RapidFuzz's C batch scorer). A track whose title
block already holds a recording of its artist skips the fuzzy artist pass, which keeps 1 M x 1 M within minutes; a
Chinese title that found no recording of its artist also looks up its pinyin block (short homophone typos).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Indel

from songclear.domain.catalogue import Recording, Version
from songclear.linking.aliases import ArtistAliases
from songclear.linking.credits import credits
from songclear.linking.normalise import has_cjk, parse_title, pinyin_key
from songclear.linking.score import RecordingView, TrackView, title_key

# An artist block larger than this ('群星', 'Various Artists') is not scanned fuzzily: too broad to mean much.
MAX_ARTIST_BLOCK = 5_000


def recording_view(rec: Recording, aliases: ArtistAliases) -> RecordingView:
    parsed = parse_title(rec.title)
    found = credits(rec.artists, aliases, parsed.featuring)
    # The ledger's version field is authoritative; a 'studio' recording whose title says '(Live)' is live.
    version = rec.version if rec.version is not Version.STUDIO else parsed.version
    tags = parsed.tags | ({version.value} if version is not Version.STUDIO else frozenset())
    return RecordingView(
        isrc=rec.isrc,
        raw_title=rec.title,
        title_key=title_key(parsed),
        version=version,
        tags=tags,
        extras=parsed.extras,
        credits=found,
        artist_keys=frozenset(c.key for c in found),
        duration_s=rec.duration_s,
        work_id=rec.work_id,
    )


@dataclass(slots=True)
class CandidateIndex:
    views: list[RecordingView]
    by_isrc: dict[str, int]
    by_title: dict[str, list[int]]
    by_artist: dict[str, list[int]]
    _by_pinyin: dict[str, list[int]] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, recordings: Iterable[Recording], aliases: ArtistAliases) -> CandidateIndex:
        views: list[RecordingView] = []
        by_isrc: dict[str, int] = {}
        by_title: dict[str, list[int]] = {}
        by_artist: dict[str, list[int]] = {}
        for rec in recordings:
            i = len(views)
            view = recording_view(rec, aliases)
            views.append(view)
            by_isrc[view.isrc] = i
            by_title.setdefault(view.title_key, []).append(i)
            for key in view.artist_keys:
                by_artist.setdefault(key, []).append(i)
        return cls(views, by_isrc, by_title, by_artist)

    @property
    def by_pinyin(self) -> dict[str, list[int]]:
        if self._by_pinyin is None:
            index: dict[str, list[int]] = {}
            for i, view in enumerate(self.views):
                if has_cjk(view.title_key):
                    index.setdefault(pinyin_key(view.title_key), []).append(i)
            self._by_pinyin = index
        return self._by_pinyin

    def candidates(self, track: TrackView, *, fuzzy_min: float = 0.6, limit: int = 20) -> list[int]:
        """Indexes of the recordings worth scoring against ``track`` (no order promised)."""
        found: set[int] = set(self.by_title.get(track.title_key, ()))
        if not has_cjk(track.title_key) and track.title_key:
            # A Latin title may be pinyin of a Chinese one: 'Gao Bai Qi Qiu' -> 告白气球.
            found.update(self.by_pinyin.get(track.title_key, ()))
        if any(self.views[i].artist_keys & track.artist_keys for i in found):
            return list(found)
        n = len(track.title_key)
        # One character changed in a 2- or 3-character title is 0.5 or 0.67 similar: lower the cutoff to reach it.
        cutoff = min(fuzzy_min, (n - 1) / n - 1e-9) if n >= 2 else fuzzy_min
        for key in track.artist_keys:
            block = self.by_artist.get(key, ())
            if not block or len(block) > MAX_ARTIST_BLOCK:
                continue
            titles = [self.views[i].title_key for i in block]
            for _, _, pos in process.extract(
                track.title_key,
                titles,
                scorer=Indel.normalized_similarity,
                score_cutoff=cutoff,
                limit=limit,
            ):
                found.add(block[pos])
        if has_cjk(track.title_key) and not any(self.views[i].artist_keys & track.artist_keys for i in found):
            # Homophone typos the fuzzy pass cannot reach (晴天 / 情天: 0.5 similar), or by an artist the
            # ledger does not know: the recordings whose title sounds the same.
            found.update(self.by_pinyin.get(pinyin_key(track.title_key), ()))
        return list(found)
