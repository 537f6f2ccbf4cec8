"""What every request handler is given: the database, the fingerprint index, the clock, the limits, the jobs."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fastapi import Request

from songclear.api.jobs import JobRunner
from songclear.app.limits import IDENTIFY_MAX_SECONDS
from songclear.errors import NotFound, RateLimited


@dataclass(frozen=True, slots=True)
class Limits:
    max_upload_bytes: int = 20 * 1024 * 1024  # a table, a DDEX message or an audio clip
    identify_per_window: int = 30  # identify requests per token ...
    identify_max_seconds: float = IDENTIFY_MAX_SECONDS  # audio analysed per identify; a longer clip is 413
    claims_per_window: int = 30  # claims and counter-notices filed per token ...
    window_s: float = 60.0  # ... per this many seconds
    job_workers: int = 2  # threads running background jobs (imports, audits, scans, reports)
    logins_per_window: int = 10  # failed dashboard logins per username, and 3x that per client address ...
    login_window_s: float = 300.0  # ... per this many seconds: password guessing is slowed to a crawl


class RateLimiter:
    """A sliding window per key (a token): at most ``limit`` calls in any ``window_s`` seconds.

    In memory and per process: enough for one uvicorn worker, which is how ``songclear serve`` runs."""

    def __init__(
        self, limit: int, window_s: float, what: str, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window_s, self.what, self.monotonic = limit, window_s, what, monotonic
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count a call for ``key``; raise RateLimited when it is one too many."""
        self._take(key, count=True)

    def check(self, key: str) -> None:
        """Raise RateLimited if ``key`` has used up its window, without counting a call (a login counts only
        its failures, but a full window refuses every attempt)."""
        self._take(key, count=False)

    def _take(self, key: str, *, count: bool) -> None:
        now = self.monotonic()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - self.window_s:
                calls.popleft()
            if len(calls) >= self.limit:
                retry = max(1, int(calls[0] + self.window_s - now + 0.999))
                raise RateLimited(
                    f"at most {self.limit} {self.what} per {self.window_s:g} s: retry in {retry} s",
                    retry_after=retry,
                )
            if count:
                calls.append(now)


class SerialisedWrites:
    """The database for the API's writers: one transaction at a time in this process.

    Requests and jobs write concurrently (threads), and every write appends to the audit log, a hash chain whose
    next entry needs the head as it is: two writers reading the same head would collide (a unique ``seq``), and on
    SQLite a transaction that read before another committed cannot write at all. So writers take turns (datasette's
    single-writer habit); readers use the database directly and never wait. Re-entrant: a job's progress is
    recorded from inside the job's own transaction."""

    def __init__(self, db) -> None:
        self.db = db
        self._lock = threading.RLock()

    @contextmanager
    def session(self) -> Iterator:
        with self._lock, self.db.session() as session:
            yield session

    def __getattr__(self, name: str):
        return getattr(self.db, name)


@dataclass
class ApiState:
    db: object  # songclear.store.Database
    index_path: Path
    demo: bool
    clock: Callable[[], datetime]
    limits: Limits
    identify_limiter: RateLimiter = field(init=False)
    claims_limiter: RateLimiter = field(init=False)
    login_limiter: RateLimiter = field(init=False)  # per username
    login_address_limiter: RateLimiter = field(init=False)  # per client address
    writer: SerialisedWrites = field(init=False)  # the database, for anything that writes
    jobs: JobRunner = field(init=False)
    _index: tuple | None = field(init=False, default=None)  # (manifest stamp, open FingerprintIndex)
    _ledger: tuple | None = field(init=False, default=None)  # (ledger stamp, Ledger as known now)
    _ledger_lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _index_lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        lim = self.limits
        self.identify_limiter = RateLimiter(lim.identify_per_window, lim.window_s, "identify requests")
        self.claims_limiter = RateLimiter(lim.claims_per_window, lim.window_s, "claims and counter-notices")
        self.login_limiter = RateLimiter(lim.logins_per_window, lim.login_window_s, "failed logins")
        self.login_address_limiter = RateLimiter(
            3 * lim.logins_per_window, lim.login_window_s, "failed logins from one address"
        )
        self.writer = SerialisedWrites(self.db)
        self.jobs = JobRunner(self.writer, self.clock, workers=lim.job_workers)

    def ledger(self):
        """The ledger as known now, loaded once and kept until a change to the ledger tables (by this server or any
        other process: ``LedgerRepository.ledger_stamp``) — loading it is most of an audit's time on a big
        ledger. Shared by every request: treat it as read-only (its ``derived`` caches are what decide() fills)."""
        from songclear.store.repository import LedgerRepository

        with self._ledger_lock, self.db.session() as session:
            repo = LedgerRepository(session)
            stamp = repo.ledger_stamp()
            if self._ledger is None or self._ledger[0] != stamp:
                self._ledger = (stamp, repo.load_ledger())
            return self._ledger[1]

    def fingerprint_index(self):
        """The fingerprint index, opened once and kept open (its lookup directories too) until a commit rewrites
        its manifest (a scan, ``fp add``): reopening per request cost more CPU than the search itself."""
        from songclear.fingerprint import FingerprintIndex

        manifest = self.index_path / "manifest.json"
        try:
            st = manifest.stat()
        except FileNotFoundError:
            raise NotFound(
                f"no fingerprint index at {self.index_path}: add references first with 'songclear fp add'"
            ) from None
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        with self._index_lock:
            if self._index is None or self._index[0] != stamp:
                self._index = (stamp, FingerprintIndex.open(self.index_path, create=False))
            return self._index[1]

    def close(self) -> None:
        """Stop the job runner and close the database (the app's shutdown; tests)."""
        self.jobs.shutdown()
        self.db.close()


def utc_now() -> datetime:
    return datetime.now(UTC)


def state(request: Request) -> ApiState:
    return request.app.state.songclear
