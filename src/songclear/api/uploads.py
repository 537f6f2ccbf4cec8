"""Reading an uploaded file: a multipart/form-data field named ``file``, bounded in size.

The body is read in chunks and refused (413) as soon as it passes the limit, before anything is parsed. The
multipart body is parsed with the standard library's email parser (python-multipart is not a dependency).
"""

from __future__ import annotations

import email.parser
import email.policy
from dataclasses import dataclass
from pathlib import PurePath

from fastapi import Request

from songclear.errors import InputError, PayloadTooLarge

FIELD = "file"
# What the OpenAPI schema says the body of an upload endpoint is (the handler reads it itself).
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FIELD],
                    "properties": {FIELD: {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # the file name the client gave, without any folder
    data: bytes


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the upload is {int(declared)} bytes; the limit is {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the upload is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_upload(request: Request, limit: int) -> Upload:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise InputError(f"send the file as multipart/form-data in a field named {FIELD!r}")
    body = await read_body(request, limit)
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise InputError("the multipart body cannot be read (no boundary?)")
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == FIELD:
            name = PurePath(part.get_filename() or "upload").name
            data = part.get_payload(decode=True) or b""
            if not name or name in (".", ".."):
                raise InputError("the uploaded file needs a file name")
            return Upload(name, data)
    raise InputError(f"no form field named {FIELD!r} in the upload")
