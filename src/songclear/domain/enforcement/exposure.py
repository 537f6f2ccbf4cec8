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
from datetime import date
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
    currency: str = "CNY"  # ISO 4217: what the amounts are in (the rates are stated in it)

    def describe(self) -> str:
        return (
            f"{self.per_play} {self.currency} per estimated play, or {self.per_day} {self.currency} per day"
        )


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
    end: date  # exclusive
    tracks: tuple[TrackExposure, ...]
    by_platform: dict[str, Decimal] = field(default_factory=dict)
    by_licensor: dict[str, Decimal] = field(default_factory=dict)
    rates: Rates = Rates()
    territory: str = "CN"
    use: str = "Stream"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def terms(self) -> dict[str, str]:
        """How the figures were computed, stated beside them wherever they are shown."""
        return {
            "period": f"{self.start}..{self.end} (to exclusive, {self.days} {'day' if self.days == 1 else 'days'}, each day judged at its start in "
            "Asia/Shanghai)",
            "step": "daily",
            "rate": self.rates.describe(),
            "currency": self.rates.currency,
            "territory": self.territory,
            "use": self.use,
        }

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


def _merged(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """[from, to) spans merged into disjoint ones, in order."""
    out: list[tuple[date, date]] = []
    for a, b in sorted(s for s in spans if s[0] < s[1]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _length(spans: list[tuple[date, date]]) -> int:
    return sum((b - a).days for a, b in spans)


def _minus(spans: list[tuple[date, date]], cut: list[tuple[date, date]]) -> int:
    """Days of the disjoint ``spans`` outside the disjoint ``cut``."""
    overlap = 0
    for a, b in spans:
        for c, d in cut:
            lo, hi = max(a, c), min(b, d)
            if lo < hi:
                overlap += (hi - lo).days
    return _length(spans) - overlap


def exposure(
    intervals: Iterable[StatusInterval],
    tracks: Mapping[str, LibraryTrack],
    *,
    start: date,
    end: date,
    down: Mapping[str, Iterable[tuple[date, date | None]]] = {},
    rates: Rates = Rates(),
    unlicensed: frozenset[Status] = UNLICENSED,
    territory: str = "CN",
    use: str = "Stream",
) -> ExposureReport:
    """Exposure of every track unlicensed and live on some day in [start, end). ``down``: per track, the
    [from, to) days it was taken down (to None: still down). Days are counted as spans, so a long period costs
    no more than a short one."""
    if end <= start:
        raise InputError(f"exposure period {start}..{end} is empty")
    bad: dict[str, list[tuple[date, date]]] = {}
    licensor: dict[str, str] = {}
    for iv in intervals:
        if iv.status in unlicensed:
            a, b = max(iv.start, start), min(iv.end, end)
            if a < b:
                bad.setdefault(iv.track, []).append((a, b))
                licensor[iv.track] = iv.licensor or "unknown"
    window = rates.plays_window_days or (end - start).days
    out = []
    for key in sorted(bad):
        spans = _merged(bad[key])
        removed = _merged((max(a, start), min(b or end, end)) for a, b in down.get(key, ()))
        days = _minus(spans, removed)
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
        start, end, tuple(out), dict(sorted(by_platform.items())), dict(sorted(by_licensor.items())),
        rates, territory, use,
    )  # fmt: skip
