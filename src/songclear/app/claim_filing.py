"""What a filed claim or counter-notice is: a JSON object and the evidence files sent with it, checked field by field
into a ``Claim`` or a ``CounterNotice`` (docs/enforcement.md, "Filing a claim").

The evidence rule: evidence is only ever bytes sent with the filing. The object's ``evidence`` (and
``agent_authorisation``) name files of the filing, by the name they were sent under or by their sha256; a name is
matched as it is, never resolved as a path, and a hash that is not the hash of a file sent with the filing is
refused — knowing the hash of a stored file (another party's evidence, a job's report) opens nothing. Over HTTP the
files are the request's uploads (``api.claim_intake``) or the dashboard form's; on the command line
``read_filing`` reads the files the user names, relative to the JSON file, from the user's own disk.

The ids a filer chooses (the claim's, the counter-notice's) follow ``domain.identifiers.check_id``; every field is
checked before anything is stored, and a bad one is an ``ImportError_`` naming it (``$.field``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from songclear.domain.enforcement.claims import Claim
from songclear.domain.enforcement.counternotice import CounterNotice
from songclear.domain.enforcement.deadlines import Regime
from songclear.domain.identifiers import check_id, normalise_isrc
from songclear.domain.timespan import check_instant
from songclear.errors import ImportError_, InputError, InvalidIdentifier

SHA256 = re.compile(r"[0-9a-f]{64}")
CLAIM_FIELDS = frozenset(Claim.__dataclass_fields__) | {"evidence_files"}
COUNTER_FIELDS = frozenset(CounterNotice.__dataclass_fields__) - {"claim_id"}
FILE_FIELDS = ("evidence", "agent_authorisation")  # the fields that name files of the filing


@dataclass(frozen=True, slots=True)
class Filing:
    """A claim or counter-notice as filed: its JSON object and the files sent with it (name -> bytes).
    ``source`` is what an error names: the JSON file's path, or 'claim' / 'counter' over HTTP."""

    data: dict
    source: str
    files: Mapping[str, bytes] = field(default_factory=dict)


