"""The audit use cases: a whole platform library at a date, one track explained, two dates compared.

Decisions depend only on a track's identity (the recording it is) and its platform, so the audit decides each
distinct identity once per query and shares the result among the tracks that carry it: a library of 1 M
tracks over 500 k recordings costs 500 k decisions, and the week-by-week timeline costs one decision per
identity per week, not per track.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar

from songclear.app.audit_run import AuditRun
from songclear.app.availability import down_at
from songclear.app.identities import IdentityResolver, identity_resolver, isrc_identity
from songclear.app.progress import ticking
from songclear.app.timeline import (  # noqa: F401 - the timeline's public names, as before it moved
    MovingTimeline,
    finish_timeline,
    grant_breakpoints,
    group_identities,
    moving_timeline,
    status_timeline,
    timeline_days,
)
from songclear.domain.audit import diff, summarise
from songclear.domain.catalogue import LibraryTrack
from songclear.domain.clearance import decide
from songclear.domain.decision import ClearanceDecision, Status
from songclear.domain.grants import start_of_day
from songclear.domain.ledger import Ledger
from songclear.domain.rules import MAX_EXPIRING_DAYS, ClearanceQuery
from songclear.domain.territory import normalise_code
from songclear.domain.territory_time import day_begins_everywhere
from songclear.domain.timespan import check_day
from songclear.domain.vocabulary import normalise_model, normalise_use
from songclear.errors import InputError, NotFound
from songclear.reports.context import grant_parties_from_ledger

T = TypeVar("T")


def make_query(
    day: date,
    *,
    territory: str = "CN",
    use: str = "Stream",
    commercial_model: str | None = None,
    expiring_days: int = 30,
    tz: str | None = None,
) -> ClearanceQuery:
    """Validate the user's words and build the query for ``day`` in ``territory``: the instant it has begun in
    every zone of the territory (CN: midnight in Asia/Shanghai; US: midnight in Honolulu, when New York is on
    that day too; ``territory_time``), or the first instant of ``day`` in ``tz`` when one is given."""
    code = normalise_code(territory)
    if code == "Worldwide":
        raise InputError("an audit asks about one territory (e.g. CN), not Worldwide")
    if not 0 <= expiring_days <= MAX_EXPIRING_DAYS:
        raise InputError(f"--expiring-days must be from 0 to {MAX_EXPIRING_DAYS}, got {expiring_days}")
    check_day(day, "the day audited")
    return ClearanceQuery(
        at=day_begins_everywhere(day, code) if tz is None else start_of_day(day, tz),
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

    def status_of(self, key: tuple, track: LibraryTrack) -> Status:
        """The status of (platform, identity) ``key``, which ``track`` carries."""
        hit = self._memo.get(key)
        return hit.status if hit is not None else self.decide(track).status


def _for_track(d: ClearanceDecision, key: str) -> ClearanceDecision:
    # dataclasses.replace, without its per-call field introspection (it runs for most tracks of a library)
    return ClearanceDecision(
        key, d.status, d.recording, d.licensor, d.chains, d.reasons, d.identity_source, d.notice, d.territory
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


# A library at least this big computes the moving part of its timeline in a forked worker while this process
# decides the audit day. Below it the fork does not pay: after fork() every page either process writes (and
# reference counts write everywhere) is copied; with the 1 M-track benchmark ledger loaded that cost 3.6 s of CPU
# for a 199 k-track platform whose timeline takes 2.9 s.
PARALLEL_MIN_TRACKS = 400_000


def _worker(conn, fn, args) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as e:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            conn.send(("error", e))
        except Exception:  # noqa: BLE001 - an exception that does not pickle: keep its words
            conn.send(("error", RuntimeError(f"audit worker: {e!r}")))
    finally:
        conn.close()


@contextmanager
def in_background(fn: Callable, *args, size: int) -> Iterator[Callable[[], object]]:
    """Run ``fn(*args)`` beside the caller's work; yields a function that returns its result when done.

    With several cores and ``size`` (tracks) >= PARALLEL_MIN_TRACKS, a forked child runs it: the ledger and
    the tracks are shared copy-on-write and only the (small) result comes back pickled. The child touches no
    database connection and leaves through ``os._exit`` (multiprocessing), so the parent's session is
    unaffected. Otherwise it runs in this process when its result is asked for."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2 or size < PARALLEL_MIN_TRACKS or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: fn(*args)
        return
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(send, fn, args), daemon=True)
    worker.start()
    send.close()

    def result() -> object:
        try:
            kind, value = receive.recv()
        except EOFError:
            raise RuntimeError(f"the audit worker died (exit code {worker.exitcode})") from None
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
    progress: Callable | None = None,
) -> AuditRun:
    """Audit ``platform``'s whole library at ``day`` with the ledger as known at ``known_at`` (None: now).

    ``ledger``: that ledger already loaded (``repo.load_ledger(known_at)``), to audit several platforms in one
    process without loading it again for each. ``progress(done, total)``: tracks decided so far."""
    with paused_gc():
        return _run_audit(
            repo, platform, day, query, known_at, resolve, with_timeline, keep_tracks, ledger, progress
        )


