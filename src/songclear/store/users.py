"""The dashboard's users: a person logs in with a password; the role and party work as an API token's do.

Passwords are hashed with scrypt (memory-hard: a leaked table costs a guesser memory as well as time) under a
random 16-byte salt; the stored string carries the parameters, so they can be raised later without breaking old
hashes: ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``. Creating and disabling a user append audit-log entries
(never the password or its hash).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from songclear.domain.identifiers import MAX_ID_LENGTH, check_id
from songclear.errors import InputError, NotFound
from songclear.store import tables
from songclear.store.auditlog import log_event
from songclear.store.sessions import SessionRepository

T = tables.users
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**14, 8, 1, 32  # ~16 MiB and ~50 ms a check
MIN_PASSWORD = 8
MAX_USERNAME = MAX_ID_LENGTH


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: str
    party: str | None
    created_at: datetime
    disabled_at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "username": self.username,
            "role": self.role,
            "party": self.party,
            "created_at": self.created_at.isoformat(),
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
        }


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES)
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Recompute the hash with the stored parameters and salt; compare in constant time."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(key)
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            dklen=len(expected), maxmem=128 * int(n) * int(r) * 2,
        )  # fmt: skip
    except ValueError:  # a malformed stored hash never matches
        return False
    return hmac.compare_digest(got, expected)


# Checked against when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def check_username(name: str) -> str:
    """A new user's name: surrounding spaces dropped, then the rule of every client-chosen id
    (``domain.identifiers.check_id``: 1 to 64 characters of A-Z a-z 0-9 . _ - @)."""
    return check_id(name.strip(), "username")


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self, *, username: str, password: str, role: str, party: str | None, now: datetime, actor: str
    ) -> User:
        """Store a new user (role and party checked by the caller, as for tokens: ``tokens.check_role``)."""
        username = check_username(username)
        if len(password) < MIN_PASSWORD:
            raise InputError(f"a password has at least {MIN_PASSWORD} characters")
        if self._row(username) is not None:
            raise InputError(f"user {username!r} exists already")
        try:
            self.session.execute(
                insert(T).values(
                    username=username, password_hash=hash_password(password), role=role, party=party,
                    created_at=now,
                )
            )  # fmt: skip
        except IntegrityError as e:  # created concurrently: the caller's transaction rolls back
            raise InputError(f"user {username!r} exists already") from e
        log_event(
            self.session, at=now, actor=actor, action="user-create", subject=username,
            payload={"role": role, "party": party},
        )  # fmt: skip
        return User(username, role, party, now)

    def authenticate(self, username: str, password: str) -> User | None:
        """The live user with this name and password, else None (an unknown name, a wrong password and a
        disabled user all answer None, in about the same time)."""
        row = self._row(username.strip())
        ok = password_matches(password, row.password_hash if row is not None else _DUMMY_HASH)
        if row is None or not ok or row.disabled_at is not None:
            return None
        return _user(row)

    def get(self, username: str) -> User | None:
        """The live user ``username`` (None when unknown or disabled): a session is checked against it."""
        row = self._row(username)
        return _user(row) if row is not None and row.disabled_at is None else None

    def disable(self, username: str, *, now: datetime, actor: str) -> None:
        done = self.session.execute(
            update(T).where(T.c.username == username, T.c.disabled_at.is_(None)).values(disabled_at=now)
        )
        if not done.rowcount:
            raise NotFound(f"no enabled user {username!r}")
        SessionRepository(self.session).end_all(username, now=now)  # its dashboard sessions end with it
        log_event(self.session, at=now, actor=actor, action="user-disable", subject=username)

    def all(self) -> list[User]:
        return [_user(r) for r in self.session.execute(select(T).order_by(T.c.id))]

    def _row(self, username: str):
        return self.session.execute(select(T).where(T.c.username == username)).first()


def _user(r) -> User:
    return User(r.username, r.role, r.party, r.created_at, r.disabled_at)
