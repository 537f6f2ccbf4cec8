"""Deals of an ERN message: territories, validity period, use types, commercial models, the 3.x TakeDown flag.

A deal we cannot map is refused with its XPath (an unknown use type or commercial model, both territory lists,
no territory, no use); a deal whose only commercial model or use is DDEX's 'UserDefined' is skipped with a
warning, since its meaning is private to the parties.

Validity dates are local (``grants.LOCAL``): the DDEX knowledge base has a deal run "from 0:01 local time on the
start date until 23:59 local time on the end date", so a ``StartDate``/``EndDate`` is a day of each territory the
deal is asked about, and so is a ``StartDateTime``/``EndDateTime`` without a UTC offset. A date-time with an offset
is a day of that offset (``+08:00``, ``UTC``). A term is whole days: a time of day is dropped (with a warning when
it is not a day's boundary), and an end at 00:00 ends with the day before (ERN 4: a deal ends at midnight).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lxml import etree

from songclear.domain.grants import LOCAL, day_out_of_range, zone
from songclear.domain.territory import WORLDWIDE, Territories, normalise_code
from songclear.domain.vocabulary import normalise_model, normalise_use
from songclear.errors import InvalidIdentifier
from songclear.ingest.ddex import schema
from songclear.ingest.ddex.locate import Reader
from songclear.ingest.ddex.model import DdexDeal
from songclear.ingest.ddex.xml import child, children, descendants, local, text

USER_DEFINED = "UserDefined"


def read_deal(
    r: Reader, deal_el: etree._Element, ref: str, index: int, *, strict_children: bool = True
) -> DdexDeal | None:
    terms = child(deal_el, "DealTerms")
    if terms is None:
        raise r.refuse("Deal without DealTerms", deal_el)
    takedown = text(child(terms, "TakeDown")).lower() in ("true", "1")
    models = set()
    for el in children(terms, "CommercialModelType"):
        if text(el) == USER_DEFINED:
            r.warn(
                f"UserDefined commercial model {el.get('UserDefinedValue', '')!r}: not mapped to a grant", el
            )
            continue
        try:
            models.add(normalise_model(text(el)))
        except InvalidIdentifier as exc:
            raise r.refuse(exc.message, el) from None
    uses = set()
    for el in [
        *children(terms, "UseType"),
        *(e for u in children(terms, "Usage") for e in children(u, "UseType")),
    ]:
        if text(el) == USER_DEFINED:
            r.warn(f"UserDefined use type {el.get('UserDefinedValue', '')!r}: not mapped to a grant", el)
            continue
        try:
            uses.add(normalise_use(text(el)))
        except InvalidIdentifier as exc:
            raise r.refuse(exc.message, el) from None
    has_user_defined = any(text(e) == USER_DEFINED for e in descendants(terms, "CommercialModelType")) or any(
        text(e) == USER_DEFINED for e in descendants(terms, "UseType")
    )
    if not takedown and has_user_defined and (not models or not uses):
        for c in terms:
            if isinstance(c.tag, str) and local(c) not in schema.DEAL_TERMS:
                r.warn(f"element {local(c)} is not part of ERN DealTerms (the deal is not mapped)", c)
        return None
    if strict_children:
        r.check_children(terms, schema.DEAL_TERMS, "DealTerms")
    territories = _territories(r, terms, required=not takedown)
    start, end, tz = _validity(r, terms, required=not takedown)
    if not takedown:
        if not uses:
            raise r.refuse("deal without UseType", terms)
        if not models:
            raise r.refuse("deal without CommercialModelType", terms)
    return DdexDeal(
        release_reference=ref,
        index=index,
        territories=territories,
        start=start,
        end=end,
        tz=tz,
        uses=frozenset(uses),
        commercial_models=frozenset(models),
        takedown=takedown,
    )  # its xpath is set by the caller, once the positions in the message are known


def _territories(r: Reader, terms: etree._Element, *, required: bool) -> Territories | None:
    inc, exc = children(terms, "TerritoryCode"), children(terms, "ExcludedTerritoryCode")
    if inc and exc:
        raise r.refuse(
            "a deal has both TerritoryCode and ExcludedTerritoryCode (ERN allows one or the other)", exc[0]
        )
    if not inc and not exc:
        if required:
            raise r.refuse("deal without TerritoryCode or ExcludedTerritoryCode", terms)
        return None
    for el in inc + exc:
        try:
            normalise_code(text(el))
        except InvalidIdentifier as e:
            raise r.refuse(e.message, el) from None
    if exc:
        return Territories.parse([WORLDWIDE], [text(e) for e in exc])
    return Territories.parse([text(e) for e in inc])


@dataclass(frozen=True, slots=True)
class _Moment:
    """A validity date as written: its day, its time of day (None for a date), its zone (``LOCAL`` or an offset)."""

    day: date
    time: time | None
    tz: str
    el: etree._Element


def _validity(r: Reader, terms: etree._Element, *, required: bool) -> tuple[date | None, date | None, str]:
    """(first day, last day, zone of both) of the deal's ValidityPeriod."""
    vp = child(terms, "ValidityPeriod")
    if vp is None:
        if required:
            raise r.refuse("deal without ValidityPeriod", terms)
        return None, None, LOCAL
    start = _moment(r, vp, "Start")
    end = _moment(r, vp, "End")
    if start is None and required:
        raise r.refuse("ValidityPeriod without StartDate", vp)
    if start is not None and end is not None and start.tz != end.tz:
        if LOCAL in (start.tz, end.tz):
            raise r.refuse(
                "ValidityPeriod mixes a local date with a date-time with a UTC offset: write both with or "
                "both without an offset",
                vp,
            )
        end = _in_zone(end, start.tz)
    tz = start.tz if start is not None else end.tz if end is not None else LOCAL
    first = _first_day(r, start) if start is not None else None
    last = _last_day(r, end) if end is not None else None
    if first and last and last < first:
        raise r.refuse(f"ValidityPeriod ends ({last}) before it starts ({first})", vp)
    return first, last, tz


