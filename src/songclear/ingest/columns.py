"""The columns of each tabular kind: name, type, whether required, and how a cell becomes a domain value.

A cell is CSV text or a JSON value. Parsers take a non-empty cell and return the typed value or raise ValueError /
InvalidIdentifier (``tabular.py`` adds file, line and column). Builders turn a row of typed values into a domain
record and check what spans columns. docs/import.md documents every column here (a test keeps them in step).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from songclear.domain import vocabulary as vocab
from songclear.domain.catalogue import Artist, Availability, LibraryTrack, Party, Recording, Version, Work
from songclear.domain.grants import (
    DEFAULT_TZ,
    LOCAL,
    Grant,
    Term,
    Termination,
    TerminationCause,
    day_out_of_range,
    instant_out_of_range,
    start_of_day,
    zone,
)
from songclear.domain.identifiers import normalise_isrc, normalise_iswc
from songclear.domain.notices import Notice
from songclear.domain.territory import WORLDWIDE, Territories, normalise_code
from songclear.domain.vocabulary import PartyKind, Right
from songclear.errors import InvalidIdentifier

Parse = Callable[[Any], Any]  # a non-empty cell -> its typed value
LIST_SEP = ";"  # multi-valued CSV cells: 'Jay Chou;Lara Fabian'
TERRITORY_SEP = " "  # territory CSV cells: 'CN HK' or 'Worldwide -TW'


class Scope(enum.StrEnum):
    CATALOGUE = "catalogue"  # the licensor's whole catalogue (a sublicence: whatever its parent covers)
    LISTED = "listed"  # only the recordings and works the row lists


class RowError(ValueError):
    """A row-level problem, tied to the column the user should look at."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a builder needs beyond the row: its provenance and the default 'known since'."""

    source: str  # 'grants.csv:12'
    recorded_at: datetime
    warnings: list[tuple[str, str]]  # (column, message), collected by the reader


# -- cell parsers --------------------------------------------------------------------------------------------------


def text(raw: Any) -> str:
    if raw.__class__ is str:  # the common case first: every CSV cell
        return raw.strip()
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(f"expected text, found {type(raw).__name__}")
    return raw.strip() if isinstance(raw, str) else str(raw)


def items(raw: Any, sep: str = LIST_SEP) -> list[str]:
    """A multi-valued cell: a JSON list, or text split on ``sep``; blanks are dropped."""
    parts = [text(r) for r in raw] if isinstance(raw, list) else text(raw).split(sep if sep != " " else None)
    return [p.strip() for p in parts if p.strip()]


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def boolean(raw: Any) -> bool:
    value = raw if isinstance(raw, bool) else _BOOLEANS.get(text(raw).lower())
    if value is None:
        raise ValueError(f"expected true/false/yes/no/1/0, found {raw!r}")
    return value


def _number(raw: Any, what: str) -> float:
    try:
        x = float(raw if isinstance(raw, int | float) and not isinstance(raw, bool) else text(raw))
    except ValueError:
        raise ValueError(f"expected {what} >= 0, found {raw!r}") from None
    if not math.isfinite(x) or x < 0 or (what == "a whole number" and not x.is_integer()):
        raise ValueError(f"expected {what} >= 0, found {raw!r}")
    return x


def count(raw: Any) -> int:
    if raw.__class__ is str and raw.isascii() and raw.isdigit():  # the common case, exact for huge counts
        return int(raw)
    return raw if type(raw) is int and raw >= 0 else int(_number(raw, "a whole number"))


def seconds(raw: Any) -> float:
    return _number(raw, "a number of seconds")


def _as_text(normalise: Callable[[str], Any]) -> Parse:
    """A parser of text, made safe for JSON numbers and lists (and for a cache keyed on text)."""
    return lambda raw: normalise(text(raw))


@lru_cache(maxsize=8192)  # dates repeat across rows; parsing each is measurable on a million rows
def _day(value: str) -> date:
    try:
        out = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected an ISO 8601 date such as 2015-07-31, found {value!r}") from None
    if (why := day_out_of_range(out)) is not None:
        raise ValueError(why)
    return out


day = _as_text(_day)


def instant(raw: Any) -> datetime:
    value = text(raw)
    try:
        out = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"expected an ISO 8601 date-time such as 2015-07-08T09:00+08:00, found {raw!r}"
        ) from None
    if out.tzinfo is None:
        raise ValueError(f"date-time {value!r} needs a UTC offset (e.g. +08:00 or Z)")
    if (why := instant_out_of_range(out)) is not None:
        raise ValueError(why)
    return out


