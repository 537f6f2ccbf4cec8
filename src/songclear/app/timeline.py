"""The audit's week-by-week timeline: status counts of a platform's library on each day from a notice to past
its deadline, without deciding every track on every day.

A decision depends on time only through the grants that matter to it (their terms, terminations and the
'expiring' horizon before their ends: ``grant_breakpoints``) and the notices (``buffer`` while one tolerates
uncleared tracks). So a day in the same breakpoint segment as the audit instant has the audit day's status, up
to the notices; only identities with a breakpoint between a timeline day and the audit instant are decided again
(``moving_timeline``), and requirements that do not depend on their subject (``subject_free``) are worked out
once per (platform, right, holder). ``finish_timeline`` adds the steady identities from the audit's decisions.
tests/domain/test_audit_timeline.py checks the result against deciding every track on every day.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from songclear.app.audit_run import TimelinePoint
from songclear.app.identities import IdentityResolver
from songclear.domain.catalogue import LibraryTrack, TrackIdentity
from songclear.domain.clearance import (
    decide,
    licensed_status,
    requirement_outcome,
    requirements,
    subject_free,
    subject_free_flags,
)
from songclear.domain.decision import Status
from songclear.domain.grants import Grant
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery, Requirement
from songclear.domain.territory_time import day_begins_everywhere

TIMELINE_REACH = timedelta(days=728)  # a chart shows at most two years either side of the audited day


def timeline_days(ledger: Ledger, platform: str, day: date) -> list[date]:
    """Weekly days from a week before the first notice that applies to the platform to four weeks past its
    tolerance (or eight weeks either side of the audited day when no notice applies), never further than
    ``TIMELINE_REACH`` from the audited day (a notice "tolerated until 9999-12-31" must not make a chart of
    400 000 weeks) nor past the calendar's ends."""
    notices = [n for n in ledger.notices.values() if not n.platforms or platform in n.platforms]
    earliest, latest = _day_plus(day, -TIMELINE_REACH), _day_plus(day, TIMELINE_REACH)
    if notices:
        first = max(_day_plus(min(n.issued for n in notices), timedelta(days=-7)), earliest)
        last = min(_day_plus(max(max(n.tolerated_until for n in notices), day), timedelta(days=28)), latest)
    else:
        first, last = _day_plus(day, timedelta(days=-56)), _day_plus(day, timedelta(days=56))
    days, d = [], first
    while d <= last:
        days.append(d)
        d = _day_plus(d, timedelta(days=7))
        if d == days[-1]:
            break  # the calendar's last day
    return days


def _day_plus(day: date, delta: timedelta) -> date:
    """``day + delta``, held at the calendar's first and last days instead of overflowing."""
    try:
        return day + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min


def _instants_of(grant: Grant, territory: str) -> Iterator[datetime]:
    """The instants at which ``grant`` starts or stops holding in ``territory`` (the only time-dependent
    rules)."""
    yield grant.term.start_instant(territory)
    end = grant.term.end_instant(territory)
    if end is not None:
        yield end
    if grant.termination is not None:
        yield grant.termination.effective_in(territory)


def grant_breakpoints(
    platform: str, identity: TrackIdentity | None, ledger: Ledger, query: ClearanceQuery
) -> set[datetime]:
    """The instants at which a grant that matters to (platform, identity) starts or stops holding, and the
    'expiring' horizon before each of its ends.

    Those are, with the notices' tolerance windows, the only ways a decision depends on time: ``in_term`` and
    ``not_terminated`` on every grant of every candidate chain and on the exclusive grants checked for
    conflicts, and the expiring test on a chain's end. Between two breakpoints only the notices can turn an
    uncleared decision into a tolerated one (``buffer``) and back."""
    out: set[datetime] = set()
    for req in _identity_requirements(identity, ledger):
        out |= _requirement_breakpoints(platform, req, ledger, query)
    return out


def _identity_requirements(identity: TrackIdentity | None, ledger: Ledger) -> tuple[Requirement, ...]:
    """What ``decide`` must clear for ``identity``: its recording's requirements and those of every other
    registered recording its audio contains."""
    if identity is None or identity.isrc not in ledger.recordings:
        return ()
    reqs = requirements(identity.isrc, ledger)
    for other in identity.contains:
        if other != identity.isrc and other in ledger.recordings:
            reqs += requirements(other, ledger)
    return reqs


