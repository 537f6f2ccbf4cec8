"""The dashboard's browsing tables, as data for one template (browse.html.j2): the filter form, the facets (counts
per value under the filters, each a link that adds the filter, datasette's habit), the table, the pager and the
CSV link. Pages build a ``Listing``; nothing here reads the database."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi.responses import StreamingResponse

from songclear.app.browse import csv_cell

PAGE = 50  # rows per page


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    href: str | None = None
    status: str | None = None  # a clearance status: drawn as its coloured badge
    small: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """One input of the filter form. ``options``: (value, label) for a select (the first is 'any')."""

    name: str
    label: str
    value: str
    kind: str = "text"  # text | select | date
    options: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Listing:
    kind: str  # tracks | grants | recordings | works: the table's id and the CSV file's name
    title: str
    path: str  # the page's path, for links
    params: dict[str, str]  # the current filters (non-empty only)
    fields: list[Field]
    columns: list[str]
    rows: list[list[Cell]]
    total: int
    offset: int
    facets: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def href(self, **changes: str | None) -> str:
        """This page's URL with ``changes`` (None drops a parameter); any change starts again at the first row."""
        params = {k: v for k, v in self.params.items() if k != "offset"}
        for k, v in changes.items():
            if v is None or v == "":
                params.pop(k, None)
            else:
                params[k] = v
        return f"{self.path}?{urlencode(params)}" if params else self.path

    @property
    def csv_href(self) -> str:
        return self.href(format="csv")

    @property
    def previous_href(self) -> str | None:
        if self.offset <= 0:
            return None
        return self._at(max(0, self.offset - PAGE))

    @property
    def next_href(self) -> str | None:
        return self._at(self.offset + PAGE) if self.offset + PAGE < self.total else None

    def _at(self, offset: int) -> str:
        params = {k: v for k, v in self.params.items() if k != "offset"}
        if offset:
            params["offset"] = str(offset)
        return f"{self.path}?{urlencode(params)}" if params else self.path

    def add_facet(self, name: str, label: str, counts: Iterable[tuple[str, int | None]], names=None) -> None:
        """A facet: each value with its count (None: not counted) links to this page filtered on it; the value
        filtered on now links back to the page without it."""
        chosen = self.params.get(name)
        values = [
            {
                "value": value, "label": (names or {}).get(value, value), "count": n,
                "selected": value == chosen, "href": self.href(**{name: None if value == chosen else value}),
            }
            for value, n in counts
        ]  # fmt: skip
        self.facets.append({"name": name, "label": label, "values": values})


def current(params: dict[str, str | None]) -> dict[str, str]:
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def csv_response(name: str, columns: tuple[str, ...], rows: Iterator[dict]) -> StreamingResponse:
    """Every row, streamed as CSV (a header of ``columns``; lists joined by '; '), as a download."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for i, row in enumerate(rows, 1):
            writer.writerow([csv_cell(row.get(c)) for c in columns])
            if i % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
