"""Pagination: every list takes ``limit`` and ``offset`` and answers ``items`` with the ``total`` count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from fastapi import Depends, Query

MAX_LIMIT = 1000


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

    def of(self, items: list) -> dict:
        return self.page(items, len(items))


def _window(
    limit: int = Query(100, ge=1, le=MAX_LIMIT, description="Items per page."),
    offset: int = Query(0, ge=0, description="Items to skip."),
) -> Window:
    return Window(limit, offset)


Paged = Depends(_window)
