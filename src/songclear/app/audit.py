"""The audit use cases: a whole platform library at a date, one track explained, two dates compared.

Decisions depend only on a track's identity (the recording it is) and its platform, so the audit decides each
distinct identity once per query and shares the result among the tracks that carry it: a library of 1 M
tracks over 500 k recordings costs 500 k decisions, and the week-by-week timeline costs one decision per
identity per week, not per track.
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from songclear.app.audit_run import AuditRun, TimelinePoint
from songclear.app.identities import IdentityResolver, identity_resolver, isrc_identity
from songclear.domain.audit import diff, summarise
from songclear.domain.catalogue import LibraryTrack, TrackIdentity
from songclear.domain.clearance import ClearanceDecision, Status, decide, requirements
from songclear.domain.grants import DEFAULT_TZ, Grant, start_of_day
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery, Requirement
from songclear.domain.territory import normalise_code
from songclear.domain.vocabulary import normalise_model, normalise_use
from songclear.errors import InputError, NotFound
from songclear.reports.context import grant_parties_from_ledger


def make_query(
    day: date,
    *,
    territory: str = "CN",
    use: str = "Stream",
    commercial_model: str | None = None,
    expiring_days: int = 30,
    tz: str = DEFAULT_TZ,
) -> ClearanceQuery:
    """Validate the user's words and build the query for the first instant of ``day`` in ``tz``."""
    code = normalise_code(territory)
    if code == "Worldwide":
        raise InputError("an audit asks about one territory (e.g. CN), not Worldwide")
    if expiring_days < 0:
        raise InputError("--expiring-days must be >= 0")
    return ClearanceQuery(
        at=start_of_day(day, tz),
        territory=code,
        use=normalise_use(use),
        commercial_model=normalise_model(commercial_model) if commercial_model else None,
        expiring_days=expiring_days,
    )


class DecisionCache:
    """Decides each (platform, identity) once for a ledger and a query."""

    def __init__(self, ledger: Ledger, query: ClearanceQuery, resolve: IdentityResolver = isrc_identity):
        self.ledger, self.query, self.resolve = ledger, query, resolve
        self._memo: dict[tuple, ClearanceDecision] = {}
        self._shared: dict = {}  # decide()'s memo for this ledger and query

    def decide(self, track: LibraryTrack) -> ClearanceDecision:
        identity = self.resolve(track)
        key = (track.platform, identity)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = decide(track, identity, self.ledger, self.query, memo=self._shared)
        return hit if hit.track == track.key else _for_track(hit, track.key)


def _for_track(d: ClearanceDecision, key: str) -> ClearanceDecision:
    # dataclasses.replace, without its per-call field introspection (it runs for most tracks of a library)
    return ClearanceDecision(
        key, d.status, d.recording, d.licensor, d.chains, d.reasons, d.identity_source, d.notice
    )


def audit_library(
    tracks: Iterable[LibraryTrack],
    ledger: Ledger,
    query: ClearanceQuery,
    *,
    resolve: IdentityResolver = isrc_identity,
) -> list[ClearanceDecision]:
    cache = DecisionCache(ledger, query, resolve)
    return [cache.decide(t) for t in tracks]


def timeline_days(ledger: Ledger, platform: str, day: date) -> list[date]:
    """Weekly days from a week before the first notice that applies to the platform to four weeks past its
    tolerance (or eight weeks either side of the audited day when no notice applies)."""
    notices = [n for n in ledger.notices.values() if not n.platforms or platform in n.platforms]
    if notices:
        first = min(n.issued for n in notices) - timedelta(days=7)
        last = max(max(n.tolerated_until for n in notices), day) + timedelta(days=28)
    else:
        first, last = day - timedelta(days=56), day + timedelta(days=56)
    days, d = [], first
    while d <= last:
        days.append(d)
        d += timedelta(days=7)
    return days


def _instants_of(grant: Grant) -> Iterator[datetime]:
    """The instants at which ``grant`` starts or stops holding (the only time-dependent rules)."""
    yield grant.term.start_instant()
    end = grant.term.end_instant()
    if end is not None:
        yield end
    if grant.termination is not None:
        yield grant.termination.effective


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
        out |= _requirement_breakpoints(platform, req, ledger, query)[0]
    return out


def _identity_requirements(identity: TrackIdentity | None, ledger: Ledger) -> list[Requirement]:
    """What ``decide`` must clear for ``identity``: its recording's requirements and those of every other
    registered recording its audio contains."""
    if identity is None or identity.isrc not in ledger.recordings:
        return []
    reqs = requirements(identity.isrc, ledger)
    for other in identity.contains:
        if other != identity.isrc and other in ledger.recordings:
            reqs += requirements(other, ledger)
    return reqs


