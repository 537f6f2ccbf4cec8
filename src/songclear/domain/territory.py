"""Territories: ISO 3166-1 alpha-2 codes, 'Worldwide', and exclusions.

CN, HK, MO and TW are distinct codes (a licence for mainland China does not cover Hong Kong). An unknown code is an
error, never silently Worldwide. A ``Territories`` value is a set algebra over the concrete codes, so 'Worldwide
except CN' and a list of 248 codes compare equal, and 'is this sublicence's territory inside its parent's?' is a
subset test.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry

from songclear.errors import InvalidIdentifier

WORLDWIDE = "Worldwide"
# XK (Kosovo) is user-assigned in ISO 3166 but used by DDEX and most DSPs.
_EXTRA_CODES = frozenset({"XK"})


@cache
def all_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA_CODES


def normalise_code(code: str) -> str:
    c = code.strip()
    if c.lower() in ("worldwide", "ww"):
        return WORLDWIDE
    up = c.upper()
    if up not in all_codes():
        raise InvalidIdentifier(
            f"unknown territory code {code!r}: expected an ISO 3166-1 alpha-2 code or Worldwide"
        )
    return up


@dataclass(frozen=True, slots=True)
class Territories:
    """Included codes (or Worldwide) minus excluded codes."""

    included: frozenset[str]
    excluded: frozenset[str] = frozenset()

    @classmethod
    def parse(
        cls, included: str | list[str] | tuple[str, ...], excluded: str | list[str] | tuple[str, ...] = ()
    ) -> Territories:
        inc = _split(included)
        exc = _split(excluded)
        if not inc:
            raise InvalidIdentifier("a territory list may not be empty (use Worldwide)")
        inc_codes = frozenset(normalise_code(c) for c in inc)
        exc_codes = frozenset(normalise_code(c) for c in exc)
        if WORLDWIDE in exc_codes:
            raise InvalidIdentifier("Worldwide cannot be excluded")
        if WORLDWIDE in inc_codes and len(inc_codes) > 1:
            inc_codes = frozenset({WORLDWIDE})
        return cls(inc_codes, exc_codes)

    @classmethod
    def worldwide(cls) -> Territories:
        return cls(frozenset({WORLDWIDE}))

    @property
    def codes(self) -> frozenset[str]:
        """The concrete set of codes covered."""
        return _expand(self.included, self.excluded)

    def covers(self, code: str) -> bool:
        if code in self.excluded:
            return False
        return WORLDWIDE in self.included or code in self.included

    def issubset(self, other: Territories) -> bool:
        return self.codes <= other.codes

    def __str__(self) -> str:
        inc = ", ".join(sorted(self.included))
        return f"{inc} except {', '.join(sorted(self.excluded))}" if self.excluded else inc

    def to_text(self) -> str:
        """Round-trippable text: 'CN HK' or 'Worldwide -TW -HK'."""
        parts = sorted(self.included) + [f"-{c}" for c in sorted(self.excluded)]
        return " ".join(parts)

    @classmethod
    def from_text(cls, text: str) -> Territories:
        tokens = text.replace(",", " ").split()
        return cls.parse(
            [t for t in tokens if not t.startswith("-")], [t[1:] for t in tokens if t.startswith("-")]
        )


@cache
def _expand(included: frozenset[str], excluded: frozenset[str]) -> frozenset[str]:
    base = all_codes() if WORLDWIDE in included else included
    return base - excluded


def _split(value: str | list[str] | tuple[str, ...]) -> list[str]:
    if isinstance(value, str):
        return [t for t in value.replace(",", " ").replace(";", " ").split() if t]
    return [t for t in value if t and t.strip()]
