"""Streamed reading (issue 10, item 8): rows are parsed as they are read, with the same facts, lines and errors as
reading the whole file; JSON through a moving window (made tiny here, so every row crosses its edge)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from songclear.errors import ImportError_
from songclear.ingest import rowstream
from songclear.ingest.tabular import open_table, read_facts, write_facts

HEADER = "platform,track_id,title,artist,isrc,play_count\n"


def library_csv(path: Path, n: int, *, last: str | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        for i in range(n):
            f.write(f"qq,t{i:06d},晴天 {i},周杰伦,CN-A01-15-{i % 100000:05d},{i}\n")
        if last is not None:
            f.write(last)
    return path


@pytest.fixture
def tiny_window(monkeypatch):
    monkeypatch.setattr(rowstream, "CHUNK_CHARS", 64)


def test_the_first_fact_comes_before_the_rest_of_the_file_is_read(tmp_path):
    path = library_csv(tmp_path / "lib.csv", 20_000, last="qq,bad,Bad,x,,-1\n")
    with open_table(path) as table:
        first = next(iter(table))  # the bad last line is not reached yet
        assert first.track_id == "t000000" and table.sha256 is None
        with pytest.raises(ImportError_) as info:
            for _ in table:
                pass
    assert info.value.location == "line 20002, column play_count"


def test_a_minified_json_file_streams_to_the_same_facts_as_csv(tmp_path, tiny_window):
    csv_facts = read_facts(library_csv(tmp_path / "lib.csv", 300)).facts
    rows = [{"platform": t.platform, "track_id": t.track_id, "title": t.title, "artist": t.artist,
             "isrc": t.isrc, "play_count": t.play_count} for t in csv_facts]  # fmt: skip
    one_line = tmp_path / "lib.json"
    one_line.write_text(json.dumps(rows, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    assert read_facts(one_line).facts == csv_facts
    written = tmp_path / "written.json"
    write_facts(written, "library", csv_facts)
    table = read_facts(written)
    assert table.facts == csv_facts and table.sha256 == hashlib.sha256(written.read_bytes()).hexdigest()


def test_a_json_syntax_error_far_in_the_file_names_the_line_and_column_json_would(tmp_path, tiny_window):
    rows = [json.dumps({"id": f"W{i}", "title": f"Work {i}"}) for i in range(2_000)]
    rows[1_500] = '{"id": "W1500", "title": "Work" "1500"}'
    text = '{"kind": "works", "rows": [\n' + ",\n".join(rows) + "\n]}\n"
    path = tmp_path / "works.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == f"line {expected.value.lineno}" == "line 1502"
    assert f"(character {expected.value.colno})" in info.value.detail


def test_a_kind_declared_after_the_rows_is_found_and_checked(tmp_path, tiny_window):
    path = tmp_path / "w.json"
    path.write_text('{"rows": [{"id": "W1", "title": "A"}], "kind": "works"}', encoding="utf-8")
    assert read_facts(path).kind == "works"  # detected: the file is read once for its kind first
    path.write_text(
        '{"rows": [{"id": "L1", "name": "A", "kind": "label"}], "kind": "works"}', encoding="utf-8"
    )
    with pytest.raises(
        ImportError_
    ) as info:  # the rows are fine as parties; the kind at the end says otherwise
        read_facts(path, "parties")
    assert "declares kind 'works'" in info.value.detail


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"kind": "works", "rows": [], "rows": []}', "two 'rows' keys"),
        ('[{"id": "W1", "title": "A"}] [', "Extra data"),
        ('{"kind": "works", "version": 10, "rows": []}', "unsupported version 10"),
        ('{"kind": "works", "rows": [{"id": "W1", "title": "A"}], "extra": 1}', "expected a list of rows"),
        ('[{"id": "W1", "title": "A"}, 7]', "a row must be an object, found int"),
    ],
)
def test_the_whole_document_is_checked(tmp_path, tiny_window, monkeypatch, text, message):
    if "version" in text:  # the window ends between the '1' and the '0' of 10
        monkeypatch.setattr(rowstream, "CHUNK_CHARS", text.index("10") + 1)
    path = tmp_path / "w.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportError_) as info:
        read_facts(path, "works")
    assert message in info.value.detail


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_key_repeated_anywhere_names_both_lines(tmp_path, suffix):
    facts = read_facts(library_csv(tmp_path / "lib.csv", 6_000)).facts
    path = tmp_path / f"dup{suffix}"
    write_facts(path, "library", [*facts, facts[3]])
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == "line 6002, column track_id"
    assert "duplicate 'qq/t000003' (first on line 5)" in info.value.detail


def test_bytes_that_are_not_utf8_late_in_a_big_file_name_their_line(tmp_path):
    path = library_csv(tmp_path / "lib.csv", 30_000)  # more than the text reader's 1 MiB of bytes
    with path.open("ab") as f:
        f.write(b"qq,late,\xff\xfe,x,,1\n")
    with pytest.raises(ImportError_) as info:
        read_facts(path)
    assert info.value.location == "line 30002" and "not UTF-8" in info.value.detail


def test_a_syntax_error_early_in_a_big_json_file_does_not_read_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(rowstream, "CHUNK_CHARS", 1_000)
    monkeypatch.setattr(rowstream, "MAX_VALUE_CHARS", 4_000)
    rows = [json.dumps({"id": f"W{i}", "title": f"Work {i}"}) for i in range(20_000)]
    rows[10] = '{"id": "W10", "title": }'
    path = tmp_path / "works.json"
    path.write_text("[\n" + ",\n".join(rows) + "\n]\n", encoding="utf-8")
    with open_table(path, "works") as table, pytest.raises(ImportError_) as info:
        for _ in table:
            pass
    assert info.value.location == "line 12"
    assert not table._json._eof  # the error was reported from the window, not after reading 600 kB more
