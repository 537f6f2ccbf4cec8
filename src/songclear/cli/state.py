"""What the global options give every command: the database URL and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class State:
    db_url: str
    debug: bool = False
    _db: object | None = field(default=None, repr=False)

    def database(self):
        from songclear.store.database import Database

        if self._db is None:
            self._db = Database.open(self.db_url)
        return self._db

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)