def audit_platforms(
    repo,
    platforms: list[str],
    handle: Callable[[AuditRun, object], T],
    *,
    day: date,
    query: ClearanceQuery,
    known_at: datetime | None = None,
    with_timeline: bool = True,
    workers: int | None = None,
    progress: Callable | None = None,
) -> dict[str, T]:
    """Audit each of ``platforms`` with one ledger load, on every core; ``handle(run, repo)`` for each (``repo``:
    the repository of the process that audited it), results in the order of ``platforms`` (e.g. write its reports
    and return a summary: only that comes back from a worker).

    After the ledger is loaded, workers are forked (ledger shared copy-on-write), each auditing a share of the
    platforms balanced by track count, on its own database connection; this process audits the first share.
    Forking once per audit, not once per platform, pays the copy-on-write once (see ``PARALLEL_MIN_TRACKS``).
    ``progress(done, total)``: platforms audited so far (this process's as each ends, a worker's when it returns)."""
    tick = progress or (lambda done, total: None)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    n = max(1, min(workers or cores, len(platforms)))
    if "fork" not in multiprocessing.get_all_start_methods():
        n = 1
    with paused_gc():
        ledger = repo.load_ledger(known_at)
        shares: list[list[str]] = [[] for _ in range(n)]
        loads = [0] * n
        sizes = {p: repo.count_tracks(p, known_at) for p in platforms}
        for p in sorted(platforms, key=lambda p: (-sizes[p], p)):  # biggest first, to the lightest share
            i = loads.index(min(loads))
            shares[i].append(p)
            loads[i] += sizes[p]

        def audit_share(share: list[str], share_repo, tick=lambda done, total: None) -> dict[str, T]:
            out = {}
            for p in share:
                run = _run_audit(share_repo, p, day, query, known_at, None, with_timeline, True, ledger)
                out[p] = handle(run, share_repo)
                tick(len(out), len(platforms))
            return out

        engine = repo.session.get_bind()
        pending = []
        for share in shares[1:]:
            ctx = multiprocessing.get_context("fork")
            receive, send = ctx.Pipe(duplex=False)
            worker = ctx.Process(target=_worker, args=(send, _audit_in_child, (engine, share, audit_share)))
            worker.start()
            send.close()
            pending.append((receive, worker))
        tick(0, len(platforms))
        results = audit_share(shares[0], repo, tick)
        for receive, worker in pending:
            try:
                kind, value = receive.recv()
            except EOFError:
                raise RuntimeError(f"an audit worker died (exit code {worker.exitcode})") from None
            finally:
                receive.close()
                worker.join()
            if kind == "error":
                raise value
            results.update(value)
            tick(len(results), len(platforms))
    return {p: results[p] for p in platforms}


