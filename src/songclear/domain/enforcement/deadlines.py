"""Legal regimes as data, and the clocks they start: when a takedown is due, when a restore may and must happen.

Each regime is a ``RegimeRules`` record; the shipped values (``REGIMES``) are this project's reading of the law,
and the words the law leaves open ('immediately', 'expeditiously', 'promptly') are set as policy periods that a
platform configures by passing its own records. A period counts hours, calendar days or business days; days end
at midnight in the regime's time zone, business days follow the regime's calendar (``calendars.py``).

    China, network dissemination regulations (Art. 14-17): take down at once; restore at once on a valid
        counter-notice; the claimant may not notify the same work again.
    China, E-Commerce Law (Art. 42-43): take down promptly; restore when 15 days after the counter-notice was
        forwarded pass without the claimant reporting a complaint or a suit.
    US, DMCA 512(g): take down expeditiously; restore no sooner than 10 and no later than 14 business days after
        the counter-notice, unless the claimant reports a suit first.
    EU, DSM Directive Art. 17(9): take down expeditiously; a complaint is answered after human review within the
        redress period; nothing is restored by the clock alone.
    Regulator order (NCAC 2015): every unlicensed item by the order's deadline; no restore.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from songclear.domain.enforcement.calendars import CALENDARS, BusinessCalendar
from songclear.domain.grants import local_date, start_of_day, zone
from songclear.errors import InputError


class Regime(enum.StrEnum):
    CN_NDR = "cn-ndr"
    CN_ECOMMERCE = "cn-ecommerce"
    US_DMCA = "us-dmca"
    EU_ART17 = "eu-art17"
    REGULATOR = "regulator"


class Unit(enum.StrEnum):
    HOURS = "hours"
    DAYS = "days"  # calendar days, each ending at midnight in the regime's zone
    BUSINESS_DAYS = "business_days"


@dataclass(frozen=True, slots=True)
class Period:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value.replace('_', ' ')}"


@dataclass(frozen=True, slots=True, kw_only=True)
class RegimeRules:
    regime: Regime
    name: str
    tz: str
    calendar: str  # a key of CALENDARS (or of the calendars a caller passes)
    takedown: Period  # from a complete claim to the takedown
    restore_earliest: Period | None  # from the counter-notice; None: no clock restores (human review decides)
    restore_latest: Period | None
    restore_unless_suit: bool = False  # a reported complaint or suit stops the restore clock
    renotify_after_counter: bool = True  # may the claimant notify the same work again after a valid counter?
    human_review: bool = False  # a complaint is decided by a named person, never by the clock
    response: Period | None = None  # complaint-and-redress: time to answer a complaint
    # A period counted in days whose last day is a statutory holiday or rest day ends on the next working day
    # (PRC Civil Code art. 203: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
    last_day_rolls_forward: bool = False
    # Who may notify: True, the rights holder or a licensee whose whole chain from the holder is exclusive (17
    # U.S.C. 501(b): "the legal or beneficial owner of an exclusive right"); False, also any licensee down a valid
    # chain that holds at the claim's time and place.
    exclusive_standing: bool = False
    claim_fields: frozenset[str] = frozenset({"claimant", "contact", "subjects", "items"})
    claim_statements: frozenset[str] = frozenset()
    counter_fields: frozenset[str] = frozenset({"respondent", "contact", "items"})
    counter_statements: frozenset[str] = frozenset()


_H24 = Period(24, Unit.HOURS)

REGIMES: dict[Regime, RegimeRules] = {
    r.regime: r
    for r in (
        RegimeRules(
            regime=Regime.CN_NDR,
            name="China, Regulations on the Right of Network Dissemination of Information (Art. 14-17)",
            tz="Asia/Shanghai",
            calendar="CN",
            takedown=_H24,
            restore_earliest=Period(0, Unit.HOURS),
            restore_latest=_H24,
            renotify_after_counter=False,
            claim_fields=frozenset({"claimant", "contact", "address", "subjects", "items", "evidence"}),
            counter_fields=frozenset({"respondent", "contact", "address", "items", "evidence"}),
        ),
        RegimeRules(
            regime=Regime.CN_ECOMMERCE,
            name="China, E-Commerce Law (Art. 42-43) and Civil Code (Art. 1195-1196)",
            tz="Asia/Shanghai",
            calendar="CN",
            takedown=_H24,
            restore_earliest=Period(15, Unit.DAYS),
            restore_latest=Period(16, Unit.DAYS),
            restore_unless_suit=True,
            last_day_rolls_forward=True,
            claim_fields=frozenset(
                {"claimant", "contact", "address", "identity", "subjects", "items", "evidence"}
            ),
            counter_fields=frozenset({"respondent", "contact", "address", "identity", "items", "evidence"}),
        ),
        RegimeRules(
            regime=Regime.US_DMCA,
            name="US, 17 U.S.C. 512 (DMCA)",
            tz="America/New_York",
            calendar="US",
            takedown=Period(1, Unit.BUSINESS_DAYS),
            restore_earliest=Period(10, Unit.BUSINESS_DAYS),
            restore_latest=Period(14, Unit.BUSINESS_DAYS),
            restore_unless_suit=True,
            exclusive_standing=True,
            claim_fields=frozenset({"claimant", "contact", "subjects", "items", "signature"}),
            claim_statements=frozenset({"good-faith", "accuracy-under-penalty"}),
            counter_fields=frozenset({"respondent", "contact", "address", "items", "signature"}),
            counter_statements=frozenset({"mistake-under-penalty", "consent-to-jurisdiction"}),
        ),
        RegimeRules(
            regime=Regime.EU_ART17,
            name="EU, Directive 2019/790 Art. 17 (complaint and redress)",
            tz="Europe/Brussels",
            calendar="weekends",
            takedown=Period(1, Unit.BUSINESS_DAYS),
            restore_earliest=None,
            restore_latest=None,
            human_review=True,
            response=Period(7, Unit.DAYS),
            claim_fields=frozenset({"claimant", "contact", "subjects", "items", "evidence"}),
        ),
        RegimeRules(
            regime=Regime.REGULATOR,
            name="Regulator order (e.g. NCAC 2015)",
            tz="Asia/Shanghai",
            calendar="CN",
            takedown=Period(
                0, Unit.DAYS
            ),  # the order's own deadline decides; see takedown_due(order_deadline=)
            restore_earliest=None,
            restore_latest=None,
            claim_fields=frozenset({"claimant", "subjects"}),
        ),
    )
}


def rules_for(regime: Regime | str, regimes: Mapping[Regime, RegimeRules] = REGIMES) -> RegimeRules:
    try:
        return regimes[Regime(regime)]
    except (ValueError, KeyError):
        known = ", ".join(r.value for r in regimes)
        raise InputError(f"unknown regime {regime!r}: expected one of {known}") from None


def calendar_for(
    rules: RegimeRules, calendars: Mapping[str, BusinessCalendar] = CALENDARS
) -> BusinessCalendar:
    try:
        return calendars[rules.calendar]
    except KeyError:
        raise InputError(
            f"regime {rules.regime} needs calendar {rules.calendar!r}, which is not given"
        ) from None


def add_period(
    start: datetime, period: Period, *, tz: str, calendar: BusinessCalendar, rolls_forward: bool = False
) -> datetime:
    """The instant ``period`` after ``start``. Day counts end at midnight (local to ``tz``) of the last day;
    ``rolls_forward``: a last day that is not a working day gives way to the next working day."""
    if start.tzinfo is None:
        raise InputError(f"deadline start {start} has no time zone")
    if period.unit is Unit.HOURS:
        return start + timedelta(hours=period.amount)
    day = local_date(start, tz)
    if period.unit is Unit.DAYS:
        last = day + timedelta(days=period.amount)
        while rolls_forward and period.amount > 0 and not calendar.is_business_day(last):
            last += timedelta(days=1)
    else:
        last = calendar.add_business_days(day, period.amount)
    return start_of_day(last + timedelta(days=1), tz)


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: str  # 'takedown' | 'restore-earliest' | 'restore-latest' | 'response'
    due: datetime  # the first instant that is late ('restore-earliest': the first instant a restore is allowed)
    basis: str  # how it was computed, for the report

    def local(self, tz: str) -> datetime:
        return self.due.astimezone(zone(tz))


def takedown_due(
    rules: RegimeRules,
    received_at: datetime,
    *,
    calendars: Mapping[str, BusinessCalendar] = CALENDARS,
    order_deadline: datetime | None = None,
) -> Deadline:
    if rules.regime is Regime.REGULATOR and order_deadline is not None:
        return Deadline("takedown", order_deadline, "the order's deadline")
    due = add_period(
        received_at, rules.takedown, tz=rules.tz, calendar=calendar_for(rules, calendars),
        rolls_forward=rules.last_day_rolls_forward,
    )  # fmt: skip
    return Deadline("takedown", due, f"{rules.takedown} after the complete claim ({rules.regime})")


def restore_window(
    rules: RegimeRules, counter_at: datetime, *, calendars: Mapping[str, BusinessCalendar] = CALENDARS
) -> tuple[Deadline, Deadline] | None:
    """(earliest, latest) restore after a valid counter-notice received (or forwarded) at ``counter_at``; None
    when the regime restores only on a person's decision."""
    if rules.restore_earliest is None or rules.restore_latest is None:
        return None
    cal = calendar_for(rules, calendars)
    earliest = rules.restore_earliest
    # 'Not less than N business days following' the counter-notice: the restore may come on the N-th business day.
    if earliest.unit is Unit.BUSINESS_DAYS:
        first = cal.add_business_days(local_date(counter_at, rules.tz), earliest.amount)
        e = start_of_day(first, rules.tz)
    else:
        e = add_period(
            counter_at, earliest, tz=rules.tz, calendar=cal, rolls_forward=rules.last_day_rolls_forward
        )
    latest = add_period(counter_at, rules.restore_latest, tz=rules.tz, calendar=cal)
    if (
        latest <= e
    ):  # the waiting period rolled past the latest day: the restore is due the day after it opens
        latest = start_of_day(local_date(e, rules.tz) + timedelta(days=1), rules.tz)
    return (
        Deadline("restore-earliest", e, f"{earliest} after the counter-notice ({rules.regime})"),
        Deadline(
            "restore-latest", latest, f"{rules.restore_latest} after the counter-notice ({rules.regime})"
        ),
    )


