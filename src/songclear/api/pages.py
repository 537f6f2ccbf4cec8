"""Pagination: every list takes ``limit`` and ``offset`` and answers ``items`` with the ``total`` count."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from fastapi import Depends, Query

from songclear.app.limits import MAX_ROWS

MAX_LIMIT = 1000
MAX_OFFSET = MAX_ROWS


@dataclass(frozen=True, slots=True)
class Window:
    limit: int
    offset: int

    def page(self, items: Iterable, total: int) -> dict:
        """The window of ``items`` (all of them, or an iterator over all) with the total."""
        return self.answer(list(islice(items, self.offset, self.offset + self.limit)), total)

    def answer(self, window: list, total: int) -> dict:
        """``window``: the items already cut to this window."""
        return {"items": window, "total": total, "limit": self.limit, "offset": self.offset}

    def of(self, items: list, view: Callable[[Any], Any] | None = None) -> dict:
        """The window of ``items``; ``view`` turns each item of the window (only those) into its JSON."""
        window = items[self.offset : self.offset + self.limit]
        return self.answer([view(i) for i in window] if view is not None else window, len(items))


def _window(
    limit: int = Query(100, ge=1, le=MAX_LIMIT, description="Items per page."),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Items to skip."),
) -> Window:
    return Window(limit, offset)


Paged = Depends(_window)
