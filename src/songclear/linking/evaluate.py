"""Quality of linking on a labelled set: precision and recall of auto-links, share sent to review.

A labelled set is a folder of CSV files: recordings, works, tracks (each labelled with the recording and work it
really is, or none, and a category), and optionally alias groups (aliases.csv) and an artist table (artists.csv).
Two are committed: tests/data/linking/ (bench/linking/make_labelled.py) and tests/data/linking_platform/
(bench/linking/make_platform_labelled.py: the platform noise of issue 12).

An auto-link is correct when it names the expected recording; for a track that is no registered recording but
whose work is known (a cover, an unregistered live version) an auto-link is correct only when it names no recording
and the expected work. Recall counts the tracks that have an expected recording.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from songclear.domain.catalogue import Artist, Recording, Version, Work
from songclear.linking.aliases import ArtistAliases
from songclear.linking.linker import AUTO, REVIEW, LinkProposal, LinkTrack


@dataclass(frozen=True, slots=True)
class Label:
    track_key: str
    isrc: str | None
    work_id: str | None
    category: str


@dataclass(frozen=True, slots=True)
class LabelledSet:
    recordings: tuple[Recording, ...]
    works: dict[str, Work]
    alias_groups: tuple[tuple[str, ...], ...]
    tracks: tuple[LinkTrack, ...]
    labels: dict[str, Label]
    artists: tuple[Artist, ...] = ()

    def aliases(self) -> ArtistAliases:
        return ArtistAliases.from_ledger(
            recordings=self.recordings, groups=self.alias_groups, artists=self.artists
        )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_labelled(folder: Path) -> LabelledSet:
    recordings = tuple(
        Recording(
            isrc=r["isrc"], title=r["title"], artists=tuple(r["artists"].split(";")),
            duration_s=float(r["duration_s"]) if r["duration_s"] else None, version=Version(r["version"]),
            work_id=r["work_id"] or None,
        )
        for r in _rows(folder / "recordings.csv")
    )  # fmt: skip
    works = {r["id"]: Work(id=r["id"], title=r["title"]) for r in _rows(folder / "works.csv")}
    aliases, artists = folder / "aliases.csv", folder / "artists.csv"
    groups = tuple(tuple(r["names"].split(";")) for r in _rows(aliases)) if aliases.exists() else ()
    table = tuple(
        Artist(id=r["id"], name=r["name"], aliases=tuple(a for a in r["aliases"].split(";") if a),
               party=r.get("party") or None)
        for r in (_rows(artists) if artists.exists() else [])
    )  # fmt: skip
    tracks, labels = [], {}
    for r in _rows(folder / "tracks.csv"):
        duration = float(r["duration_s"]) if r["duration_s"] else None
        tracks.append(LinkTrack(r["track_key"], r["title"], r["artist"], r["isrc"] or None, duration))
        labels[r["track_key"]] = Label(
            r["track_key"], r["expected_isrc"] or None, r["expected_work"] or None, r["category"]
        )
    return LabelledSet(recordings, works, groups, tuple(tracks), labels, table)


@dataclass(slots=True)
class Quality:
    tracks: int = 0
    auto: int = 0
    auto_correct: int = 0
    review: int = 0
    expected_recordings: int = 0
    recordings_auto_linked: int = 0
    wrong: list[tuple[LinkProposal, Label]] = field(default_factory=list)
    by_category: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.auto_correct / self.auto if self.auto else 1.0

    @property
    def recall(self) -> float:
        return self.recordings_auto_linked / self.expected_recordings if self.expected_recordings else 1.0

    @property
    def review_share(self) -> float:
        return self.review / self.tracks if self.tracks else 0.0

    def category(self, name: str) -> CategoryQuality:
        return CategoryQuality(name, self.by_category[name])

    def categories(self) -> list[CategoryQuality]:
        return [self.category(name) for name in sorted(self.by_category)]


@dataclass(frozen=True, slots=True)
class CategoryQuality:
    """One category's figures. Recall counts its tracks that have an expected recording (None: it has none, as
    hard negatives, covers and unregistered titles); precision counts its auto-links (None: it made none)."""

    name: str
    counts: Counter[str]

    @property
    def precision(self) -> float | None:
        auto = self.counts["auto_correct"] + self.counts["auto_wrong"]
        return self.counts["auto_correct"] / auto if auto else None

    @property
    def recall(self) -> float | None:
        expected = self.counts["expected"]
        return self.counts["recordings_auto_linked"] / expected if expected else None

    @property
    def review_share(self) -> float:
        return self.counts["review"] / self.counts["tracks"] if self.counts["tracks"] else 0.0


def _figure(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def report(q: Quality, *, targets: str = "") -> list[str]:
    """The quality report as lines: totals, then precision, recall and review share per category."""
    lines = [
        f"auto-links {q.auto}: precision {q.precision:.4f}, wrong {len(q.wrong)}"
        + (f" ({targets})" if targets else ""),
        f"recall of auto-links {q.recall:.4f} over {q.expected_recordings} tracks with a recording",
        f"sent to review {q.review} = {q.review_share:.1%} of {q.tracks} tracks",
        f"{'category':<24}{'tracks':>7}{'expect':>7}{'auto ok':>8}{'wrong':>6}{'review':>7}{'none':>5}"
        f"{'precision':>10}{'recall':>8}{'review%':>8}",
    ]
    for c in q.categories():
        n = c.counts
        lines.append(
            f"{c.name:<24}{n['tracks']:>7}{n['expected']:>7}{n['auto_correct']:>8}{n['auto_wrong']:>6}"
            f"{n['review']:>7}{n['none']:>5}{_figure(c.precision):>10}{_figure(c.recall):>8}{c.review_share:>8.1%}"
        )
    return lines


def is_correct(p: LinkProposal, label: Label) -> bool:
    if label.isrc is not None:
        return p.isrc == label.isrc
    return p.isrc is None and label.work_id is not None and p.work_id == label.work_id


def evaluate(proposals: Iterable[LinkProposal], labels: dict[str, Label]) -> Quality:
    q = Quality()
    for p in proposals:
        label = labels[p.track_key]
        q.tracks += 1
        q.expected_recordings += label.isrc is not None
        counts = q.by_category.setdefault(label.category, Counter())
        counts["tracks"] += 1
        counts["expected"] += label.isrc is not None
        if p.outcome == AUTO:
            q.auto += 1
            if is_correct(p, label):
                q.auto_correct += 1
                q.recordings_auto_linked += label.isrc is not None
                counts["recordings_auto_linked"] += label.isrc is not None
                counts["auto_correct"] += 1
            else:
                q.wrong.append((p, label))
                counts["auto_wrong"] += 1
        elif p.outcome == REVIEW:
            q.review += 1
            counts["review"] += 1
        else:
            counts["none"] += 1
    return q