def _requirement_breakpoints(
    platform: str, req: Requirement, ledger: Ledger, query: ClearanceQuery
) -> tuple[frozenset[datetime], frozenset[str]]:
    """``grant_breakpoints`` of one requirement, and the licensors of its candidate chains."""
    out: set[datetime] = set()
    licensors: set[str] = set()
    horizon = timedelta(days=query.expiring_days)
    for leaf in ledger.candidate_grants(platform, req.right, req.subject, req.holder):
        for grant in ledger.chain(leaf):
            licensors.add(grant.licensor)
            # Only the exclusive grants that conflicts() can report (catalogue or listing the subject).
            for ex in (grant, *ledger.exclusive_grants_over(grant.licensor, req.right, req.subject)):
                for instant in _instants_of(ex):
                    out.add(instant)
                    out.add(instant - horizon)
    return frozenset(out), frozenset(licensors)


def _redecide_days(
    platform: str, identity: TrackIdentity | None, ledger: Ledger, query: ClearanceQuery, instants, memo: dict
) -> set[int]:
    """The indexes i of ``instants`` such that a breakpoint lies in (instants[i-1], instants[i]].

    A requirement without listed grants to the platform, none of whose chain licensors holds an exclusive grant
    listing the subject, has the breakpoints of every recording of its holder: computed once per
    (platform, right, holder)."""
    out: set[int] = set()
    for req in _identity_requirements(identity, ledger):
        key = (platform, req.right, req.holder)
        hit = memo.get(key)
        if hit is None and not ledger.listed_grants(platform, req.right, req.subject):
            points, licensors = _requirement_breakpoints(platform, req, ledger, query)
            days = _day_indexes(points, instants)
            if not any(ledger.exclusive_listing(lic, req.right, req.subject) for lic in licensors):
                hit = memo[key] = (days, licensors)
            else:
                out |= days
                continue
        if (
            hit is not None
            and not ledger.listed_grants(platform, req.right, req.subject)
            and not any(ledger.exclusive_listing(lic, req.right, req.subject) for lic in hit[1])
        ):
            out |= hit[0]
        else:
            out |= _day_indexes(_requirement_breakpoints(platform, req, ledger, query)[0], instants)
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


def status_timeline(
    tracks: list[LibraryTrack],
    ledger: Ledger,
    query: ClearanceQuery,
    days: list[date],
    resolve: IdentityResolver,
) -> list[TimelinePoint]:
    """Status counts on each of ``days``, deciding each (platform, identity) on the first day and again only on
    the days after one of its ``grant_breakpoints``; in between, an uncleared identity follows the notices.
    Most identities have no breakpoint in a few months: one decision each instead of one per day."""
    groups: Counter = Counter()
    sample: dict[tuple, LibraryTrack] = {}
    for t in tracks:
        key = (t.platform, resolve(t))
        groups[key] += 1
        sample.setdefault(key, t)
    if not days:
        return []
    instants = [start_of_day(d, DEFAULT_TZ) for d in days]
    queries = [dataclasses.replace(query, at=at) for at in instants]
    counts = [Counter() for _ in days]
    memos: list[dict] = [{} for _ in days]  # decide()'s memo, one per query
    points_memo: dict = {}
    tolerated: dict[str, list[bool]] = {}
    steady: Counter = Counter()  # (platform, first-day status) -> tracks with no breakpoint inside the days
    for key, n in groups.items():
        track, identity = sample[key], key[1]
        platform = track.platform
        redecide = _redecide_days(platform, identity, ledger, query, instants, points_memo)
        status = decide(track, identity, ledger, queries[0], memo=memos[0]).status
        if not redecide:
            steady[platform, status] += n
            continue
        if platform not in tolerated:
            tolerated[platform] = _tolerated(ledger, platform, query, instants)
        for i in range(len(days)):
            if i in redecide:
                status = decide(track, identity, ledger, queries[i], memo=memos[i]).status
            elif status in _NOT_CLEARED:
                status = Status.BUFFER if tolerated[platform][i] else Status.UNCLEARED
            counts[i][status] += n
    for (platform, first), n in steady.items():
        if platform not in tolerated:
            tolerated[platform] = _tolerated(ledger, platform, query, instants)
        for i, tol in enumerate(tolerated[platform]):
            status = first if first not in _NOT_CLEARED else Status.BUFFER if tol else Status.UNCLEARED
            counts[i][status] += n
    return [TimelinePoint(d, {s: c.get(s, 0) for s in Status}) for d, c in zip(days, counts, strict=True)]


# A library at least this big computes its timeline in a forked worker while this process decides the audit day:
# the two halves cost about the same, and a smaller library is not worth a fork.
PARALLEL_MIN_TRACKS = 20_000


def _timeline_worker(conn, tracks, ledger, query, days, resolve) -> None:
    try:
        conn.send(("ok", status_timeline(tracks, ledger, query, days, resolve)))
    except BaseException as e:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            conn.send(("error", e))
        except Exception:  # noqa: BLE001 - an exception that does not pickle: keep its words
            conn.send(("error", RuntimeError(f"timeline worker: {e!r}")))
    finally:
        conn.close()


