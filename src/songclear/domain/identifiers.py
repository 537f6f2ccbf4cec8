"""Validation of the identifiers the ledger keys on: ISRC (a recording) and ISWC (a musical work).

ISRC (ISO 3901) has no check digit: we check its shape (CC-XXX-YY-NNNNN). ISWC (ISO 15707) has one:
C = (10 - (1 + sum(i * d_i for i in 1..9)) mod 10) mod 10. Both are normalised to their compact form
(no separators, upper case) so that 'CN-A01-15-00001' and 'cna011500001' are the same key.
"""

from __future__ import annotations

import re

from songclear.errors import InvalidIdentifier

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
