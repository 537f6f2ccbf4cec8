"""The one place where the API turns exceptions into responses: RFC 9457 problem details (application/problem+json).

Every error has ``type`` (a URN naming the exception class), ``title``, ``status``, ``detail`` and ``instance``
(the request path); an import error adds ``source`` and ``location``, a validation error adds ``errors``. The
statuses come from the classes of ``songclear.errors``; the API's own refusals below join that tree.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from songclear.errors import ImportError_, InputError, RateLimited, SongclearError

PROBLEM = "application/problem+json"
TYPE_PREFIX = "urn:songclear:problem:"
log = logging.getLogger("songclear.api")


# Starlette's own HTTP errors by status: a body or form it cannot parse (400), an unknown route, a wrong method.
_HTTP_TITLES = {
    400: ("InputError", InputError.title),
    404: ("NotFound", "Not found"),
    405: ("MethodNotAllowed", "Method not allowed"),
}


def problem(request: Request, status: int, kind: str, title: str, detail: str, **extra) -> JSONResponse:
    body = {
        "type": TYPE_PREFIX + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


async def _songclear_error(request: Request, e: SongclearError) -> JSONResponse:
    extra: dict = {}
    if isinstance(e, ImportError_):
        extra = {"source": e.source, "location": e.location}
    response = problem(request, e.http_status, type(e).__name__, e.title, e.message, **extra)
    if isinstance(e, RateLimited):
        response.headers["Retry-After"] = str(e.retry_after)
    return response


async def _validation_error(request: Request, e: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": ".".join(str(p) for p in err.get("loc", ())), "message": err.get("msg", "")}
        for err in e.errors()
    ]
    detail = "; ".join(f"{x['loc']}: {x['message']}" for x in errors) or "invalid request"
    return problem(request, InputError.http_status, "InputError", InputError.title, detail, errors=errors)


async def _http_error(request: Request, e: StarletteHTTPException) -> JSONResponse:
    kind, title = _HTTP_TITLES.get(e.status_code, ("HTTPError", "HTTP error"))
    return problem(request, e.status_code, kind, title, str(e.detail))


async def _internal_error(request: Request, e: Exception) -> JSONResponse:
    log.exception("internal error on %s", request.url.path)  # a bug: the traceback goes to the server log
    return problem(request, 500, "InternalError", SongclearError.title, f"internal error: {type(e).__name__}")


def install(app: FastAPI) -> None:
    app.add_exception_handler(SongclearError, _songclear_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
