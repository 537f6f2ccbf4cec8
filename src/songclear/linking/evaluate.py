"""Quality of linking on a labelled set: precision and recall of auto-links, share sent to review.

The labelled set (tests/data/linking/, made by bench/linking/make_labelled.py) is four CSV files: recordings,
works, alias groups and tracks, each track labelled with the recording (and work) it really is, or none.

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

from songclear.domain.catalogue import Recording, Version, Work
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

    def aliases(self) -> ArtistAliases:
        return ArtistAliases.from_ledger(recordings=self.recordings, groups=self.alias_groups)


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
    groups = tuple(tuple(r["names"].split(";")) for r in _rows(folder / "aliases.csv"))
    tracks, labels = [], {}
    for r in _rows(folder / "tracks.csv"):
        duration = float(r["duration_s"]) if r["duration_s"] else None
        tracks.append(LinkTrack(r["track_key"], r["title"], r["artist"], r["isrc"] or None, duration))
        labels[r["track_key"]] = Label(
            r["track_key"], r["expected_isrc"] or None, r["expected_work"] or None, r["category"]
        )
    return LabelledSet(recordings, works, groups, tuple(tracks), labels)


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
        if p.outcome == AUTO:
            q.auto += 1
            if is_correct(p, label):
                q.auto_correct += 1
                q.recordings_auto_linked += label.isrc is not None
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
