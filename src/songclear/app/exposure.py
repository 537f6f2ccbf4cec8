"""Exposure over a period, day by day: each track's licence status on every day of the period, the days it was
down, then ``exposure.exposure`` per track, platform and licensor. One computation for the command, the API, the
dashboard and the regulator report.

A day counts as its first instant in the territory (``territory_time.day_begins_everywhere``: in China, midnight in
Asia/Shanghai), as an audit of that day does. Deciding every track on every
day would cost days x tracks decisions; a decision only changes where a grant that matters to the track starts,
ends or is terminated (``timeline.grant_breakpoints``; a notice's tolerance turns ``uncleared`` into ``buffer``,
and both are unlicensed), so each identity is decided once per stretch between its breakpoints.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
from datetime import date, timedelta
from pathlib import Path

from songclear.domain.enforcement.exposure import (
    ExposureReport,
    Rates,
    StatusInterval,
    exposure,
)
from songclear.domain.territory_time import day_begins_everywhere
from songclear.errors import InputError

MAX_DAYS = 36_600  # a century of days; the cost is per breakpoint, not per day
MAX_RATE = 1_000_000  # per play or per day; a larger amount (1e999999) overflows the decimal arithmetic


def exposure_report(
    db, *, platform: str, start: date, end: date, rates: Rates = Rates(), territory: str = "CN",
    use: str = "Stream",
) -> ExposureReport:  # fmt: skip
    """The platform's exposure on each day in [start, end) (``end`` exclusive), the library as known now: a
    track counts on a day it was unlicensed (uncleared, or only tolerated by a notice) and available in
    ``territory`` for ``use``."""
    from songclear.app.audit import make_query
    from songclear.app.availability import down_days
    from songclear.app.identities import identity_resolver
    from songclear.errors import NotFound
    from songclear.store.repository import LedgerRepository

    for name, rate in (("--rate-per-play", rates.per_play), ("--rate-per-day", rates.per_day)):
        if not (rate.is_finite() and 0 <= rate <= MAX_RATE):
            raise InputError(f"{name} must be an amount from 0 to {MAX_RATE}, got {rate}")
    if end <= start:
        raise InputError(f"exposure period {start}..{end} is empty (--to is exclusive)")
    if (end - start).days > MAX_DAYS:
        raise InputError(f"exposure period {start}..{end} is longer than {MAX_DAYS} days")
    query = make_query(start, territory=territory, use=use)
    with db.session() as session:
        repo = LedgerRepository(session)
        if platform not in repo.platforms():
            raise NotFound(f"platform {platform!r} has no library tracks")
        ledger = repo.load_ledger()
        tracks = list(repo.iter_tracks(platform))
        resolve = identity_resolver(repo, platform, None)
        intervals = unlicensed_intervals(tracks, ledger, query, resolve, start, end)
        down = down_days(repo, platform, territory=query.territory, use=query.use, since=start)
    return exposure(
        intervals, {t.key: t for t in tracks}, start=start, end=end, down=down, rates=rates,
        territory=query.territory, use=query.use,
    )  # fmt: skip


def unlicensed_intervals(tracks, ledger, query, resolve, start: date, end: date) -> list[StatusInterval]:
    """Each track's status on the days ``start`` to ``end`` (exclusive), as intervals of days: a day's status is
    the decision (for ``query``'s territory and use) at its first instant; only days after a breakpoint are
    decided anew."""
    from songclear.app.timeline import grant_breakpoints
    from songclear.domain.clearance import decide

    days = [start + timedelta(days=i) for i in range((end - start).days)]
    instants = [day_begins_everywhere(d, query.territory) for d in days]
    groups: dict[tuple, list] = {}
    for t in tracks:
        groups.setdefault((t.platform, resolve(t)), []).append(t)
    memos: dict[int, dict] = {}  # decide()'s memo per day decided
    out: list[StatusInterval] = []
    for (platform, identity), members in groups.items():
        points = grant_breakpoints(platform, identity, ledger, query)
        # Day i starts a new stretch when a breakpoint lies in (instant i-1, instant i].
        starts = sorted({0} | {i for p in points if 0 < (i := bisect.bisect_left(instants, p)) < len(days)})
        for n, i in enumerate(starts):
            stop = days[starts[n + 1]] if n + 1 < len(starts) else end
            q = dataclasses.replace(query, at=instants[i])
            d = decide(members[0], identity, ledger, q, memo=memos.setdefault(i, {}))
            out += [StatusInterval(t.key, d.status, days[i], stop, d.licensor) for t in members]
    return out


def write_exposure_csv(report: ExposureReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, fieldnames=["track", "platform", "licensor", "days", "plays", "amount"])
        w.writeheader()
        w.writerows(report.rows())
