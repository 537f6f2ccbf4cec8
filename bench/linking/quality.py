"""Quality of catalogue linking on the labelled set: precision and recall of auto-links, share sent to review.

    .venv/bin/python bench/linking/quality.py [--data tests/data/linking] [--show-wrong]

Targets (issue 4): precision >= 0.995 and recall >= 0.95 of auto-links, the rest in review rather than wrong.
tests/linking/test_quality.py asserts the same targets on the same data.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from songclear.linking.evaluate import evaluate, load_labelled
from songclear.linking.linker import link_tracks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("tests/data/linking"))
    parser.add_argument(
        "--show-wrong", action="store_true", help="print the explanation of each wrong auto-link"
    )
    args = parser.parse_args()
    data = load_labelled(args.data)
    start = time.perf_counter()
    proposals = list(link_tracks(data.tracks, data.recordings, data.works, data.aliases()))
    elapsed = time.perf_counter() - start
    q = evaluate(proposals, data.labels)
    print(f"labelled tracks {q.tracks}, recordings {len(data.recordings)}, linked in {elapsed:.2f} s")
    print(f"auto-links {q.auto}: precision {q.precision:.4f} (target >= 0.995), wrong {len(q.wrong)}")
    print(
        f"recall of auto-links {q.recall:.4f} (target >= 0.95) over {q.expected_recordings} tracks with a recording"
    )
    print(f"sent to review {q.review} = {q.review_share:.1%} of tracks")
    print(f"{'category':<20}{'tracks':>7}{'auto ok':>9}{'wrong':>7}{'review':>8}{'none':>6}")
    for cat, c in sorted(q.by_category.items()):
        print(
            f"{cat:<20}{c['tracks']:>7}{c['auto_correct']:>9}{c['auto_wrong']:>7}{c['review']:>8}{c['none']:>6}"
        )
    if args.show_wrong:
        for p, label in q.wrong:
            print(f"\nWRONG {label}\n{p.explanation}")


if __name__ == "__main__":
    main()