@contextmanager
def timeline_in_background(
    tracks: list[LibraryTrack],
    ledger: Ledger,
    query: ClearanceQuery,
    days: list[date],
    resolve: IdentityResolver,
) -> Iterator[Callable[[], list[TimelinePoint]]]:
    """Compute ``status_timeline`` beside the caller's work; yields a function that returns it when done.

    On a machine with several cores and a big library, a forked child computes it: the ledger, the tracks and
    the resolver's tables are shared copy-on-write, only the counts come back. The child touches no database
    connection and leaves through ``os._exit`` (multiprocessing), so the parent's session is unaffected.
    Otherwise (one core, a small library, no fork) it is computed in this process when asked for."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if (
        not days
        or cores < 2
        or len(tracks) < PARALLEL_MIN_TRACKS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        yield lambda: status_timeline(tracks, ledger, query, days, resolve)
        return
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(
        target=_timeline_worker, args=(send, tracks, ledger, query, days, resolve), daemon=True
    )
    worker.start()
    send.close()

    def result() -> list[TimelinePoint]:
        try:
            kind, value = receive.recv()
        except EOFError:
            raise RuntimeError(f"the timeline worker died (exit code {worker.exitcode})") from None
        if kind == "error":
            raise value
        return value

    try:
        yield result
    finally:
        receive.close()
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()
            worker.join()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk load or audit (restored on exit).

    A 1 M-track audit holds millions of long-lived, acyclic objects; every full collection walks them all.
    With the collector on, loading the benchmark ledger costs 11.6 s of CPU instead of 7.0 s (its index
    build 3.4 s instead of 0.9 s). Reference counting still frees everything the audit drops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_audit(
    repo,
    *,
    platform: str,
    day: date,
    query: ClearanceQuery,
    known_at: datetime | None = None,
    resolve: IdentityResolver | None = None,
    with_timeline: bool = True,
    keep_tracks: bool = True,
    ledger: Ledger | None = None,
) -> AuditRun:
    """Audit ``platform``'s whole library at ``day`` with the ledger as known at ``known_at`` (None: now).

    ``ledger``: that ledger already loaded (``repo.load_ledger(known_at)``), to audit several platforms in one
    process without loading it again for each."""
    with paused_gc():
        return _run_audit(repo, platform, day, query, known_at, resolve, with_timeline, keep_tracks, ledger)


def _run_audit(repo, platform, day, query, known_at, resolve, with_timeline, keep_tracks, ledger) -> AuditRun:
    started = time.perf_counter()
    if platform not in set(repo.platforms()):
        raise NotFound(
            f"platform {platform!r} has no library tracks (known platforms: {', '.join(repo.platforms())})"
        )
    if ledger is None:
        ledger = repo.load_ledger(known_at)
    tracks = list(repo.iter_tracks(platform, known_at=known_at))
    resolve_then = resolve or identity_resolver(repo, platform, known_at)
    days = timeline_days(ledger, platform, day) if with_timeline else []
    with timeline_in_background(tracks, ledger, query, days, resolve_then) as timeline_result:
        decisions = audit_library(tracks, ledger, query, resolve=resolve_then)
        changes = None
        if known_at is not None:
            now_ledger = repo.load_ledger(None)
            now_tracks = list(repo.iter_tracks(platform))
            now = audit_library(
                now_tracks, now_ledger, query, resolve=resolve or identity_resolver(repo, platform, None)
            )
            changes = diff({d.track: d for d in decisions}, {d.track: d for d in now})
        timeline = timeline_result() if with_timeline else []
    licensors = {d.licensor for d in decisions if d.licensor}
    return AuditRun(
        platform=platform,
        platform_name=ledger.party_name(platform),
        query=query,
        at_day=day,
        known_at=known_at,
        decisions=decisions,
        tracks={t.key: t for t in tracks} if keep_tracks else {},
        summary=summarise(decisions),
        notices=sorted(
            (n for n in ledger.notices.values() if n.applies_to(platform, query.territory)),
            key=lambda n: n.issued,
        ),
        timeline=timeline,
        changes_vs_now=changes,
        licensor_names={lic: ledger.party_name(lic) for lic in licensors},
        grant_parties=grant_parties_from_ledger(ledger, decisions),
        elapsed_s=time.perf_counter() - started,
    )


def explain_track(
    repo,
    *,
    platform: str,
    track_id: str,
    query: ClearanceQuery,
    known_at: datetime | None = None,
    resolve: IdentityResolver | None = None,
) -> tuple[LibraryTrack, ClearanceDecision, Ledger]:
    track = repo.get_track(platform, track_id, known_at=known_at)
    ledger = repo.load_ledger(known_at)
    resolve = resolve or identity_resolver(repo, platform, known_at)
    return track, decide(track, resolve(track), ledger, query), ledger


def diff_dates(
    repo,
    *,
    platform: str,
    query: ClearanceQuery,
    day_from: date,
    day_to: date,
    resolve: IdentityResolver | None = None,
):
    """Tracks whose status changes between two days (same ledger, as known now), with both explanations."""
    resolve = resolve or identity_resolver(repo, platform, None)
    ledger = repo.load_ledger(None)
    tracks = list(repo.iter_tracks(platform))
    before = audit_library(
        tracks, ledger, dataclasses.replace(query, at=start_of_day(day_from)), resolve=resolve
    )
    after = audit_library(
        tracks, ledger, dataclasses.replace(query, at=start_of_day(day_to)), resolve=resolve
    )
    return diff({d.track: d for d in before}, {d.track: d for d in after})
