"""Takedowns as data: a plan of actions, applied and undone as pure state transitions.

An action removes a track, geo-blocks it in some territories, or disables one use (downloads, say), for a reason
that can be shown to a court: the clearance decision (its findings and the grants they name; the audio match when
the track was identified by its audio), a claim, or an audio match alone. The action's ``id`` is a hash of its
content, so planning twice gives the same ids and a store can refuse a second copy. Nothing is ever deleted:
undoing an action is a record of its own (``Undo``), and a track comes back only when no action that removes it
is still in force — a track removed for a lapsed licence *and* a claim stays down when the licence is signed.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field, replace
from datetime import datetime

from songclear.domain.catalogue import Availability, LibraryTrack
from songclear.domain.decision import ClearanceDecision, Status
from songclear.domain.enforcement.auditlog import canonical_json
from songclear.domain.identity import AudioMatch
from songclear.domain.notices import Notice
from songclear.errors import InputError

# What a plan takes down: no valid chain, and no notice tolerating it any more.
TAKEN_DOWN_STATUSES = frozenset({Status.UNCLEARED})


class ActionKind(enum.StrEnum):
    REMOVE = "remove"
    GEO_BLOCK = "geo_block"
    DISABLE_USE = "disable_use"


class ReasonKind(enum.StrEnum):
    DECISION = "decision"
    CLAIM = "claim"
    AUDIO_MATCH = "audio_match"


@dataclass(frozen=True, slots=True)
class TakedownReason:
    kind: ReasonKind
    ref: str  # decision: the recording (or 'unidentified'); claim: the claim id; audio match: the recording
    detail: str  # the sentence shown to people
    codes: tuple[str, ...] = ()  # finding codes of the decision
    grants: tuple[str, ...] = ()  # grant ids the decision's findings name (the failed links of the chain)
    notice: str | None = None  # the regulator notice the takedown answers
    status: Status | None = None  # decision and audio reasons: the track's status when it was taken down

    def status_at_takedown(self) -> Status | None:
        """The decision's status when the action was made; for actions stored before ``status`` was kept, read
        from the decision's explanation, which starts with it ('uncleared: ...')."""
        if self.status is not None or self.kind is ReasonKind.CLAIM:
            return self.status
        word = self.detail.split(":", 1)[0].split(" ", 1)[0]
        return Status(word) if word in Status.__members__.values() else None


@dataclass(frozen=True, slots=True)
class TakedownAction:
    id: str
    track: str  # LibraryTrack.key
    kind: ActionKind
    reason: TakedownReason
    actor: str
    at: datetime
    territories: frozenset[str] = frozenset()  # geo_block only
    use: str | None = None  # disable_use only

    @property
    def effect(self) -> tuple:
        """What the action does and why, without who and when: two actions with one effect are one takedown."""
        return (
            self.track,
            self.kind,
            tuple(sorted(self.territories)),
            self.use,
            self.reason.kind,
            self.reason.ref,
        )


def make_action(
    track: str,
    kind: ActionKind,
    reason: TakedownReason,
    *,
    actor: str,
    at: datetime,
    territories: Iterable[str] = (),
    use: str | None = None,
) -> TakedownAction:
    terr = frozenset(territories)
    if kind is ActionKind.GEO_BLOCK and not terr:
        raise InputError(f"a geo-block of {track} needs at least one territory")
    if kind is ActionKind.DISABLE_USE and not use:
        raise InputError(f"disabling a use of {track} needs the use (e.g. PermanentDownload)")
    if kind is ActionKind.REMOVE and (terr or use):
        raise InputError(f"a removal of {track} takes no territory or use")
    if at.tzinfo is None:
        raise InputError(f"takedown time {at} has no time zone")
    content = {
        "track": track,
        "kind": kind,
        "territories": sorted(terr),
        "use": use,
        "reason": [reason.kind, reason.ref, reason.detail, reason.codes, reason.grants, reason.notice],
        "actor": actor,
        "at": at,
    }
    digest = hashlib.sha256(canonical_json(content).encode()).hexdigest()[:32]
    return TakedownAction(f"td-{digest}", track, kind, reason, actor, at, terr, use)


def reason_for_decision(decision: ClearanceDecision, notice: Notice | None = None) -> TakedownReason:
    grants = tuple(dict.fromkeys(r.grant_id for r in decision.reasons if r.grant_id))
    grants += tuple(g for c in decision.chains for g in c.grant_ids if g not in grants)
    kind = ReasonKind.AUDIO_MATCH if decision.identity_source == "audio" else ReasonKind.DECISION
    detail = decision.explain()
    if notice is not None:
        detail += f" (notice {notice.id}, deadline {notice.effective})"
    return TakedownReason(
        kind,
        decision.recording or "unidentified",
        detail,
        tuple(r.code for r in decision.reasons),
        grants,
        notice.id if notice else None,
        decision.status,
    )


