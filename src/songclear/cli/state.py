"""What the global options give every command: the database URL and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class State:
    db_url: str
    debug: bool = False
    fp_index: str | None = None
    _db: object | None = field(default=None, repr=False)

    def database(self):
        from songclear.store.database import Database

        if self._db is None:
            self._db = Database.open(self.db_url)
        return self._db

    def close(self) -> None:
        """Close the database the command opened, if it opened one."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def index_path(self):
        """The fingerprint index folder: --fp-index, else beside a SQLite database, else ./fingerprints."""
        from pathlib import Path

        from songclear.app.fingerprints import default_index_path

        return Path(self.fp_index) if self.fp_index else default_index_path(self.db_url)

    @staticmethod
    def actor() -> str:
        """Who acts, for the audit log: SONGCLEAR_ACTOR, else the operating-system user."""
        import getpass
        import os

        return os.environ.get("SONGCLEAR_ACTOR") or f"user:{getpass.getuser()}"

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)
