"""Quality on the labelled set (tests/data/linking, see its README): the issue's targets, asserted on fixed data.

The same figures are printed by bench/linking/quality.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from songclear.linking.evaluate import Quality, evaluate, load_labelled
from songclear.linking.linker import link_tracks

DATA = Path(__file__).resolve().parents[1] / "data" / "linking"


@pytest.fixture(scope="module")
def quality() -> Quality:
    data = load_labelled(DATA)
    return evaluate(link_tracks(data.tracks, data.recordings, data.works, data.aliases()), data.labels)


def test_the_labelled_set_is_large_enough_and_covers_every_kind(quality: Quality) -> None:
    assert quality.expected_recordings >= 500
    kinds = {"exact", "traditional", "pinyin_title", "english_alias", "fullwidth", "typo", "version_tag",
             "multi_artist", "neg_other_artist", "neg_live_vs_studio", "neg_cover", "neg_instrumental",
             "neg_similar_title"}  # fmt: skip
    assert kinds <= set(quality.by_category)


def test_precision_of_auto_links(quality: Quality) -> None:
    wrong = "\n\n".join(f"{label}\n{p.explanation}" for p, label in quality.wrong)
    assert quality.precision >= 0.995, wrong


def test_recall_of_auto_links(quality: Quality) -> None:
    assert quality.recall >= 0.95


def test_hard_negatives_are_never_auto_linked_to_a_recording(quality: Quality) -> None:
    for kind in (
        "neg_other_artist",
        "neg_live_vs_studio",
        "neg_instrumental",
        "neg_similar_title",
        "neg_cover",
    ):
        assert quality.by_category[kind]["auto_wrong"] == 0, kind
