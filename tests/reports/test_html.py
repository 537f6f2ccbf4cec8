import lxml.html

from report_world import HOSTILE_TITLE
from songclear.domain.decision import Status
from songclear.reports.context import STATUS_COLOURS
from songclear.reports.html import render_audit_html

SECTIONS = [
    "header",
    "summary",
    "licensors",
    "timeline",
    "takedown",
    "lapsing",
    "conflicts",
    "buffer",
    "decisions",
]


def _doc(run, **kw):
    return lxml.html.document_fromstring(render_audit_html(run, **kw))


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _tracks(doc, section: str) -> list[str]:
    return [tr.get("data-track") for tr in doc.xpath(f"//section[@id='{section}']//tbody/tr")]


def test_report_has_every_section_and_the_header(run_in_buffer, parties_in_buffer):
    doc = _doc(run_in_buffer, grant_parties=parties_in_buffer)
    assert [s.get("id") for s in doc.xpath("//header|//section")] == SECTIONS
    header = _text(doc.get_element_by_id("header"))
    for expected in ("NetEase (NE)", "2015-07-20", "CN", "Stream", "as known now"):
        assert expected in header


def test_summary_counts_and_removal_share(run_in_buffer):
    doc = _doc(run_in_buffer)
    counts = {
        tr.get("data-status"): int(tr.xpath("td")[1].text)
        for tr in doc.xpath("//table[@id='status-counts']//tr")[1:]
    }
    assert counts == {s.value: run_in_buffer.summary.counts.get(s, 0) for s in Status}
    assert doc.get_element_by_id("removal-count").text == "2"
    assert doc.get_element_by_id("removal-share").text == "33.3%"
    licensors = [tr.get("data-licensor") for tr in doc.xpath("//section[@id='licensors']//tbody/tr")]
    assert licensors == ["ROCK", "U", "unknown"]


def test_lists_name_the_right_tracks(run_in_buffer):
    doc = _doc(run_in_buffer)
    assert _tracks(doc, "takedown") == ["NE/3", "NE/5"]
    assert _tracks(doc, "buffer") == ["NE/3", "NE/5"]
    assert _tracks(doc, "conflicts") == ["NE/4"]
    assert _tracks(doc, "lapsing")[0] == "NE/2"
    cells = [_text(td) for td in doc.xpath("//section[@id='lapsing']//tbody/tr")[0].xpath("td")]
    assert cells[3:] == ["2015-08-15", "26", "master: G2"]
    assert "overlaps exclusive grant G1" in _text(doc.get_element_by_id("conflicts"))
    assert doc.xpath("//section[@id='changes']") == []  # only for an 'as known at' audit


def test_chains_read_from_rights_holder_to_platform_with_grant_ids(run_in_buffer, parties_in_buffer):
    doc = _doc(run_in_buffer, grant_parties=parties_in_buffer)
    row = doc.xpath("//section[@id='decisions']//tr[@data-track='NE/1']")[0]
    chains = [_text(c) for c in row.xpath(".//div[@class='chain']")]
    assert chains == [
        "master: Universal -> QQ Music -> NetEase (G1 > S3)",
        "composition: Hikari Publishing -> NetEase (C1)",
    ]
    linked = _text(doc.xpath("//section[@id='decisions']//tr[@data-track='NE/6']")[0])
    assert "(by link)" in linked


def test_hostile_titles_are_shown_never_run(run_in_buffer):
    html = render_audit_html(run_in_buffer)
    assert "<script>" not in html and "<b>anon" not in html
    doc = lxml.html.document_fromstring(html)
    assert doc.xpath("//script") == [] and doc.xpath("//b") == []
    cells = doc.xpath("//section[@id='takedown']//tr[@data-track='NE/5']/td")
    assert cells[1].text == HOSTILE_TITLE and cells[2].text == "<b>anon</b>"


def test_report_is_self_contained(run_in_buffer):
    doc = _doc(run_in_buffer)
    assert doc.xpath("//script|//link|//iframe|//img|//object") == []
    assert doc.xpath("//*[@href or @src]") == []
    assert len(doc.xpath("//figure/*[local-name()='svg']")) == 2
    assert "url(" not in render_audit_html(run_in_buffer)


def test_status_colours_are_the_same_in_badges_and_charts(run_in_buffer):
    html = render_audit_html(run_in_buffer)
    for st, colour in STATUS_COLOURS.items():
        assert f".st-{st.value} {{ background: {colour}; }}" in html
        assert f"data-status='{st.value}' fill='{colour}'" in html


def test_after_the_buffer_the_takedown_list_holds_uncleared_tracks(run_after_buffer):
    doc = _doc(run_after_buffer)
    assert _tracks(doc, "takedown") == ["NE/2", "NE/3", "NE/5"]
    assert _tracks(doc, "buffer") == []
    assert "ended 2015-08-15" in _text(doc.xpath("//section[@id='takedown']//tr[@data-track='NE/2']")[0])


def test_changed_since_lists_what_the_late_renewal_changed(run_as_known_then):
    doc = _doc(run_as_known_then)
    section = doc.get_element_by_id("changes")
    assert "Changed since 2015-07-15 08:00:00 CST (1)" in _text(section)  # the reader's zone, not UTC
    assert _tracks(doc, "changes") == ["NE/2"]
    badges = [b.text for b in section.xpath(".//tbody//span[contains(@class, 'badge')]")]
    assert badges == ["expiring", "cleared"]
    cells = [_text(td) for td in section.xpath(".//tbody/tr/td")]
    assert cells[2:] == ["expiring (last day 2015-08-15): master: G2", "cleared master: G2"]


def test_row_limit_says_the_csv_has_the_rest(run_in_buffer):
    doc = _doc(run_in_buffer, row_limit=2)
    assert len(_tracks(doc, "decisions")) == 2
    assert "4 more of 6 not shown here" in _text(doc.get_element_by_id("decisions"))


def test_audio_evidence_is_embedded_as_data_and_captions_are_escaped(run_in_buffer):
    png = b"\x89PNG\r\n\x1a\n" + bytes(40)
    key = run_in_buffer.decisions[0].track
    run_in_buffer.evidence = {key: [("<b>match</b> at 10.0 s", png)]}
    doc = _doc(run_in_buffer)
    imgs = doc.xpath("//section[@id='evidence']//img/@src")
    assert len(imgs) == 1 and imgs[0].startswith("data:image/png;base64,")
    assert doc.xpath("//section[@id='evidence']//b") == []
    assert doc.xpath("//*[@href]") == [] and doc.xpath("//script") == []
