"""What every request is checked for before any route sees it: no NUL character in its path or query.

A NUL (``%00``) is never part of an id, a code or a filter, and PostgreSQL's text can neither store nor compare one
(psycopg refuses the parameter): refused here with 400, the same on both backends. A NUL inside a JSON body or a
form field reaches the handler; the store turns PostgreSQL's refusal into the same 400 (``store.database``), and a
claim's fields refuse it themselves (``app.claim_filing``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from songclear.errors import InputError


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"").lower()
            if "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query:
                from songclear.api.errors import problem

                e = InputError("a NUL character (%00) is not allowed in a path or a query")
                await problem(Request(scope), e.http_status, type(e).__name__, e.title, e.message)(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)
