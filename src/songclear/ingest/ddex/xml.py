"""Hardened XML reading for DDEX messages, and namespace-agnostic lookups.

A DDEX message comes from outside: it may carry a DTD with entity bombs ('billion laughs') or external entities
that read local files or reach the network. The parser therefore never resolves entities, never loads a DTD,
never touches the network and keeps libxml2's size limits (no ``huge_tree``); any DOCTYPE or ENTITY declaration
is refused outright, since no ERN message needs one. ERN 3.8.x and 4.x put their elements in different
namespaces (``http://ddex.net/xml/ern/382``, ``.../43``...) and most children are unqualified, so lookups match
on local names only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from songclear.errors import HostileXMLError, ImportError_

# A declaration anywhere in the first bytes, in UTF-8/ASCII or UTF-16 (as ERN files are sometimes saved).
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _has_declaration(data: bytes) -> bool:
    if _DECLARATION.search(data):
        return True
    for encoding in ("utf-16-le", "utf-16-be"):
        if data.startswith(b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"):
            text = data.decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
            return bool(_DECLARATION.search(text))
    return False


def parse_bytes(data: bytes, source: str) -> etree._ElementTree:
    """Parse untrusted XML; HostileXMLError for a DTD/entity, ImportError_ naming the line when not well-formed."""
    if _has_declaration(data):
        raise HostileXMLError(
            "DOCTYPE/ENTITY declarations are refused (entity expansion and external entities are not allowed)",
            source=source,
            location="line 1",
        )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser=_parser()))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise ImportError_(f"not well-formed XML: {exc.msg}", source=source, location=f"line {line}") from exc
    # Belt and braces: a declaration the byte scan missed (an unusual encoding) is still refused.
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise HostileXMLError("DOCTYPE declarations are refused", source=source, location="line 1")
    return tree


def parse_file(path: str | Path) -> etree._ElementTree:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot read the file: {exc.strerror}", source=str(p)) from exc
    return parse_bytes(data, str(p))


# -- namespace-agnostic navigation -------------------------------------------------------------------------------


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).localname


def namespace(el: etree._Element) -> str:
    return etree.QName(el.tag).namespace or ""


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c) == name]


def child(el: etree._Element, name: str) -> etree._Element | None:
    for c in el:
        if local(c) == name:
            return c
    return None


def path(el: etree._Element, *names: str) -> etree._Element | None:
    """Follow ``names`` down the tree, first match at each step."""
    cur: etree._Element | None = el
    for n in names:
        if cur is None:
            return None
        cur = child(cur, n)
    return cur


def descendants(el: etree._Element, name: str) -> Iterator[etree._Element]:
    for d in el.iter():
        if d is not el and local(d) == name:
            yield d


def text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def xpath_of(el: etree._Element) -> str:
    """An XPath to ``el`` without namespace prefixes (readable in an error), with its line."""
    steps = []
    cur: etree._Element | None = el
    while cur is not None:
        parent = cur.getparent()
        name = local(cur)
        if parent is not None:
            same = [c for c in parent if local(c) == name]
            if len(same) > 1:
                name = f"{name}[{same.index(cur) + 1}]"
        steps.append(name)
        cur = parent
    return "/" + "/".join(reversed(steps)) + f" (line {el.sourceline})"


class Reader:
    """Collects the warnings of one file and builds its refusals, each naming the file and the XPath."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.warnings: list[str] = []

    def refuse(self, message: str, el: etree._Element) -> ImportError_:
        return ImportError_(message, source=self.source, location=xpath_of(el))

    def warn(self, message: str, el: etree._Element) -> None:
        self.warnings.append(f"{xpath_of(el)}: {message}")

    def check_children(self, el: etree._Element, allowed: frozenset[str], what: str) -> None:
        for c in el:
            if isinstance(c.tag, str) and local(c) not in allowed:
                raise self.refuse(f"element {local(c)} is not part of an ERN {what}", c)
