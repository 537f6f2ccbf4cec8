"""Rendering pages, and the dashboard's one place where exceptions become HTML.

The API's handler (api/errors.py) answers problem+json; a person in a browser gets a page instead: the dashboard's
routes use ``PageRoute``, which turns the same exception tree into an HTML page with the same status (and a
missing login on a GET into a redirect to the login form).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import cache
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined

from songclear.errors import SongclearError, Unauthorized
from songclear.reports.context import STATUS_COLOURS, STATUS_LABELS

PREFIX = "/ui"
log = logging.getLogger("songclear.web")


def _day(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("songclear.web", "templates"),
        autoescape=True,  # every title, artist and reason reaches the page escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _day
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.globals.update(
        P=PREFIX,
        status_colours={s.value: c for s, c in STATUS_COLOURS.items()},
        status_labels={s.value: label for s, label in STATUS_LABELS.items()},
    )
    return env


def page(request: Request, template: str, http_status: int = 200, **context) -> HTMLResponse:
    """Render ``template`` with the viewer (``request.state.viewer``, set by ``session.viewer``) and the flash."""
    viewer = getattr(request.state, "viewer", None)
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    html = (
        environment()
        .get_template(template)
        .render(
            viewer=viewer,
            flash=flash,
            demo=request.app.state.songclear.demo,
            path=request.url.path,
            **context,
        )
    )
    return HTMLResponse(html, status_code=http_status)


def redirect(request: Request, url: str, flash: str | None = None) -> RedirectResponse:
    """After a POST: back to a page (303, so the browser GETs it), with a one-time message."""
    if flash:
        request.session["flash"] = flash
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return page(request, "error.html.j2", http_status=status, title=title, message=message)


class PageRoute(APIRoute):
    """A dashboard route: errors become an HTML page; a missing login on a GET redirects to the login form."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except Unauthorized as e:
                if request.method in ("GET", "HEAD"):
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse(f"{PREFIX}/login?next={quote(target, safe='')}", status_code=303)
                return error_page(request, e.http_status, e.title, e.message)
            except SongclearError as e:
                return error_page(request, e.http_status, e.title, e.message)
            except RequestValidationError as e:
                detail = "; ".join(
                    f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', '')}"
                    for err in e.errors()
                )
                return error_page(request, 400, "Invalid input", detail or "invalid request")
            except Exception as e:  # a bug: the traceback goes to the server log, the page says so
                log.exception("internal error on %s", request.url.path)
                return error_page(request, 500, "Internal error", f"internal error: {type(e).__name__}")

        return run
