"""Turn a parsed DDEX message into ledger facts: a pure function, no I/O, no clock.

Each deal of a release becomes one Grant from the sender (licensor, taken to own the recordings) to the recipient
(licensee) of the master right over the release's resources with an ISRC (sound recordings and videos). DDEX says
the newest message about a release is the whole truth about its deals, so the grants an earlier message made for
that release end (a new version of each grant with a Termination) when a newer message arrives:

    newer message with deals          -> earlier grants SUPERSEDED at the new message's MessageCreatedDateTime
    newer message, release w/o deals  -> earlier grants WITHDRAWN   (the release is 'no-deal': not available)
    3.x deal with TakeDown=true       -> earlier grants TAKEDOWN    from the deal's start date, else the message time
    PurgeReleaseMessage               -> earlier grants PURGED      at the message time

Messages about a release are ordered by (MessageCreatedDateTime, SHA-256 of the file): senders reuse a MessageId
for an update with a newer created time. A TestMessage changes nothing; for a release, a message with the stored
MessageId and created time (a duplicate) or one not after the stored one (older) is ignored, and so is a purge or
takedown of a release never delivered (a note says it is unknown). Grant ids hash the release key, the message id,
its created time and the deal's position: the same message version always yields the same ids, and a later
version of a message never reuses them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from songclear.domain.catalogue import Party, Recording, Version, Work
from songclear.domain.grants import LOCAL, Grant, Term, Termination, TerminationCause, start_of_day
from songclear.domain.releases import ReleaseDeals
from songclear.domain.vocabulary import PartyKind, Right
from songclear.ingest.ddex.model import DdexDeal, DdexMessage, DdexParty, DdexRelease, MessageKind

# DDEX deal dates carry no zone: they are days of each territory asked about (docs/ddex.md, "Deal dates").
DDEX_TZ = LOCAL


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


def grant_id(key: str, message_id: str, created: datetime, deal_index: int) -> str:
    """The id of deal ``deal_index`` of the release ``key`` in the message version (``message_id``, created)."""
    version = f"{message_id}|{created.astimezone(UTC).isoformat()}"
    digest = hashlib.sha256(f"{key}|{version}|{deal_index}".encode()).hexdigest()[:16]
    return f"ddex-{digest}"


@dataclass(frozen=True, slots=True)
class _Sides:
    """The message's sender and recipient as ledger parties: their keys (``DPID``, or ``DPID|name`` when both
    share one DPID) and the ledger ids ``party_ids`` maps those to."""

    sender_key: str
    recipient_key: str
    licensor: str
    licensee: str

    @classmethod
    def of(cls, msg: DdexMessage, party_ids: Mapping[str, str]) -> _Sides:
        s, r = msg.sender, msg.recipient
        if s.party_id != r.party_id:
            sk, rk = s.party_id, r.party_id
        else:  # one DPID for two parties: each is its DPID and its name (else its role)
            same_name = not s.name or not r.name or s.name == r.name
            sk = f"{s.party_id}|{'sender' if same_name else s.name}"
            rk = f"{r.party_id}|{'recipient' if same_name else r.name}"

        def ledger_id(key: str, party: DdexParty) -> str:
            return party_ids.get(key, party_ids.get(party.party_id, key))

        return cls(sk, rk, ledger_id(sk, s), ledger_id(rk, r))


def apply_message(
    msg: DdexMessage,
    *,
    existing: Mapping[str, ReleaseDeals],
    existing_grants: Mapping[str, Grant],
    party_ids: Mapping[str, str],
    recorded_at: datetime,
) -> DdexChanges:
    """The ledger facts ``msg`` adds. ``existing``: stored ReleaseDeals by key (see ``msg.release_keys()``);
    ``existing_grants``: at least the grants those list; ``party_ids``: DDEX party id (or ``DPID|name``, for two
    parties sharing a DPID) -> ledger party id."""
    notes = [f"warning: {w}" for w in msg.warnings]
    if msg.is_test:
        notes.append(f"{msg.message_id}: TestMessage, nothing applied to live data")
        return DdexChanges(notes=tuple(notes))
    sides = _Sides.of(msg, party_ids)
    if sides.licensor == sides.licensee:
        notes.append(
            f"sender {sides.sender_key} and recipient {sides.recipient_key} are both ledger party "
            f"{sides.licensor}: a grant never runs from a party to itself, no grant made (map them apart with "
            "--party)"
        )
    by_isrc = {r.isrc: r for r in msg.recordings}
    deals_by_release: dict[str, list[DdexDeal]] = {}  # msg.deals_of(rel) for every release, in one pass
    for deal in msg.deals:
        deals_by_release.setdefault(deal.release_reference, []).append(deal)
    grants: list[Grant] = []
    made = 0
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
        deals = tuple(deals_by_release.get(rel.reference, ()))
        if (why := _ignored(msg, key, prev, deals)) is not None:
            notes.append(why)
            continue
        new, state, ending = _release_outcome(msg, rel, deals, key, prev, sides, recorded_at, notes)
        grants.extend(new)
        made += len(new)
        isrcs = rel.isrcs or (prev.isrcs if prev else ())
        if msg.kind is not MessageKind.PURGE_RELEASE:
            isrcs_used.update(dict.fromkeys(rel.isrcs))
        if prev is not None:
            grants.extend(_terminate(prev, existing_grants, ending, recorded_at, notes))
        records.append(
            ReleaseDeals(
                key=key,
                sender=sides.licensor,
                recipient=sides.licensee,
                release_id=rel.release_id,
                message_id=msg.message_id,
                message_created=msg.created,
                grant_ids=tuple(g.id for g in new),
                isrcs=tuple(isrcs),
                state=state,
                message_sha256=msg.sha256,
                recorded_at=recorded_at,
            )
        )
    if not records:
        return DdexChanges(notes=tuple(notes))
    recordings = tuple(_recording(by_isrc[i], sides.licensor, recorded_at) for i in isrcs_used)
    works = tuple(
        {
            by_isrc[i].iswc: Work(id=iswc, title=by_isrc[i].title, iswc=iswc, recorded_at=recorded_at)
            for i in isrcs_used
            if (iswc := by_isrc[i].iswc)
        }.values()
    )
    return DdexChanges(
        parties=_parties(msg, sides, party_ids, recorded_at) if made or recordings else (),
        recordings=recordings,
        works=works,
        grants=tuple(grants),
        release_deals=tuple(records),
        notes=tuple(notes),
    )


def _ignored(
    msg: DdexMessage, key: str, prev: ReleaseDeals | None, deals: tuple[DdexDeal, ...]
) -> str | None:
    """Why ``msg`` changes nothing for the release ``key`` (None when it applies)."""
    if prev is None:
        ends_it = msg.kind is MessageKind.PURGE_RELEASE or (deals and all(d.takedown for d in deals))
        if ends_it:
            what = "purge" if msg.kind is MessageKind.PURGE_RELEASE else "takedown"
            return (
                f"{key}: {what} in message {msg.message_id} of a release never delivered (unknown release): "
                "nothing recorded"
            )
        return None
    if prev.message_id == msg.message_id and (
        prev.message_created == msg.created or prev.message_sha256 == msg.sha256
    ):
        return f"{key}: duplicate of message {msg.message_id} ({msg.created.isoformat()}), ignored"
    if msg.order <= prev.order:
        return (
            f"{key}: message {msg.message_id} ({msg.created.isoformat()}) is not newer than "
            f"{prev.message_id} ({prev.message_created.isoformat()}), ignored"
        )
    return None


def _recording(sr, owner: str, recorded_at: datetime) -> Recording:
    return Recording(
        isrc=sr.isrc, title=sr.title, artists=sr.artists, duration_s=sr.duration_s,
        version=Version.VIDEO if sr.video else Version.STUDIO, owner=owner, work_id=sr.iswc,
        recorded_at=recorded_at, artist_aliases=sr.artist_aliases,
    )  # fmt: skip


def _release_outcome(
    msg: DdexMessage,
    rel: DdexRelease,
    deals: tuple[DdexDeal, ...],
    key: str,
    prev: ReleaseDeals | None,
    sides: _Sides,
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
        notes.append(f"{key}: deals but no resource with an ISRC (sound recording or video): no grant made")
    elif live and sides.licensor != sides.licensee:
        new = [_grant(msg, d, key, isrcs, sides, recorded_at) for d in live]
    if takedowns:
        return new, ("available" if live else "taken-down"), _takedown(msg, takedowns, reference)
    if live:
        return new, "available", Termination(msg.created, TerminationCause.SUPERSEDED, reference)
    notes.append(f"{key}: no deal in message {msg.message_id}: the release is not available")
    return [], "no-deal", Termination(msg.created, TerminationCause.WITHDRAWN, reference)


def _takedown(msg: DdexMessage, takedowns: list[DdexDeal], reference: str) -> Termination:
    """From the earliest start of the takedown deals: a local day (in each territory asked about) or the start of
    a day of the deal's own offset; without a start, the message time."""
    ends = [
        Termination.on_local_day(d.start, TerminationCause.TAKEDOWN, reference)
        if d.tz == LOCAL
        else Termination(start_of_day(d.start, d.tz), TerminationCause.TAKEDOWN, reference)
        for d in takedowns
        if d.start is not None
    ]
    if not ends:
        return Termination(msg.created, TerminationCause.TAKEDOWN, reference)
    return min(ends, key=lambda t: t.effective)


def _grant(
    msg: DdexMessage,
    deal: DdexDeal,
    key: str,
    isrcs: tuple[str, ...],
    sides: _Sides,
    recorded_at: datetime,
) -> Grant:
    assert deal.territories is not None and deal.start is not None  # parse refuses live deals without them
    return Grant(
        id=grant_id(key, msg.message_id, msg.created, deal.index),
        licensor=sides.licensor,
        licensee=sides.licensee,
        rights=frozenset({Right.MASTER}),
        term=Term(deal.start, deal.end, deal.tz),
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


def _parties(
    msg: DdexMessage, sides: _Sides, party_ids: Mapping[str, str], recorded_at: datetime
) -> tuple[Party, ...]:
    """Sender and recipient, only when unmapped: a mapped id names a party the ledger already has."""
    out = []
    for p, key, ledger_id, kind in (
        (msg.sender, sides.sender_key, sides.licensor, PartyKind.LABEL),
        (msg.recipient, sides.recipient_key, sides.licensee, PartyKind.PLATFORM),
    ):
        if ledger_id == key and key not in party_ids:
            out.append(Party(id=key, name=p.name or p.party_id, kind=kind, recorded_at=recorded_at))
    return tuple({p.id: p for p in out}.values())