def day_or_instant(raw: Any) -> date | datetime:
    return day(raw) if len(text(raw)) <= 10 else instant(raw)


@lru_cache(maxsize=256)
def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: expected an IANA name such as Asia/Shanghai") from None
    return name


time_zone = _as_text(_time_zone)


@lru_cache(maxsize=256)
def _term_zone(name: str) -> str:
    """A term's zone: an IANA name, a fixed UTC offset (``+08:00``), or ``local`` (each territory's own days)."""
    if name.lower() == LOCAL:
        return LOCAL
    if name[:1] in "+-":
        try:
            zone(name)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(
                f"invalid UTC offset {name!r}: expected +HH:MM or -HH:MM under 24 hours (or an IANA name, or local)"
            ) from None
        return name
    try:
        return _time_zone(name)
    except ValueError:
        raise ValueError(
            f"unknown time zone {name!r}: expected an IANA name such as Asia/Shanghai, a UTC offset such as "
            "+08:00, or local"
        ) from None


term_zone = _as_text(_term_zone)


def choice(cls: type[enum.StrEnum]) -> Parse:
    members = {m.value: m for m in cls}

    def parse(raw: Any) -> Any:
        member = members.get(text(raw).lower().replace("-", "_").replace(" ", "_"))
        if member is None:
            raise ValueError(f"unknown value {raw!r}: expected one of {', '.join(members)}")
        return member

    return parse


def term(normalise: Callable[[str], str], values: frozenset[str]) -> Parse:
    """A DDEX vocabulary term by a dict lookup; the domain normaliser phrases the error for unknown terms."""
    known = {v.lower(): v for v in values}
    return lambda raw: known.get(text(raw).lower()) or normalise(text(raw))


USES = term(vocab.normalise_use, vocab.USE_TYPES)
MODELS = term(vocab.normalise_model, vocab.COMMERCIAL_MODELS)


def each(parse: Parse, sep: str = LIST_SEP, into: type = tuple) -> Parse:
    """A multi-valued cell parsed item by item, into a tuple (ordered) or a frozenset."""
    return lambda raw: into(parse(v) for v in items(raw, sep))


def territories(raw: Any) -> Territories:
    return _territories(" ".join(items(raw, TERRITORY_SEP)) if isinstance(raw, list) else text(raw))


_territories = lru_cache(maxsize=4096)(Territories.from_text)  # a ledger repeats a few territory lists


def excluded_codes(raw: Any) -> frozenset[str]:
    codes = frozenset(normalise_code(c.lstrip("-")) for c in items(raw, TERRITORY_SEP))
    if WORLDWIDE in codes:
        raise ValueError("Worldwide cannot be excluded")
    return codes


# -- columns -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # as documented in docs/import.md
    parse: Parse
    required: bool = False
    example: str = ""


def _col(name: str, type_: str, parse: Parse, example: str, *, required: bool = False) -> Column:
    return Column(name, type_, parse, required, example)


def _many(name: str, parse: Parse, example: str, *, into: type = tuple, required: bool = False) -> Column:
    return Column(name, "list", each(parse, LIST_SEP, into), required, example)


