"""Quality of catalogue linking on a labelled set: precision, recall and review share, in total and per category.

    .venv/bin/python bench/linking/quality.py [--data tests/data/linking] [--show-wrong] [--show CATEGORY]
    .venv/bin/python bench/linking/quality.py --data tests/data/linking_platform

Targets: the catalogue set (issue 4) precision >= 0.995 and recall >= 0.95 of auto-links; the platform set (issue
12) precision >= 0.998, recall >= 0.95, and every category that has expected recordings >= 0.85 recall (covers and
unregistered titles have none). tests/linking/test_quality.py asserts the same targets on the same data.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from songclear.linking.evaluate import evaluate, load_labelled, report
from songclear.linking.linker import link_tracks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("tests/data/linking"))
    parser.add_argument(
        "--show-wrong", action="store_true", help="print the explanation of each wrong auto-link"
    )
    parser.add_argument("--show", metavar="CATEGORY", help="print every proposal of this category")
    args = parser.parse_args()
    data = load_labelled(args.data)
    start = time.perf_counter()
    proposals = list(link_tracks(data.tracks, data.recordings, data.works, data.aliases()))
    elapsed = time.perf_counter() - start
    q = evaluate(proposals, data.labels)
    print(
        f"{args.data}: labelled tracks {q.tracks}, recordings {len(data.recordings)}, linked in {elapsed:.2f} s"
    )
    for line in report(q):
        print(line)
    if args.show_wrong:
        for p, label in q.wrong:
            print(f"\nWRONG {label}\n{p.explanation}")
    if args.show:
        titles = {t.key: (t.title, t.artist) for t in data.tracks}
        for p in proposals:
            label = data.labels[p.track_key]
            if label.category == args.show:
                print(f"\n{p.outcome} {p.isrc} {titles[p.track_key]} expected {label.isrc}\n{p.explanation}")


if __name__ == "__main__":
    main()
