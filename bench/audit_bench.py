"""The audit benchmark: the full audit of a synthetic 1 M-track library, wall time, CPU time and peak RSS.

    python bench/audit_bench.py                      # SQLite, 1 M tracks (generates bench/out/*.db once)
    python bench/audit_bench.py --backend postgresql --url postgresql://postgres@127.0.0.1:5433/bench \
        --tracks 10000000

Each scenario runs in a fresh child process (its peak RSS and CPU time are its own, from wait4):

- *ledger load + track stream*: ``load_ledger()`` and streaming every track, nothing decided.
- *audit, no timeline* / *audit + weekly timeline* (the target line): interpreter start, opening the database,
  loading the ledger once, then ``run_audit(platform=P, ledger=...)`` for every platform of the library in
  turn -- track streaming, identity resolution, one decision per (platform, identity), the summary, the
  AuditRun, and with the timeline the week-by-week counts of the HTML report, as ``songclear audit``
  computes them -- summed over all platforms: every one of the 1 M tracks is decided.
- *audit + timeline, 2 workers*: the same work through ``audit_platforms`` (one ledger load, then one forked
  worker per core, each auditing its share of the platforms; only per-platform counts come back).
- *songclear audit --platform P --json* for the biggest platform: exactly what a user runs (its own ledger
  load, the timeline, the JSON output), through the installed ``songclear`` command.
- *songclear audit --all-platforms --json*: the full audit exactly as a user runs it (interpreter start, the
  ledger load, ``audit_platforms``' workers, the timeline, the JSON), also held to the target.

The target (issue 2, section 7): the full audit of 1 M tracks on SQLite in <= 30 s wall and <= 2 GiB peak RSS.
The machine is shared: each line prints the 1-minute load average before and after it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_WALL_S = 30.0
TARGET_RSS_MIB = 2048.0
AUDIT_DAY = date(2015, 8, 15)  # inside the 2015 notice's buffer: every status occurs


def _audit_child(url: str, timeline: bool, day: date) -> dict:
    """Runs in the child: the timed work. Returns figures as a dict (printed as JSON)."""
    from songclear.app.audit import make_query, paused_gc, run_audit
    from songclear.store.database import Database
    from songclear.store.repository import LedgerRepository

    started = time.perf_counter()
    query = make_query(day)
    per_platform, decisions, counts = {}, 0, {}
    with Database.open(url, upgrade=False) as db, db.session() as s:
        repo = LedgerRepository(s)
        with paused_gc():  # as run_audit loads it
            ledger = repo.load_ledger()
        ledger_s = time.perf_counter() - started
        for platform in repo.platforms():
            t0 = time.perf_counter()
            run = run_audit(
                repo, platform=platform, day=day, query=query, with_timeline=timeline, ledger=ledger
            )
            per_platform[platform] = round(time.perf_counter() - t0, 2)
            decisions += len(run.decisions)
            for status, n in run.summary.counts.items():
                counts[status.value] = counts.get(status.value, 0) + n
            if timeline:
                decisions += sum(sum(p.counts.values()) for p in run.timeline)
            del run
    return {
        "wall_s": time.perf_counter() - started,
        "ledger_s": ledger_s,
        "tracks": sum(counts.values()),
        "decisions": decisions,
        "counts": counts,
        "per_platform_s": per_platform,
    }


def _figures_of(run, _repo) -> dict:
    """What a worker sends back for one platform: counts, not decisions."""
    return {
        "counts": {s.value: n for s, n in run.summary.counts.items()},
        "decisions": len(run.decisions) + sum(sum(p.counts.values()) for p in run.timeline),
    }


def _parallel_child(url: str, day: date) -> dict:
    """All platforms through ``audit_platforms`` (one ledger load, forked workers, timeline on)."""
    from songclear.app.audit import audit_platforms, make_query
    from songclear.store.database import Database
    from songclear.store.repository import LedgerRepository

    started = time.perf_counter()
    counts: dict[str, int] = {}
    with Database.open(url, upgrade=False) as db, db.session() as s:
        repo = LedgerRepository(s)
        found = audit_platforms(repo, repo.platforms(), _figures_of, day=day, query=make_query(day))
    for f in found.values():
        for status, n in f["counts"].items():
            counts[status] = counts.get(status, 0) + n
    return {
        "wall_s": time.perf_counter() - started,
        "ledger_s": float("nan"),
        "tracks": sum(counts.values()),
        "decisions": sum(f["decisions"] for f in found.values()),
        "counts": counts,
        "per_platform_s": {},
    }


def _ledger_load_child(url: str) -> dict:
    from songclear.app.audit import paused_gc
    from songclear.store.database import Database
    from songclear.store.repository import LedgerRepository

    started = time.perf_counter()
    with Database.open(url, upgrade=False) as db, db.session() as s, paused_gc():  # as run_audit does
        repo = LedgerRepository(s)
        ledger = repo.load_ledger()
        loaded = time.perf_counter()
        n = sum(1 for _ in repo.iter_tracks())
    return {
        "wall_s": time.perf_counter() - started,
        "ledger_s": loaded - started,
        "stream_s": time.perf_counter() - loaded,
        "grants": len(ledger.grants),
        "recordings": len(ledger.recordings),
        "tracks": n,
    }


def _load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def run_child(argv: list[str]) -> tuple[str, dict]:
    """Run ``argv``; its stdout, and its wall time, CPU time (user + system, its children included) and peak
    RSS (ru_maxrss of the process tree's largest process), with the load average before and after."""
    before = _load_average()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"benchmark child {' '.join(argv)} failed with exit code {code}")
    return out, {
        "process_wall_s": time.perf_counter() - started,
        "peak_rss_mib": usage.ru_maxrss / 1024,  # Linux: KiB
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "load": f"{before}->{_load_average()}",
    }


