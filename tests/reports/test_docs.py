"""docs/reports.md must name every CSV column and every top-level key of the report context."""

from pathlib import Path

from songclear.reports.context import report_context
from songclear.reports.csvout import DECISION_COLUMNS, SUMMARY_COLUMNS

DOC = (Path(__file__).parents[2] / "docs" / "reports.md").read_text(encoding="utf-8")


def test_every_csv_column_is_documented():
    missing = [c for c in (*DECISION_COLUMNS, *SUMMARY_COLUMNS) if f"`{c}`" not in DOC]
    assert missing == []


def test_every_context_key_is_documented(run_in_buffer):
    missing = [k for k in report_context(run_in_buffer) if f"`{k}`" not in DOC]
    assert missing == []
