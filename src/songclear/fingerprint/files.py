"""The index folder's file discipline: one writer at a time, and writes that a crash cannot tear.

* ``writer_lock(folder)``: an exclusive ``flock`` on ``folder/writer.lock``, held while a writer reads the manifest,
  writes its segment and the new manifest. The kernel releases it when the holder dies (even by SIGKILL), so a
  killed writer never blocks the next one. Re-entrant within a thread (a commit inside ``fp add``'s lock).
* ``write_atomically(path, write)``: write a temporary file beside ``path``, fsync it, rename it over ``path``
  and fsync the folder: a reader sees the old file or the new one, and after a power cut the renamed file holds
  what was written.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from songclear.fingerprint.errors import IndexBusy

LOCK_FILE = "writer.lock"
LOCK_TIMEOUT_S = 600.0
_held = threading.local()  # per thread: resolved folder -> depth of re-entry


@contextmanager
def writer_lock(folder: str | Path, *, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the index's writer lock (creating the folder if needed); ``IndexBusy`` after ``timeout_s`` waiting."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = str(folder.resolve())
    depths: dict[str, int] = _held.__dict__.setdefault("depths", {})
    if key in depths:
        depths[key] += 1
        try:
            yield
        finally:
            depths[key] -= 1
        return
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"{folder}: another process has been writing the fingerprint index for more than "
                        f"{timeout_s:g} s; retry when it is done"
                    ) from None
                time.sleep(0.05)
        depths[key] = 1
        try:
            yield
        finally:
            del depths[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Replace ``path`` with what ``write`` writes to a file object, all or nothing (see module doc)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so the renames and unlinks in it are durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