def _requirement_breakpoints(
    platform: str, req: Requirement, ledger: Ledger, query: ClearanceQuery
) -> frozenset[datetime]:
    """``grant_breakpoints`` of one requirement."""
    out: set[datetime] = set()
    for leaf in ledger.candidate_grants(platform, req.right, req.subject, req.holder):
        for grant in ledger.chain(leaf):
            out |= _points(ledger, (grant,), query)
            # Only the exclusive grants that conflicts() can report (catalogue or listing the subject); the
            # licensor's catalogue exclusives are the same for every subject.
            out |= _points(ledger, ledger.exclusive_catalogue(grant.licensor, req.right), query)
            out |= _points(ledger, ledger.exclusive_listing(grant.licensor, req.right, req.subject), query)
    return frozenset(out)


def _points(ledger: Ledger, grants: Iterable[Grant], query: ClearanceQuery) -> frozenset[datetime]:
    """The instants at which ``grants`` start or stop holding, and the expiring horizon before each (cached per
    tuple of grant ids and horizon in the ledger's derived values)."""
    grants = tuple(grants)
    if not grants:
        return frozenset()
    cache = ledger.derived.setdefault("breakpoints", {})
    key = (tuple(g.id for g in grants), query.expiring_days, query.territory)
    known = cache.get(key)
    if known is None:
        horizon = timedelta(days=query.expiring_days)
        known = cache[key] = frozenset(
            p
            for g in grants
            for instant in _instants_of(g, query.territory)
            for p in (instant, instant - horizon)
        )
    return known


def _redecide_days(
    platform: str, identity: TrackIdentity | None, ledger: Ledger, query: ClearanceQuery, instants, memo: dict
) -> set[int]:
    """The indexes i of ``instants`` such that a breakpoint lies in (instants[i-1], instants[i]]. A
    ``subject_free`` requirement has the breakpoints of every recording of its holder: computed once."""
    out: set[int] = set()
    for req in _identity_requirements(identity, ledger):
        if subject_free(platform, req, ledger):
            key = (platform, req.right, req.holder)
            days = memo.get(key)
            if days is None:
                days = memo[key] = _day_indexes(
                    _requirement_breakpoints(platform, req, ledger, query), instants
                )
        else:
            days = _day_indexes(_requirement_breakpoints(platform, req, ledger, query), instants)
        out |= days
    return out


def _day_indexes(points: frozenset[datetime], instants: list[datetime]) -> frozenset[int]:
    return frozenset(
        i for b in points if 0 < (i := bisect.bisect_left(instants, b)) < len(instants)
    )  # day i follows a breakpoint in (day i-1, day i]


_NOT_CLEARED = (Status.UNCLEARED, Status.BUFFER)


def _tolerated(ledger: Ledger, platform: str, query: ClearanceQuery, instants: list[datetime]) -> list[bool]:
    """Per instant: does a notice tolerate the platform's uncleared tracks (``buffer``, as ``decide`` says)?"""
    notices = list(ledger.notices.values())
    return [any(n.tolerates(platform, query.territory, at) for n in notices) for at in instants]


def group_identities(tracks: Iterable[LibraryTrack], resolve: IdentityResolver) -> dict[tuple, list]:
    """(platform, identity) -> [number of tracks, one of them], in the order of ``tracks``."""
    groups: dict[tuple, list] = {}
    for t in tracks:
        key = (t.platform, resolve(t))
        g = groups.get(key)
        if g is None:
            groups[key] = [1, t]
        else:
            g[0] += 1
    return groups


@dataclass(frozen=True, slots=True)
class MovingTimeline:
    """The timeline counts of the identities whose status on some timeline day differs from the audit day's
    (``moving``: their indexes in the groups' order); every other identity has the audit day's status on every
    day, up to the notices (uncleared <-> buffer)."""

    counts: list[Counter]
    moving: frozenset[int]


