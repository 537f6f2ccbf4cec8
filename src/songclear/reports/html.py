"""The self-contained HTML audit report: one file, inline CSS and SVG, no scripts, no external links.

Rendered by Jinja2 with autoescaping on, from ``report_context(run)`` and the SVG charts only, so every track
title, artist and reason reaches the page escaped (a title '<script>' is shown, never run).
"""

from __future__ import annotations

import base64

from markupsafe import Markup

from songclear.app.audit_run import AuditRun
from songclear.reports.chart import licensor_svg, timeline_svg
from songclear.reports.context import GrantParties, report_context
from songclear.reports.tables import templates


def render_audit_html(
    run: AuditRun, *, grant_parties: GrantParties | None = None, row_limit: int | None = 2000
) -> str:
    """The audit report as one HTML document. ``grant_parties`` (grant id -> (licensor, licensee) names) lets
    chains read 'Label -> QQ Music -> NetEase'; ``row_limit`` caps each table (the CSV has every row)."""
    ctx = report_context(run, grant_parties=grant_parties, row_limit=row_limit)
    # The charts are our own markup with every text node escaped by chart.py: safe to embed as is.
    charts = {
        "timeline": Markup(timeline_svg(run.timeline, run.notices)),
        "licensors": Markup(licensor_svg(run.summary.by_licensor, run.licensor_names)),
    }
    evidence = [
        {
            "track": key,
            "title": run.tracks[key].title if key in run.tracks else "",
            "caption": caption,
            "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        }
        for key, pictures in sorted(run.evidence.items())
        for caption, png in pictures
    ]
    return templates().get_template("audit.html.j2").render(r=ctx, charts=charts, evidence=evidence)
