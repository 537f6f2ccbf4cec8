from datetime import date

import pytest
from lxml import etree

from report_world import assert_golden
from songclear.app.audit_run import TimelinePoint
from songclear.domain.decision import Status
from songclear.reports.chart import licensor_svg, timeline_svg
from songclear.reports.context import STATUS_COLOURS

NS = {"s": "http://www.w3.org/2000/svg"}


def _svg(run):
    return timeline_svg(run.timeline, run.notices)


def test_timeline_svg_is_deterministic_and_matches_golden(run_in_buffer):
    text = _svg(run_in_buffer)
    assert text == _svg(run_in_buffer)
    assert_golden("timeline_2015-07-20.svg", text)


def test_timeline_svg_has_one_series_per_status_with_a_bar_per_nonzero_count(run_in_buffer):
    root = etree.fromstring(_svg(run_in_buffer).encode())
    series = root.findall("s:g[@class='series']", NS)
    assert [g.get("data-status") for g in series] == [s.value for s in Status]
    for g in series:
        st = Status(g.get("data-status"))
        assert g.get("fill") == STATUS_COLOURS[st]
        nonzero = [p for p in run_in_buffer.timeline if p.counts.get(st, 0)]
        assert len(g.findall("s:rect", NS)) == len(nonzero)


def test_timeline_bars_are_stacked_in_proportion(run_in_buffer):
    root = etree.fromstring(_svg(run_in_buffer).encode())
    # 2015-07-22: 2 cleared, 1 expiring, 1 conflict, 2 buffer.
    rects = {
        g.get("data-status"): r
        for g in root.findall("s:g[@class='series']", NS)
        for r in g.findall("s:rect", NS)
        if r.findtext("s:title", namespaces=NS).startswith("2015-07-22")
    }
    heights = {st: float(r.get("height")) for st, r in rects.items()}
    # Coordinates carry one decimal: compare within rounding.
    assert heights["cleared"] == heights["buffer"] == pytest.approx(2 * heights["expiring"], abs=0.2)
    # Stacked: each segment starts where the one below ends.
    cleared, expiring = rects["cleared"], rects["expiring"]
    assert abs(float(expiring.get("y")) + float(expiring.get("height")) - float(cleared.get("y"))) < 0.11


def test_timeline_marks_the_notice_dates(run_in_buffer):
    root = etree.fromstring(_svg(run_in_buffer).encode())
    markers = {(g.get("data-kind"), g.get("data-day")) for g in root.findall("s:g[@class='marker']", NS)}
    assert markers == {("issued", "2015-07-08"), ("deadline", "2015-07-31"), ("buffer end", "2015-10-31")}


def test_timeline_without_points_still_renders_valid_svg():
    root = etree.fromstring(timeline_svg([]).encode())
    assert "No timeline" in "".join(root.itertext())
    assert root.findall("s:g[@class='series']", NS) == []


def test_single_point_timeline_renders():
    root = etree.fromstring(timeline_svg([TimelinePoint(date(2015, 7, 8), {Status.CLEARED: 3})]).encode())
    assert len(root.findall("s:g[@class='series']/s:rect", NS)) == 1


def test_licensor_svg_escapes_names_and_stacks_by_status(run_in_buffer):
    names = {**run_in_buffer.licensor_names, "U": "<Universal & Co>"}
    text = licensor_svg(run_in_buffer.summary.by_licensor, names)
    root = etree.fromstring(text.encode())  # would fail on an unescaped '<' or '&'
    labels = [t.text for t in root.findall("s:g[@class='y-labels']/s:text", NS)]
    assert labels == ["<Universal & Co> (3)", "Rock Records (2)", "unknown (1)"]
    assert [g.get("data-status") for g in root.findall("s:g[@class='series']", NS)] == [
        s.value for s in Status
    ]
