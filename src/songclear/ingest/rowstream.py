"""The rows of a CSV or JSON file, streamed: each row with the line it starts on, never the whole file in memory.

``open_text`` opens a file as UTF-8 text (with or without a BOM) while hashing its bytes as they are read;
``csv_rows`` and ``JsonRows`` turn the text into ``(line, cells)`` pairs. Errors are ``ImportError_`` naming the
file and line. JSON is read with the standard library's decoder one row at a time (``raw_decode`` over a moving
window of the text), so row objects are parsed exactly as ``json.loads`` parses them and each keeps its line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from songclear.errors import ImportError_

FORMAT_VERSION = 1  # of the JSON envelope {"kind", "version", "rows"}
CHUNK_CHARS = 1 << 20  # text read per step of the JSON window
# The longest JSON row (or envelope value) read before a decoding error is taken as the file's: a value that does
# not parse is first given more text, in case it goes on past the window, but never more than this.
MAX_VALUE_CHARS = 64 << 20
_READ_BYTES = 1 << 20

Cells = dict[str, Any]  # column name -> raw cell (CSV text or a JSON value)


def err(source: str, line: int, column: str | None, message: str) -> ImportError_:
    where = f"line {line}, column {column}" if column else f"line {line}"
    return ImportError_(message, source=source, location=where)


def column_name(raw: str) -> str:
    return raw.strip().lower()


# -- bytes -> text -------------------------------------------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """A binary file that hashes every byte read through it."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


class TextSource:
    """An open file as text, and the sha256 of the bytes read so far (all of them once the text is exhausted)."""

    def __init__(self, path: Path, source: str) -> None:
        try:
            raw = path.open("rb")
        except OSError as exc:
            raise ImportError_(f"cannot read the file: {exc.strerror}", source=source) from None
        self.path, self.source = path, source
        self._hashing = _HashingReader(raw)
        self.text = io.TextIOWrapper(io.BufferedReader(self._hashing, _READ_BYTES), "utf-8-sig", newline="")

    @property
    def sha256(self) -> str:
        return self._hashing.digest.hexdigest()

    def not_utf8(self) -> ImportError_:
        """The error for a UnicodeDecodeError met while reading: the line of the first byte that is not UTF-8."""
        return not_utf8(self.path, self.source)

    def close(self) -> None:
        self.text.close()


def not_utf8(path: Path, source: str) -> ImportError_:
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = 0
    with path.open("rb") as f:
        while chunk := f.read(_READ_BYTES):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = newlines + exc.object.count(b"\n", 0, exc.start) + 1
                return ImportError_("not UTF-8 text", source=source, location=f"line {line}")
            newlines += chunk.count(b"\n")
    # the file ends inside a character
    return ImportError_("not UTF-8 text", source=source, location=f"line {newlines + 1}")


def looks_like_json(path: Path) -> bool:
    """A .json name is JSON, a .csv name CSV; otherwise JSON when the first character is '[' or '{'."""
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix == ".json"
    with path.open("rb") as f:
        while chunk := f.read(4096):
            head = chunk.removeprefix(codecs.BOM_UTF8).lstrip()
            if head:
                return head[:1] in (b"[", b"{")
    return False


# -- CSV -----------------------------------------------------------------------------------------------------------


def csv_rows(text: io.TextIOBase, source: str) -> tuple[list[str], Iterator[tuple[int, Cells]]]:
    """The header's column names, and the rows (line, cells) after it."""
    reader = csv.reader(text, strict=True)
    records = _csv_records(reader, source)
    first = next(records, None)
    if first is None:
        raise err(source, 1, None, "the file is empty: expected a header row naming the columns")
    header_line, raw_header = first
    header = [column_name(h) for h in raw_header]
    for i, name in enumerate(header):
        if not name:
            raise err(source, header_line, None, f"column {i + 1} of the header has no name")
        if name in header[:i]:
            raise err(source, header_line, name, "the column appears twice in the header")

    def rows() -> Iterator[tuple[int, Cells]]:
        width = len(header)
        for line, record in records:
            if len(record) != width:
                raise err(source, line, None, f"expected {width} fields, found {len(record)}")
            yield line, dict(zip(header, record, strict=True))

    return header, rows()


