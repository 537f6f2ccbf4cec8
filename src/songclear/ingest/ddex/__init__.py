"""DDEX ERN import: ``parse_message(path)`` reads and checks one message; ``apply_message(msg, ...)`` turns it
into ledger facts (a pure function). See docs/ddex.md."""

from songclear.ingest.ddex.changes import DDEX_TZ, DdexChanges, apply_message, grant_id
from songclear.ingest.ddex.model import (
    ControlType,
    DdexDeal,
    DdexMessage,
    DdexParty,
    DdexRelease,
    MessageKind,
    ReleaseIds,
    SoundRecording,
    release_key,
)
from songclear.ingest.ddex.parse import parse_message, parse_message_bytes

__all__ = [
    "DDEX_TZ",
    "ControlType",
    "DdexChanges",
    "DdexDeal",
    "DdexMessage",
    "DdexParty",
    "DdexRelease",
    "MessageKind",
    "ReleaseIds",
    "SoundRecording",
    "apply_message",
    "grant_id",
    "parse_message",
    "parse_message_bytes",
    "release_key",
]
