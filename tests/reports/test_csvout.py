import csv
import io

from report_world import assert_golden
from songclear.domain.decision import Status
from songclear.reports.csvout import DECISION_COLUMNS, SUMMARY_COLUMNS, write_decisions_csv, write_summary_csv


def _decisions_csv(run) -> tuple[str, int]:
    buf = io.StringIO()
    n = write_decisions_csv(run, buf)
    return buf.getvalue(), n


def test_decisions_csv_matches_golden(run_in_buffer):
    text, n = _decisions_csv(run_in_buffer)
    assert n == len(run_in_buffer.decisions) == 6
    assert_golden("decisions_2015-07-20.csv", text)


def test_decisions_csv_columns_chain_and_reasons(run_in_buffer):
    text, _ = _decisions_csv(run_in_buffer)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == DECISION_COLUMNS
    by_id = {r["track_id"]: r for r in rows}
    assert by_id["1"]["chain"] == "master: G1>S3; composition: C1"
    assert by_id["1"]["status"] == "cleared" and by_id["1"]["last_day"] == "2016-12-31"
    assert by_id["2"]["last_day"] == "2015-08-15"
    assert by_id["3"]["notice"] == "N1" and by_id["3"]["chain"] == "" and by_id["3"]["last_day"] == ""
    assert "no grant of master rights from Rock Records" in by_id["3"]["reasons"]
    assert "; tolerated by notice N1" in by_id["3"]["reasons"]
    assert by_id["6"]["identity_source"] == "link" and by_id["6"]["recording"] == "CNA011500001"
    assert by_id["5"]["licensor"] == "" and by_id["5"]["recording"] == ""


def test_decisions_csv_keeps_chinese_titles_through_a_utf8_file(run_in_buffer, tmp_path):
    path = tmp_path / "decisions.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        write_decisions_csv(run_in_buffer, f)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["title"] == "后来" and rows[0]["artist"] == "刘若英"
    assert rows[4]["title"] == "<script>alert('x')</script> & Co"  # CSV is data: kept verbatim


def test_summary_csv_matches_golden_and_adds_up(run_in_buffer):
    buf = io.StringIO()
    n = write_summary_csv(run_in_buffer, buf)
    assert_golden("summary_2015-07-20.csv", buf.getvalue())
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert tuple(rows[0]) == SUMMARY_COLUMNS
    assert n == len(rows) == 1 + len(run_in_buffer.summary.by_licensor)
    library, licensors = rows[0], rows[1:]
    assert library["scope"] == "library" and int(library["total"]) == 6
    for st in Status:
        assert int(library[st.value]) == sum(int(r[st.value]) for r in licensors)
    assert library["removed"] == "2" and library["removed_share"] == "0.333333"
    assert [r["licensor"] for r in licensors] == ["ROCK", "U", "unknown"]
    assert licensors[0]["licensor_name"] == "Rock Records"


def test_summary_csv_after_the_buffer_counts_uncleared(run_after_buffer):
    buf = io.StringIO()
    write_summary_csv(run_after_buffer, buf)
    library = next(csv.DictReader(io.StringIO(buf.getvalue())))
    assert (library["buffer"], library["uncleared"], library["removed"]) == ("0", "3", "3")