def moving_timeline(
    groups: dict[tuple, list], ledger: Ledger, query: ClearanceQuery, days: list[date]
) -> MovingTimeline:
    """Decide each identity only where a grant breakpoint separates a timeline day from the audit instant
    ``query.at``: once per segment between breakpoints (``grant_breakpoints``) other than the audit instant's.
    Most identities have no breakpoint in a few months: nothing to decide here, the audit day says it all. An
    identity whose requirements are all ``subject_free`` has the statuses of every identity of the same
    (platform, requirement holders): worked out once for them all."""
    days_of = _DayStatuses(ledger, query, days)
    counts = [Counter() for _ in days]
    moving: list[int] = []
    by_shape: dict[tuple, list[Status] | None] = {}
    shape_tracks: Counter = Counter()
    for index, ((platform, identity), (n, track)) in enumerate(groups.items()):
        reqs = _subject_free_requirements(platform, identity, ledger)
        if reqs is None:
            shape = None
            statuses = days_of(platform, identity, track)
        else:
            # Requirements with the same outcome on every day are one: the shape is the set of outcomes.
            shape = (platform, frozenset(days_of.outcomes(platform, r) for r in reqs))
            statuses = by_shape.get(shape, ())
            if statuses == ():
                statuses = by_shape[shape] = days_of.of_shape(platform, shape[1])
        if statuses is None:
            continue
        moving.append(index)
        if shape is None:
            for i, status in enumerate(statuses):
                counts[i][status] += n
        else:
            shape_tracks[shape] += n
    for shape, n in shape_tracks.items():
        for i, status in enumerate(by_shape[shape] or ()):
            counts[i][status] += n
    return MovingTimeline(counts, frozenset(moving))


def _subject_free_requirements(
    platform: str, identity: TrackIdentity | None, ledger: Ledger
) -> tuple[Requirement, ...] | None:
    """The identity's requirements when every one is ``subject_free`` (and its audio holds nothing else)."""
    if identity is None or identity.isrc not in ledger.recordings:
        return None
    if identity.contains and any(c != identity.isrc for c in identity.contains):
        return None
    if not all(subject_free_flags(platform, identity.isrc, ledger)):
        return None
    return requirements(identity.isrc, ledger)


