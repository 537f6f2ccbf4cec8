"""Deals of an ERN message: territories, validity period, use types, commercial models, the 3.x TakeDown flag.

A deal we cannot map is refused with its XPath (an unknown use type or commercial model, both territory lists,
no territory, no use); a deal whose only commercial model or use is DDEX's 'UserDefined' is skipped with a
warning, since its meaning is private to the parties.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from songclear.domain.grants import day_out_of_range
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
    start, end = _validity(r, terms, required=not takedown)
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


def _validity(r: Reader, terms: etree._Element, *, required: bool) -> tuple[date | None, date | None]:
    vp = child(terms, "ValidityPeriod")
    if vp is None:
        if required:
            raise r.refuse("deal without ValidityPeriod", terms)
        return None, None
    start = _date(
        r, child(vp, "StartDate") if child(vp, "StartDate") is not None else child(vp, "StartDateTime")
    )
    end = _date(r, child(vp, "EndDate") if child(vp, "EndDate") is not None else child(vp, "EndDateTime"))
    if start is None and required:
        raise r.refuse("ValidityPeriod without StartDate", vp)
    if start and end and end < start:
        raise r.refuse(f"ValidityPeriod ends ({end}) before it starts ({start})", vp)
    return start, end


def _date(r: Reader, el: etree._Element | None) -> date | None:
    if el is None or not text(el):
        return None
    value = text(el)
    try:
        # A DateTime keeps the calendar date as written: DDEX deal dates are read as UTC calendar dates.
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise r.refuse(f"invalid date {value!r}", el) from None
    if (why := day_out_of_range(day)) is not None:
        raise r.refuse(why, el)
    return day