PARTY_COLUMNS = (
    _col("id", "text", text, "L-SONY", required=True),
    _col("name", "text", text, "索尼音乐", required=True),
    _col("kind", "enum", choice(PartyKind), "label", required=True),
    _many("aliases", text, "Sony Music;SME"),
)
ARTIST_COLUMNS = (
    _col("id", "text", text, "A-JAY", required=True),
    _col("name", "text", text, "周杰伦", required=True),
    _many("aliases", text, "Jay Chou;周杰倫;Zhou Jielun"),
    _col("party", "text", text, "L-JVR"),
)
RECORDING_COLUMNS = (
    _col("isrc", "ISRC", _as_text(normalise_isrc), "CN-A01-15-00001", required=True),
    _col("title", "text", text, "晴天", required=True),
    _many("artists", text, "周杰伦;Jay Chou"),
    _col("duration_s", "number", seconds, "269.5"),
    _col("version", "enum", choice(Version), "live"),
    _col("owner", "text", text, "L-SONY"),
    _col("work_id", "text", text, "W-QINGTIAN"),
)
WORK_COLUMNS = (
    _col("id", "text", text, "W-QINGTIAN", required=True),
    _col("title", "text", text, "晴天", required=True),
    _col("iswc", "ISWC", _as_text(normalise_iswc), "T-034.524.680-1"),
    _many("writers", text, "周杰伦;方文山"),
    _many("publishers", text, "P-JVR"),
)
GRANT_COLUMNS = (
    _col("id", "text", text, "G12", required=True),
    _col("licensor", "text", text, "L-SONY", required=True),
    _col("licensee", "text", text, "PF-A", required=True),
    _many("rights", choice(Right), "master;composition", into=frozenset, required=True),
    _col("scope", "enum", choice(Scope), "listed", required=True),
    _many("recordings", normalise_isrc, "CNA011500001;CNA011500002", into=frozenset),
    _many("works", text, "W-QINGTIAN", into=frozenset),
    _many("uses", USES, "Stream;PermanentDownload", into=frozenset, required=True),
    _many("commercial_models", MODELS, "SubscriptionModel;AdvertisementSupportedModel", into=frozenset),
    _col("territories", "territories", territories, "Worldwide -TW"),
    _col("excluded_territories", "territory codes", excluded_codes, "TW HK"),
    _col("start", "date", day, "2015-01-01", required=True),
    _col("end", "date", day, "2015-10-31"),
    _col("tz", "time zone or local", term_zone, DEFAULT_TZ),
    _col("exclusive", "boolean", boolean, "true"),
    _col("sublicensable", "boolean", boolean, "yes"),
    _col("parent", "text", text, "G11"),
    _col("issued", "date", day, "2014-12-20"),
    _col("terminated", "date or date-time", day_or_instant, "2015-09-01"),
    _col("termination_cause", "enum", choice(TerminationCause), "terminated"),
    _col("termination_reference", "text", text, "letter of 2015-08-20"),
    _col("source", "text", text, "contracts/2015.pdf"),
)
NOTICE_COLUMNS = (
    _col("id", "text", text, "NCAC-2015-07", required=True),
    _col("issuer", "text", text, "R-NCAC", required=True),
    _col("title", "text", text, "关于责令网络音乐服务商停止未经授权传播音乐作品的通知", required=True),
    _col("issued", "date", day, "2015-07-08", required=True),
    _col("effective", "date", day, "2015-07-31", required=True),
    _col("buffer_end", "date", day, "2015-11-30"),
    _many("platforms", text, "PF-A;PF-B", into=frozenset),
    _col("territories", "territories", territories, "CN"),
    _col("tz", "time zone", time_zone, DEFAULT_TZ),
)
LIBRARY_COLUMNS = (
    _col("platform", "text", text, "PF-A", required=True),
    _col("track_id", "text", text, "a-000123", required=True),
    _col("title", "text", text, "晴天 (Live)", required=True),
    _col("artist", "text", text, "周杰伦"),
    _col("isrc", "ISRC (lenient)", text, "CN-A01-15-00001"),
    _col("audio_path", "text", text, "audio/a-000123.mp3"),
    _col("play_count", "whole number", count, "1200000"),
    _col("availability", "enum", choice(Availability), "live"),
    _col("duration_s", "number", seconds, "241.5"),
)


# -- builders: one row of typed values -> a domain record ---------------------------------------------------------


def _plain(cls: type) -> Callable[[Mapping[str, Any], RowContext], Any]:
    """Columns named like the record's fields: absent cells keep the dataclass defaults."""
    return lambda v, ctx: cls(**{"recorded_at": ctx.recorded_at, **v})


def _grant(v: Mapping[str, Any], ctx: RowContext) -> Grant:
    rights, recordings, works = v["rights"], v.get("recordings", frozenset()), v.get("works", frozenset())
    _check_scope(v["scope"], rights, recordings, works)
    tz = v.get("tz", DEFAULT_TZ)
    term = Term(v["start"], v.get("end"), tz)
    if term.end is not None and term.end < term.start:
        raise RowError("end", f"end {term.end} is before start {term.start}")
    if v.get("parent") == v["id"]:
        raise RowError("parent", f"grant {v['id']} cannot be its own parent")
    same = {k: x for k, x in v.items() if k in _GRANT_FIELDS}  # columns named like the Grant's fields
    return Grant(
        **{"source": ctx.source, "recorded_at": ctx.recorded_at, **same},
        term=term,
        territories=_grant_territories(v),
        catalogue=v["scope"] == Scope.CATALOGUE,
        termination=_termination(v, tz),
    )


