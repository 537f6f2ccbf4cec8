"""Where an element of a DDEX message is: the XPath (with its line) that refusals, warnings and the model give.

An XPath step carries a position (``Release[3]``) only when its parent has more than one child of that name, and
a streaming reader knows that only once the parent has ended. So a location (``Where``) keeps the steps down to
the item being read (a Release, a ReleaseDeal...) with their running positions, and ``Positions`` settles the
counts at the end of the document; below the item, whose subtree is complete when it is read, the steps are
exact at once. Locations cost O(1) per item; the sibling scans below an item happen only for an element that is
refused or warned about.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from songclear.errors import ImportError_
from songclear.ingest.ddex.xml import local

ROOT = ""  # the container key of the root element's children
# A step: (container key, or None for the root element itself; local name; position among same-name children)
Step = tuple[str | None, str, int]


@dataclass(frozen=True, slots=True)
class Where:
    steps: tuple[Step, ...]  # from the root down to the item being read
    below: str  # the exact steps under the item, '' or '/DealTerms/TerritoryCode[2]'
    line: int | None


class Positions:
    """How many children of each name each container has: final once the document has been read."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], int] = {}

    def add(self, container: str, name: str) -> int:
        """One more ``name`` child in ``container``; returns its position."""
        n = self._counts.get((container, name), 0) + 1
        self._counts[(container, name)] = n
        return n

    def count_children(self, container: str, el: etree._Element) -> None:
        for c in el:
            if isinstance(c.tag, str):
                self.add(container, local(c))

    def render(self, where: Where) -> str:
        parts = [
            f"{name}[{index}]"
            if container is not None and self._counts.get((container, name), 0) > 1
            else name
            for container, name, index in where.steps
        ]
        return "/" + "/".join(parts) + where.below + f" (line {where.line})"


class Refusal(Exception):
    """A business-rule refusal inside the reader; turned into an ImportError_ once its location is final."""

    def __init__(self, message: str, where: Where) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


class Reader:
    """Builds the refusals and collects the warnings of one message, each located lazily (see module doc).

    ``anchor`` is the item being read (its subtree complete) and ``anchor_steps`` its steps from the root; the
    stream reader sets both before it reads an item. ``phase`` orders the warnings as the message is read.
    """

    def __init__(self, source: str, positions: Positions) -> None:
        self.source = source
        self.positions = positions
        self.anchor: etree._Element | None = None
        self.anchor_steps: tuple[Step, ...] = ()
        self.phase = 0
        self._warnings: list[tuple[int, int, Where, str]] = []

    def where(self, el: etree._Element) -> Where:
        below: list[str] = []
        cur = el
        while True:
            if cur is self.anchor:
                return Where(self.anchor_steps, "".join(reversed(below)), el.sourceline)
            parent = cur.getparent()
            if parent is None:  # the root element
                return Where(((None, local(cur), 1),), "".join(reversed(below)), el.sourceline)
            name = local(cur)
            if parent.getparent() is None:  # a child of the root: those are never deleted, so count them
                index = 1 + sum(1 for s in cur.itersiblings(preceding=True) if local(s) == name)
                steps: tuple[Step, ...] = ((None, local(parent), 1), (ROOT, name, index))
                return Where(steps, "".join(reversed(below)), el.sourceline)
            same = [c for c in parent if local(c) == name]
            below.append(f"/{name}[{same.index(cur) + 1}]" if len(same) > 1 else f"/{name}")
            cur = parent

    def refuse(self, message: str, el: etree._Element) -> Refusal:
        return Refusal(message, self.where(el))

    def error(self, refusal: Refusal) -> ImportError_:
        return ImportError_(
            refusal.message, source=self.source, location=self.positions.render(refusal.where)
        )

    def warn(self, message: str, el: etree._Element) -> None:
        self._warnings.append((self.phase, len(self._warnings), self.where(el), message))

    def warnings(self) -> tuple[str, ...]:
        """Rendered, in the order of the phases of reading (recordings before deals), once the document is read."""
        return tuple(f"{self.positions.render(w)}: {m}" for _, _, w, m in sorted(self._warnings))

    def check_children(self, el: etree._Element, allowed: frozenset[str], what: str) -> None:
        for c in el:
            if isinstance(c.tag, str) and local(c) not in allowed:
                raise self.refuse(f"element {local(c)} is not part of an ERN {what}", c)
