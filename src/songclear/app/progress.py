"""Progress of long work, reported to whoever asked (a terminal's bar, an API job's progress): ``progress(done,
total)`` callbacks, called sparingly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

Progress = Callable[[int, int | None], None]


def ticking(
    items: Iterable[T], progress: Progress | None, total: int | None = None, every: int = 2000
) -> Iterator[T]:
    """``items`` as they are, calling ``progress(done, total)`` every ``every`` items and once at the end."""
    if progress is None:
        yield from items
        return
    done = 0
    for done, item in enumerate(items, 1):
        yield item
        if done % every == 0:
            progress(done, total)
    progress(done, total)
