"""Who is asking, and what they may see: bearer tokens and the four roles.

- admin: everything;
- platform: its own platform (its library, its audits, the grants it holds), nothing of another platform;
- rights_holder: its own catalogue (recordings it owns, grants it gave) and the decisions and match evidence of
  tracks that are its recordings; not a platform's whole library;
- regulator: reads everything, changes nothing.

In demo mode a request without a token may read as a regulator does (the dashboard demo); it may not write.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request

from songclear.api.state import state
from songclear.errors import Forbidden, Unauthorized
from songclear.store.tokens import TokenRepository

ADMIN, PLATFORM, RIGHTS_HOLDER, REGULATOR = "admin", "platform", "rights_holder", "regulator"


@dataclass(frozen=True, slots=True)
class Principal:
    role: str
    party: str | None = None
    token_id: str | None = None  # None: a demo visitor without a token (or a dashboard user)
    user: str | None = None  # a dashboard user's name, when a person logged in rather than a token

    @property
    def actor(self) -> str:
        """Who acts, for the audit log."""
        if self.user:
            return f"user:{self.user}"
        return f"api-token:{self.token_id}" if self.token_id else "api-demo"

    @property
    def reads_everything(self) -> bool:
        return self.role in (ADMIN, REGULATOR)


DEMO_VISITOR = Principal(REGULATOR)


def principal(request: Request) -> Principal:
    """The caller, from ``Authorization: Bearer <secret>`` (a sync dependency: FastAPI runs it in a thread)."""
    st = state(request)
    header = request.headers.get("authorization")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("the Authorization header must be 'Bearer <token>'")
        with st.db.session() as session:
            token = TokenRepository(session).by_secret(secret.strip())
        if token is None:
            raise Unauthorized("unknown or revoked token")
        return Principal(token.role, token.party, token.token_id)
    if st.demo and request.method in ("GET", "HEAD"):
        return DEMO_VISITOR
    raise Unauthorized("send 'Authorization: Bearer <token>' (create one with 'songclear token create')")


Caller = Depends(principal)


def require(who: Principal, *roles: str) -> None:
    if who.role not in roles:
        raise Forbidden(f"a {_describe(who)} may not do this (allowed: {', '.join(roles)})")


def require_platform(who: Principal, platform: str) -> None:
    """A platform's library and its audits: admin, regulator, and that platform itself."""
    if who.reads_everything or (who.role == PLATFORM and who.party == platform):
        return
    raise Forbidden(f"a {_describe(who)} may not read platform {platform!r}'s library")


def require_operator(who: Principal, platform: str) -> None:
    """Acting on a platform's library (takedowns, reviews, scans, answering claims): admin and that platform."""
    if who.role == ADMIN or (who.role == PLATFORM and who.party == platform):
        return
    raise Forbidden(f"a {_describe(who)} may not act on platform {platform!r}")


def may_read_party(who: Principal, party: str) -> bool:
    """Whether ``who`` may read what belongs to ``party`` (its claims, its jobs)."""
    return who.reads_everything or who.party == party


def own_party(who: Principal, asked: str | None, what: str) -> str | None:
    """The party a party-bound caller is limited to (None: no limit): asking for another party's ``what`` is
    refused; asking for nothing means its own."""
    if who.reads_everything:
        return asked
    if asked is not None and asked != who.party:
        raise Forbidden(f"a {_describe(who)} may only read its own {what}")
    return who.party


def _describe(who: Principal) -> str:
    return f"{who.role} token for {who.party}" if who.party else f"{who.role} token"