def measure(args: list[str]) -> dict:
    """Run this script as a child with ``args``; its JSON figures plus wall time, CPU time and peak RSS."""
    out, usage = run_child([sys.executable, __file__, *args])
    return json.loads(out.strip().splitlines()[-1]) | usage


def ensure_sqlite(tracks: int, seed: int, regenerate: bool) -> str:
    """The generated SQLite file for (tracks, seed), generated once into bench/out/ (renamed when complete)."""
    from synthetic_ledger import Shape, generate

    OUT.mkdir(exist_ok=True)
    path = OUT / f"ledger-{tracks}-{seed}.db"
    if path.exists() and not regenerate:
        print(f"reusing {path.relative_to(HERE.parent)}")
        return f"sqlite:///{path}"
    partial = path.with_suffix(".partial.db")
    for p in (path, partial):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    print(f"generating {path.relative_to(HERE.parent)} ({tracks:,} tracks, seed {seed}) ...")
    started = time.perf_counter()
    generate(f"sqlite:///{partial}", Shape(tracks=tracks, seed=seed), log=print)
    partial.rename(path)
    print(f"generated in {time.perf_counter() - started:.0f} s")
    return f"sqlite:///{path}"


def report(name: str, f: dict, targets: bool) -> None:
    rate = f["decisions"] / f["wall_s"] if f["wall_s"] else 0.0
    verdict = ""
    if targets:
        ok = f["process_wall_s"] <= TARGET_WALL_S and f["peak_rss_mib"] <= TARGET_RSS_MIB
        verdict = "  [target met]" if ok else "  [TARGET MISSED: <= 30 s and <= 2 GiB]"
    print(
        f"{name:<28} wall {f['process_wall_s']:7.1f} s (cpu {f['cpu_s']:.1f} s, ledger load {f['ledger_s']:.1f} s)  "
        f"peak RSS {f['peak_rss_mib']:7.0f} MiB  tracks {f['tracks']:>10,}  "
        f"track-days {f['decisions']:>11,}  ({rate:,.0f}/s)  load avg {f['load']}{verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time the full library audit (see the module docstring).")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--url", help="database URL (required for postgresql; SQLite defaults to bench/out/)")
    ap.add_argument("--tracks", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--generate", action="store_true", help="fill --url first (it must be empty)")
    ap.add_argument("--regenerate", action="store_true", help="SQLite: build the file again")
    ap.add_argument("--day", type=date.fromisoformat, default=AUDIT_DAY)
    ap.add_argument(
        "--child", choices=("audit", "audit-timeline", "audit-parallel", "load"), help=argparse.SUPPRESS
    )
    args = ap.parse_args(argv)

    if args.child:  # inside the measured subprocess
        if args.child == "load":
            figures = _ledger_load_child(args.url)
        elif args.child == "audit-parallel":
            figures = _parallel_child(args.url, args.day)
        else:
            figures = _audit_child(args.url, args.child == "audit-timeline", args.day)
        print(json.dumps(figures))
        return 0

    if args.backend == "sqlite" and not args.url:
        url = ensure_sqlite(args.tracks, args.seed, args.regenerate)
    elif not args.url:
        ap.error("--backend postgresql needs --url")
    else:
        url = args.url
        if args.generate:
            from synthetic_ledger import Shape, generate

            print(f"generating {args.tracks:,} tracks into {url} ...")
            generate(url, Shape(tracks=args.tracks, seed=args.seed), log=print)

    from songclear.store.database import Database

    Database.open(url).close()  # migrate a file generated by an older schema (untimed); children skip it
    common = ["--url", url, "--day", args.day.isoformat()]
    print(
        f"backend {args.backend}, audit day {args.day}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}"
    )
    load = measure(["--child", "load", *common])
    print(
        f"{'ledger load + track stream':<28} wall {load['process_wall_s']:7.1f} s (cpu {load['cpu_s']:.1f} s) "
        f"(ledger {load['ledger_s']:.1f} s: {load['grants']:,} grants, {load['recordings']:,} recordings; "
        f"stream {load['stream_s']:.1f} s: {load['tracks']:,} tracks)  peak RSS {load['peak_rss_mib']:7.0f} MiB  "
        f"load avg {load['load']}"
    )
    targets = args.backend == "sqlite" and args.tracks <= 1_000_000
    for name, child in (
        ("audit, no timeline", "audit"),
        ("audit + weekly timeline", "audit-timeline"),
        ("audit + timeline, 2 workers", "audit-parallel"),
    ):
        f = measure(["--child", child, *common])
        report(name, f, targets)
        print(f"{'':<28} per platform (s): {f['per_platform_s']}  statuses: {f['counts']}")
    cli_audit(url, args.day)
    cli_audit_all(url, args.day, targets)
    return 0


def cli_audit_all(url: str, day: date, targets: bool) -> None:
    """``songclear audit --all-platforms --json``: the full audit as a user runs it (interpreter start, ledger
    load, a forked worker per core, the timeline, the JSON)."""
    command = Path(sys.executable).with_name("songclear")
    argv = [str(command), "--db", url, "audit", "--all-platforms", "--at", day.isoformat(), "--json"]
    out, f = run_child(argv)
    total = json.loads(out)["total"]
    verdict = ""
    if targets:
        ok = f["process_wall_s"] <= TARGET_WALL_S and f["peak_rss_mib"] <= TARGET_RSS_MIB
        verdict = "  [target met]" if ok else "  [TARGET MISSED: <= 30 s and <= 2 GiB]"
    print(
        f"{'songclear audit --all-platf.':<28} wall {f['process_wall_s']:7.1f} s (cpu {f['cpu_s']:.1f} s)  "
        f"peak RSS {f['peak_rss_mib']:7.0f} MiB  tracks {total:>10,} (every platform)  load avg {f['load']}{verdict}"
    )


def cli_audit(url: str, day: date) -> None:
    """``songclear audit --platform P --json`` for the biggest platform, as a user runs it."""
    from songclear.store.database import Database
    from songclear.store.repository import LedgerRepository

    with Database.open(url, upgrade=False) as db, db.session() as s:
        repo = LedgerRepository(s)
        sizes = {p: repo.count_tracks(p) for p in repo.platforms()}
    platform = max(sorted(sizes), key=lambda p: sizes[p])
    command = Path(sys.executable).with_name("songclear")
    argv = [str(command), "--db", url, "audit", "--platform", platform, "--at", day.isoformat(), "--json"]
    out, f = run_child(argv)
    total = json.loads(out)["summary"]["total"]
    print(
        f"{'songclear audit --platform':<28} wall {f['process_wall_s']:7.1f} s (cpu {f['cpu_s']:.1f} s)  "
        f"peak RSS {f['peak_rss_mib']:7.0f} MiB  tracks {total:>10,} ({platform}, the biggest library)  "
        f"load avg {f['load']}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))  # synthetic_ledger, when run as a script
    sys.exit(main())
