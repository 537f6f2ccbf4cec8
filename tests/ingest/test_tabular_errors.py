"""Every kind of bad value is refused with the file, the line and the column, and nothing of the file is returned."""

from __future__ import annotations

from pathlib import Path

import pytest

from songclear.errors import ImportError_, InputError
from songclear.ingest.tabular import read_facts

PARTIES = "id,name,kind,aliases"
RECORDINGS = "isrc,title,artists,duration_s,version,owner,work_id"
WORKS = "id,title,iswc,writers,publishers"
GRANTS = "id,licensor,licensee,rights,scope,recordings,works,uses,commercial_models,territories,start,end,tz,exclusive"
NOTICES = "id,issuer,title,issued,effective,buffer_end,platforms,territories,tz"
LIBRARY = "platform,track_id,title,artist,isrc,audio_path,play_count,availability"

GOOD_GRANT = "G1,L,P,master,listed,CNA011500001,,Stream,,CN,2015-01-01,2015-12-31,,no"

# (header, a good first row, the bad row, the column named, a phrase of the message)
CASES = [
    (PARTIES, "L,Label,label,", "X,Someone,artist,", "kind", "expected one of label, publisher"),
    (PARTIES, "L,Label,label,", "X,,label,", "name", "missing required value"),
    (PARTIES, "L,Label,label,", "L,Again,label,", "id", "duplicate 'L' (first on line 2)"),
    (RECORDINGS, "CNA011500001,A,,,,,", "CN-A01-15-0001,B,,,,,", "isrc", "invalid ISRC"),
    (RECORDINGS, "CNA011500001,A,,,,,", "CNA011500002,B,,-3,,,", "duration_s", "seconds >= 0"),
    (RECORDINGS, "CNA011500001,A,,,,,", "CNA011500002,B,,3 min,,,", "duration_s", "number of seconds"),
    (RECORDINGS, "CNA011500001,A,,,,,", "CNA011500002,B,,,unplugged,,", "version", "expected one of studio"),
    (RECORDINGS, "CNA011500001,A,,,,,", "cn-a01-15-00001,B,,,,,", "isrc", "duplicate 'CNA011500001'"),
    (WORKS, "W1,A,,,", "W2,B,T-034.524.680-2,,", "iswc", "check digit"),
    (WORKS, "W1,A,,,", "W2,B,0345246801,,", "iswc", "invalid ISWC"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,,CN HK XX,2015-01-01,,,no", "territories",
     "unknown territory code 'XX'"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,,Worldwide -Worldwide,2015-01-01,,,no",
     "territories", "Worldwide cannot be excluded"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Streaming,,CN,2015-01-01,,,no", "uses",
     "unknown use type 'Streaming'"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,Freemium,CN,2015-01-01,,,no",
     "commercial_models", "unknown commercial model"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,,CN,2015-13-01,,,no", "start", "ISO 8601"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,,CN,2015-01-01,2014-12-31,,no", "end",
     "before start"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,,CN,2015-01-01,,Asia/Beijing,no", "tz",
     "unknown time zone"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,,CN,2015-01-01,,,maybe", "exclusive",
     "true/false/yes/no/1/0"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master;sync,listed,CNA011500001,,Stream,,CN,2015-01-01,,,no", "rights",
     "expected one of master, composition"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,everything,CNA011500001,,Stream,,CN,2015-01-01,,,no", "scope",
     "expected one of catalogue, listed"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,,,Stream,,CN,2015-01-01,,,no", "scope", "must list"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,catalogue,CNA011500001,,Stream,,CN,2015-01-01,,,no", "recordings",
     "catalogue grant"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master;composition,listed,CNA011500001,,Stream,,CN,2015-01-01,,,no", "works",
     "no works are listed"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,W1,Stream,,CN,2015-01-01,,,no", "works",
     "composition right is not granted"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,CNA011500001,,Stream,,,2015-01-01,,,no", "territories",
     "missing required value"),
    (GRANTS, GOOD_GRANT, "G2,L,P,master,listed,ISRC,,Stream,,CN,2015-01-01,,,no", "recordings", "invalid ISRC"),
    (GRANTS, GOOD_GRANT, "G1,L,P,master,listed,CNA011500001,,Stream,,CN,2015-01-01,,,no", "id", "duplicate 'G1'"),
    (NOTICES, "N1,R,T,2015-07-08,2015-07-31,,,,", "N2,R,T,2015-07-08,2015-07-01,,,,", "effective", "before the"),
    (NOTICES, "N1,R,T,2015-07-08,2015-07-31,,,,", "N2,R,T,2015-07-08,2015-07-31,2015-07-30,,,", "buffer_end",
     "before the deadline"),
    (NOTICES, "N1,R,T,2015-07-08,2015-07-31,,,,", "N2,R,T,08/07/2015,2015-07-31,,,,", "issued", "ISO 8601"),
    (NOTICES, "N1,R,T,2015-07-08,2015-07-31,,,,", "N2,R,T,2015-07-08,2015-07-31,,,China,", "territories",
     "unknown territory code"),
    (LIBRARY, "PF,1,A,,,,,", "PF,2,B,,,,-1,", "play_count", ">= 0"),
    (LIBRARY, "PF,1,A,,,,,", "PF,2,B,,,,1.5,", "play_count", "whole number"),
    (LIBRARY, "PF,1,A,,,,,", "PF,2,B,,,,,gone", "availability", "expected one of live, taken_down"),
    (LIBRARY, "PF,1,A,,,,,", "PF,1,B,,,,,", "track_id", "duplicate 'PF/1'"),
]  # fmt: skip


