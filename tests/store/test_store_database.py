"""Database: opening, URL handling, one-transaction sessions, migrations as the only schema source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from songclear.domain.catalogue import Party
from songclear.domain.vocabulary import PartyKind
from songclear.errors import StorageError
from songclear.store import Database, LedgerRepository
from songclear.store.database import normalise_url

T1 = datetime(2015, 7, 1, tzinfo=UTC)


def test_plain_postgresql_urls_use_psycopg3():
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"


def test_unsupported_or_broken_urls_are_storage_errors(tmp_path):
    with pytest.raises(StorageError, match="unsupported database"):
        Database.open("mysql://u@h/db")
    with pytest.raises(StorageError, match="invalid database URL"):
        Database.open("not a url")
    with pytest.raises(StorageError, match="does not exist"):
        Database.open(f"sqlite:///{tmp_path}/missing/folder/x.db")


def test_unreachable_postgresql_is_a_storage_error():
    # Port 1 on localhost: nothing listens there, the connection is refused at once.
    with pytest.raises(StorageError, match="cannot connect to postgresql"):
        Database.open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_open_migrates_to_head(database: Database):
    assert database.revision() == Database.head()
    database.require_current()
    names = set(inspect(database.engine).get_table_names())
    assert {"imports", "grants", "library_tracks", "release_deals", "alembic_version"} <= names


def test_open_without_upgrade_leaves_the_schema_alone(db_url: str):
    db = Database.open(db_url, upgrade=False)
    try:
        assert db.revision() is None
        with pytest.raises(StorageError, match="songclear db upgrade"):
            db.require_current()
        db.upgrade()
        assert db.revision() == Database.head()
        db.upgrade()  # idempotent
        assert db.revision() == Database.head()
    finally:
        db.close()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    with Database.open(f"sqlite:///{tmp_path / 'x.db'}") as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_a_failing_session_leaves_nothing_behind(database: Database):
    party = Party(id="L1", name="Label One", kind=PartyKind.LABEL)
    with pytest.raises(RuntimeError, match="boom"), database.session() as s:
        repo = LedgerRepository(s)
        import_id = repo.begin_import("parties.csv", "ab" * 32, "parties", T1)
        repo.record([party], recorded_at=T1, import_id=import_id)
        assert repo.list_parties() == [
            party.__class__(id="L1", name="Label One", kind=PartyKind.LABEL, recorded_at=T1)
        ]
        raise RuntimeError("boom")
    with database.session() as s:
        repo = LedgerRepository(s)
        assert repo.list_parties() == []
        assert repo.find_import("ab" * 32, "parties") is None


def test_a_committed_session_is_visible_to_the_next(database: Database):
    with database.session() as s:
        LedgerRepository(s).record([Party(id="L1", name="One", kind=PartyKind.LABEL)], recorded_at=T1)
    with database.session() as s:
        assert [p.id for p in LedgerRepository(s).list_parties()] == ["L1"]


def test_database_errors_inside_a_session_become_storage_errors(database: Database):
    with pytest.raises(StorageError, match="database error"), database.session() as s:
        s.execute(text("SELECT * FROM no_such_table"))