def _moment(r: Reader, vp: etree._Element, which: str) -> _Moment | None:
    el = child(vp, f"{which}Date")
    if el is None:
        el = child(vp, f"{which}DateTime")
    if el is None or not text(el):
        return None
    value = text(el)
    if local(el).endswith("Date"):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            raise r.refuse(f"invalid date {value!r}", el) from None
        out = _Moment(day, None, LOCAL, el)
    else:
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            raise r.refuse(f"invalid date-time {value!r}", el) from None
        out = _Moment(at.date(), at.time(), _offset_zone(at), el)
    if (why := day_out_of_range(out.day)) is not None:
        raise r.refuse(why, el)
    return out


def _offset_zone(at: datetime) -> str:
    """The zone of a date-time as written: ``LOCAL`` without an offset, ``UTC`` or ``+08:00`` with one."""
    offset = at.utcoffset()
    if offset is None:
        return LOCAL
    if not offset:
        return "UTC"
    sign, magnitude = ("-", -offset) if offset < timedelta(0) else ("+", offset)
    minutes = int(magnitude.total_seconds()) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _in_zone(m: _Moment, tz: str) -> _Moment:
    """A date-time with an offset, as a date-time of offset ``tz``."""
    assert m.time is not None
    at = datetime.combine(m.day, m.time, tzinfo=zone(m.tz)).astimezone(zone(tz))
    return _Moment(at.date(), at.timetz().replace(tzinfo=None), tz, m.el)


def _first_day(r: Reader, m: _Moment) -> date:
    if m.time is not None and m.time > time(0, 1):  # DDEX's own start is 0:01
        r.warn(f"the time of day {m.time.isoformat()} is dropped: the deal starts on {m.day}", m.el)
    return m.day


def _last_day(r: Reader, m: _Moment) -> date:
    if m.time is None or m.time >= time(23, 59):
        return m.day
    if m.time == time(0, 0):
        day = m.day - timedelta(days=1)  # ends at midnight: the day before is the last
        if (why := day_out_of_range(day)) is not None:
            raise r.refuse(why, m.el)
        return day
    r.warn(f"the time of day {m.time.isoformat()} is dropped: the deal ends with {m.day}", m.el)
    return m.day
