"""Quality on the labelled sets (their READMEs say how each was made): the issues' targets, asserted on fixed data.

- tests/data/linking: the catalogue set (issue 4): precision >= 0.995, recall >= 0.95 of auto-links.
- tests/data/linking_platform: platform metadata (issue 12): precision >= 0.998, recall >= 0.95, and no category
  with expected recordings below 0.85 recall.

The same figures, per category, are printed by bench/linking/quality.py (and by this test on failure).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from songclear.linking.evaluate import Quality, evaluate, load_labelled, report
from songclear.linking.linker import link_tracks

DATA = Path(__file__).resolve().parents[1] / "data"


def _quality(folder: str) -> Quality:
    data = load_labelled(DATA / folder)
    return evaluate(link_tracks(data.tracks, data.recordings, data.works, data.aliases()), data.labels)


@pytest.fixture(scope="module")
def quality() -> Quality:
    return _quality("linking")


@pytest.fixture(scope="module")
def platform() -> Quality:
    return _quality("linking_platform")


def _wrong(q: Quality) -> str:
    return "\n".join(report(q)) + "\n\n" + "\n\n".join(f"{label}\n{p.explanation}" for p, label in q.wrong)


def test_the_labelled_set_is_large_enough_and_covers_every_kind(quality: Quality) -> None:
    assert quality.expected_recordings >= 500
    kinds = {"exact", "traditional", "pinyin_title", "english_alias", "fullwidth", "typo", "version_tag",
             "multi_artist", "neg_other_artist", "neg_live_vs_studio", "neg_cover", "neg_instrumental",
             "neg_similar_title"}  # fmt: skip
    assert kinds <= set(quality.by_category)


def test_precision_of_auto_links(quality: Quality) -> None:
    assert quality.precision >= 0.995, _wrong(quality)


def test_recall_of_auto_links(quality: Quality) -> None:
    assert quality.recall >= 0.95, "\n".join(report(quality))


def test_hard_negatives_are_never_auto_linked_to_a_recording(quality: Quality) -> None:
    for kind in (
        "neg_other_artist",
        "neg_live_vs_studio",
        "neg_instrumental",
        "neg_similar_title",
        "neg_cover",
    ):
        assert quality.by_category[kind]["auto_wrong"] == 0, kind


# -- the platform set (issue 12) --------------------------------------------------------------------------------

PLATFORM_KINDS = {
    "plain", "script_variant", "pinyin_artist", "pinyin_title", "mixed_artist", "alias", "artist_in_title",
    "file_extension", "track_number", "bracket_annotation", "bare_version_suffix", "original_singer", "short_typo",
    "homophone_change", "artist_typo", "multi_artist", "non_homophone_change", "unknown_artist", "other_artist",
    "cover", "unregistered_version", "unregistered",
}  # fmt: skip


def test_the_platform_set_is_large_enough_and_covers_every_kind(platform: Quality) -> None:
    assert platform.tracks >= 500 and platform.expected_recordings >= 500
    assert set(platform.by_category) == PLATFORM_KINDS
    assert all(c.counts["tracks"] >= 25 for c in platform.categories())


def test_platform_precision_and_recall(platform: Quality) -> None:
    assert platform.precision >= 0.998, _wrong(platform)
    assert platform.recall >= 0.95, "\n".join(report(platform))


def test_no_platform_category_below_the_recall_floor(platform: Quality) -> None:
    low = {c.name: c.recall for c in platform.categories() if c.recall is not None and c.recall < 0.85}
    assert not low, "\n".join(report(platform))


def test_platform_near_misses_are_never_auto_linked_to_a_recording(platform: Quality) -> None:
    for kind in ("non_homophone_change", "unknown_artist", "other_artist", "cover", "unregistered_version"):
        assert platform.by_category[kind]["auto_wrong"] == 0, kind
    # An unknown artist asks a person (issue 12: review, not veto); a one-character change that is no
    # homophone never links by itself.
    assert platform.category("unknown_artist").review_share >= 0.9
    assert platform.category("non_homophone_change").counts["auto_correct"] == 0


def test_the_report_prints_precision_recall_and_review_share_per_category(platform: Quality) -> None:
    lines = report(platform)
    assert "precision" in lines[3] and "recall" in lines[3] and "review%" in lines[3]
    assert {line.split()[0] for line in lines[4:]} == PLATFORM_KINDS