def reason_for_claim(claim_id: str, detail: str) -> TakedownReason:
    return TakedownReason(ReasonKind.CLAIM, claim_id, detail)


def reason_for_match(match: AudioMatch) -> TakedownReason:
    return TakedownReason(ReasonKind.AUDIO_MATCH, match.isrc, match.describe())


@dataclass(frozen=True, slots=True)
class Deferred:
    track: str
    status: Status
    detail: str  # why it stays up for now (the notice tolerating it)


@dataclass(frozen=True, slots=True)
class TakedownPlan:
    id: str  # hash of the action ids: one plan, one id
    at: datetime
    actor: str
    actions: tuple[TakedownAction, ...]  # sorted by track
    deferred: tuple[Deferred, ...] = ()  # tolerated (buffer) tracks, listed so nobody forgets them
    notice: str | None = None


def plan_takedowns(
    decisions: Iterable[ClearanceDecision],
    tracks: Mapping[str, LibraryTrack],
    *,
    at: datetime,
    actor: str,
    notice: Notice | None = None,
    territories: Iterable[str] = (),
    use: str | None = None,
    unavailable: Set[str] = frozenset(),
) -> TakedownPlan:
    """One action per live track whose decision has no valid chain. ``territories``: geo-block those instead of
    removing (the decisions were asked for one territory of a platform that serves several); ``use``: disable
    only that use (the decisions were asked for it). A track whose tolerance by a notice still runs is deferred;
    one already ``unavailable`` for the question (blocked there by an action in force) needs nothing."""
    terr = frozenset(territories)
    if terr and use:
        raise InputError("a plan geo-blocks territories or disables a use, not both")
    kind = ActionKind.GEO_BLOCK if terr else ActionKind.DISABLE_USE if use else ActionKind.REMOVE
    actions, deferred = [], []
    for d in sorted(decisions, key=lambda d: d.track):
        track = tracks.get(d.track)
        if track is None or track.availability is Availability.TAKEN_DOWN or d.track in unavailable:
            continue
        if notice is not None and notice.platforms and track.platform not in notice.platforms:
            continue
        if d.status is Status.BUFFER:
            deferred.append(Deferred(d.track, d.status, d.explain()))
            continue
        if d.status not in TAKEN_DOWN_STATUSES:
            continue
        reason = reason_for_decision(d, notice)
        actions.append(make_action(d.track, kind, reason, actor=actor, at=at, territories=terr, use=use))
    plan_id = "plan-" + hashlib.sha256("".join(a.id for a in actions).encode()).hexdigest()[:24]
    return TakedownPlan(plan_id, at, actor, tuple(actions), tuple(deferred), notice.id if notice else None)


@dataclass(frozen=True, slots=True)
class TrackState:
    """A track's availability: the actions in force on it (sorted by id), and what they add up to."""

    track: str
    in_force: tuple[TakedownAction, ...] = ()

    @property
    def removed(self) -> bool:
        return any(a.kind is ActionKind.REMOVE for a in self.in_force)

    @property
    def blocked_territories(self) -> frozenset[str]:
        return frozenset(t for a in self.in_force if a.kind is ActionKind.GEO_BLOCK for t in a.territories)

    @property
    def disabled_uses(self) -> frozenset[str]:
        return frozenset(a.use for a in self.in_force if a.kind is ActionKind.DISABLE_USE and a.use)

    @property
    def availability(self) -> Availability:
        return Availability.TAKEN_DOWN if self.removed else Availability.LIVE

    def available(self, territory: str, use: str) -> bool:
        return (
            not self.removed and territory not in self.blocked_territories and use not in self.disabled_uses
        )


def track_state(state: Mapping[str, TrackState], key: str) -> TrackState:
    """A track's state; a track with nothing in force is simply live."""
    return state.get(key) or TrackState(key)


@dataclass(frozen=True, slots=True)
class ApplyResult:
    state: dict[str, TrackState]
    applied: tuple[TakedownAction, ...]  # what a store records and the log lists
    skipped: tuple[TakedownAction, ...]  # already in force (same id, or the same effect for the same reason)
    taken_down: tuple[str, ...] = field(default=())  # tracks that went from live to taken down
    restricted: tuple[str, ...] = field(
        default=()
    )  # tracks newly geo-blocked or with a use disabled (not removed)


