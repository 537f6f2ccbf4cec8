"""Turn a parsed DDEX message into ledger facts: a pure function, no I/O, no clock.

Each deal of a release becomes one Grant from the sender (licensor, taken to own the recordings) to the recipient
(licensee) of the master right over the release's ISRCs. DDEX says the newest message about a release is the
whole truth about its deals, so the grants an earlier message made for that release end (a new version of each
grant with a Termination) when a newer message arrives:

    newer message with deals          -> earlier grants SUPERSEDED at the new message's MessageCreatedDateTime
    newer message, release w/o deals  -> earlier grants WITHDRAWN   (the release is 'no-deal': not available)
    3.x deal with TakeDown=true       -> earlier grants TAKEDOWN    at the deal's start date, else the message time
    PurgeReleaseMessage               -> earlier grants PURGED      at the message time

A TestMessage changes nothing; an older or duplicate message for a release (by MessageCreatedDateTime and
MessageId against the stored ReleaseDeals) is ignored for that release. Grant ids hash the release key, the
message id and the deal's position, so the same message always yields the same ids.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from songclear.domain.catalogue import Party, Recording, Work
from songclear.domain.grants import Grant, Term, Termination, TerminationCause, start_of_day
from songclear.domain.releases import ReleaseDeals
from songclear.domain.vocabulary import PartyKind, Right
from songclear.ingest.ddex.model import DdexDeal, DdexMessage, DdexRelease, MessageKind

# DDEX dates carry no zone: deal terms are read as UTC calendar dates.
DDEX_TZ = "UTC"


@dataclass(frozen=True, slots=True, kw_only=True)
class DdexChanges:
    """What to record for one message, all in one transaction. Empty for a test, older or duplicate message."""

    parties: tuple[Party, ...] = ()
    recordings: tuple[Recording, ...] = ()
    works: tuple[Work, ...] = ()
    grants: tuple[Grant, ...] = ()  # new grants, and new (terminated) versions of earlier ones
    release_deals: tuple[ReleaseDeals, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.parties or self.recordings or self.works or self.grants or self.release_deals)


def grant_id(key: str, message_id: str, deal_index: int) -> str:
    digest = hashlib.sha256(f"{key}|{message_id}|{deal_index}".encode()).hexdigest()[:16]
    return f"ddex-{digest}"


def apply_message(
    msg: DdexMessage,
    *,
    existing: Mapping[str, ReleaseDeals],
    existing_grants: Mapping[str, Grant],
    party_ids: Mapping[str, str],
    recorded_at: datetime,
) -> DdexChanges:
    """The ledger facts ``msg`` adds. ``existing``: stored ReleaseDeals by key (see ``msg.release_keys()``);
    ``existing_grants``: at least the grants those list; ``party_ids``: DDEX party id -> ledger party id."""
    notes = [f"warning: {w}" for w in msg.warnings]
    if msg.is_test:
        notes.append(f"{msg.message_id}: TestMessage, nothing applied to live data")
        return DdexChanges(notes=tuple(notes))
    licensor = party_ids.get(msg.sender.party_id, msg.sender.party_id)
    licensee = party_ids.get(msg.recipient.party_id, msg.recipient.party_id)
    by_isrc = {r.isrc: r for r in msg.recordings}
    deals_by_release: dict[str, list[DdexDeal]] = {}  # msg.deals_of(rel) for every release, in one pass
    for deal in msg.deals:
        deals_by_release.setdefault(deal.release_reference, []).append(deal)
    grants: list[Grant] = []
    records: list[ReleaseDeals] = []
    isrcs_used: dict[str, None] = {}
    seen: set[str] = set()
    for rel in msg.releases:
        key = msg.release_key(rel)
        prev = existing.get(key)
        if key in seen:
            notes.append(f"{key}: listed twice in the message; the first listing is used")
            continue
        seen.add(key)
        if prev is not None and prev.message_id == msg.message_id:
            notes.append(f"{key}: duplicate of message {msg.message_id}, ignored")
            continue
        if prev is not None and prev.message_created >= msg.created:
            notes.append(
                f"{key}: message {msg.message_id} ({msg.created.isoformat()}) is not newer than "
                f"{prev.message_id} ({prev.message_created.isoformat()}), ignored"
            )
            continue
        deals = tuple(deals_by_release.get(rel.reference, ()))
        new, state, ending = _release_outcome(
            msg, rel, deals, key, prev, licensor, licensee, recorded_at, notes
        )
        grants.extend(new)
        isrcs = rel.isrcs or (prev.isrcs if prev else ())
        if msg.kind is not MessageKind.PURGE_RELEASE:
            isrcs_used.update(dict.fromkeys(rel.isrcs))
        if prev is not None:
            grants.extend(_terminate(prev, existing_grants, ending, recorded_at, notes))
        records.append(
            ReleaseDeals(
                key=key,
                sender=licensor,
                recipient=licensee,
                release_id=rel.release_id,
                message_id=msg.message_id,
                message_created=msg.created,
                grant_ids=tuple(g.id for g in new),
                isrcs=tuple(isrcs),
                state=state,
                recorded_at=recorded_at,
            )
        )
    if not records:
        return DdexChanges(notes=tuple(notes))
    recordings = tuple(
        Recording(isrc=i, title=by_isrc[i].title, artists=by_isrc[i].artists, duration_s=by_isrc[i].duration_s,
                  owner=licensor, work_id=by_isrc[i].iswc, recorded_at=recorded_at)
        for i in isrcs_used
    )  # fmt: skip
    works = tuple(
        {
            by_isrc[i].iswc: Work(id=iswc, title=by_isrc[i].title, iswc=iswc, recorded_at=recorded_at)
            for i in isrcs_used
            if (iswc := by_isrc[i].iswc)
        }.values()
    )
    return DdexChanges(
        parties=_parties(msg, party_ids, recorded_at),
        recordings=recordings,
        works=works,
        grants=tuple(grants),
        release_deals=tuple(records),
        notes=tuple(notes),
    )


def _release_outcome(
    msg: DdexMessage,
    rel: DdexRelease,
    deals: tuple[DdexDeal, ...],
    key: str,
    prev: ReleaseDeals | None,
    licensor: str,
    licensee: str,
    recorded_at: datetime,
    notes: list[str],
) -> tuple[list[Grant], str, Termination]:
    """The release's new grants (from ``deals``, its deals in the message), its state, and how its earlier
    grants end."""
    reference = f"ddex:{msg.message_id}"
    if msg.kind is MessageKind.PURGE_RELEASE:
        return [], "purged", Termination(msg.created, TerminationCause.PURGED, reference)
    live = [d for d in deals if not d.takedown]
    takedowns = [d for d in deals if d.takedown]
    isrcs = rel.isrcs or (prev.isrcs if prev else ())
    new: list[Grant] = []
    if live and not isrcs:
        notes.append(f"{key}: deals but no sound recording with an ISRC: no grant made")
    elif live:
        new = [_grant(msg, d, key, isrcs, licensor, licensee, recorded_at) for d in live]
    if takedowns:
        starts = [start_of_day(d.start, DDEX_TZ) for d in takedowns if d.start is not None]
        ending = Termination(min(starts) if starts else msg.created, TerminationCause.TAKEDOWN, reference)
        return new, ("available" if live else "taken-down"), ending
    if live:
        return new, "available", Termination(msg.created, TerminationCause.SUPERSEDED, reference)
    notes.append(f"{key}: no deal in message {msg.message_id}: the release is not available")
    return [], "no-deal", Termination(msg.created, TerminationCause.WITHDRAWN, reference)


def _grant(
    msg: DdexMessage,
    deal: DdexDeal,
    key: str,
    isrcs: tuple[str, ...],
    licensor: str,
    licensee: str,
    recorded_at: datetime,
) -> Grant:
    assert deal.territories is not None and deal.start is not None  # parse refuses live deals without them
    return Grant(
        id=grant_id(key, msg.message_id, deal.index),
        licensor=licensor,
        licensee=licensee,
        rights=frozenset({Right.MASTER}),
        term=Term(deal.start, deal.end, DDEX_TZ),
        territories=deal.territories,
        uses=deal.uses,
        commercial_models=deal.commercial_models,
        recordings=frozenset(isrcs),
        source=f"ddex:{msg.message_id}",
        recorded_at=recorded_at,
        extra={"ddex_release": key, "ddex_deal": deal.xpath, "ddex_file": msg.source},
    )


def _terminate(
    prev: ReleaseDeals,
    existing_grants: Mapping[str, Grant],
    ending: Termination,
    recorded_at: datetime,
    notes: list[str],
) -> list[Grant]:
    out = []
    for gid in prev.grant_ids:
        g = existing_grants.get(gid)
        if g is None:
            notes.append(f"{prev.key}: earlier grant {gid} not found, cannot end it")
            continue
        if g.termination is not None and g.termination.effective <= ending.effective:
            continue  # already ended earlier: its first ending stands
        out.append(dataclasses.replace(g, termination=ending, recorded_at=recorded_at))
    return out


def _parties(msg: DdexMessage, party_ids: Mapping[str, str], recorded_at: datetime) -> tuple[Party, ...]:
    """Sender and recipient, only when unmapped: a mapped id names a party the ledger already has."""
    out = []
    for p, kind in ((msg.sender, PartyKind.LABEL), (msg.recipient, PartyKind.PLATFORM)):
        if p.party_id not in party_ids:
            out.append(Party(id=p.party_id, name=p.name or p.party_id, kind=kind, recorded_at=recorded_at))
    return tuple({p.id: p for p in out}.values())
