"""The DDEX import benchmark: generated ERN messages of 1 k, 10 k and 100 k releases, imported for real.

    .venv/bin/python bench/ingest/ddex_bench.py                     # 1000, 10000, 100000 releases
    .venv/bin/python bench/ingest/ddex_bench.py --sizes 1000,2000,5000

Each message (ddex_message.py: every release with one sound recording and one deal, ~1.7 KB per release) is
written into a temporary directory, then two fresh child processes run per size, each measured alone (wall time,
CPU time and peak RSS from wait4):

- *read*: ``parse_message`` + ``apply_message`` (no database): the XML reader and the pure rules;
- *import*: ``app.imports.import_ddex`` into a fresh SQLite database, exactly the path of ``songclear import
  ddex``: hashing the file, reading it, fetching the stored ReleaseDeals, applying, writing every fact in one
  transaction.

It prints seconds, seconds per 1 k releases, peak RSS and RSS per MB of XML. Linear time shows as a flat
``s/1k`` column, bounded memory as a flat ``RSS/MB`` column. Issue 10, item 7; figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORDED_AT = datetime(2024, 1, 1, tzinfo=UTC)


def _read_child(path: Path) -> dict:
    from songclear.ingest.ddex import apply_message, parse_message

    started = time.perf_counter()
    msg = parse_message(path)
    parsed = time.perf_counter()
    changes = apply_message(msg, existing={}, existing_grants={}, party_ids={}, recorded_at=RECORDED_AT)
    return {
        "wall_s": time.perf_counter() - started,
        "parse_s": parsed - started,
        "grants": len(changes.grants),
    }


def _import_child(path: Path, db_path: Path) -> dict:
    from songclear.app.imports import import_ddex
    from songclear.store.database import Database

    with Database.open(f"sqlite:///{db_path}") as db:  # migrating the empty file is not timed
        started = time.perf_counter()
        outcome = import_ddex(db, path, recorded_at=RECORDED_AT)
        wall = time.perf_counter() - started
    return {"wall_s": wall, "added": outcome.added, "rows": outcome.rows}


def _load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def measure(args: list[str]) -> dict:
    """Run this script as a child with ``args``: its JSON figures, plus CPU time and peak RSS from wait4."""
    before = _load_average()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark child {args} failed")
    return json.loads(out.strip().splitlines()[-1]) | {
        "peak_rss_mib": usage.ru_maxrss / 1024,  # Linux: KiB
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "load": f"{before}->{_load_average()}",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time DDEX imports of generated messages (see the module doc).")
    ap.add_argument("--sizes", default="1000,10000,100000", help="releases per message, comma-separated")
    ap.add_argument("--dir", type=Path, help="where to write the messages (default: a temporary directory)")
    ap.add_argument("--child", choices=("read", "import"), help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child == "read":
        print(json.dumps(_read_child(args.file)))
        return 0
    if args.child == "import":
        print(json.dumps(_import_child(args.file, args.db)))
        return 0

    sys.path.insert(0, str(HERE))
    from ddex_message import write_message

    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="ddex-bench-", dir=args.dir) as tmp:
        print(f"{os.cpu_count()} CPUs, python {sys.version.split()[0]}, messages in {tmp}")
        print(
            f"{'releases':>9} {'XML MB':>7} {'step':<7} {'wall s':>8} {'s/1k':>7} {'cpu s':>8} "
            f"{'peak RSS MiB':>12} {'RSS/MB':>7}  detail"
        )
        for n in sizes:
            path = write_message(Path(tmp) / f"ern-{n}.xml", n)
            mb = path.stat().st_size / 1e6
            read = measure(["--child", "read", "--file", str(path)])
            imp = measure(
                ["--child", "import", "--file", str(path), "--db", str(Path(tmp) / f"ledger-{n}.db")]
            )
            for step, f, detail in (
                ("read", read, f"parse {read['parse_s']:.1f} s, {read['grants']:,} grants"),
                ("import", imp, f"{imp['added']:,} facts added"),
            ):
                print(
                    f"{n:>9,} {mb:>7.1f} {step:<7} {f['wall_s']:>8.1f} {f['wall_s'] / n * 1000:>7.3f} "
                    f"{f['cpu_s']:>8.1f} {f['peak_rss_mib']:>12.0f} {f['peak_rss_mib'] / mb:>7.2f}  "
                    f"{detail}  load {f['load']}"
                )
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
