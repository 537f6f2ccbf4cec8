"""Imports that must not corrupt the ledger's history (issue 10): on both backends.

- item 10: a cycle of sublicences is refused at import, naming file and line, within a file and across files;
- item 11: transaction time only moves forward (an import may not be recorded before the ledger's newest entry,
  nor in the future), and the audit log stays in time order;
- item 12: the same facts from another file (rows reordered, CRLF, another name) add nothing;
- item 16: three imports at once all complete.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from songclear.app.imports import import_table
from songclear.errors import ImportError_, LedgerIntegrityError
from songclear.store import Database, tables
from songclear.store.auditlog import AuditLog, log_event
from songclear.store.ledger_clock import CLOCK_SKEW, stamp
from songclear.store.repository import LedgerRepository

T1 = datetime(2015, 7, 1, tzinfo=UTC)
T2 = datetime(2015, 8, 1, tzinfo=UTC)
GRANTS = "id,licensor,licensee,rights,scope,uses,territories,start,sublicensable,parent\n"


def write(folder: Path, name: str, text: str, newline: str = "\n") -> Path:
    path = folder / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def grant(gid: str, licensor: str, licensee: str, parent: str = "") -> str:
    return f"{gid},{licensor},{licensee},master,catalogue,Stream,CN,2015-01-01,yes,{parent}\n"


def known_parties(db: Database, *ids: str) -> None:
    """The parties the files below name, recorded before any of them (an import refuses unknown parties)."""
    from songclear.domain.catalogue import Party
    from songclear.domain.vocabulary import PartyKind

    with db.session(write=True) as s:
        parties = [Party(id=i, name=f"party {i}", kind=PartyKind.LABEL) for i in ids]
        LedgerRepository(s).record(parties, recorded_at=BEFORE)


BEFORE = datetime(2015, 1, 1, tzinfo=UTC)  # before T1


@pytest.fixture
def database(database: Database) -> Database:
    known_parties(database, "L", "A", "B", "C", "D", "X", "Z", "qq", "kuwo")
    return database


def versions(db: Database, table) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(table)).scalar_one()


# -- item 10: cycles of sublicences --------------------------------------------------------------------------------


def test_a_two_grant_cycle_in_one_file_is_refused_with_file_and_line(database, tmp_path):
    path = write(tmp_path, "subs.csv", GRANTS + grant("G-0", "L", "A") + grant("G-A", "A", "B", "G-B")
                 + grant("G-B", "B", "A", "G-A"))  # fmt: skip
    with pytest.raises(ImportError_) as info:
        import_table(database, path, kind=None, recorded_at=T1)
    assert info.value.source == "subs.csv" and info.value.location == "line 3, column parent"
    assert "G-A -> G-B -> G-A" in info.value.detail
    assert versions(database, tables.grants) == 0  # nothing of the file applied, not even G-0


def test_a_cycle_closed_by_a_later_file_is_refused_and_the_ledger_keeps_its_grants(database, tmp_path):
    first = write(tmp_path, "first.csv", GRANTS + grant("G-A", "A", "B", "G-B") + grant("G-B", "L", "A")
                  + grant("G-C", "B", "C", "G-A"))  # fmt: skip
    assert import_table(database, first, kind=None, recorded_at=T1).added == 3
    # G-B now names G-C as its parent: G-B -> G-C -> G-A -> G-B through the ledger's current grants (a 3-cycle).
    second = write(tmp_path, "second.csv", GRANTS + grant("G-X", "L", "X") + grant("G-B", "C", "A", "G-C"))
    with pytest.raises(ImportError_) as info:
        import_table(database, second, kind=None, recorded_at=T2)
    assert (info.value.source, info.value.location) == ("second.csv", "line 3, column parent")
    assert "G-B -> G-C -> G-A -> G-B" in info.value.detail
    with database.session() as s:
        ledger = LedgerRepository(s).load_ledger()  # the ledger still loads: no cycle got in
    assert ledger.grants["G-B"].parent is None and "G-X" not in ledger.grants


def test_a_grant_may_become_its_own_parent_only_by_a_refused_import(database, tmp_path):
    assert import_table(database, write(tmp_path, "a.csv", GRANTS + grant("G-A", "L", "A")), kind=None,
                        recorded_at=T1).added == 1  # fmt: skip
    with pytest.raises(ImportError_) as info:
        import_table(database, write(tmp_path, "b.csv", GRANTS + grant("G-A", "L", "A", "G-A")), kind=None,
                     recorded_at=T2)  # fmt: skip
    assert info.value.location == "line 2, column parent" and "its own parent" in info.value.detail


def test_a_chain_that_ends_is_accepted(database, tmp_path):
    path = write(tmp_path, "chain.csv", GRANTS + grant("G-A", "L", "A") + grant("G-B", "A", "B", "G-A")
                 + grant("G-C", "B", "C", "G-B") + grant("G-D", "C", "D", "G-UNKNOWN"))  # fmt: skip
    # G-UNKNOWN is in no file: the chain ends there. Not a cycle; a dangling parent, allowed here with a warning.
    out = import_table(database, path, kind=None, recorded_at=T1, allow_dangling=True)
    assert out.added == 4 and out.notes == [
        "line 5, column parent: unknown grant 'G-UNKNOWN' (imported anyway: --allow-dangling)"
    ]


# -- item 11: transaction time only moves forward ------------------------------------------------------------------


def test_an_import_recorded_before_the_newest_entry_is_refused(database, tmp_path):
    assert import_table(database, write(tmp_path, "a.csv", GRANTS + grant("G-A", "L", "A")), kind=None,
                        recorded_at=T2).added == 1  # fmt: skip
    with database.session() as s:
        answer = LedgerRepository(s).load_ledger(known_at=T2 + timedelta(days=1))
    late = write(tmp_path, "late.csv", GRANTS + grant("G-B", "L", "B"))
    with pytest.raises(ImportError_) as info:
        import_table(database, late, kind=None, recorded_at=T1)  # "known" before what was already answered
    assert info.value.source == "late.csv" and "earlier than the newest entry" in info.value.detail
    with database.session() as s:
        again = LedgerRepository(s).load_ledger(known_at=T2 + timedelta(days=1))
        count, problems = AuditLog(s).verify()
    assert set(again.grants) == set(answer.grants) == {"G-A"} and count == 1 and problems == []


def test_an_import_recorded_in_the_future_is_refused(database, tmp_path):
    path = write(tmp_path, "future.csv", GRANTS + grant("G-A", "L", "A"))
    with pytest.raises(ImportError_) as info:
        import_table(database, path, kind=None, recorded_at=datetime(2099, 1, 1, tzinfo=UTC))
    assert "in the future" in info.value.detail and versions(database, tables.grants) == 0
    now = datetime.now(UTC)
    ok = import_table(database, path, kind=None, recorded_at=now + CLOCK_SKEW / 2)  # within the skew
    assert ok.added == 1


def test_the_default_time_is_now_and_never_before_a_writer_whose_clock_is_a_little_ahead(database, tmp_path):
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    ahead = now + timedelta(minutes=2)  # another writer's clock
    with database.session(write=True) as s:
        log_event(s, at=ahead, actor="other", action="note", subject="x")
    out = import_table(database, write(tmp_path, "a.csv", GRANTS + grant("G-A", "L", "A")), kind=None,
                       clock=lambda: now)  # fmt: skip
    assert out.recorded_at == ahead  # stamped at the newest entry, not refused, not before it
    with database.session() as s:
        assert AuditLog(s).verify()[1] == []
        with pytest.raises(ImportError_):  # a time well before the newest entry is no clock skew
            stamp(s, now - timedelta(hours=1), now=now, source="x.csv")


def test_the_newest_time_counts_facts_recorded_without_a_log_entry(database, tmp_path):
    from songclear.domain.catalogue import Party
    from songclear.domain.vocabulary import PartyKind

    with database.session(write=True) as s:
        LedgerRepository(s).record([Party(id="L", name="L", kind=PartyKind.LABEL)], recorded_at=T2)
    with pytest.raises(ImportError_):
        import_table(database, write(tmp_path, "a.csv", GRANTS + grant("G-A", "L", "A")), kind=None,
                     recorded_at=T1)  # fmt: skip


def test_the_log_refuses_an_entry_far_before_its_newest_and_orders_a_near_one(database):
    with database.session(write=True) as s:
        log_event(s, at=T2, actor="a", action="x", subject="s")
        with pytest.raises(LedgerIntegrityError):
            log_event(s, at=T1, actor="a", action="y", subject="s")
        near = log_event(s, at=T2 - timedelta(seconds=30), actor="a", action="z", subject="s")
    assert near.at == T2
    with database.session() as s:
        assert AuditLog(s).verify() == (2, [])


# -- item 12: facts are compared, not files ------------------------------------------------------------------------

LIBRARY = (
    "platform,track_id,title,artist,isrc,play_count\n"
    "qq,t1,晴天,周杰伦,CN-A01-15-00001,10\n"
    "qq,t2,稻香,周杰伦,,20\n"
    'kuwo,k1,"Hotel, California",Eagles,USEE10001992,30\n'
)


def test_the_same_facts_from_another_file_add_nothing(database, tmp_path):
    grants = GRANTS + grant("G-A", "L", "A") + grant("G-B", "A", "B", "G-A") + grant("G-C", "L", "C")
    first = import_table(database, write(tmp_path, "grants.csv", grants), kind=None, recorded_at=T1)
    lib = import_table(database, write(tmp_path, "library.csv", LIBRARY), kind=None, recorded_at=T1)
    assert (first.added, lib.added) == (3, 3)
    before = (versions(database, tables.grants), versions(database, tables.library_tracks))

    head, *rows = grants.splitlines(keepends=True)
    shuffled = write(tmp_path, "contracts-2015.csv", head + "".join(reversed(rows)), newline="\r\n")
    again = import_table(database, shuffled, kind=None, recorded_at=T2)
    lib_head, *lib_rows = LIBRARY.splitlines(keepends=True)
    other = write(tmp_path, "export.csv", lib_head + "".join(reversed(lib_rows)), newline="\r\n")
    lib_again = import_table(database, other, kind=None, recorded_at=T2)

    assert (again.added, again.unchanged, again.already_imported) == (0, 3, False)
    assert (lib_again.added, lib_again.unchanged) == (0, 3)
    assert (versions(database, tables.grants), versions(database, tables.library_tracks)) == before
    with database.session() as s:
        assert LedgerRepository(s).imports(limit=10)[1] == 4  # the imports themselves are recorded ...
        assert [e.action for e in AuditLog(s).entries()] == ["import"] * 4  # ... and logged
        assert LedgerRepository(s).get_grant("G-B").source == "grants.csv:3"  # where it was first learnt


def test_a_changed_fact_in_another_file_is_still_a_new_version(database, tmp_path):
    import_table(
        database, write(tmp_path, "a.csv", GRANTS + grant("G-A", "L", "A")), kind=None, recorded_at=T1
    )
    changed = import_table(database, write(tmp_path, "b.csv", GRANTS + grant("G-A", "L", "Z")), kind=None,
                           recorded_at=T2)  # fmt: skip
    assert changed.added == 1 and versions(database, tables.grants) == 2


# -- item 16: concurrent writers queue ------------------------------------------------------------------------------


def test_three_imports_at_once_all_complete(db_url, tmp_path):
    with Database.open(db_url) as db:  # migrate once, before the race
        known_parties(db, "p1", "p2", "p3")
    rows = 3_000
    files = []
    for p in ("p1", "p2", "p3"):
        lines = "".join(f"{p},t{i},Song {i},Artist,,{i}\n" for i in range(rows))
        files.append(write(tmp_path, f"{p}.csv", "platform,track_id,title,artist,isrc,play_count\n" + lines))
    start = threading.Barrier(len(files))
    results: dict[str, object] = {}

    def one(path: Path) -> None:
        db = Database.open(db_url, upgrade=False)  # its own engine and connection, as another process has
        try:
            start.wait()
            results[path.name] = import_table(db, path, kind="library")
        except Exception as exc:  # noqa: BLE001 - reported below
            results[path.name] = exc
        finally:
            db.close()

    threads = [threading.Thread(target=one, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(not isinstance(r, Exception) for r in results.values()), results
    assert sorted(r.added for r in results.values()) == [rows] * 3
    with Database.open(db_url) as db, db.session() as s:
        assert LedgerRepository(s).count_tracks() == 3 * rows
        count, problems = AuditLog(s).verify()
    assert count == 3 and problems == []


def test_a_write_session_holds_the_lock_without_blocking_readers(database):
    done = threading.Event()
    with database.session(write=True) as s:
        log_event(s, at=T1, actor="a", action="x", subject="s")

        def read() -> None:
            with database.session() as r:  # deferred: sees the last commit, waits for nobody
                r.execute(select(func.count()).select_from(tables.audit_log)).scalar_one()
            done.set()

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=60)
        assert done.is_set()
