"""The dashboard: server-rendered pages (Jinja2) over the same app layer the API uses (docs/dashboard.md).

Every page is under ``/ui``; the API's routes are untouched (they read only the Authorization header, never the
session cookie, so the cookie opens nothing in the API and the API needs no CSRF check).
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles


def install(app: FastAPI, *, secure_cookies: bool = False) -> None:
    """Add the dashboard's routes, templates and static files to the API app (see docs/dashboard.md), and the
    security headers to every response. ``secure_cookies``: the session cookie is sent over HTTPS only (set it
    when the server is reached through TLS)."""
    from songclear.web import (
        claim_pages,
        holder_pages,
        home_pages,
        platform_pages,
        report_pages,
        session,
        track_pages,
    )
    from songclear.web.browse_pages import browse_routers
    from songclear.web.render import PREFIX
    from songclear.web.security import SecurityHeaders

    for module in (session, home_pages, platform_pages, claim_pages, track_pages, report_pages, holder_pages):
        app.include_router(module.router)
    for browse_router in browse_routers():  # docs/dashboard.md, "Browse and search"
        app.include_router(browse_router)
    app.include_router(home_pages.root)
    static = resources.files("songclear.web") / "static"
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(static)), name="dashboard-static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=session.secret_key(),
        session_cookie=session.SESSION_COOKIE,
        max_age=session.SESSION_MAX_AGE,
        same_site="lax",  # a cross-site POST carries no cookie; the CSRF token covers the rest
        https_only=secure_cookies,  # the cookie's Secure flag
    )
    app.add_middleware(SecurityHeaders)
