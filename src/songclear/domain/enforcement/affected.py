"""Which decisions a ledger change can move: the recordings a changed fact touches, and the re-audit of only the
library tracks that carry them.

A track's decision is a function of its identity's recordings and the parts of the ledger that ``decide`` reads
for them (``clearance.py``): each recording and its work's publishers (the requirements), the grants to the
platform that list it or come from its holder's catalogue, the chains above those grants, the exclusive grants of
every licensor in those chains (conflicts), and the notices (tolerance). So a change reaches:

- a recording (owner, work, registration): that recording;
- a work (publishers): its recordings, in either ledger;
- a grant (new, ended, amended, re-parented): the subjects of every leaf of its sublicence subtree, in either
  ledger — what a leaf lists (recordings, and the recordings of listed works), or for a catalogue grant every
  recording its chain's root licensor holds (owns, or publishes the work of); with ``platform``, only leaves
  licensed to it count (``decide`` walks no other leaf);
- an exclusive grant (either version): also every subject it lists and, for a catalogue one, the subjects of every
  leaf whose chain holds a grant by the same licensor (``conflicts`` looks at each chain grant's licensor);
- a notice: any uncleared track of a platform it applies to (``notice_touches``: the caller decides them all);
- a party: nothing a status depends on (only names in sentences).

Everything is computed on both ledgers and joined: a grant that moves from one parent to another touches the old
subtree's subjects and the new one's. Conservative where the rules would need a second look (a listed subject
whatever the grant's rights), never the whole library for one grant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from songclear.domain.audit import StatusChange, diff
from songclear.domain.catalogue import LibraryTrack, TrackIdentity
from songclear.domain.clearance import decide
from songclear.domain.decision import ClearanceDecision
from songclear.domain.grants import Grant
from songclear.domain.ledger import Ledger
from songclear.domain.rules import ClearanceQuery

KINDS = ("grants", "recordings", "works", "notices", "parties")  # Ledger attributes, Changes fields


@dataclass(frozen=True, slots=True)
class Changes:
    """Ids of the facts that differ between two ledgers (new, ended, amended or gone)."""

    grants: frozenset[str] = frozenset()
    recordings: frozenset[str] = frozenset()
    works: frozenset[str] = frozenset()
    notices: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()  # names only: no status depends on them

    def __bool__(self) -> bool:
        return bool(self.grants or self.recordings or self.works or self.notices or self.parties)


def changed_facts(before: Ledger, after: Ledger) -> Changes:
    """Compare two snapshots fact by fact (every version field counts, ``recorded_at`` included)."""

    def differ(a: Mapping, b: Mapping) -> frozenset[str]:
        return frozenset(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))

    return Changes(
        differ(before.grants, after.grants),
        differ(before.recordings, after.recordings),
        differ(before.works, after.works),
        differ(before.notices, after.notices),
        differ(before.parties, after.parties),
    )


@dataclass(frozen=True, slots=True)
class Affected:
    recordings: frozenset[str]  # ISRCs whose decision (on the platform asked about) can differ
    because: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # changed fact id -> the ISRCs it touches
    notices: frozenset[str] = frozenset()  # changed notices (see notice_touches)

    def causes(self, recordings: Iterable[str]) -> list[str]:
        """The changed facts behind a track that carries ``recordings``, sorted."""
        mine = set(recordings)
        return sorted(k for k, touched in self.because.items() if mine & touched)


class _View:
    """The reverse indexes the reach of a change needs in one ledger, each built the first time it is asked."""

    def __init__(self, ledger: Ledger, platform: str | None) -> None:
        self.ledger, self.platform = ledger, platform
        self._children: dict[str, list[Grant]] | None = None
        self._by_licensor: dict[str, list[Grant]] | None = None
        self._held: dict[str, set[str]] | None = None  # party -> ISRCs it owns or publishes the work of
        self._of_work: dict[str, set[str]] | None = None

    def children(self, grant_id: str) -> list[Grant]:
        if self._children is None:
            self._children = defaultdict(list)
            for g in self.ledger.grants.values():
                if g.parent:
                    self._children[g.parent].append(g)
        return self._children.get(grant_id, [])

    def by_licensor(self, party: str) -> list[Grant]:
        if self._by_licensor is None:
            self._by_licensor = defaultdict(list)
            for g in self.ledger.grants.values():
                self._by_licensor[g.licensor].append(g)
        return self._by_licensor.get(party, [])

    def of_work(self, work_id: str) -> set[str]:
        if self._of_work is None:
            self._of_work = defaultdict(set)
            for r in self.ledger.recordings.values():
                if r.work_id is not None:
                    self._of_work[r.work_id].add(r.isrc)
        return self._of_work.get(work_id, set())

    def held(self, party: str) -> set[str]:
        if self._held is None:
            self._held = defaultdict(set)
            for r in self.ledger.recordings.values():
                if r.owner is not None:
                    self._held[r.owner].add(r.isrc)
            for w in self.ledger.works.values():
                for p in w.publishers:
                    self._held[p] |= self.of_work(w.id)
        return self._held.get(party, set())

    def subjects(self, g: Grant) -> set[str]:
        """The recordings whose decision a chain ending at ``g`` can take part in."""
        out = set(g.recordings)
        for w in g.works:
            out |= self.of_work(w)
        if g.catalogue:
            out |= self.held(self.ledger.chain(g)[0].licensor)
        return out

    def reach(self, grant_id: str) -> set[str]:
        """The subjects of every leaf in the subtree under ``grant_id`` (itself included, if this ledger has it)
        that ``decide`` walks: licensed to the platform asked about, or to anyone when none is."""
        out: set[str] = set()
        own = self.ledger.grants.get(grant_id)
        todo = [own] if own is not None else list(self.children(grant_id))
        seen: set[str] = set()
        while todo:
            g = todo.pop()
            if g.id in seen:
                continue  # a cycle of sublicences (the ledger refuses one; be safe)
            seen.add(g.id)
            if self.platform is None or g.licensee == self.platform:
                out |= self.subjects(g)
            todo += self.children(g.id)
        return out

    def exclusive_reach(self, g: Grant) -> set[str]:
        """Decisions ``g``, an exclusive grant, can contest: what it lists, and for a catalogue grant the subjects
        of every chain holding a grant by its licensor."""
        out = set(g.recordings)
        for w in g.works:
            out |= self.of_work(w)
        if g.catalogue:
            for peer in self.by_licensor(g.licensor):
                out |= self.reach(peer.id)
        return out


def affected_recordings(
    before: Ledger, after: Ledger, changes: Changes | None = None, *, platform: str | None = None
) -> Affected:
    """The recordings whose decision can differ between ``before`` and ``after`` (see the module docstring);
    ``changes``: the changed ids when the caller knows them (a store does), else found by comparing."""
    if changes is None:
        changes = changed_facts(before, after)
    views = (_View(before, platform), _View(after, platform))
    because: dict[str, set[str]] = defaultdict(set)
    for gid in changes.grants:
        for v in views:
            because[gid] |= v.reach(gid)
            g = v.ledger.grants.get(gid)
            if g is not None and g.exclusive:
                because[gid] |= v.exclusive_reach(g)
    for isrc in changes.recordings:
        because[isrc].add(isrc)
    for wid in changes.works:
        for v in views:
            because[wid] |= v.of_work(wid)
    touched = frozenset().union(*because.values()) if because else frozenset()
    return Affected(touched, {k: frozenset(v) for k, v in because.items() if v}, changes.notices)


def notice_touches(
    before: Ledger, after: Ledger, notices: Iterable[str], platform: str, territory: str
) -> bool:
    """Does a changed notice apply (in either version) to ``platform`` in ``territory``? Then any of its
    uncleared tracks may move between 'uncleared' and 'buffer': the re-audit decides the whole library."""
    for nid in notices:
        for ledger in (before, after):
            n = ledger.notices.get(nid)
            if n is not None and n.applies_to(platform, territory):
                return True
    return False


def identity_recordings(identity: TrackIdentity | None) -> tuple[str, ...]:
    """Every recording a track's decision is about: its identity's and those its audio also contains."""
    if identity is None:
        return ()
    return tuple(r for r in (identity.isrc, *identity.contains) if r)


@dataclass(slots=True)
class TouchedAudit:
    """The decisions, before and after, of the tracks a change touches, and what it cost."""

    before: dict[str, ClearanceDecision] = field(default_factory=dict)
    after: dict[str, ClearanceDecision] = field(default_factory=dict)
    recordings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # track -> its identity's recordings
    tracks_seen: int = 0
    decisions: int = 0  # decide() calls, both sides (tracks sharing an identity share one)

    @property
    def tracks_decided(self) -> int:
        return len(self.after)

    def changes(self) -> list[StatusChange]:
        return diff(self.before, self.after)


def audit_touched(
    tracks: Iterable[LibraryTrack],
    resolve: Callable[[LibraryTrack], TrackIdentity | None],
    before: Ledger,
    after: Ledger,
    query: ClearanceQuery,
    recordings: frozenset[str] | set[str],
    *,
    every_track: bool = False,
) -> TouchedAudit:
    """Decide, on both ledgers, only the tracks whose identity carries one of ``recordings`` (all of them with
    ``every_track``); the same identities on both sides, so what differs is the ledger's doing."""
    out = TouchedAudit()
    cache: tuple[dict, dict] = ({}, {})
    memos: tuple[dict, dict] = ({}, {})
    for t in tracks:
        out.tracks_seen += 1
        identity = resolve(t)
        recs = identity_recordings(identity)
        if not every_track and recordings.isdisjoint(recs):
            continue
        out.recordings[t.key] = recs
        for side, ledger, into in ((0, before, out.before), (1, after, out.after)):
            key = (t.platform, identity)
            hit = cache[side].get(key)
            if hit is None:
                hit = cache[side][key] = decide(t, identity, ledger, query, memo=memos[side])
                out.decisions += 1
            into[t.key] = hit if hit.track == t.key else _for_track(hit, t.key)
    return out


def _for_track(d: ClearanceDecision, key: str) -> ClearanceDecision:
    return ClearanceDecision(
        key, d.status, d.recording, d.licensor, d.chains, d.reasons, d.identity_source, d.notice, d.territory
    )


def ledger_with(
    now: Ledger, changes: Changes, then: Mapping[str, Iterable], *, known_at: datetime | None
) -> Ledger:
    """``now`` with each changed fact replaced by its version in ``then`` (by kind: 'grants', 'recordings',
    'works', 'notices', 'parties'; a changed id absent there did not exist then): the earlier snapshot rebuilt
    from the current one and the few versions a change replaced, without loading the whole ledger again."""
    facts = {}
    for kind in KINDS:
        ids: frozenset[str] = getattr(changes, kind)
        current: Mapping = getattr(now, kind)
        kept = [v for k, v in current.items() if k not in ids] if ids else list(current.values())
        facts[kind] = kept + list(then.get(kind, ()))
    return Ledger.build(**facts, known_at=known_at)
