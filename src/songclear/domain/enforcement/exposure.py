"""Exposure: how long each unlicensed track was live while uncleared, and what that is worth at a set rate.

Input is a dated series of decisions (each holds from its day until the next dated set) or status intervals
directly, and the intervals the track was down. A day counts when the track was unlicensed (``UNLICENSED``:
uncleared, or tolerated by a notice — tolerance is not a licence) and live. The amount is estimated plays in
those days times ``per_play`` when the play count is known (plays spread evenly over ``plays_window_days``),
else days times ``per_day``. Money is ``Decimal``, rounded to cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from songclear.domain.catalogue import LibraryTrack
from songclear.domain.decision import ClearanceDecision, Status
from songclear.errors import InputError

UNLICENSED = frozenset({Status.UNCLEARED, Status.BUFFER})
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Rates:
    per_play: Decimal = Decimal("0.01")
    per_day: Decimal = Decimal("1.00")  # when plays are unknown
    plays_window_days: int | None = None  # the span a track's play count covers; None: the whole period


@dataclass(frozen=True, slots=True)
class StatusInterval:
    track: str
    status: Status
    start: date
    end: date  # exclusive
    licensor: str | None = None


@dataclass(frozen=True, slots=True)
class TrackExposure:
    track: str
    platform: str
    licensor: str  # 'unknown' when the recording (or its owner) is not known
    days: int
    plays: Decimal | None  # estimated plays in those days
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ExposureReport:
    start: date
    end: date
    tracks: tuple[TrackExposure, ...]
    by_platform: dict[str, Decimal] = field(default_factory=dict)
    by_licensor: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.tracks), Decimal("0.00"))

    def rows(self) -> list[dict[str, str]]:
        """One row per track, strings only: ready for a CSV writer."""
        return [
            {
                "track": t.track,
                "platform": t.platform,
                "licensor": t.licensor,
                "days": str(t.days),
                "plays": "" if t.plays is None else str(t.plays.quantize(Decimal("1"))),
                "amount": str(t.amount),
            }
            for t in self.tracks
        ]


def intervals_from_decisions(
    series: Sequence[tuple[date, Mapping[str, ClearanceDecision]]], *, until: date
) -> list[StatusInterval]:
    """Each dated set of decisions holds from its day until the next day in ``series`` (the last until ``until``).
    A track missing from a set has no status for that stretch (not in the library then)."""
    days = [d for d, _ in series]
    if days != sorted(days) or len(set(days)) != len(days):
        raise InputError("dated decisions must be in strictly increasing date order")
    out = []
    for i, (day, decisions) in enumerate(series):
        end = days[i + 1] if i + 1 < len(days) else until
        if end <= day:
            continue
        out += [StatusInterval(k, d.status, day, end, d.licensor) for k, d in sorted(decisions.items())]
    return out


def _days(start: date, end: date) -> set[date]:
    return {start + timedelta(days=i) for i in range((end - start).days)}


def exposure(
    intervals: Iterable[StatusInterval],
    tracks: Mapping[str, LibraryTrack],
    *,
    start: date,
    end: date,
    down: Mapping[str, Iterable[tuple[date, date | None]]] = {},
    rates: Rates = Rates(),
    unlicensed: frozenset[Status] = UNLICENSED,
) -> ExposureReport:
    """Exposure of every track unlicensed and live on some day in [start, end). ``down``: per track, the
    [from, to) days it was taken down (to None: still down)."""
    if end <= start:
        raise InputError(f"exposure period {start}..{end} is empty")
    period = _days(start, end)
    bad: dict[str, set[date]] = {}
    licensor: dict[str, str] = {}
    for iv in intervals:
        if iv.status in unlicensed:
            bad.setdefault(iv.track, set()).update(_days(iv.start, iv.end) & period)
            licensor[iv.track] = iv.licensor or "unknown"
    window = rates.plays_window_days or len(period)
    out = []
    for key in sorted(bad):
        removed: set[date] = set()
        for a, b in down.get(key, ()):
            removed |= _days(a, b or end)
        days = len(bad[key] - removed)
        if days == 0:
            continue
        track = tracks.get(key)
        platform = track.platform if track else key.split("/", 1)[0]
        if track is not None and track.play_count is not None:
            plays = Decimal(track.play_count) * days / window
            amount = plays * rates.per_play
        else:
            plays, amount = None, rates.per_day * days
        out.append(
            TrackExposure(key, platform, licensor[key], days, plays, amount.quantize(CENT, ROUND_HALF_UP))
        )
    by_platform: dict[str, Decimal] = {}
    by_licensor: dict[str, Decimal] = {}
    for t in out:
        by_platform[t.platform] = by_platform.get(t.platform, Decimal("0.00")) + t.amount
        by_licensor[t.licensor] = by_licensor.get(t.licensor, Decimal("0.00")) + t.amount
    return ExposureReport(
        start, end, tuple(out), dict(sorted(by_platform.items())), dict(sorted(by_licensor.items()))
    )