def _csv_records(reader: Any, source: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted cell may span lines)."""
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise err(source, reader.line_num or start, None, f"malformed CSV: {exc}") from None
        if record and any(cell.strip() for cell in record):
            yield start, record


# -- JSON ----------------------------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_SHAPE = 'expected a list of rows or {"kind": ..., "rows": [...]}'


class JsonRows:
    """A JSON list of row objects, or the envelope {"kind": ..., "version": 1, "rows": [...]}, read row by row.

    ``rows()`` yields ``(line, cells)``; when it is exhausted the whole document has been checked (the envelope's
    keys after "rows", nothing after the document) and ``declared`` holds the envelope's kind, if any. Before
    that, ``declared`` is the kind named *before* "rows" (what ``write_facts`` writes)."""

    def __init__(self, text: io.TextIOBase, source: str) -> None:
        self._text, self.source = text, source
        self._dec = json.JSONDecoder()
        self._buf, self._pos, self._eof = "", 0, False
        self._line = 1  # the line at _pos
        self._col0 = 0  # the column of _buf[0] (the window may start mid-line)
        self.declared: str | None = None
        self._in_envelope = False
        self._started = False

    # the window over the text

    def _fill(self) -> bool:
        """Read more text into the window; False at the end of the file."""
        if self._eof:
            return False
        if self._pos > CHUNK_CHARS // 2:  # drop what was consumed
            nl = self._buf.rfind("\n", 0, self._pos)
            self._col0 = self._pos - nl - 1 if nl >= 0 else self._col0 + self._pos
            self._buf, self._pos = self._buf[self._pos :], 0
        more = self._text.read(CHUNK_CHARS)
        if not more:
            self._eof = True
            return False
        self._buf += more
        return True

    def _advance(self, to: int) -> None:
        self._line += self._buf.count("\n", self._pos, to)
        self._pos = to

    def _peek(self) -> str:
        """The next character after whitespace ('' at the end of the file)."""
        while True:
            self._advance(_WS.match(self._buf, self._pos).end())
            if self._pos < len(self._buf) or not self._fill():
                return self._buf[self._pos : self._pos + 1]

    def _expect(self, chars: str, what: str) -> str:
        c = self._peek()
        if not c or c not in chars:
            raise self._error(self._pos, f"Expecting {what}")
        self._advance(self._pos + 1)
        return c

    def _value(self) -> tuple[int, Any]:
        """The JSON value at the next non-blank character, and the line it starts on."""
        self._peek()
        line = self._line
        while True:
            try:
                value, end = self._dec.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos < MAX_VALUE_CHARS and self._fill():
                    continue  # the value may go on past the window
                raise self._error(exc.pos, exc.msg) from None
            except RecursionError:  # arrays or objects nested thousands deep: bad input, not a crash
                raise err(self.source, line, None, "not valid JSON: nested too deeply") from None
            if end == len(self._buf) and self._fill():
                continue  # '12' may be the start of '123'
            self._advance(end)
            return line, value

    def _error(self, pos: int, msg: str) -> ImportError_:
        line = self._line + self._buf.count("\n", self._pos, pos)
        nl = self._buf.rfind("\n", 0, pos)
        col = pos - nl if nl >= 0 else self._col0 + pos + 1
        return err(self.source, line, None, f"not valid JSON: {msg} (character {col})")

    # the document

    def start(self) -> None:
        """Read up to the first row: the envelope's keys before "rows" (``declared``)."""
        if self._started:
            return
        self._started = True
        c = self._peek()
        if c == "[":
            self._advance(self._pos + 1)
            return
        if c != "{":
            if not c:
                raise err(self.source, self._line, None, "not valid JSON: Expecting value (character 1)")
            self._value()  # a scalar document: valid JSON but not rows (or invalid: its error)
            raise err(self.source, 1, None, _SHAPE)
        self._in_envelope = True
        self._advance(self._pos + 1)
        self._seen: set[str] = set()
        if not self._envelope_keys():
            raise err(self.source, 1, None, _SHAPE)

    def _envelope_keys(self) -> bool:
        """Read keys and values up to "rows" (True, positioned after its '[') or the envelope's end (False)."""
        if self._peek() == "}" and not self._seen:
            self._advance(self._pos + 1)
            return False
        while True:
            _, key = self._value()
            if not isinstance(key, str):
                raise self._error(self._pos, "Expecting property name enclosed in double quotes")
            self._expect(":", "':' delimiter")
            if key in self._seen:
                raise err(self.source, 1, None, f"the envelope has two {key!r} keys")
            self._seen.add(key)
            if key == "rows":
                if self._peek() != "[":
                    raise err(self.source, 1, None, _SHAPE)
                self._advance(self._pos + 1)
                return True
            _, value = self._value()
            self._envelope_value(key, value)
            if self._expect(",}", "',' delimiter") == "}":
                return False

    def _envelope_value(self, key: str, value: Any) -> None:
        if key == "kind":
            if not isinstance(value, str):
                raise err(self.source, 1, None, f"'kind' must be text, found {value!r}")
            self.declared = value
        elif key == "version":
            if value != FORMAT_VERSION:
                raise err(self.source, 1, None, f"unsupported version {value!r}: expected {FORMAT_VERSION}")
        else:
            raise err(self.source, 1, None, _SHAPE)

    def rows(self) -> Iterator[tuple[int, Cells]]:
        self.start()
        if self._peek() == "]":
            self._advance(self._pos + 1)
        else:
            while True:
                line, row = self._value()
                if not isinstance(row, dict):
                    raise err(self.source, line, None, f"a row must be an object, found {type(row).__name__}")
                yield line, {column_name(k): v for k, v in row.items()}
                if self._expect(",]", "',' delimiter") == "]":
                    break
        if self._in_envelope and self._expect(",}", "',' delimiter") == ",":
            self._envelope_keys()  # the keys after "rows" (a second "rows" is refused there)
        if self._peek():
            raise self._error(self._pos, "Extra data")
