"""Time a library import and measure its peak memory: a generated file of N library tracks imported into a fresh
database through ``app.imports.import_table`` (what ``songclear import table`` runs), one transaction.

    python bench/import_bench.py                       # 100 000 and 1 000 000 rows, CSV, SQLite
    python bench/import_bench.py --rows 1000000 --format json
    python bench/import_bench.py --url postgresql+psycopg://postgres@127.0.0.1:54329/bench  # an empty database

The files are generated once into bench/out/ (``library-<N>.csv`` or ``.json``) from bench/synthetic_ledger.py's
tracks (seed 2015, ten platforms), written by ``write_facts``. Each import runs in a fresh child process on a
fresh database (a SQLite file in bench/out/, or the given PostgreSQL database, whose ledger tables must be empty);
its peak RSS is the child's ``ru_maxrss`` and its CPU its user + system time (from ``wait4``). Memory should be
flat in N: the rows are streamed and written in batches inside one transaction.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RECORDED_AT = datetime(2016, 1, 1, tzinfo=UTC)


def ensure_file(rows: int, fmt: str) -> Path:
    """The generated library file of ``rows`` tracks (written once, renamed when complete)."""
    import dataclasses

    from synthetic_ledger import Shape, World

    from songclear.domain.catalogue import BEGINNING
    from songclear.ingest.tabular import write_facts

    OUT.mkdir(exist_ok=True)
    path = OUT / f"library-{rows}.{fmt}"
    if path.exists():
        return path
    partial = path.with_name(f"partial-{path.name}")
    started = time.perf_counter()
    tracks = (dataclasses.replace(t, recorded_at=BEGINNING) for t in World(Shape(tracks=rows)).tracks())
    write_facts(partial, "library", tracks)
    partial.rename(path)
    print(f"generated {path.relative_to(HERE.parent)} ({path.stat().st_size / 2**20:.0f} MiB) "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return path


def _import_child(path: Path, url: str) -> dict:
    """Runs in the child: open (and migrate) the database, import the file, return the figures."""
    from songclear.app.imports import import_table
    from songclear.store.database import Database

    with Database.open(url) as db:
        _platforms(db)  # the library names them: an import refuses an unknown platform (docs/import.md)
        started = time.perf_counter()
        outcome = import_table(db, path, kind="library", recorded_at=RECORDED_AT)
        wall = time.perf_counter() - started
    return {"rows": outcome.rows, "added": outcome.added, "import_s": wall}


def _platforms(db) -> None:
    """The synthetic world's platforms, recorded before the import (not timed)."""
    from synthetic_ledger import Shape, World

    from songclear.domain.catalogue import Party
    from songclear.domain.vocabulary import PartyKind
    from songclear.store.repository import LedgerRepository

    platforms = [
        Party(id=p, name=f"Platform {p}", kind=PartyKind.PLATFORM) for p in World(Shape(tracks=0)).platforms
    ]
    with db.session(write=True) as session:
        LedgerRepository(session).record(platforms, recorded_at=datetime(2015, 12, 1, tzinfo=UTC))


def _fresh_sqlite(rows: int, fmt: str) -> str:
    db = OUT / f"import-bench-{rows}-{fmt}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{db}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time a library import and its peak RSS (see the module doc).")
    ap.add_argument(
        "--rows", type=int, action="append", help="rows per file (repeatable; default 100k and 1M)"
    )
    ap.add_argument("--format", choices=("csv", "json"), default="csv")
    ap.add_argument("--url", help="an empty PostgreSQL database (default: a fresh SQLite file per run)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:  # inside the measured subprocess
        print(json.dumps(_import_child(args.child, args.url)))
        return 0

    from audit_bench import run_child

    for rows in args.rows or [100_000, 1_000_000]:
        path = ensure_file(rows, args.format)
        url = args.url or _fresh_sqlite(rows, args.format)
        out, usage = run_child([sys.executable, __file__, "--child", str(path), "--url", url])
        f = json.loads(out.strip().splitlines()[-1]) | usage
        backend = url.split(":", 1)[0]
        print(
            f"import {rows:>9,} rows {args.format} ({backend}): import {f['import_s']:6.1f} s, "
            f"process wall {f['process_wall_s']:6.1f} s, cpu {f['cpu_s']:6.1f} s, "
            f"peak RSS {f['peak_rss_mib']:6.0f} MiB, added {f['added']:,}, load avg {f['load']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
