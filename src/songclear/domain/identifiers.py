"""Validation of the identifiers the ledger keys on: ISRC (a recording) and ISWC (a musical work); and the one rule
for every id a client chooses (``check_id``).

ISRC (ISO 3901) has no check digit: we check its shape (CC-XXX-YY-NNNNN). ISWC (ISO 15707) has one:
C = (10 - (1 + sum(i * d_i for i in 1..9)) mod 10) mod 10. Both are normalised to their compact form
(no separators, upper case) so that 'CN-A01-15-00001' and 'cna011500001' are the same key.
"""

from __future__ import annotations

import re

from songclear.errors import InputError, InvalidIdentifier

_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{2}[0-9]{5}$")
_ISWC = re.compile(r"^T[0-9]{10}$")
_SEPARATORS = re.compile(r"[\s\-.]")


def normalise_isrc(value: str) -> str:
    """Compact, upper-case ISRC; raises InvalidIdentifier if the shape is wrong."""
    compact = _SEPARATORS.sub("", value.strip().upper())
    if compact.startswith("ISRC"):
        compact = compact[4:]
    if not _ISRC.match(compact):
        raise InvalidIdentifier(f"invalid ISRC {value!r}: expected CC-XXX-YY-NNNNN (12 characters)")
    return compact


def is_valid_isrc(value: str) -> bool:
    try:
        normalise_isrc(value)
    except InvalidIdentifier:
        return False
    return True


def iswc_check_digit(digits: str) -> int:
    """The check digit of the nine digits of an ISWC (ISO 15707)."""
    total = 1 + sum(i * int(d) for i, d in enumerate(digits, start=1))
    return (10 - total % 10) % 10


def normalise_iswc(value: str) -> str:
    """Compact ISWC 'T0000000000'; raises InvalidIdentifier on a bad shape or a wrong check digit."""
    compact = _SEPARATORS.sub("", value.strip().upper())
    if not _ISWC.match(compact):
        raise InvalidIdentifier(f"invalid ISWC {value!r}: expected T-DDD.DDD.DDD-C")
    if iswc_check_digit(compact[1:10]) != int(compact[10]):
        raise InvalidIdentifier(
            f"invalid ISWC {value!r}: check digit should be {iswc_check_digit(compact[1:10])}"
        )
    return compact


def format_iswc(compact: str) -> str:
    """'T0345246801' -> 'T-034.524.680-1'."""
    d = compact[1:]
    return f"T-{d[0:3]}.{d[3:6]}.{d[6:9]}-{d[9]}"


def is_valid_iswc(value: str) -> bool:
    try:
        normalise_iswc(value)
    except InvalidIdentifier:
        return False
    return True


# -- Ids a client chooses ---------------------------------------------------------------------------------------
# Claim and counter-notice ids, usernames (and, for ingest to reuse, the ids an imported file brings): one rule,
# so an id is safe wherever it goes next — a URL path, a Location header, a file name, an HTML page, a log line.
# 1 to 64 characters from A-Z a-z 0-9 and . _ - @, starting with a letter or a digit, without '..': no space, no
# control character (so no CR/LF), no '/', no non-ASCII letter.

MAX_ID_LENGTH = 64
ID_CHARACTERS = "A-Z a-z 0-9 . _ - @"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")


def id_problem(value: object) -> str | None:
    """Why ``value`` is not a valid client-chosen id, or None when it is."""
    if not isinstance(value, str):
        return f"expected a string, got {type(value).__name__}"
    if not value:
        return "it is empty"
    if len(value) > MAX_ID_LENGTH:
        return f"it is {len(value)} characters long"
    if not value[0].isascii() or not value[0].isalnum():
        return f"it starts with {value[0]!r}, not a letter or a digit"
    if not _ID.fullmatch(value):
        return f"character {next(c for c in value if not _ID.fullmatch('a' + c))!r} is not allowed"
    if ".." in value:
        return "it contains '..'"
    return None


def check_id(value: object, what: str) -> str:
    """``value`` if it is a valid client-chosen id (the rule above); else InvalidIdentifier naming ``what``."""
    problem = id_problem(value)
    if problem is not None:
        raise InvalidIdentifier(
            f"invalid {what} {value!r}: {problem}; an id is 1 to {MAX_ID_LENGTH} characters of {ID_CHARACTERS}, "
            "starting with a letter or a digit, without '..'"
        )
    return value  # type: ignore[return-value]


def is_valid_id(value: object) -> bool:
    return id_problem(value) is None


def check_label(value: object, what: str, *, max_length: int = 200) -> str:
    """A name for people (a token's label): any printable text up to ``max_length`` characters, not blank, with no
    control character (no CR/LF: it goes into log lines and tables)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{what} must be some text, got {value!r}")
    if len(value) > max_length:
        raise InputError(f"{what} is {len(value)} characters long; at most {max_length}")
    if any(not c.isprintable() for c in value):
        raise InputError(f"{what} may not hold a control character, got {value!r}")
    return value
