"""docs/import.md documents every column of every kind, with the type and required flag the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from songclear.ingest.columns import KINDS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import.md"
_ROW = re.compile(r"^\| `(?P<name>[a-z_]+)` \| (?P<type>[^|]+) \| (?P<required>[^|]+) \|", re.MULTILINE)


def documented(kind: str) -> dict[str, tuple[str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(f"\n## {kind}\n", 1)[1].split("\n## ", 1)[0]
    return {m["name"]: (m["type"].strip(), m["required"].strip()) for m in _ROW.finditer(section)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_column_is_documented_with_its_type_and_requiredness(kind: str) -> None:
    docs = documented(kind)
    columns = KINDS[kind].columns
    assert sorted(docs) == sorted(c.name for c in columns)
    for c in columns:
        doc_type, doc_required = docs[c.name]
        assert doc_type == c.type, c.name
        assert (doc_required == "yes") == c.required, c.name
