"""The headers every response carries, so that a browser neither frames a page nor guesses a content type
(docs/dashboard.md, "Security headers"):

- ``X-Frame-Options: DENY`` and ``Content-Security-Policy: frame-ancestors 'none'`` on everything (no clickjacking
  of the dashboard's buttons; an API answer has no reason to be framed either);
- ``X-Content-Type-Options: nosniff`` (an evidence file served as octet-stream stays a download, never a page);
- ``Referrer-Policy: same-origin``;
- on the dashboard's pages (``/ui``) a content security policy that allows only the server's own scripts, styles,
  images and media (inline ``style`` attributes aside: the status badges and the chart use them).

A header a route set itself is kept.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from songclear.web.render import PREFIX

FRAME_ANCESTORS = "frame-ancestors 'none'"
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    f"media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; {FRAME_ANCESTORS}"
)
COMMON = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        policy = DASHBOARD_CSP if path == PREFIX or path.startswith(PREFIX + "/") else FRAME_ANCESTORS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (*COMMON.items(), ("Content-Security-Policy", policy)):
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
