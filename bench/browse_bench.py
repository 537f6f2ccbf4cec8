"""Browsing a 1 M-track library (issue 13, item 1): the time of a page, a count, the facets, the filters, a status
filter (which decides every track it keeps), the grants and the search, on the audit benchmark's database.

    python bench/browse_bench.py                 # SQLite, bench/out/ledger-1000000.db (generated once if missing)
    python bench/browse_bench.py --url postgresql://...   # a database filled by bench/synthetic_ledger.py

Each figure is the median wall time of ``--repeat`` runs in this process (after one warm-up run, so the figures
are a warm page cache, as a server's), then ``songclear tracks list`` once as a user runs it (interpreter start,
the first page as JSON). The machine is shared: the 1-minute load average is printed beside each line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAY = date(2015, 8, 15)  # inside the 2015 notice's buffer: every status occurs


def _timed(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _line(what: str, seconds: float, note: str = "") -> None:
    print(f"  {what:<62} {seconds:8.3f} s  {note:<28} load {os.getloadavg()[0]:5.1f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--url", default=None, help="database URL (default: the 1 M-track SQLite benchmark database)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    url = args.url
    if url is None:
        path = HERE / "out" / "ledger-1000000.db"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            subprocess.run(
                [sys.executable, str(HERE / "synthetic_ledger.py"), "--db", f"sqlite:///{path}"], check=True
            )
        url = f"sqlite:///{path}"

    from sqlalchemy import text

    from songclear.app.audit import make_query
    from songclear.app.browse import list_tracks
    from songclear.store.browse_ledger import GrantBrowser, GrantFilter, RecordingBrowser, RecordingFilter
    from songclear.store.browse_tracks import TrackBrowser, TrackFilter
    from songclear.store.database import Database
    from songclear.store.repository import LedgerRepository
    from songclear.store.search import search

    print(f"browsing {url}")
    with Database.open(url, upgrade=False) as db, db.session() as s:
        repo = LedgerRepository(s)
        platforms = repo.platforms()
        sizes = {p: repo.count_tracks(p) for p in platforms}
        big = max(platforms, key=sizes.get)
        owner = s.execute(
            text("SELECT owner FROM recordings WHERE superseded_at IS NULL AND owner IS NOT NULL LIMIT 1")
        ).scalar()
        print(
            f"  {sum(sizes.values()):,} tracks; the biggest platform {big}: {sizes[big]:,}; a licensor: {owner}"
        )
        r = args.repeat

        def page(f, offset=0):
            return lambda: TrackBrowser(s, f).page(limit=50, offset=offset)

        def total(f):
            return lambda: TrackBrowser(s, f).total()

        cases = [
            ("tracks: first page of the biggest platform", page(TrackFilter(platform=big))),
            ("tracks: page at offset 100 000 of it", page(TrackFilter(platform=big), 100_000)),
            ("tracks: its total (count)", total(TrackFilter(platform=big))),
            ("tracks: first page, every platform", page(TrackFilter())),
            ("tracks: total, every platform", total(TrackFilter())),
            (
                "tracks: live only, first page + total",
                lambda: (
                    page(TrackFilter(platform=big, availability="live"))(),
                    total(TrackFilter(platform=big, availability="live"))(),
                ),
            ),  # fmt: skip
            (
                "tracks: search a title, first page + total",
                lambda: (
                    page(TrackFilter(platform=big, search="Song 123456"))(),
                    total(TrackFilter(platform=big, search="Song 123456"))(),
                ),
            ),  # fmt: skip
            (
                "tracks: identity source 'none', first page + total",
                lambda: (
                    page(TrackFilter(platform=big, identity_source="none"))(),
                    total(TrackFilter(platform=big, identity_source="none"))(),
                ),
            ),  # fmt: skip
            (
                "tracks: one licensor, first page + total",
                lambda: (
                    page(TrackFilter(platform=big, licensor=owner))(),
                    total(TrackFilter(platform=big, licensor=owner))(),
                ),
            ),  # fmt: skip
            (
                "tracks: the four facets of the biggest platform",
                lambda: TrackBrowser(s, TrackFilter(platform=big)).facets(),
            ),
            (
                "grants: first page + total",
                lambda: (
                    GrantBrowser(s, GrantFilter()).page(limit=50, offset=0),
                    GrantBrowser(s, GrantFilter()).total(),
                ),
            ),  # fmt: skip
            (
                "grants: ended on a day, first page + total",
                lambda: (
                    GrantBrowser(s, GrantFilter(state="ended", at=DAY)).page(limit=50, offset=0),
                    GrantBrowser(s, GrantFilter(state="ended", at=DAY)).total(),
                ),
            ),  # fmt: skip
            (
                "grants: covering one recording (with sublicences)",
                lambda: GrantBrowser(s, GrantFilter(recording="CNX001500042")).page(limit=50, offset=0),
            ),  # fmt: skip
            (
                "grants: the facets with states on a day",
                lambda: GrantBrowser(s, GrantFilter(at=DAY)).facets(),
            ),
            (
                "recordings: search a title, first page + total",
                lambda: (
                    RecordingBrowser(s, RecordingFilter(search="Song 424242")).page(limit=50, offset=0),
                    RecordingBrowser(s, RecordingFilter(search="Song 424242")).total(),
                ),
            ),  # fmt: skip
            ("search: one query over every kind", lambda: search(s, "Song 424242")),
        ]
        for what, fn in cases:
            seconds, _ = _timed(fn, r)
            _line(what, seconds)

        started = time.perf_counter()
        ledger = repo.load_ledger()
        _line("ledger load (for statuses; a server keeps it)", time.perf_counter() - started)
        query = make_query(DAY)
        seconds, found = _timed(
            lambda: list_tracks(s, TrackFilter(platform=big), limit=50, offset=0, query=query, ledger=ledger),
            r,
        )
        _line("tracks: first page decided on a day (50 decisions)", seconds)
        started = time.perf_counter()
        found = list_tracks(
            s, TrackFilter(platform=big), limit=50, offset=0, status="uncleared", query=query, ledger=ledger
        )
        _line(
            "tracks: status 'uncleared' (decides every track it keeps)",
            time.perf_counter() - started,
            f"{found.total:,} of {sizes[big]:,}",
        )

    env = dict(os.environ)
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("songclear")), "--db", url, "tracks", "list", "--platform", big, "--json"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    _line(
        "songclear tracks list --platform P --json (a user's run)",
        time.perf_counter() - started,
        f"exit {done.returncode}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
