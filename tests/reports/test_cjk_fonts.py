"""Chinese glyphs everywhere (issue 13, item 5): every HTML report and the dashboard name a CJK font stack; the PDF
printer checks that a CJK font is installed and says so when none is; a printed PDF embeds a CJK font.

The PDF test needs Debian's chromium and a CJK font (fonts-noto-cjk): on a workstation without them it is skipped
with the reason; in CI (``CI`` or ``SONGCLEAR_REQUIRE_PG`` set, as .ci/run does, which installs both) it fails.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import pytest

from report_world import NOTICES, build_run
from songclear.reports import fonts
from songclear.reports.fonts import CJK_FONT_STACK
from songclear.reports.html import render_audit_html
from songclear.reports.regulator import (
    RegulatorReport,
    TakedownRow,
    chromium_binary,
    html_to_pdf,
    render_regulator_html,
)

TITLE = "月亮代表我的心"


def _report() -> RegulatorReport:
    return RegulatorReport(
        platform="NE", platform_name="网易云音乐", notice=NOTICES[0], at_deadline=build_run(date(2015, 7, 31)),
        now=build_run(date(2015, 11, 20)), generated_for="2015-11-20",
        takedowns=[TakedownRow("NE/3", TITLE, "remove", datetime(2015, 11, 1, 2, tzinfo=UTC), "li", "uncleared")],
        party_names={"NCAC": "国家版权局"},
    )  # fmt: skip


def test_every_html_report_and_the_dashboard_name_a_cjk_font_stack(run_in_buffer):
    css = (resources.files("songclear.web") / "static" / "dashboard.css").read_text(encoding="utf-8")
    assert CJK_FONT_STACK in css
    audit = render_audit_html(run_in_buffer)
    assert audit.count(CJK_FONT_STACK) >= 3  # the page's CSS and both charts' SVG
    assert CJK_FONT_STACK in render_regulator_html(_report())


def _require_pdf_tools() -> None:
    missing = []
    if chromium_binary() is None:
        missing.append("Chromium (apt-get install chromium)")
    if not fonts.cjk_fonts():
        missing.append("a CJK font (apt-get install fonts-noto-cjk)")
    if not missing:
        return
    why = f"{' and '.join(missing)} not installed; .ci/run installs them"
    if os.environ.get("CI") or os.environ.get("SONGCLEAR_REQUIRE_PG"):
        pytest.fail(f"the CJK PDF test must run in CI: {why}")
    pytest.skip(why)


def _embedded_fonts(pdf: Path) -> dict[str, int]:
    """Every font the PDF's pages use: its name -> how many glyph programs it embeds. Chromium embeds a TrueType
    font as a font file (counted as 1) and a CFF-in-TTC font such as Noto Sans CJK as a Type3 font, whose glyphs
    are drawn by the content streams of its /CharProcs (counted one by one)."""
    from pypdf import PdfReader

    out: dict[str, int] = {}
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            described = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            name = str(descriptor.get("/FontName") or font.get("/BaseFont"))
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                glyphs = 1
            else:
                procs = font.get("/CharProcs")
                procs = procs.get_object() if procs is not None else {}
                glyphs = sum(1 for g in procs.values() if g.get_object().get_data())
            out[name] = out.get(name, 0) + glyphs
    return out


def test_a_printed_report_embeds_a_cjk_font_for_its_chinese_text(tmp_path):
    import unicodedata

    from pypdf import PdfReader

    _require_pdf_tools()
    html = render_regulator_html(_report())
    assert TITLE in html
    pdf = html_to_pdf(html, tmp_path / "report.pdf")
    found = _embedded_fonts(pdf)
    cjk = {name: glyphs for name, glyphs in found.items() if "CJK" in name or "SourceHan" in name}
    assert cjk and sum(cjk.values()) >= len(set(TITLE)), f"no embedded CJK glyphs among {found}"
    # Chromium maps some ideographs to their Kangxi-radical look-alikes (月 -> U+2F49): NFKC undoes that.
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert (
        TITLE in text and "国家版权局" in text
    )  # the glyphs map back to the Chinese text, not to empty boxes


def test_without_fc_list_or_a_cjk_font_the_printer_warns(tmp_path, monkeypatch):
    """A PATH whose fc-list knows no CJK font; then one without fc-list at all."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "fc-list").write_text("#!/bin/sh\nexit 0\n")
    (fake / "fc-list").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    fonts.cjk_fonts.cache_clear()
    try:
        assert fonts.cjk_fonts() == ()
        assert "no Chinese (CJK) font is installed" in fonts.cjk_font_warning()
        assert "fonts-noto-cjk" in fonts.cjk_font_warning()
        (fake / "fc-list").unlink()
        fonts.cjk_fonts.cache_clear()
        assert fonts.cjk_fonts() is None and "fc-list is not installed" in fonts.cjk_font_warning()
    finally:
        fonts.cjk_fonts.cache_clear()


def test_the_warning_goes_into_the_reports_notes_before_the_pdf_is_printed(monkeypatch):
    from songclear.app.regulator_report import write_report_files

    monkeypatch.setattr(fonts, "cjk_fonts", lambda: ())
    report = _report()
    files = write_report_files(report, ("html",))  # no PDF asked for: nothing to warn about
    assert report.notes == []
    monkeypatch.setattr("songclear.reports.regulator.html_to_pdf", lambda html, path: _fake_pdf(path))
    files = write_report_files(report, ("html", "pdf"))
    assert len(report.notes) == 1 and "fonts-noto-cjk" in report.notes[0]
    html = files["regulator-NE-N1.html"].decode("utf-8")
    assert "no Chinese (CJK) font is installed" in html and 'id="notes"' in html


def _fake_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4 stand-in: this test checks the notes, not Chromium")
    return path
