"""Audit reports: CSV, inline-SVG charts and a self-contained HTML page, all rendered from an ``AuditRun``."""

from songclear.reports.chart import licensor_svg, timeline_svg
from songclear.reports.context import grant_parties_from_ledger, report_context
from songclear.reports.csvout import write_decisions_csv, write_summary_csv
from songclear.reports.html import render_audit_html

__all__ = [
    "grant_parties_from_ledger",
    "licensor_svg",
    "render_audit_html",
    "report_context",
    "timeline_svg",
    "write_decisions_csv",
    "write_summary_csv",
]