def parse_json_object(text: str | bytes, source: str) -> dict:
    """A JSON object from text a client sent; anything else (not JSON, nested too deep, not an object) is an
    ImportError_."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ImportError_("the JSON is nested too deeply", source=source) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise ImportError_(f"not valid JSON: {e}", source=source) from None
    if not isinstance(data, dict):
        raise ImportError_("expected a JSON object", source=source, location="$")
    return data


def read_filing(path: Path) -> Filing:
    """The command line's filing: the JSON file, and each file its ``evidence`` and ``agent_authorisation`` name,
    read relative to the JSON file (the user names files on the user's own disk)."""
    if not path.is_file():
        raise ImportError_("file not found", source=str(path))
    try:
        text = path.read_bytes()
    except OSError as e:
        raise ImportError_(f"cannot be read: {e.strerror}", source=str(path)) from None
    data = parse_json_object(text, str(path))
    files: dict[str, bytes] = {}
    for key in FILE_FIELDS:
        for i, name in _named(data, key, str(path)):
            if SHA256.fullmatch(name):
                continue  # a hash: it must be the hash of a file named beside it (checked when parsed)
            local = path.parent / name
            if not local.is_file():
                raise ImportError_(
                    f"evidence file {name!r} not found", source=str(path), location=f"$.{key}{i}"
                )
            files[name] = local.read_bytes()
    return Filing(data, str(path), files)


def _named(data: dict, key: str, source: str) -> list[tuple[str, str]]:
    """(location suffix, name) of each file ``data[key]`` names (a string, or for evidence a list of strings)."""
    value = data.get(key)
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [("" if key == "agent_authorisation" else "[0]", value)]
    if key == "evidence" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [(f"[{i}]", v) for i, v in enumerate(value)]
    raise ImportError_(
        "expected a file name or sha256 (or a list of them)", source=source, location=f"$.{key}"
    )


class _Fields:
    """The object's fields, each checked as it is read; errors name the field."""

    def __init__(self, filing: Filing, allowed: frozenset[str], required: tuple[str, ...]) -> None:
        self.data, self.source, self.filing = filing.data, filing.source, filing
        for key in sorted(set(self.data) - allowed):
            raise self.error(f"unknown field (expected: {', '.join(sorted(allowed))})", key)
        for key in required:
            if self.data.get(key) in (None, "", [], {}):
                raise self.error("required", key)

    def error(self, message: str, key: str) -> ImportError_:
        return ImportError_(message, source=self.source, location=f"$.{key}")

    def id(self, key: str, what: str) -> str:
        try:
            return check_id(self.data[key], what)
        except InvalidIdentifier as e:
            raise self.error(e.message, key) from None

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.error(f"expected a string, got {type(value).__name__}", key)
        if "\x00" in value:
            raise self.error("a NUL character (\\x00) is not text", key)
        return value

    def territory(self, key: str) -> str:
        """The one territory a claim speaks for (an ISO 3166 code, or Worldwide; default CN): its takedowns
        block it there."""
        from songclear.domain.territory import normalise_code

        try:
            return normalise_code(self.text(key, "CN") or "CN")
        except InputError as e:
            raise self.error(e.message, key) from None

    def party(self, key: str) -> str | None:
        """A party id the filing names (the claimant, the platform, an agent)."""
        value = self.text(key)
        if value and any(not c.isprintable() for c in value):
            raise self.error("a party id may not hold a control character", key)
        return value or None

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key) or []
        if (
            isinstance(value, str)
            or not isinstance(value, list)
            or not all(isinstance(x, str) for x in value)
        ):
            raise self.error("expected a list of strings", key)
        if any("\x00" in x for x in value):
            raise self.error("a NUL character (\\x00) is not text", key)
        return tuple(value)

    def instant(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value in (None, ""):
            return None
        try:
            at = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise self.error(f"expected an ISO date-time with its offset, got {value!r}", key)
        try:
            return check_instant(at, key)
        except InputError as e:
            raise self.error(e.message, key) from None

    def files(self, key: str, store) -> tuple[str, ...]:
        """The sha256 of each file ``key`` names, each stored with ``store(name, content)`` (which returns the
        hash). A name is one the file was sent under; a hash is that of a file sent with the filing."""
        sent = self.filing.files
        by_hash = {hashlib.sha256(content).hexdigest(): name for name, content in sent.items()}
        out = []
        for where, value in _named(self.data, key, self.source):
            name = value if value in sent else by_hash.get(value)
            if name is None:
                raise ImportError_(
                    f"{value!r} is not a file sent with it: evidence is only ever a file sent with the claim or "
                    "counter-notice, named by its file name or its sha256",
                    source=self.source,
                    location=f"$.{key}{where}",
                )
            out.append(store(name, sent[name]))
        return tuple(dict.fromkeys(out))  # the same file named twice is listed once


def _isrc(value: str) -> str:
    try:
        return normalise_isrc(value)
    except InputError:
        return value  # kept as given: missing() tells the claimant it is not an ISRC


def parse_claim(filing: Filing, store) -> Claim:
    """The ``Claim`` a filing states; its files stored with ``store(name, content) -> sha256``."""
    f = _Fields(filing, CLAIM_FIELDS, ("id", "regime", "claimant", "platform", "received_at"))
    claim_id = f.id("id", "claim id")
    try:
        regime = Regime(f.text("regime"))
    except ValueError:
        raise f.error(f"unknown regime {f.data['regime']!r}", "regime") from None
    received, order = f.instant("received_at"), f.instant("order_deadline")
    claimant, platform, agent = f.party("claimant"), f.party("platform"), f.party("agent")
    recordings, works, items = f.strings("recordings"), f.strings("works"), f.strings("items")
    statements = frozenset(f.strings("statements"))
    text = {k: f.text(k) for k in ("contact", "address", "identity", "signature")}
    territory, use = f.territory("territory"), f.text("use", "Stream")
    authorisation = f.files("agent_authorisation", store)
    return Claim(
        id=claim_id, regime=regime, claimant=claimant, platform=platform, received_at=received, agent=agent,
        agent_authorisation=authorisation[0] if authorisation else None, **text,
        recordings=tuple(_isrc(r) for r in recordings), works=works, items=items, territory=territory, use=use,
        evidence=f.files("evidence", store), statements=statements, order_deadline=order,
    )  # fmt: skip


def parse_counter(filing: Filing, claim_id: str, store) -> CounterNotice:
    """The ``CounterNotice`` to claim ``claim_id`` a filing states; its files stored with ``store``."""
    f = _Fields(filing, COUNTER_FIELDS, ("id", "respondent", "received_at"))
    counter_id = f.id("id", "counter-notice id")
    received, forwarded = f.instant("received_at"), f.instant("forwarded_at")
    respondent = f.party("respondent")
    items, statements = f.strings("items"), frozenset(f.strings("statements"))
    text = {k: f.text(k) for k in ("contact", "address", "identity", "signature")}
    return CounterNotice(
        id=counter_id, claim_id=claim_id, respondent=respondent, received_at=received, forwarded_at=forwarded,
        items=items, evidence=f.files("evidence", store), statements=statements, **text,
    )  # fmt: skip