@pytest.mark.parametrize(("header", "good", "bad", "column", "phrase"), CASES)
def test_bad_cell_names_file_line_and_column(
    tmp_path: Path, header: str, good: str, bad: str, column: str, phrase: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_text(f"{header}\n{good}\n{bad}\n", encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    err = info.value
    assert (err.source, err.location) == ("input.csv", f"line 3, column {column}")
    assert phrase in err.detail
    assert str(err).startswith(f"input.csv:line 3, column {column}: ")
    assert isinstance(err, InputError)  # exit code 2 / HTTP 400


def test_good_rows_of_the_cases_alone_parse(tmp_path: Path) -> None:
    """The refusals above are caused by the bad row, not by the header or the good row."""
    for i, (header, good, *_rest) in enumerate(CASES):
        path = tmp_path / f"ok{i}.csv"
        path.write_text(f"{header}\n{good}\n", encoding="utf-8")
        assert read_facts(path).rows == 1


def test_line_numbers_count_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text('id,title\nW1,"two\nlines"\n\nW2,B\nW3,B,extra\n', encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == "line 6"
    assert "expected 2 fields, found 3" in info.value.detail


def test_duplicate_header_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("id,title,Title\nW1,A,B\n", encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == "line 1, column title"


def test_malformed_csv_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text('id,title\nW1,"A"B\n', encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == "line 2" and "malformed CSV" in info.value.detail


def test_termination_details_need_a_termination_date(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(f"{GRANTS},termination_cause\n{GOOD_GRANT},purged\n", encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == "line 2, column termination_cause"


@pytest.mark.parametrize(
    "name, text",
    [
        ("w.csv", "id,title,recorded_at\nW1,A,2015-07-08T09:00:00+08:00\n"),
        (
            "w.json",
            '{"kind": "works", "rows": [\n{"id": "W1", "title": "A", "recorded_at": "2015-07-08T09:00Z"}]}',
        ),
    ],
)
def test_a_per_row_recorded_at_is_refused(tmp_path: Path, name: str, text: str) -> None:
    # Issue 10, item 11: the column was documented but silently ignored by the import; a file is recorded at one
    # time (the import's --recorded-at), so the column is refused rather than ignored.
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == "line 2, column recorded_at" and "--recorded-at" in info.value.detail


def test_an_empty_recorded_at_column_as_older_exports_wrote_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("id,title,recorded_at\nW1,A,\n", encoding="utf-8")
    assert read_facts(path).kind == "works"  # detected without the column


# -- JSON errors name the line of the row object ---------------------------------------------------------------------


def test_json_bad_value_names_the_line_of_its_row(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text(
        '{\n  "kind": "works",\n  "rows": [\n    {"id": "W1", "title": "A"},\n'
        '    {"id": "W2",\n     "title": "B", "iswc": "T-034.524.680-9"}\n  ]\n}\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert (info.value.source, info.value.location) == ("w.json", "line 5, column iswc")


def test_json_unknown_key_and_wrong_types_are_refused(tmp_path: Path) -> None:
    cases = [
        ('[{"id": "W1", "title": "A", "colour": "red"}]', "works", "line 1, column colour"),
        ('[{"id": "W1", "title": {"zh": "A"}}]', "works", "line 1, column title"),
        ('[\n{"id": "W1", "title": "A"},\n"W2"\n]', "works", "line 3"),
        (
            '[{"platform": "P", "track_id": "1", "title": "A", "play_count": true}]',
            None,
            "line 1, column play_count",
        ),
        ('{"kind": "works", "rows": [], "extra": 1}', None, "line 1"),
        ('{"kind": "works", "rows": [], "version": 2}', None, "line 1"),
        ('[{"id": "W1", "title": "A"},]', None, "line 1"),
    ]
    for i, (text, kind, location) in enumerate(cases):
        path = tmp_path / f"case{i}.json"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ImportError_) as info:
            read_facts(path, kind)
        assert info.value.location == location, text


def test_missing_file_is_an_import_error(tmp_path: Path) -> None:
    with pytest.raises(ImportError_) as info:
        read_facts(tmp_path / "nowhere.csv")
    assert info.value.source == "nowhere.csv"
