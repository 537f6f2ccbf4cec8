"""`fact_cells` / `build_fact`: a fact as the cells of its row and back, as `songclear grant amend` edits a grant
(issue 13, item 3): every demo grant comes back equal, and a cell given as text is checked as an imported row."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from songclear.app.demo import demo_file
from songclear.domain.grants import Termination, TerminationCause
from songclear.errors import InputError
from songclear.ingest.tabular import build_fact, fact_cells, read_facts


def _same(a, b) -> bool:
    return dataclasses.replace(a, source="", recorded_at=b.recorded_at) == dataclasses.replace(b, source="")


@pytest.mark.parametrize("name", ["04_grants.csv", "07_sublicences.csv", "08_amendment.csv"])
def test_every_demo_grant_comes_back_from_its_cells(name):
    for g in read_facts(demo_file(name)).facts:
        assert _same(build_fact("grants", fact_cells("grants", g)), g)


def test_a_termination_at_an_instant_and_exclusions_come_back():
    g = read_facts(demo_file("04_grants.csv")).facts[0]
    ended = dataclasses.replace(
        g, termination=Termination(datetime(2015, 9, 1, 3, 30, tzinfo=UTC), TerminationCause.TAKEDOWN, "DDEX")
    )
    cells = fact_cells("grants", ended) | {"territories": "Worldwide -TW -HK"}
    back = build_fact("grants", cells)
    assert back.termination == ended.termination
    assert back.territories.excluded == {"TW", "HK"}


def test_a_cell_given_as_text_is_checked_as_an_imported_row():
    g = read_facts(demo_file("04_grants.csv")).facts[0]
    with pytest.raises(InputError) as info:
        build_fact("grants", fact_cells("grants", g) | {"uses": "Streem"})
    assert str(info.value).startswith("column uses: ")
    with pytest.raises(InputError, match="column termination_cause: given without a 'terminated' date"):
        build_fact("grants", fact_cells("grants", g) | {"termination_cause": "purged"})
