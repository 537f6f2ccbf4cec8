"""A claim filed from the rights holder's own view, by ISRC and ISWC: the claim's items (the platform's track ids)
are filled in from the holder's catalogue on that platform (``holder_view.claim_items``), so the holder names what
it owns and never the platform's ids. Everything else is the ordinary claim (``claim_filing.parse_claim``, the
same checks, evidence only from the files sent with it), filed in the holder's own name.
"""

from __future__ import annotations

from datetime import datetime

from songclear.domain.grants import DEFAULT_TZ, local_date
from songclear.domain.identifiers import normalise_isrc, normalise_iswc
from songclear.errors import InputError


def _codes(data: dict, key: str, normalise, what: str) -> list[str]:
    value = data.get(key) or []
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"the claim's {key!r} must be a list of {what}s")
    out = []
    for v in value:
        try:
            out.append(normalise(v))
        except InputError:
            raise InputError(f"{v!r} in {key!r} is not a valid {what}") from None
    return list(dict.fromkeys(out))


def holder_claim(db, data: dict, *, party: str, now: datetime, ledger=None) -> tuple[dict, list[str]]:
    """The claim object ``data`` (without items) as ``party`` files it: its claimant, its items filled in with the
    platform's tracks that are the named recordings (``recordings``: ISRCs) or record the named works (``works``:
    ISWCs) as the ledger knows them now, and received now unless it says when. Returns the object and the
    items."""
    from songclear.app.holder_view import claim_items, holder_catalogue

    if data.get("items"):
        raise InputError(
            "a claim filed from your catalogue names recordings and works; its items are filled in"
        )
    if data.get("claimant") not in (None, "", party):
        raise InputError(f"a claim filed from {party}'s catalogue is made in {party}'s name")
    platform = data.get("platform")
    if not isinstance(platform, str) or not platform:
        raise InputError("name the platform the claim is against ('platform')")
    recordings = _codes(data, "recordings", normalise_isrc, "ISRC")
    works = _codes(data, "works", normalise_iswc, "ISWC")
    if not recordings and not works:
        raise InputError("name at least one of your recordings (ISRC) or works (ISWC)")
    catalogue = holder_catalogue(
        db, party=party, day=local_date(now, DEFAULT_TZ), ledger=ledger, platforms=[platform]
    )
    mine = set(catalogue.recordings)
    theirs = [r for r in recordings if r not in mine]
    if theirs:
        raise InputError(f"{', '.join(theirs)}: not a recording of {party} (nor of a work it publishes)")
    items = claim_items(catalogue, platform, recordings, works)
    if not items:
        named = ", ".join(recordings + works)
        raise InputError(
            f"none of {named} is on {platform} as the ledger knows it now: there is nothing to claim"
        )
    filled = {"claimant": party, "recordings": recordings, "works": works, "items": items}
    if not data.get("received_at"):
        filled["received_at"] = now.isoformat()  # filed now, from the holder's own view
    return data | filled, items