_GRANT_FIELDS = frozenset(Grant.__dataclass_fields__) - {"term", "territories", "catalogue", "termination"}


def _check_scope(scope_: str, rights: frozenset[Right], recordings: frozenset, works: frozenset) -> None:
    if scope_ == "catalogue":
        if recordings or works:
            col = "recordings" if recordings else "works"
            raise RowError(col, "a catalogue grant covers the licensor's whole catalogue and lists no items")
        return
    if not recordings and not works:
        raise RowError("scope", "a listed grant must list recordings or works")
    for right, listed, col in ((Right.MASTER, recordings, "recordings"), (Right.COMPOSITION, works, "works")):
        if right in rights and not listed:
            raise RowError(col, f"the {right} right is granted on a listed scope but no {col} are listed")
        if listed and right not in rights:
            raise RowError(col, f"{col} are listed but the {right} right is not granted")


def _grant_territories(v: Mapping[str, Any]) -> Territories:
    """'territories' may carry '-XX' exclusions itself; 'excluded_territories' alone means Worldwide minus those."""
    inc: Territories | None = v.get("territories")
    exc: frozenset[str] = v.get("excluded_territories", frozenset())
    if inc is None and not exc:
        raise RowError("territories", "missing required value (e.g. 'CN HK' or 'Worldwide -TW')")
    base = inc or Territories.worldwide()
    return Territories(base.included, base.excluded | exc)


def _termination(v: Mapping[str, Any], tz: str) -> Termination | None:
    when = v.get("terminated")
    if when is None:
        for col in ("termination_cause", "termination_reference"):
            if col in v:
                raise RowError(col, "given without a 'terminated' date")
        return None
    cause = v.get("termination_cause", TerminationCause.TERMINATED)
    reference = v.get("termination_reference", "")
    if isinstance(when, datetime):
        return Termination(when, cause, reference)
    if tz == LOCAL:  # from the start of that day in each territory asked about
        return Termination.on_local_day(when, cause, reference)
    return Termination(start_of_day(when, tz), cause, reference)


def _notice(v: Mapping[str, Any], ctx: RowContext) -> Notice:
    if v["effective"] < v["issued"]:
        raise RowError(
            "effective", f"deadline {v['effective']} is before the notice was issued ({v['issued']})"
        )
    if v.get("buffer_end") is not None and v["buffer_end"] < v["effective"]:
        raise RowError("buffer_end", f"buffer end {v['buffer_end']} is before the deadline {v['effective']}")
    return Notice(**{"recorded_at": ctx.recorded_at, **v})


def _library(v: Mapping[str, Any], ctx: RowContext) -> LibraryTrack:
    fields = {"recorded_at": ctx.recorded_at, **v}
    raw_isrc = fields.pop("isrc", None)
    if raw_isrc is not None:
        try:
            fields["isrc"] = normalise_isrc(raw_isrc)
        except InvalidIdentifier:  # platforms' data is dirty: keep the track, drop the ISRC, say so (issue 4)
            ctx.warnings.append(("isrc", f"malformed ISRC {raw_isrc!r} ignored"))
    return LibraryTrack(**fields)


# -- the registry of kinds -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindSpec:
    name: str
    columns: tuple[Column, ...]
    build: Callable[[Mapping[str, Any], RowContext], Any]
    key: Callable[[Any], str]  # what must be unique within one file
    key_column: str

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


KINDS: dict[str, KindSpec] = {
    s.name: s
    for s in (
        KindSpec("parties", PARTY_COLUMNS, _plain(Party), lambda p: p.id, "id"),
        KindSpec("artists", ARTIST_COLUMNS, _plain(Artist), lambda a: a.id, "id"),
        KindSpec("recordings", RECORDING_COLUMNS, _plain(Recording), lambda r: r.isrc, "isrc"),
        KindSpec("works", WORK_COLUMNS, _plain(Work), lambda w: w.id, "id"),
        KindSpec("grants", GRANT_COLUMNS, _grant, lambda g: g.id, "id"),
        KindSpec("notices", NOTICE_COLUMNS, _notice, lambda n: n.id, "id"),
        KindSpec("library", LIBRARY_COLUMNS, _library, lambda t: t.key, "track_id"),
    )
}