class _DayStatuses:
    """One identity's status on each timeline day, or None when each is the audit instant's (see
    ``moving_timeline``)."""

    def __init__(self, ledger: Ledger, query: ClearanceQuery, days: list[date]) -> None:
        self.ledger, self.query = ledger, query
        self.instants = [day_begins_everywhere(d, query.territory) for d in days]
        self.ext = sorted({*self.instants, query.at})  # the days and the audit instant, each instant once
        self.at_day = [self.ext.index(t) for t in self.instants]
        self.audit_pos = self.ext.index(query.at)
        self.queries = [dataclasses.replace(query, at=at) for at in self.ext]
        self.memos: list[dict] = [{} for _ in self.ext]  # decide()'s memo, one per query
        self.points_memo: dict = {}
        self.outcome_memo: dict[tuple, int] = {}
        self.interned: dict[tuple, int] = {}
        self.vectors: list[tuple] = []
        self.tolerated: dict[str, list[bool]] = {}

    def of_shape(self, platform: str, outcomes: frozenset[int]) -> list[Status] | None:
        """``__call__`` for an identity whose requirements are all ``subject_free``: its status on each day
        follows from each requirement's outcome on that day (``outcomes``)."""
        vectors = [self.vectors[i] for i in outcomes]
        raw = [
            Status.UNCLEARED
            if any(v[k][0] for v in vectors)
            else licensed_status(any(v[k][1] for v in vectors), [v[k][2] for v in vectors], self.queries[k])
            for k in range(len(self.ext))
        ]
        audit = raw[self.audit_pos]
        if all(raw[k] is audit for k in self.at_day):
            return None
        tolerated = self._tolerated(platform)
        return [
            (Status.BUFFER if tolerated[i] else Status.UNCLEARED) if raw[k] is Status.UNCLEARED else raw[k]
            for i, k in enumerate(self.at_day)
        ]

    def outcomes(self, platform: str, req: Requirement) -> int:
        """``requirement_outcome`` of a ``subject_free`` requirement on each instant, once per
        (platform, right, holder), as the index of that sequence of outcomes in ``vectors``."""
        key = (platform, req.right, req.holder)
        known = self.outcome_memo.get(key)
        if known is None:
            vector = tuple(
                requirement_outcome(platform, req, q, self.ledger, memo)
                for q, memo in zip(self.queries, self.memos, strict=True)
            )
            known = self.interned.get(vector)
            if known is None:
                known = self.interned[vector] = len(self.vectors)
                self.vectors.append(vector)
            self.outcome_memo[key] = known
        return known

    def _tolerated(self, platform: str) -> list[bool]:
        tolerated = self.tolerated.get(platform)
        if tolerated is None:
            tolerated = self.tolerated[platform] = _tolerated(
                self.ledger, platform, self.query, self.instants
            )
        return tolerated

    def __call__(
        self, platform: str, identity: TrackIdentity | None, track: LibraryTrack
    ) -> list[Status] | None:
        redecide = _redecide_days(platform, identity, self.ledger, self.query, self.ext, self.points_memo)
        if not redecide:
            return None
        segment, seg = [], 0
        for k in range(len(self.ext)):
            seg += k in redecide
            segment.append(seg)
        audit_seg = segment[self.audit_pos]
        if all(segment[k] == audit_seg for k in self.at_day):
            return None
        tolerated = self.tolerated.get(platform)
        if tolerated is None:
            tolerated = self.tolerated[platform] = _tolerated(
                self.ledger, platform, self.query, self.instants
            )
        status_of: dict[int, Status] = {}
        out = []
        for i, k in enumerate(self.at_day):
            s = status_of.get(segment[k])
            if s is None:
                first = self.audit_pos if segment[k] == audit_seg else segment.index(segment[k])
                q, memo = self.queries[first], self.memos[first]
                s = status_of[segment[k]] = decide(track, identity, self.ledger, q, memo=memo).status
            if s in _NOT_CLEARED:
                s = Status.BUFFER if tolerated[i] else Status.UNCLEARED
            out.append(s)
        return out


def finish_timeline(
    moving: MovingTimeline,
    groups: dict[tuple, list],
    audit_statuses: Sequence[Status],
    ledger: Ledger,
    query: ClearanceQuery,
    days: list[date],
) -> list[TimelinePoint]:
    """Add the identities that do not move (the audit day's status, as the notices tolerate it) to ``moving``.
    ``audit_statuses``: each group's status at the audit instant, in the order of ``groups``."""
    instants = [day_begins_everywhere(d, query.territory) for d in days]
    steady: Counter = Counter()  # (platform, audit-day status) -> tracks
    moved = moving.moving
    for index, ((platform, _identity), (n, _track)), status in zip(
        range(len(groups)), groups.items(), audit_statuses, strict=True
    ):
        if index not in moved:
            steady[platform, status] += n
    counts = [Counter(c) for c in moving.counts]
    tolerated: dict[str, list[bool]] = {}
    for (platform, first), n in steady.items():
        if platform not in tolerated:
            tolerated[platform] = _tolerated(ledger, platform, query, instants)
        for i, tol in enumerate(tolerated[platform]):
            status = first if first not in _NOT_CLEARED else Status.BUFFER if tol else Status.UNCLEARED
            counts[i][status] += n
    return [TimelinePoint(d, {s: c.get(s, 0) for s in Status}) for d, c in zip(days, counts, strict=True)]


def status_timeline(
    tracks: list[LibraryTrack],
    ledger: Ledger,
    query: ClearanceQuery,
    days: list[date],
    resolve: IdentityResolver,
) -> list[TimelinePoint]:
    """Status counts on each of ``days``: ``moving_timeline`` and ``finish_timeline`` in this process."""
    if not days:
        return []
    groups = group_identities(tracks, resolve)
    memo: dict = {}
    at_audit = [decide(track, key[1], ledger, query, memo=memo).status for key, (_n, track) in groups.items()]
    return finish_timeline(
        moving_timeline(groups, ledger, query, days), groups, at_audit, ledger, query, days
    )
