"""A big import streams (issue 10, item 8), on both backends: its memory does not grow with the file, and a bad
last line still leaves nothing applied. (Seconds and RSS for a million rows: bench/import_bench.py.)"""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from songclear.app.imports import import_table
from songclear.errors import ImportError_
from songclear.store import Database
from songclear.store.repository import LedgerRepository

AT = datetime(2016, 1, 1, tzinfo=UTC)


def library(path: Path, n: int, *, last: str = "") -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("platform,track_id,title,artist,isrc,play_count\n")
        for i in range(n):
            f.write(f"P{i % 3},{path.stem}-{i:08d},Song {i},Artist {i % 500},CNX0015{i % 100000:05d},{i}\n")
        f.write(last)
    return path


def peak_of_import(url: str, path: Path) -> float:
    """Peak memory allocated by Python during the import (tracemalloc: a count of bytes, not a timing)."""
    with Database.open(url) as db:
        tracemalloc.start()
        try:
            outcome = import_table(db, path, kind="library", recorded_at=AT)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert outcome.added == outcome.rows
    return peak


def platforms(url: str) -> None:
    """The platforms the library files name, known before them (an import refuses an unknown platform)."""
    from songclear.domain.catalogue import Party
    from songclear.domain.vocabulary import PartyKind

    with Database.open(url) as db, db.session(write=True) as s:
        known = [Party(id=f"P{i}", name=f"Platform {i}", kind=PartyKind.PLATFORM) for i in range(3)]
        LedgerRepository(s).record(known, recorded_at=datetime(2015, 12, 1, tzinfo=UTC))


def test_memory_does_not_grow_with_the_number_of_rows(db_url, tmp_path):
    # Before: the whole file, then every fact, were held at once (10k rows 8 MiB, 40k rows 33 MiB, 1 M rows
    # ~1 GB RSS). Now rows are written in batches as they are read: 32k rows take no more than 8k (the reference
    # checks included: the platforms looked up in batches, remembered, never a row kept).
    platforms(db_url)
    small = peak_of_import(db_url, library(tmp_path / "small.csv", 8_000))
    big = peak_of_import(db_url, library(tmp_path / "big.csv", 32_000))
    assert big < 1.5 * small, (small, big)


def test_a_bad_last_line_of_a_file_bigger_than_a_batch_leaves_nothing_applied(database, tmp_path):
    path = library(tmp_path / "lib.csv", 6_000, last="P0,bad,Bad,x,,not-a-count\n")
    with pytest.raises(ImportError_) as info:
        import_table(database, path, kind="library", recorded_at=AT)
    assert (info.value.source, info.value.location) == ("lib.csv", "line 6002, column play_count")
    with database.session() as s:
        repo = LedgerRepository(s)
        assert repo.count_tracks() == 0 and repo.imports(limit=1)[1] == 0
