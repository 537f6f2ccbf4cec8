"""Where a batch job's pure tasks run: a local process pool, or a Dask distributed cluster.

Tasks are plain picklable functions of plain arguments and return plain results (a task's expected failures,
such as a file that cannot be decoded, come back as results too, never as exceptions across the process
boundary); the caller records results as they arrive, so the job's progress is durable and the order of
completion does not matter. Both executors yield results as they complete and keep a bounded number of tasks in
flight.

Local workers die with their parent: a parent killed by SIGKILL cannot shut its pool down, and its workers would
otherwise wait for tasks forever. Each worker asks the kernel for SIGKILL when its parent dies (Linux
``PR_SET_PDEATHSIG``) and also runs a watchdog thread that exits when its parent process is no longer the one that
started it (any POSIX system; within a second).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice
from typing import TypeVar

from songclear.errors import InputError

T = TypeVar("T")
R = TypeVar("R")


def run_tasks(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 2,
    scheduler: str | None = None,
    window: int = 64,
) -> Iterator[R]:
    """``fn(item)`` for every item, results in completion order. ``scheduler``: a Dask scheduler address
    ('tcp://host:8786') or a ``distributed.Client``; None: a local pool of ``workers`` processes (1: in-process)."""
    if scheduler is not None:
        yield from _dask(fn, items, scheduler, window)
    elif workers <= 1:
        yield from map(fn, items)
    else:
        yield from _local(fn, items, workers, window)


def _local(fn, items, workers: int, window: int):
    it = iter(items)
    with ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        pending: set[Future] = {pool.submit(fn, x) for x in islice(it, window)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()
            pending |= {pool.submit(fn, x) for x in islice(it, len(done))}


_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_EVERY_S = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this process when ``parent_pid`` (the process that started the pool) dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the watchdog below still ends the worker
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_WATCH_EVERY_S)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _dask(fn, items, scheduler, window: int):
    from distributed import Client, as_completed

    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="10s") if own else scheduler
    except (OSError, TimeoutError) as e:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    try:
        it = iter(items)
        # pure=False: the same item submitted twice (a retried run) is still computed, not deduplicated away.
        queue = as_completed([client.submit(fn, x, pure=False) for x in islice(it, window)])
        for future in queue:
            yield future.result()
            nxt = next(it, None)
            if nxt is not None:
                queue.add(client.submit(fn, nxt, pure=False))
            future.release()
    finally:
        if own:
            client.close()
