"""The schema's shared parts: the metadata every table belongs to (with constraint names that migrations
and models agree on), the surrogate key type, and the UTC instant type.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    MetaData,
)
from sqlalchemy.types import TypeDecorator

# Names for constraints, so that migrations and models name them alike on every backend.
metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)

# A 64-bit surrogate key; on SQLite only INTEGER PRIMARY KEY is the auto-incrementing rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """An instant: stored in UTC, returned tz-aware in UTC. A naive datetime is refused (its zone is unknown)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: an instant needs a time zone")
        value = value.astimezone(UTC)
        # SQLite keeps the text; without tzinfo it sorts and compares correctly as UTC.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
