"""The cost of reading terms in ``decide()``: listed grants in a zone (contracts in Asia/Shanghai), and local grants
(DDEX deal dates, read in the days of the territory asked about; issue 11, item 1).

    python bench/term_bench.py [--recordings 50000] [--territory CN] [--local]

Builds an in-memory ledger of one listed grant per recording, then decides one track per recording for one query
(every decision runs the rules on its own grant: nothing is shared between recordings) and prints the best of
three runs. Run it with ``--local`` and without, and against another checkout (PYTHONPATH=that/src) to compare.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from songclear.app.audit import make_query
from songclear.domain.catalogue import LibraryTrack, Recording, TrackIdentity
from songclear.domain.clearance import decide
from songclear.domain.grants import Grant, Term
from songclear.domain.ledger import Ledger
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import Right


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recordings", type=int, default=50_000)
    ap.add_argument("--territory", default="CN")
    ap.add_argument("--local", action="store_true", help="terms in each territory's local days")
    args = ap.parse_args()
    tz = "local" if args.local else "Asia/Shanghai"
    n = args.recordings
    isrcs = [f"CNA01{i:07d}" for i in range(n)]
    recordings = [Recording(isrc=i, title="T", owner=f"L{k % 300}") for k, i in enumerate(isrcs)]
    grants = [
        Grant(
            id=f"G{k}", licensor=f"L{k % 300}", licensee="P", rights=frozenset({Right.MASTER}),
            term=Term(date(2014, 1, 1), date(2015, 8, 1 + k % 28), tz), territories=Territories.worldwide(),
            uses=frozenset({"Stream"}), recordings=frozenset({i}),
        )
        for k, i in enumerate(isrcs)
    ]  # fmt: skip
    ledger = Ledger.build(recordings=recordings, grants=grants)
    tracks = [
        (LibraryTrack(platform="P", track_id=str(k), title="T", isrc=i), TrackIdentity(i))
        for k, i in enumerate(isrcs)
    ]
    query = make_query(date(2015, 8, 15), territory=args.territory)
    best = None
    for _ in range(3):
        t0 = time.process_time()
        memo: dict = {}
        statuses = [decide(t, ident, ledger, query, memo=memo).status for t, ident in tracks]
        spent = time.process_time() - t0
        best = spent if best is None else min(best, spent)
    counts = {s.value: statuses.count(s) for s in set(statuses)}
    print(f"{n} decisions, terms {tz}, territory {args.territory}: best CPU {best:.2f} s "
          f"({best / n * 1e6:.1f} us/decision); statuses {counts}")  # fmt: skip


if __name__ == "__main__":
    main()