def _audit_in_child(engine, share: list[str], audit_share) -> dict:
    from sqlalchemy.orm import Session

    from songclear.store.repository import LedgerRepository

    engine.dispose(
        close=False
    )  # the parent's pooled connections stay the parent's (SQLAlchemy's fork recipe)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return audit_share(share, LedgerRepository(session))


def _per_group(progress: Callable | None, size: list[int]) -> Callable | None:
    """``progress`` counted in tracks while groups (a track's platform and identity) are decided in order."""
    if progress is None:
        return None
    prefix = list(itertools.accumulate(size))
    return lambda groups_done, total: progress(prefix[groups_done - 1] if groups_done else 0, total)


def _run_audit(
    repo, platform, day, query, known_at, resolve, with_timeline, keep_tracks, ledger, progress=None
) -> AuditRun:
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
    # Each track resolved and its (platform, identity) key hashed once: the group index does the rest.
    index: dict[tuple, int] = {}
    member = [index.setdefault((t.platform, resolve_then(t)), len(index)) for t in tracks]
    sample: list[LibraryTrack | None] = [None] * len(index)
    size = [0] * len(index)
    for t, g in zip(tracks, member, strict=True):
        if sample[g] is None:
            sample[g] = t
        size[g] += 1
    groups = {key: [size[g], sample[g]] for key, g in index.items()} if days else {}
    with in_background(moving_timeline, groups, ledger, query, days, size=len(tracks)) as moving:
        memo: dict = {}  # decide()'s memo for this query
        decided = [
            decide(sample[g], key[1], ledger, query, memo=memo)
            for key, g in ticking(index.items(), _per_group(progress, size), len(tracks), every=5000)
        ]
        decisions = []
        for t, g in zip(tracks, member, strict=True):
            d, key = decided[g], t.key
            decisions.append(d if d.track == key else _for_track(d, key))
        changes = None
        if known_at is not None:
            now_ledger = repo.load_ledger(None)
            now_tracks = list(repo.iter_tracks(platform))
            now = audit_library(
                now_tracks, now_ledger, query, resolve=resolve or identity_resolver(repo, platform, None)
            )
            changes = diff({d.track: d for d in decisions}, {d.track: d for d in now})
        timeline = (
            finish_timeline(moving(), groups, [d.status for d in decided], ledger, query, days)
            if days
            else []
        )
    licensors = {d.licensor for d in decisions if d.licensor}
    notices = sorted(
        (n for n in ledger.notices.values() if n.applies_to(platform, query.territory)),
        key=lambda n: n.issued,
    )
    return AuditRun(
        platform=platform,
        platform_name=ledger.party_name(platform),
        query=query,
        at_day=day,
        known_at=known_at,
        decisions=decisions,
        tracks={t.key: t for t in tracks} if keep_tracks else {},
        summary=summarise(decisions, down=down_at(repo, platform, tracks, query, known_at)),
        notices=notices,
        timeline=timeline,
        changes_vs_now=changes,
        licensor_names={lic: ledger.party_name(lic) for lic in licensors},
        party_names={n.issuer: ledger.party_name(n.issuer) for n in notices},
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
    ledger: Ledger | None = None,
) -> tuple[LibraryTrack, ClearanceDecision, Ledger]:
    """``ledger``: the ledger as known at ``known_at``, already loaded (a server keeps the current one)."""
    track = repo.get_track(platform, track_id, known_at=known_at)
    ledger = ledger if ledger is not None else repo.load_ledger(known_at)
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
        tracks,
        ledger,
        dataclasses.replace(query, at=day_begins_everywhere(day_from, query.territory)),
        resolve=resolve,
    )
    after = audit_library(
        tracks,
        ledger,
        dataclasses.replace(query, at=day_begins_everywhere(day_to, query.territory)),
        resolve=resolve,
    )
    return diff({d.track: d for d in before}, {d.track: d for d in after})
