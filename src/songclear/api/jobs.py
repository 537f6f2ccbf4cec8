"""The service's job runner: long work (imports, audits, scans, reports) on a small pool of threads inside the
server process, each job persisted in ``service_jobs`` with its state, progress, result or error.

    runner = state.jobs                                   # a JobRunner, one per app
    job = runner.submit("audit", who, {"platform": "qq"}, work)   # queued; returns the ServiceJob at once
    runner.get(job.job_id)                                 # its state now (any thread, any process)
    runner.wait(job.job_id, timeout=30)                    # block until done or failed (tests, the CLI)

``work(progress)`` runs on a worker thread with its own database sessions (it opens them through the app
layer); ``progress(done, total=None, message=None)`` records how far it got. It returns the job's result (JSON-able);
a ``SongclearError`` fails the job with its user-facing message, anything else fails it as an internal error
(the traceback goes to the server log). On start-up, jobs a stopped server left queued or running are marked
failed (interrupted): they are not resumed, the client starts them again (a scan resumes where it stopped).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from songclear.errors import ServiceUnavailable, SongclearError
from songclear.store.service_jobs import JobRepository, ServiceJob

log = logging.getLogger("songclear.api.jobs")
Progress = Callable[..., None]  # progress(done: int, total: int | None = None, message: str | None = None)
Work = Callable[[Progress], dict]
STOPPING = "the server is shutting down and starts no new job: start it again once the server is back"


class JobRunner:
    def __init__(self, db, clock: Callable[[], datetime], *, workers: int = 2) -> None:
        self.db, self.clock = db, clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="songclear-job")
        self._idle = threading.Condition()
        self._running = 0
        self._closed = False

    def interrupt_unfinished(self) -> int:
        """At start-up: fail the jobs a stopped server left queued or running."""
        with self.db.session() as session:
            return JobRepository(session).interrupt_unfinished(now=self.clock())

    def submit(self, kind: str, who, params: dict, work: Work, *, party: str | None = None) -> ServiceJob:
        """Queue ``work`` as a job started by ``who`` (an auth.Principal); ``party``: who else may see it
        (default: the caller's own party). Once the runner is shut down (the server stopping), ServiceUnavailable
        (503): nothing is recorded."""
        if self._closed:
            raise ServiceUnavailable(STOPPING)
        with self.db.session() as session:
            job = JobRepository(session).create(
                kind=kind, actor=who.actor, role=who.role, party=party or who.party, params=params,
                now=self.clock(),
            )  # fmt: skip
        with self._idle:
            self._running += 1
        try:
            self._pool.submit(self._run, job.job_id, work)
        except RuntimeError:  # shut down since the check above: the job is failed, never left queued
            with self._idle:
                self._running -= 1
                self._idle.notify_all()
            self._update(lambda jobs: jobs.fail(job.job_id, STOPPING, now=self.clock()))
            raise ServiceUnavailable(STOPPING) from None
        return job

    def get(self, job_id: str) -> ServiceJob:
        with self.db.session() as session:
            return JobRepository(session).get(job_id)

    def wait(self, job_id: str, *, timeout: float = 60.0, poll_s: float = 0.05) -> ServiceJob:
        """The job once it is done or failed (TimeoutError after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job.finished:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job.state} after {timeout} s")
            time.sleep(poll_s)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Until no job of this runner is queued or running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout=timeout)

    def shutdown(self) -> None:
        """Stop taking jobs; the queued ones are dropped (marked interrupted at the next start)."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job_id: str, work: Work) -> None:
        try:
            self._update(lambda jobs: jobs.start(job_id, now=self.clock()))

            def progress(done: int, total: int | None = None, message: str | None = None) -> None:
                self._update(lambda jobs: jobs.progress(job_id, done=done, total=total, message=message))

            try:
                result = work(progress)
            except SongclearError as e:
                error = e.message
                self._update(lambda jobs: jobs.fail(job_id, error, now=self.clock()))
                return
            except Exception as e:  # a bug: the traceback goes to the server log, the job says what kind
                log.exception("job %s failed", job_id)
                message = f"internal error: {type(e).__name__}"
                self._update(lambda jobs: jobs.fail(job_id, message, now=self.clock()))
                return
            self._update(lambda jobs: jobs.finish(job_id, result, now=self.clock()))
        except Exception:  # the database went away under the job: nothing more to record
            log.exception("job %s could not record its state", job_id)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _update(self, change: Callable[[JobRepository], None]) -> None:
        with self.db.session() as session:
            change(JobRepository(session))