class Clocked(Protocol):
    """What the alert list needs to know of a claim's case (``claims.ClaimCase`` has these)."""

    @property
    def claim_id(self) -> str: ...
    @property
    def regime(self) -> Regime: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def executable(self) -> bool: ...  # complete, and found at least one infringing item
    @property
    def taken_down_at(self) -> datetime | None: ...
    @property
    def counter_at(self) -> datetime | None: ...
    @property
    def suit_reported_at(self) -> datetime | None: ...
    @property
    def restored_at(self) -> datetime | None: ...
    @property
    def order_deadline(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class Alert:
    claim_id: str
    kind: str  # 'takedown' | 'restore' | 'response'
    state: str  # 'overdue' | 'due' (inside its window, or within ``soon`` of its deadline)
    due: datetime
    detail: str


def alerts(
    cases: Iterable[Clocked],
    now: datetime,
    *,
    soon: timedelta = timedelta(hours=24),
    regimes: Mapping[Regime, RegimeRules] = REGIMES,
    calendars: Mapping[str, BusinessCalendar] = CALENDARS,
    already_down: Set[str] = frozenset(),
) -> list[Alert]:
    """What is due or overdue at ``now``: takedowns not yet done, restores whose window is open or past, EU
    complaints unanswered. Overdue first, then by due time. ``already_down``: claims whose infringing items are
    all unavailable already (another takedown, or the platform's own): no takedown is due for them."""
    out: list[Alert] = []
    for c in cases:
        rules = rules_for(c.regime, regimes)
        if c.executable and c.taken_down_at is None and c.claim_id not in already_down:
            d = takedown_due(rules, c.received_at, calendars=calendars, order_deadline=c.order_deadline)
            _maybe(out, c.claim_id, "takedown", d.due, now, soon, f"take down by {d.due:%Y-%m-%d %H:%M %Z}")
        if c.counter_at is None or c.restored_at is not None or c.taken_down_at is None:
            continue
        if rules.restore_unless_suit and c.suit_reported_at is not None:
            continue
        window = restore_window(rules, c.counter_at, calendars=calendars)
        if window is None:
            if rules.response is not None:
                due = add_period(
                    c.counter_at, rules.response, tz=rules.tz, calendar=calendar_for(rules, calendars)
                )
                _maybe(out, c.claim_id, "response", due, now, soon, "answer the complaint after human review")
            continue
        earliest, latest = window
        if now >= earliest.due:
            state = "overdue" if now >= latest.due else "due"
            detail = (
                f"restore between {earliest.due:%Y-%m-%d %H:%M} and {latest.due:%Y-%m-%d %H:%M} ({rules.tz})"
            )
            out.append(Alert(c.claim_id, "restore", state, latest.due, detail))
    out.sort(key=lambda a: (a.state != "overdue", a.due, a.claim_id, a.kind))
    return out


def _maybe(
    out: list[Alert], claim_id: str, kind: str, due: datetime, now: datetime, soon: timedelta, detail: str
) -> None:
    if now >= due:
        out.append(Alert(claim_id, kind, "overdue", due, detail))
    elif due - now <= soon:
        out.append(Alert(claim_id, kind, "due", due, detail))
