"""API tokens: a random secret handed out once; the database keeps only its sha256, the role and the party.

A sha256 is enough here (no slow password hash): the secret is 256 random bits, not something a person chose, so
there is nothing to guess from a leaked hash. Creating a token appends an audit-log entry (without the secret).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from songclear.domain.identifiers import check_label
from songclear.errors import InputError, NotFound
from songclear.store import tables
from songclear.store.auditlog import log_event

T = tables.api_tokens
ROLES = ("admin", "platform", "rights_holder", "regulator")
# Roles that act for one party of the ledger, and the kinds of party each may act for.
PARTY_KINDS = {"platform": ("platform",), "rights_holder": ("label", "publisher", "collecting_society")}
SECRET_PREFIX = "sc_"


@dataclass(frozen=True, slots=True)
class ApiToken:
    token_id: str
    name: str
    role: str
    party: str | None
    created_at: datetime
    revoked_at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "id": self.token_id,
            "name": self.name,
            "role": self.role,
            "party": self.party,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_role(role: str, party: str | None, party_kind: str | None) -> None:
    """Refuse a role that does not exist, a party-bound role without its party, or a party of the wrong kind
    (``party_kind``: the kind the ledger gives ``party``, None when the ledger does not know it)."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    kinds = PARTY_KINDS.get(role)
    if kinds is None:
        if party is not None:
            raise InputError(f"a {role} token acts for no party: drop --party")
        return
    if party is None:
        raise InputError(f"a {role} token acts for one party: give --party")
    if party_kind is None:
        raise NotFound(f"no party {party!r} in the ledger")
    if party_kind not in kinds:
        raise InputError(f"party {party!r} is a {party_kind}; a {role} token acts for a {' or '.join(kinds)}")


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self, *, name: str, role: str, party: str | None, now: datetime, actor: str
    ) -> tuple[str, ApiToken]:
        """Store a new token; return its secret (shown once, never stored) and the token. ``name`` is a label for
        people (printable text, at most 200 characters: ``domain.identifiers.check_label``)."""
        name = check_label(name, "a token's name")
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(secrets.token_hex(4), name, role, party, now)
        self.session.execute(
            insert(T).values(
                token_id=token.token_id, secret_sha256=secret_hash(secret), name=name, role=role,
                party=party, created_at=now,
            )
        )  # fmt: skip
        log_event(
            self.session, at=now, actor=actor, action="token-create", subject=token.token_id,
            payload={"name": name, "role": role, "party": party},
        )  # fmt: skip
        return secret, token

    def by_secret(self, secret: str) -> ApiToken | None:
        """The live (not revoked) token with this secret, if any."""
        row = self.session.execute(
            select(T).where(T.c.secret_sha256 == secret_hash(secret), T.c.revoked_at.is_(None))
        ).first()
        return _token(row) if row is not None else None

    def revoke(self, token_id: str, *, now: datetime, actor: str) -> None:
        done = self.session.execute(
            update(T).where(T.c.token_id == token_id, T.c.revoked_at.is_(None)).values(revoked_at=now)
        )
        if not done.rowcount:
            raise NotFound(f"no live token {token_id!r}")
        log_event(self.session, at=now, actor=actor, action="token-revoke", subject=token_id)

    def all(self) -> list[ApiToken]:
        return [_token(r) for r in self.session.execute(select(T).order_by(T.c.id))]


def _token(r) -> ApiToken:
    return ApiToken(r.token_id, r.name, r.role, r.party, r.created_at, r.revoked_at)
