"""Claims and counter-notices filed over HTTP: a JSON object and its evidence files, handed to the app layer as the
CLI hands them (``app.claims.add_claim`` and ``counter`` read a JSON file whose evidence names sit beside it).

The uploaded evidence files are written beside the JSON in a temporary folder under the names the client gave, and
the object's ``evidence`` lists them (a file uploaded but not named in the object is added to it), so the stored
claim points to each file by its sha256 just as a claim filed on the command line does.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from songclear.api.uploads import Upload
from songclear.errors import ImportError_, InputError


def parse_object(text: str, what: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise InputError(f"the {what} is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise InputError(f"the {what} must be a JSON object")
    return data


def with_evidence(data: dict, files: list[Upload]) -> dict:
    """``data`` whose ``evidence`` names every uploaded file."""
    listed = data.get("evidence") or []
    listed = [listed] if isinstance(listed, str) else list(listed)
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise InputError("two evidence files have the same name: give each its own")
    return data | {"evidence": listed + [n for n in names if n not in listed]} if files else data


def filed(what: str, data: dict, files: list[Upload], call: Callable[[Path], object]):
    """``call(path)`` on the object written as ``<what>.json`` beside its evidence files; errors name the upload,
    not the temporary folder."""
    with tempfile.TemporaryDirectory(prefix=f"songclear-{what}-") as folder:
        for f in files:
            (Path(folder) / f.name).write_bytes(f.data)
        path = Path(folder) / f"{what}.json"
        path.write_text(json.dumps(with_evidence(data, files), ensure_ascii=False), encoding="utf-8")
        try:
            return call(path)
        except ImportError_ as e:
            raise type(e)(e.detail.replace(folder + "/", ""), source=what, location=e.location) from e
