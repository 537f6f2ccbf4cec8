"""Reports to hand over from the command line (issue 13, items 4-5): the audit and the regulator report as XLSX,
times in the reader's zone and names beside ids, the rights-holder report, and the warning when no CJK font is
installed for the PDF. On both backends, over the demo world."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from clirun import songclear


@pytest.fixture
def demo(db_url, tmp_path, capsys):
    r = songclear(capsys, "--db", db_url, "demo", "--no-audio", "--out", tmp_path / "out", "--json")
    assert r.code == 0, r.err
    return db_url


def test_audit_xlsx_has_the_csvs_tables_one_sheet_each(demo, tmp_path, capsys):
    from openpyxl import load_workbook

    book_path = tmp_path / "kuwo.xlsx"
    r = songclear(capsys, "--db", demo, "audit", "--platform", "kuwo", "--at", "2015-11-15", "--as-known-at",
                  "2015-11-20T10:30:00.123456+08:00", "--xlsx", book_path, "--json")  # fmt: skip
    assert r.code == 0, r.err
    assert str(book_path) in r.json()["written"]
    book = load_workbook(book_path, read_only=True)
    assert book.sheetnames == ["about", "summary", "decisions", "notices"]
    about = {k: v for k, v in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["platform"] == "酷我音乐 (kuwo)" and about["time zone"] == "Asia/Shanghai (CST, UTC+08:00)"
    assert about["ledger as known at"] == "2015-11-20 10:30:00 CST"  # the reader's zone, no microseconds
    decisions = list(book["decisions"].iter_rows(values_only=True))
    assert decisions[0][:5] == ("platform", "track_id", "title", "artist", "status")
    assert len(decisions) - 1 == r.json()["summary"]["total"]
    summary = list(book["summary"].iter_rows(values_only=True))
    assert summary[1][0] == "library" and isinstance(
        summary[1][summary[0].index("removed_share")], int | float
    )  # a number, not text
    notices = list(book["notices"].iter_rows(values_only=True))
    assert notices[1][:4] == ("NCAC-2015-07", notices[1][1], "R-NCAC", "国家版权局")


def test_the_regulator_report_in_the_notices_zone_with_names_and_its_workbook(demo, tmp_path, capsys):
    from openpyxl import load_workbook

    r = songclear(capsys, "--db", demo, "report", "regulator", "--platform", "kuwo", "--notice", "NCAC-2015-07",
                  "--at", "2015-11-20", "--out", tmp_path, "--formats", "html,csv,xlsx", "--json")  # fmt: skip
    assert r.code == 0, r.err
    assert r.json()["warnings"] == []  # no PDF asked for: no font to check
    written = {Path(p).name: Path(p) for p in r.json()["written"]}
    html = written["regulator-kuwo-NCAC-2015-07.html"].read_text(encoding="utf-8")
    assert (
        "2015-11-01 10:00:00 CST" in html and "+00:00" not in html
    )  # the takedowns, applied 10:00 in Beijing
    assert "国家版权局" in html and "玉龙唱片" in html
    with written["regulator-kuwo-NCAC-2015-07-claims.csv"].open(encoding="utf-8") as f:
        claims = list(csv.DictReader(f))
    assert [(c["claim"], c["claimant"], c["claimant_name"]) for c in claims] == [
        ("C-JADE-2015-001", "L-JADE", "玉龙唱片")
    ]
    assert claims[0]["received_at"] == "2015-08-05 10:00:00 CST"  # as the claim says it was received
    book = load_workbook(written["regulator-kuwo-NCAC-2015-07.xlsx"], read_only=True)
    about = {k: v for k, v in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["exposure step"] == "daily" and about["exposure currency"] and about["exposure total"]
    assert about["period"].startswith("2015-07-08 to 2015-11-20")


def test_report_rights_holder_writes_its_catalogue(demo, tmp_path, capsys):
    from openpyxl import load_workbook

    r = songclear(capsys, "--db", demo, "report", "rights-holder", "--party", "L-JADE", "--at", "2015-11-20",
                  "--out", tmp_path, "--json")  # fmt: skip
    assert r.code == 0, r.err
    written = {Path(p).name: Path(p) for p in r.json()["written"]}
    stem = "rights-holder-L-JADE-2015-11-20"
    assert set(written) == {f"{stem}.html", f"{stem}.xlsx"} | {
        f"{stem}-{t}.csv" for t in ("about", "tracks", "audio-matches")
    }
    assert {p.parent.name for n, p in written.items() if n.endswith(".csv")} == {"rights-holder-csv"}
    with written[f"{stem}-tracks.csv"].open(encoding="utf-8") as f:
        tracks = {(t["platform"], t["track_id"]): t for t in csv.DictReader(f)}
    kw3 = tracks["kuwo", "kw-003"]
    assert (kw3["status"], kw3["status_since"], kw3["availability"]) == (
        "uncleared",
        "2015-11-01",
        "taken_down",
    )
    assert kw3["availability_since"] == "2015-11-01 10:00:00 CST" and kw3["platform_name"] == "酷我音乐"
    assert {t["recording"][:5] for t in tracks.values()} == {"CNJ01"}  # Jade Dragon's recordings only
    book = load_workbook(written[f"{stem}.xlsx"], read_only=True)
    assert book.sheetnames == ["about", "tracks", "audio matches"]
    html = written[f"{stem}.html"].read_text(encoding="utf-8")
    assert "玉龙唱片" in html and "Noto Sans CJK SC" in html
    text = songclear(capsys, "--db", demo, "report", "rights-holder", "--party", "L-JADE", "--at", "2015-11-20",
                     "--out", tmp_path / "again")  # fmt: skip
    assert text.code == 0 and f"wrote {tmp_path / 'again' / stem}.html" in text.out
    unknown = songclear(capsys, "--db", demo, "report", "rights-holder", "--party", "L-NOBODY", "--at", "2015-11-20",
                        "--out", tmp_path / "x")  # fmt: skip
    assert unknown.code == 3 and "L-NOBODY" in unknown.err
    bad = songclear(capsys, "--db", demo, "report", "rights-holder", "--party", "L-JADE", "--at", "2015-11-20",
                    "--formats", "docx", "--out", tmp_path / "y")  # fmt: skip
    assert bad.code == 2 and "docx" in bad.err


def test_a_pdf_without_a_cjk_font_is_printed_with_a_warning(demo, tmp_path, capsys, monkeypatch):
    from songclear.reports import fonts
    from songclear.reports.regulator import chromium_binary

    if chromium_binary() is None:
        why = "Chromium is not installed (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI") or os.environ.get("SONGCLEAR_REQUIRE_PG"):
            pytest.fail(f"must run in CI: {why}")
        pytest.skip(why)
    monkeypatch.setattr(fonts, "cjk_fonts", lambda: ())  # fontconfig knows no CJK font
    r = songclear(capsys, "--db", demo, "report", "rights-holder", "--party", "L-SILK", "--at", "2015-11-20",
                  "--out", tmp_path, "--formats", "html,pdf")  # fmt: skip
    assert r.code == 0, r.err
    assert "warning: no Chinese (CJK) font is installed" in " ".join(r.out.split())
    assert (tmp_path / "rights-holder-L-SILK-2015-11-20.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "rights-holder-L-SILK-2015-11-20.html").read_text(encoding="utf-8")
    assert "fonts-noto-cjk" in html  # the report's notes say so too
    j = songclear(capsys, "--db", demo, "report", "regulator", "--platform", "qq", "--notice", "NCAC-2015-07",
                  "--at", "2015-11-20", "--out", tmp_path / "reg", "--formats", "pdf", "--json")  # fmt: skip
    assert j.code == 0 and "fonts-noto-cjk" in j.json()["warnings"][0]
