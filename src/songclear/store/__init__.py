"""Storage: the bitemporal ledger in SQLite or PostgreSQL (SQLAlchemy Core tables, Alembic migrations)."""

from songclear.store.database import Database
from songclear.store.import_records import ImportRecord
from songclear.store.repository import LedgerRepository, RecordCounts

__all__ = ["Database", "ImportRecord", "LedgerRepository", "RecordCounts"]
