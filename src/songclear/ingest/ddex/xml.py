"""Hardened XML reading for DDEX messages, and namespace-agnostic lookups.

A DDEX message comes from outside: it may carry a DTD with entity bombs ('billion laughs') or external entities
that read local files or reach the network. libxml2 (through lxml) reads it with entity substitution off, no DTD
loading or validation, no network access and its default size limits (no ``huge_tree``). A document type
declaration is refused outright (HostileXMLError, naming its line): no ERN message needs one. Whether there is one
is libxml2's call, not a text search: a probe parses the prolog and stops at the DOCTYPE, before its internal
subset (the entity declarations) is read, or at the root's start tag. So ``<!DOCTYPE`` inside a comment or a
CDATA section is only text.

A message is then read as a stream (``EndEvents``: the end of each element of interest, in document order) so that
the reader can drop what it has read; ``parse_tree`` builds the whole tree (for XSD validation). ERN 3.8.x and
4.x put their elements in different namespaces and most children are unqualified, so lookups match local names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from songclear.errors import HostileXMLError, ImportError_

# libxml2's own defences: never substitute entities, load a DTD or touch the network; keep the size limits.
HARDENED = {
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_PROBE_CHUNK = 64 * 1024
DOCTYPE_REFUSED = (
    "DOCTYPE/ENTITY declarations are refused (entity expansion, external entities and DTDs are not allowed)"
)


# -- hardened reading ---------------------------------------------------------------------------------------------


@contextmanager
def opened(path: str | Path) -> Iterator[BinaryIO]:
    """The file, open for reading; ImportError_ when it cannot be opened or read."""
    try:
        with Path(path).open("rb") as f:
            yield f
    except OSError as exc:
        raise ImportError_(f"cannot read the file: {exc.strerror}", source=str(path)) from exc


class _Stop(Exception):
    pass


class _PrologProbe:
    """lxml parser target: stops at the document type declaration, or at the root element's start tag."""

    def __init__(self) -> None:
        self.found_doctype = False

    def doctype(self, name, pubid, system) -> None:
        self.found_doctype = True
        raise _Stop

    def start(self, tag, attrib, nsmap=None) -> None:
        raise _Stop

    def end(self, tag) -> None:
        pass

    def data(self, data) -> None:
        pass

    def close(self) -> None:
        return None


def refuse_doctype(stream: BinaryIO, source: str) -> None:
    """HostileXMLError when the document in ``stream`` declares a DOCTYPE; reads only its prolog, then rewinds.

    A document that is not well-formed passes here: the real parse refuses it with its line.
    """
    probe = _PrologProbe()
    parser = etree.XMLParser(target=probe, **HARDENED)
    head = bytearray()
    try:
        while chunk := stream.read(_PROBE_CHUNK):
            head += chunk
            parser.feed(chunk)
        parser.close()
    except (_Stop, etree.XMLSyntaxError):
        pass
    stream.seek(0)
    if probe.found_doctype:
        raise HostileXMLError(DOCTYPE_REFUSED, source=source, location=f"line {_doctype_line(bytes(head))}")


def _doctype_line(head: bytes) -> int:
    """The line the DOCTYPE starts on. XML allows only the XML declaration, comments, processing instructions
    and white space before it, so skipping those finds it (libxml2 has already said that there is one)."""
    text = _decode_prolog(head)
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n\ufeff":
            pos += 1
        opener, closer = ("<?", "?>") if text.startswith("<?", pos) else ("<!--", "-->")
        if not text.startswith(opener, pos) or (end := text.find(closer, pos + len(opener))) < 0:
            break
        pos = end + len(closer)
    return text.count("\n", 0, pos) + 1


def _decode_prolog(head: bytes) -> str:
    for mark, encoding in (
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xef\xbb\xbf", "utf-8"),
    ):
        if head.startswith(mark):
            return head[len(mark) :].decode(encoding, errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("latin-1")  # ASCII-compatible: a newline is byte 0x0A whatever the declared encoding


def not_well_formed(exc: etree.XMLSyntaxError, source: str) -> ImportError_:
    line = exc.lineno or (exc.position[0] if exc.position else 0)
    return ImportError_(f"not well-formed XML: {exc.msg}", source=source, location=f"line {line}")


def refuse_if_doctype(root: etree._Element, source: str) -> None:
    """Belt and braces after a parse: libxml2 saw no DOCTYPE (the probe would have refused it)."""
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.system_url or info.public_id:
        raise HostileXMLError(DOCTYPE_REFUSED, source=source)


class EndEvents:
    """The end of every element named in ``tags`` (any namespace), in document order, from the hardened parser.

    Iterate once; ``root`` is the document's root element afterwards, ``sha256`` the hash of every byte read.
    The reader may clear and delete what it has read (the standard iterparse idiom) to keep memory flat.
    """

    def __init__(self, stream: BinaryIO, source: str, tags: Iterable[str]) -> None:
        refuse_doctype(stream, source)
        self.source = source
        self._stream = stream
        self._digest = hashlib.sha256()
        self._events = etree.iterparse(self, events=("end",), tag=[f"{{*}}{t}" for t in tags], **HARDENED)

    def read(self, size: int = -1) -> bytes:  # what lxml reads through
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        return chunk

    def __iter__(self) -> Iterator[etree._Element]:
        try:
            for _, el in self._events:
                yield el
        except etree.XMLSyntaxError as exc:
            raise not_well_formed(exc, self.source) from exc

    @property
    def root(self) -> etree._Element:
        return self._events.root

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def parse_tree(stream: BinaryIO, source: str) -> etree._ElementTree:
    """The whole document as a tree, read with the same defences (for XSD validation)."""
    refuse_doctype(stream, source)
    try:
        tree = etree.parse(stream, etree.XMLParser(**HARDENED))
    except etree.XMLSyntaxError as exc:
        raise not_well_formed(exc, source) from exc
    refuse_if_doctype(tree.getroot(), source)
    return tree


def parse_bytes(data: bytes, source: str) -> etree._ElementTree:
    return parse_tree(BytesIO(data), source)


def parse_file(path: str | Path) -> etree._ElementTree:
    with opened(path) as f:
        return parse_tree(f, str(path))


# -- namespace-agnostic navigation -------------------------------------------------------------------------------


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag


def namespace(el: etree._Element) -> str:
    tag = el.tag
    return tag[1 : tag.index("}")] if isinstance(tag, str) and tag[:1] == "{" else ""


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return list(el.iterchildren(f"{{*}}{name}"))  # '{*}': any namespace or none, matched by libxml2


def child(el: etree._Element, name: str) -> etree._Element | None:
    return next(el.iterchildren(f"{{*}}{name}"), None)


def path(el: etree._Element, *names: str) -> etree._Element | None:
    """Follow ``names`` down the tree, first match at each step."""
    cur: etree._Element | None = el
    for n in names:
        if cur is None:
            return None
        cur = child(cur, n)
    return cur


def descendants(el: etree._Element, name: str) -> Iterator[etree._Element]:
    for d in el.iter(f"{{*}}{name}"):
        if d is not el:
            yield d


def text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""
