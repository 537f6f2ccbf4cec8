"""How long a rights holder's view takes: ``holder_catalogue`` for the largest label of a synthetic ledger
(bench/synthetic_ledger.py), the ledger already in memory as the server keeps it, and the same with the ledger load.

    .venv/bin/python bench/holder_bench.py --tracks 100000

Only the holder's tracks are read (indexed lookups by ISRC and by the track ids of its links and audio matches),
then each is decided once and its 'since' found by walking its grant breakpoints back: the cost grows with the
holder's tracks and their breakpoints, not with the libraries. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def ensure(tracks: int, seed: int) -> str:
    sys.path.insert(0, str(HERE))
    from synthetic_ledger import Shape, generate

    OUT.mkdir(exist_ok=True)
    path = OUT / f"holder-{tracks}-{seed}.db"
    if not path.exists():
        partial = path.with_suffix(".partial.db")
        partial.unlink(missing_ok=True)
        shape = Shape(
            tracks=tracks, recordings=max(tracks // 2, 1000), grants=max(tracks // 5, 400), seed=seed
        )
        started = time.perf_counter()
        generate(f"sqlite:///{partial}", shape, log=lambda *a: None)
        partial.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - started:.0f} s")
    return f"sqlite:///{path}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time the rights holder's view (see the module docstring).")
    ap.add_argument("--tracks", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--day", type=date.fromisoformat, default=date(2015, 11, 15))
    args = ap.parse_args(argv)

    from songclear.app.holder_view import holder_catalogue
    from songclear.store.database import Database
    from songclear.store.repository import LedgerRepository

    url = ensure(args.tracks, args.seed)
    with Database.open(url) as db:
        with db.session() as session:
            repo = LedgerRepository(session)
            started = time.perf_counter()
            ledger = repo.load_ledger()
            load_s = time.perf_counter() - started
        owners = Counter(r.owner for r in ledger.recordings.values() if r.owner)
        party, recordings = owners.most_common(1)[0]
        started = time.perf_counter()
        catalogue = holder_catalogue(db, party=party, day=args.day, ledger=ledger)
        view_s = time.perf_counter() - started
    tracks = sum(len(p.tracks) for p in catalogue.platforms)
    print(
        f"ledger: {len(ledger.recordings):,} recordings, {len(ledger.grants):,} grants; load {load_s:.1f} s"
    )
    print(
        f"holder {party}: {recordings:,} recordings, {tracks:,} tracks on {len(catalogue.platforms)} platforms"
    )
    print(
        f"holder_catalogue (ledger in memory): {view_s:.2f} s, {1000 * view_s / max(tracks, 1):.2f} ms per track"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
