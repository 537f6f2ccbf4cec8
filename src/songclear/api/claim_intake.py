"""Claims and counter-notices filed over HTTP: the multipart form's JSON object and its uploaded evidence files, as
one ``Filing`` (``app.claim_filing``) handed to the app layer.

Evidence is only ever the bytes uploaded in the same request: the object's ``evidence`` (and
``agent_authorisation``) name uploads by their file name or their sha256, and an upload the object does not name
is added to its ``evidence``. Nothing the client names is looked up on the server's disk, and a hash names nothing
but an upload of this request (docs/enforcement.md, "Evidence").
"""

from __future__ import annotations

import hashlib

from songclear.api.uploads import Upload
from songclear.app.claim_filing import FILE_FIELDS, Filing, parse_json_object
from songclear.errors import ImportError_, InputError


def parse_object(text: str, what: str) -> dict:
    """The form field's JSON object; JSON nested too deeply, or not an object, is refused (400)."""
    try:
        return parse_json_object(text, what)
    except ImportError_ as e:
        raise InputError(f"the {what} is not a usable JSON object: {e.detail}") from None


def filing(what: str, data: dict, uploads: list[Upload]) -> Filing:
    """The filing of ``data`` with ``uploads``; every upload is evidence, named in ``data`` or added to it."""
    names = [u.name for u in uploads]
    if len(set(names)) != len(names):
        raise InputError("two evidence files have the same name: give each its own")
    files = {u.name: u.data for u in uploads}
    named: set[str] = set()
    for key in FILE_FIELDS:
        value = data.get(key)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        named |= {v for v in values if isinstance(v, str)}
    unnamed = [
        u.name for u in uploads if u.name not in named and hashlib.sha256(u.data).hexdigest() not in named
    ]
    if unnamed:
        listed = data.get("evidence") or []
        listed = [listed] if isinstance(listed, str) else listed
        if not isinstance(listed, list):
            raise ImportError_("expected a list of file names or sha256", source=what, location="$.evidence")
        data = data | {"evidence": [*listed, *unnamed]}
    return Filing(data, what, files)
