"""The database: an engine, one-transaction sessions and the Alembic migrations that are its only schema source.

SQLite is the embedded default (WAL, foreign keys on, a busy timeout); PostgreSQL is reached through psycopg 3.
A *write* session (``session(write=True)``) takes the database's write lock when it begins (SQLite: BEGIN
IMMEDIATE; PostgreSQL: a transaction-level advisory lock), so concurrent writers queue, each up to the busy timeout,
instead of failing half-way when a read turns into a write; read sessions begin deferred and never wait. Driver and connection errors become ``StorageError`` here,
at the adapter boundary, so callers see one exception tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from songclear.errors import InputError, SongclearError, StorageError

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE = "songclear_write"  # the execution option that marks a write session's connection
# The key of PostgreSQL's advisory lock that write sessions hold until they commit or roll back ('songclr').
PG_WRITE_LOCK = 0x736F6E67636C72


def normalise_url(url: str) -> URL:
    """Parse ``url``; 'postgresql://' and 'postgres://' mean psycopg 3 (SQLAlchemy would pick psycopg2)."""
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise StorageError(f"invalid database URL {url!r}: {e}") from e
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(f"unsupported database {parsed.drivername!r}: use sqlite:/// or postgresql://")
    return parsed


def _sqlite_pragmas(engine: Engine) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL and SELECT; take it over so that a session
    # (and a migration) is exactly one transaction (the SQLAlchemy-documented recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")  # durable at each WAL checkpoint; safe against corruption
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # A write transaction takes the write lock now, waiting up to the busy timeout for another writer. Begun
        # deferred, its first write after a read fails at once with "database is locked" whenever another
        # writer committed in between (SQLite cannot upgrade a stale read snapshot): the busy timeout never helps.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def _postgresql_write_lock(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if conn.get_execution_options().get(WRITE):
            # Writers queue here until the holder commits: the audit log's next entry, and the ledger's newest
            # time that an import checks its recorded_at against, are read by one writer at a time.
            # Like SQLite's busy timeout: a writer that waits longer fails (StorageError) rather than hanging.
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{SQLITE_BUSY_TIMEOUT_MS}ms'")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


def _describe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


class Database:
    """An opened database. Use ``session()`` for work; each session is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE: True})

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Database:
        """Connect to ``url`` (checking it answers) and, unless ``upgrade`` is False, migrate it to the newest schema."""
        parsed = normalise_url(url)
        try:
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    folder = Path(parsed.database).expanduser().resolve().parent
                    if not folder.is_dir():
                        raise StorageError(f"cannot open {_describe(parsed)}: folder {folder} does not exist")
                engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
                _sqlite_pragmas(engine)
            else:
                engine = create_engine(parsed, pool_pre_ping=True)
                _postgresql_write_lock(engine)
        except NoSuchModuleError as e:
            raise StorageError(f"no driver for {parsed.drivername!r}: {e}") from e
        db = cls(engine)
        try:
            with engine.connect():
                pass  # opening a connection is the check: unreachable servers fail here, clearly
        except DBAPIError as e:
            engine.dispose()
            raise StorageError(f"cannot connect to {_describe(parsed)}: {_reason(e)}") from e
        if upgrade:
            db.upgrade()
        return db

    @property
    def url(self) -> str:
        return _describe(self.engine.url)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any exception.

        ``write=True`` for a transaction that reads and then writes (an import, a takedown, a log entry): it takes
        the write lock at its start and so queues behind other writers instead of failing (module doc). Never
        open a write session inside another one in the same thread: the inner one waits for the outer one's lock
        until the busy timeout and fails."""
        try:
            with Session(self._writer if write else self.engine, expire_on_commit=False) as s, s.begin():
                yield s
        except SongclearError:
            raise
        except DBAPIError as e:
            if _nul_in_text(e):  # the input's fault, not the database's: PostgreSQL text holds no NUL
                raise InputError(
                    "text with a NUL character (\\x00) can be neither stored nor looked up"
                ) from e
            raise StorageError(f"database error on {self.url}: {_reason(e)}") from e

    def _alembic(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        """Run the migrations up to ``revision`` in one transaction."""
        self._migrate(command.upgrade, revision)

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` ('base': an empty database). Destroys the data of undone tables."""
        self._migrate(command.downgrade, revision)

    def _migrate(self, step, revision: str) -> None:
        cfg = self._alembic()
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                step(cfg, revision)
        except SQLAlchemyError as e:
            raise StorageError(f"cannot migrate {self.url} to {revision}: {_reason(e)}") from e

    def revision(self) -> str | None:
        """The schema revision the database is at (None: never migrated)."""
        try:
            with self.engine.connect() as conn:
                return MigrationContext.configure(conn).get_current_revision()
        except DBAPIError as e:
            raise StorageError(f"cannot read the schema revision of {self.url}: {_reason(e)}") from e

    @staticmethod
    def head() -> str:
        """The newest revision the code knows."""
        head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
        assert head is not None
        return head

    def require_current(self) -> None:
        """Raise StorageError unless the schema is at the newest revision (e.g. before serving requests)."""
        current = self.revision()
        if current != self.head():
            raise StorageError(
                f"database {self.url} is at schema revision {current or 'none'}, expected {self.head()}: "
                "run `songclear db upgrade`"
            )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_session(db):
    """``db.session(write=True)``, the session of a transaction that writes (``Database.session``). A stand-in for
    the database whose ``session()`` takes no ``write`` argument (the API's ``SerialisedWrites``, which serialises
    its writers itself) gives its own session."""
    try:
        return db.session(write=True)
    except TypeError:  # raised by the call itself, before any transaction begins
        return db.session()


def _nul_in_text(e: DBAPIError) -> bool:
    """psycopg refuses a NUL character in a text parameter (PostgreSQL's text cannot hold one)."""
    return "NUL (0x00)" in str(getattr(e, "orig", "") or "")


def _reason(e: SQLAlchemyError) -> str:
    orig = getattr(e, "orig", None)
    text = str(orig if orig is not None else e).strip()
    return text.splitlines()[0] if text else type(e).__name__
