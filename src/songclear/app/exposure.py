"""Exposure over a period: decisions step by step (each holds until the next step), the days each track was
down (from the takedown actions), then ``exposure.exposure`` per track, platform and licensor."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, timedelta
from pathlib import Path

from songclear.domain.enforcement.exposure import ExposureReport, Rates, exposure, intervals_from_decisions
from songclear.domain.enforcement.takedown import ActionKind
from songclear.domain.grants import local_date
from songclear.errors import InputError

MAX_STEPS = 3660  # ten years of days: a wider period needs --step-days
MAX_STEP_DAYS = 36_500  # a century: a longer step overflows the calendar
MAX_RATE = 1_000_000  # per play or per day; a larger amount (1e999999) overflows the decimal arithmetic


def exposure_report(
    db, *, platform: str, start: date, end: date, rates: Rates = Rates(), step_days: int = 1,
    territory: str = "CN", use: str = "Stream",
) -> ExposureReport:  # fmt: skip
    """Decide the library (as known now) on ``start`` and every ``step_days`` after it; a track counts as down
    from the local day its removal was applied to the day it was undone."""
    from songclear.app.audit import audit_library, make_query
    from songclear.app.identities import identity_resolver
    from songclear.errors import NotFound
    from songclear.store.repository import LedgerRepository
    from songclear.store.takedowns import TakedownRepository

    if not 1 <= step_days <= MAX_STEP_DAYS:
        raise InputError(f"--step-days must be from 1 to {MAX_STEP_DAYS}, got {step_days}")
    for name, rate in (("--rate-per-play", rates.per_play), ("--rate-per-day", rates.per_day)):
        if not (rate.is_finite() and 0 <= rate <= MAX_RATE):
            raise InputError(f"{name} must be an amount from 0 to {MAX_RATE}, got {rate}")
    if end <= start:
        raise InputError(f"exposure period {start}..{end} is empty (--to is exclusive)")
    if (end - start).days / step_days > MAX_STEPS:
        raise InputError(f"{start}..{end} in steps of {step_days} days is too many steps: raise --step-days")
    with db.session() as session:
        repo = LedgerRepository(session)
        if platform not in repo.platforms():
            raise NotFound(f"platform {platform!r} has no library tracks")
        ledger = repo.load_ledger()
        tracks = list(repo.iter_tracks(platform))
        resolve = identity_resolver(repo, platform, None)
        query = make_query(start, territory=territory, use=use)
        series, day = [], start
        while day < end:
            q = dataclasses.replace(query, at=make_query(day).at)
            series.append((day, {d.track: d for d in audit_library(tracks, ledger, q, resolve=resolve)}))
            day += timedelta(days=step_days)
        down: dict[str, list[tuple[date, date | None]]] = {}
        for s in TakedownRepository(session).actions(platform):
            if s.action.kind is ActionKind.REMOVE:
                lifted = local_date(s.undo.at, "Asia/Shanghai") if s.undo else None
                down.setdefault(s.action.track, []).append(
                    (local_date(s.applied_at, "Asia/Shanghai"), lifted)
                )
    intervals = intervals_from_decisions(series, until=end)
    return exposure(intervals, {t.key: t for t in tracks}, start=start, end=end, down=down, rates=rates)


def write_exposure_csv(report: ExposureReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, fieldnames=["track", "platform", "licensor", "days", "plays", "amount"])
        w.writeheader()
        w.writerows(report.rows())