def apply_actions(state: Mapping[str, TrackState], actions: Iterable[TakedownAction]) -> ApplyResult:
    """The state after ``actions``. Idempotent: applying the same actions again applies nothing."""
    new = dict(state)
    applied, skipped, down, restricted = [], [], [], []
    for a in actions:
        cur = new.get(a.track, TrackState(a.track))
        if any(x.id == a.id or x.effect == a.effect for x in cur.in_force):
            skipped.append(a)
            continue
        was_removed = cur.removed
        nxt = replace(cur, in_force=tuple(sorted((*cur.in_force, a), key=lambda x: x.id)))
        new[a.track] = nxt
        applied.append(a)
        if nxt.removed and not was_removed:
            down.append(a.track)
        elif not nxt.removed and a.track not in restricted:
            restricted.append(a.track)
    return ApplyResult(new, tuple(applied), tuple(skipped), tuple(down), tuple(restricted))


@dataclass(frozen=True, slots=True)
class Undo:
    action_id: str
    track: str
    actor: str
    at: datetime
    reason: str  # why: 'licence signed: G9', 'valid counter-notice C1', 'takedown in error'


@dataclass(frozen=True, slots=True)
class UndoResult:
    state: dict[str, TrackState]
    undone: tuple[Undo, ...]
    reinstated: tuple[str, ...]  # tracks available again where the lifted actions had restricted them
    still_down: tuple[str, ...]  # tracks an undo touched that another action keeps restricted there


def undo_actions(
    state: Mapping[str, TrackState], action_ids: Iterable[str], *, at: datetime, actor: str, reason: str
) -> UndoResult:
    """Lift the given actions. An id not in force is ignored (undoing twice is undoing once)."""
    ids = set(action_ids)
    new = dict(state)
    undone, touched = [], []
    for key in sorted(new):
        cur = new[key]
        lifted = [a for a in cur.in_force if a.id in ids]
        if not lifted:
            continue
        left = tuple(a for a in cur.in_force if a.id not in ids)
        if left:
            new[key] = replace(cur, in_force=left)
        else:
            del new[key]  # the state lists restricted tracks only; the history keeps the undone actions
        undone += [Undo(a.id, key, actor, at, reason) for a in lifted]
        touched.append((key, lifted))
    reinstated, still = [], []
    for key, lifted in touched:
        after = new.get(key, TrackState(key))
        # Back where the lifted actions had restricted it: nothing left that removes it, blocks those
        # territories or disables those uses.
        back = not after.removed and not any(
            after.blocked_territories & a.territories or (a.use and a.use in after.disabled_uses)
            for a in lifted
        )
        (reinstated if back else still).append(key)
    return UndoResult(new, tuple(undone), tuple(reinstated), tuple(still))


def state_from_history(actions: Iterable[TakedownAction], undone: Iterable[str]) -> dict[str, TrackState]:
    """Rebuild the state from the stored actions and the ids of the undone ones (how a store loads it)."""
    gone = set(undone)
    return apply_actions({}, (a for a in actions if a.id not in gone)).state


@dataclass(frozen=True, slots=True)
class ReinstatementCandidate:
    track: str
    before: Status | None
    after: Status
    proof: str  # the new decision's explanation: the chains that now clear it
    lift: tuple[str, ...]  # ids of the decision/audio actions to undo
    blocked_by: tuple[str, ...]  # ids of claim actions still in force: those need their own restore


def reinstatement_list(
    previous: Mapping[str, ClearanceDecision],
    new: Mapping[str, ClearanceDecision],
    state: Mapping[str, TrackState],
) -> list[ReinstatementCandidate]:
    """Taken-down (or restricted) tracks whose new decision clears them. A contested chain (conflict) is not
    enough: it goes to review, not back online. ``before`` is the status the track had when it was taken down
    (the oldest decision action in force says it); ``previous`` only where no action says it."""
    out = []
    for key in sorted(state):
        st = state[key]
        d = new.get(key)
        if not st.in_force or d is None or d.status not in (Status.CLEARED, Status.EXPIRING):
            continue
        lift = tuple(a.id for a in st.in_force if a.reason.kind is not ReasonKind.CLAIM)
        if not lift:
            continue
        blocked = tuple(a.id for a in st.in_force if a.reason.kind is ReasonKind.CLAIM)
        said = [a.reason.status_at_takedown() for a in sorted(st.in_force, key=lambda a: a.at)]
        before = next((x for x in said if x is not None), None)
        if before is None and key in previous:
            before = previous[key].status
        out.append(ReinstatementCandidate(key, before, d.status, d.explain(), lift, blocked))
    return out


def reinstate(
    state: Mapping[str, TrackState], candidates: Iterable[ReinstatementCandidate], *, at: datetime, actor: str
) -> UndoResult:
    """Undo the decision-based actions of each candidate (a claim-based action stays: see ``blocked_by``)."""
    ids = [i for c in candidates for i in c.lift]
    return undo_actions(state, ids, at=at, actor=actor, reason="cleared by a new decision")
