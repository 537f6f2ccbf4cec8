"""Who is looking at the dashboard: the login, the signed session cookie, and CSRF tokens on every form.

A logged-in user is the same ``Principal`` (api/auth.py) as an API token with the user's role and party, so every
page applies the API's role rules. Without a login, only a server in demo mode lets a visitor read (as the API's
demo visitor does), and nobody writes.

The session is Starlette's signed cookie (itsdangerous): it holds the username, the CSRF token and the id of a
server-side session (``store.sessions``; only its sha256 is stored). The signing key is ``SONGCLEAR_SECRET_KEY``,
or a random one per server start (sessions then end when the server restarts; the server log says so). Each
request re-reads the user and checks its session is live, so logging out ends the session for good (the same
cookie replayed later is refused) and disabling a user ends all of its sessions. ``create_app(secure_cookies=True)``
(``songclear serve --secure-cookies``) marks the cookie ``Secure``, for a server behind TLS.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Form, Request

from songclear.api.auth import DEMO_VISITOR, REGULATOR, Principal
from songclear.api.state import state
from songclear.errors import Forbidden, Unauthorized
from songclear.store.sessions import SessionRepository
from songclear.store.users import UserRepository
from songclear.web.render import PREFIX, PageRoute, page, redirect

SECRET_ENV = "SONGCLEAR_SECRET_KEY"
SESSION_COOKIE = "songclear_session"
SESSION_MAX_AGE = 8 * 3600  # a working day
log = logging.getLogger("songclear.web")
router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def secret_key() -> str:
    key = os.environ.get(SECRET_ENV)
    if key:
        return key
    log.warning(
        "dashboard: %s is not set; sessions are signed with a key generated for this server start "
        "(everyone is logged out when it restarts)",
        SECRET_ENV,
    )
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Viewer:
    principal: Principal
    username: str | None  # None: a demo visitor, not logged in
    csrf: str

    @property
    def actor(self) -> str:
        """Who acts, for the audit log."""
        return f"dashboard:{self.username}"

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def party(self) -> str | None:
        return self.principal.party

    @property
    def may_write(self) -> bool:
        return self.username is not None and self.role != REGULATOR


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


def viewer(request: Request) -> Viewer:
    """The logged-in user (or, in demo mode, a read-only visitor); otherwise Unauthorized (a redirect to login)."""
    username, session_id = request.session.get("user"), request.session.get("sid")
    if username:
        st = state(request)
        with st.db.session() as session:
            user = UserRepository(session).get(username)
            live = isinstance(session_id, str) and SessionRepository(session).is_live(
                session_id, username, now=st.clock(), max_age_s=SESSION_MAX_AGE
            )
        if user is not None and live:
            v = Viewer(Principal(user.role, user.party), user.username, csrf_token(request))
            request.state.viewer = v
            return v
        request.session.clear()  # logged out, expired, or the user disabled since it logged in
    if state(request).demo:
        v = Viewer(DEMO_VISITOR, None, csrf_token(request))
        request.state.viewer = v
        return v
    raise Unauthorized("log in to use the dashboard")


def writer(request: Request, csrf: str = Form("")) -> Viewer:
    """A POST from a form: a logged-in user, and the form's CSRF token matches the session's."""
    v = viewer(request)
    expected = request.session.get("csrf") or ""
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        raise Forbidden(
            "this form is stale or was not sent from the dashboard (CSRF check failed): reload it"
        )
    if v.username is None:
        raise Unauthorized("log in to change anything: the demo lets visitors read only")
    return v


Viewing = Depends(viewer)
Writing = Depends(writer)


def _safe_next(target: str | None) -> str:
    """Only a path inside the dashboard: never an open redirect to another site."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//"):
        return target
    return PREFIX + "/"


@router.get("/login")
def login_form(request: Request, next: str | None = None):
    request.state.viewer = None
    return page(request, "login.html.j2", csrf=csrf_token(request), next=_safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf: str = Form(""),
    next: str = Form(PREFIX + "/"),
):
    request.state.viewer = None
    expected = request.session.get("csrf") or ""
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        raise Forbidden("the login form is stale (CSRF check failed): reload it")
    st = state(request)
    # Failed logins are counted per name and per client address in a sliding window; once either is full every
    # attempt is refused (429) before the password is looked at, so guessing is slowed to a crawl and a person
    # who mistyped is not locked out for long.
    address, name = (request.client.host if request.client else "unknown"), username.strip().casefold()
    st.login_address_limiter.check(address)
    st.login_limiter.check(name)
    with st.db.session() as session:
        user = UserRepository(session).authenticate(username, password)
    if user is None:
        st.login_address_limiter.hit(address)
        st.login_limiter.hit(name)
        return page(
            request, "login.html.j2", http_status=401, csrf=expected, next=_safe_next(next),
            error="Unknown user, wrong password, or a disabled user.",
        )  # fmt: skip
    with st.writer.session() as session:
        session_id = SessionRepository(session).open(user.username, now=st.clock())
    request.session.clear()
    request.session.update({"user": user.username, "sid": session_id, "csrf": secrets.token_urlsafe(24)})
    return redirect(request, _safe_next(next), f"Logged in as {user.username}.")


@router.post("/logout")
def logout(request: Request, who: Viewer = Viewing, csrf: str = Form("")):
    if not hmac.compare_digest(csrf.encode(), (request.session.get("csrf") or "").encode()):
        raise Forbidden("this form is stale (CSRF check failed): reload it")
    session_id = request.session.get("sid")
    if isinstance(session_id, str):  # ended server-side: a copy of the cookie opens nothing any more
        st = state(request)
        with st.writer.session() as session:
            SessionRepository(session).end(session_id, now=st.clock())
    request.session.clear()
    return redirect(request, f"{PREFIX}/login", "Logged out.")
