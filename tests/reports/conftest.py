"""Fixtures for the report tests: audits of the small 2015 world in ``report_world.py``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from report_world import GRANTS, build_run, grant, ledger
from songclear.app.audit_run import AuditRun
from songclear.reports.context import grant_parties_from_ledger


@pytest.fixture(scope="session")
def run_in_buffer() -> AuditRun:
    """2015-07-20: inside N1's tolerance, every status but 'uncleared' occurs."""
    return build_run(date(2015, 7, 20))


@pytest.fixture(scope="session")
def parties_in_buffer(run_in_buffer: AuditRun) -> dict[str, tuple[str, str]]:
    return grant_parties_from_ledger(ledger(), run_in_buffer.decisions)


@pytest.fixture(scope="session")
def run_after_buffer() -> AuditRun:
    """2015-11-20: the tolerance is over; what no chain clears is plainly 'uncleared'."""
    return build_run(date(2015, 11, 20))


@pytest.fixture(scope="session")
def run_as_known_then() -> AuditRun:
    """2015-07-20 as known on 2015-07-15, before G2's late renewal (recorded 2015-09-01) extended it into 2016."""
    renewal = grant("G2", "ROCK", "NE", "2015-01-01", "2016-08-15", recordings=frozenset({"CNA011500002"}),
                     recorded_at=datetime(2015, 9, 1, tzinfo=UTC))  # fmt: skip
    return build_run(
        date(2015, 7, 20), known_at=datetime(2015, 7, 15, tzinfo=UTC), now_grants=[*GRANTS, renewal]
    )
