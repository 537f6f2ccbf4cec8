"""Uploads: every request body is bounded in size, and an uploaded file is a multipart/form-data field parsed by
FastAPI (python-multipart) into an ``UploadFile``.

The bound is an ASGI middleware in front of everything: the body is read (up to the limit) before any handler or
form parser sees it, and refused with 413 as soon as it passes the limit, so an oversized upload is never parsed
nor spooled to disk. Handlers then take ``file: UploadFile = File(...)`` and turn it into an ``Upload``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from fastapi import File, Query, UploadFile
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from songclear.errors import InputError, PayloadTooLarge

FIELD = "file"

# The parameters of an import, shared by ``POST /imports`` (now) and ``POST /jobs/imports`` (as a job).
ImportFile = File(..., description="A .csv or .json table, or a .xml DDEX ERN message.")
ImportKind = Query(None, description="Table kind (default: from the header); not for DDEX.")
DdexParties = Query([], description="DDEX: map a DDEX party id to a ledger party id, DPID=party.")


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # the file name the client gave, without any folder
    data: bytes


MAX_NAME = 255


def upload_name(file: UploadFile) -> str:
    """The file name the client gave, without any folder: a label (in answers, errors, the evidence store), never a
    path the server writes to or reads from."""
    name = PurePath(file.filename or "").name
    if not name or name in (".", ".."):
        raise InputError("the uploaded file needs a file name")
    if len(name) > MAX_NAME or not name.isprintable():
        raise InputError(
            f"an uploaded file's name is at most {MAX_NAME} printable characters, got {name[:80]!r}"
        )
    return name


def read_upload(file: UploadFile) -> Upload:
    """The uploaded file's name and bytes (a blocking read: call it from a sync endpoint or a worker thread)."""
    name = upload_name(file)
    file.file.seek(0)
    return Upload(name, file.file.read())


class BodyLimit:
    """Refuse (413, problem+json) a request whose body is over ``limit`` bytes, before the app reads it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(
                scope, send, f"the upload is {int(declared)} bytes; the limit is {self.limit} bytes"
            )
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: the app sees an empty body and the disconnect after it
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(scope, send, f"the upload is over the limit of {self.limit} bytes")
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, detail: str) -> None:
        from songclear.api.errors import problem

        e = PayloadTooLarge(detail)
        response = problem(Request(scope), e.http_status, type(e).__name__, e.title, e.message)
        await response(scope, self._no_receive, send)

    @staticmethod
    async def _no_receive() -> Message:
        return {"type": "http.disconnect"}
