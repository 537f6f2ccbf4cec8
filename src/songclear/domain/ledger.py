"""The ledger: an immutable, indexed snapshot of every fact known at one time.

Bitemporal: each fact version carries ``recorded_at`` (transaction time) beside its own validity (a grant's term,
a notice's dates). ``Ledger.build(..., known_at=T)`` keeps, for every id, the newest version recorded at or
before T, so an audit 'as of date D, as known at T' gives the same answer forever, even after late, backdated
changes are recorded. Versions recorded after T are invisible to that snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import TypeVar

from songclear.domain.catalogue import Party, Recording, Work
from songclear.domain.grants import Grant
from songclear.domain.notices import Notice
from songclear.domain.vocabulary import Right

T = TypeVar("T")


def latest_versions(versions: Iterable[T], key, known_at: datetime | None) -> dict[str, T]:
    """For each id, the newest version recorded at or before ``known_at`` (all versions if None)."""
    if known_at is not None:
        versions = [v for v in versions if v.recorded_at <= known_at]
    elif not isinstance(versions, list):
        versions = list(versions)
    out: dict[str, T] = {key(v): v for v in versions}
    if len(out) == len(versions):
        return out  # one version per id, as a repository load gives: nothing to choose
    out = {}
    for v in versions:
        if known_at is not None and v.recorded_at > known_at:
            continue
        k = key(v)
        cur = out.get(k)
        if cur is None or v.recorded_at >= cur.recorded_at:
            out[k] = v
    return out


@dataclass(frozen=True, slots=True)
class Ledger:
    parties: dict[str, Party]
    recordings: dict[str, Recording]
    works: dict[str, Work]
    grants: dict[str, Grant]
    notices: dict[str, Notice]
    known_at: datetime | None = None
    # Indexes, derived in build().
    _listed: dict[tuple[str, Right, str], list[Grant]] = field(default_factory=dict, repr=False)
    _catalogue: dict[tuple[str, Right], list[Grant]] = field(default_factory=dict, repr=False)
    # Catalogue grants by (licensee, right, root licensor): a platform holds hundreds of catalogue grants, and
    # each decision wants only those whose chain starts at one rights holder.
    _catalogue_from: dict[tuple[str, Right, str], list[Grant]] = field(default_factory=dict, repr=False)
    _exclusive: dict[tuple[str, Right], list[Grant]] = field(default_factory=dict, repr=False)
    # The exclusive grants a conflict check needs for one subject: the licensor's catalogue grants and those
    # listing the subject (a big label holds hundreds of listed exclusives, each about a few recordings).
    _exclusive_catalogue: dict[tuple[str, Right], list[Grant]] = field(default_factory=dict, repr=False)
    _exclusive_listing: dict[tuple[str, Right, str], list[Grant]] = field(default_factory=dict, repr=False)
    _exclusive_subjects: set[tuple[Right, str]] = field(default_factory=set, repr=False)
    _root_licensor: dict[str, str | None] = field(default_factory=dict, repr=False)
    # Grants whose parents lead round in a circle (G-A parent G-B, G-B parent G-A): grant id -> the cycle, in
    # parent order. Such a chain has no root, so it can clear nothing; the cycle is a finding of the tracks that
    # would rely on it (rules.not_in_cycle), never an error of the whole ledger.
    _cycles: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _rootless_catalogue: dict[tuple[str, Right], list[Grant]] = field(default_factory=dict, repr=False)
    _chains: dict[str, tuple[Grant, ...]] = field(default_factory=dict, repr=False)
    _notices_by_id: list[Notice] = field(default_factory=list, repr=False)
    # Values that pure functions derive from this snapshot alone (a recording's requirements), kept for reuse
    # across queries, platforms and the audit's forked worker.
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        *,
        parties: Iterable[Party] = (),
        recordings: Iterable[Recording] = (),
        works: Iterable[Work] = (),
        grants: Iterable[Grant] = (),
        notices: Iterable[Notice] = (),
        known_at: datetime | None = None,
    ) -> Ledger:
        by_id, by_isrc = attrgetter("id"), attrgetter("isrc")
        g = latest_versions(grants, by_id, known_at)
        ledger = cls(
            parties=latest_versions(parties, by_id, known_at),
            recordings=latest_versions(recordings, by_isrc, known_at),
            works=latest_versions(works, by_id, known_at),
            grants=g,
            notices=latest_versions(notices, by_id, known_at),
            known_at=known_at,
        )
        ledger._index()
        return ledger

    def _index(self) -> None:
        for gid in sorted(self.grants):  # sorted: the indexes do not depend on import order
            grant = self.grants[gid]
            top = self._find_root(grant)
            root = self._root_licensor[gid] = top.licensor if top is not None else None
            for right in grant.rights:
                for subject in grant.recordings if right is Right.MASTER else grant.works:
                    self._listed.setdefault((grant.licensee, right, subject), []).append(grant)
                if grant.catalogue:
                    self._catalogue.setdefault((grant.licensee, right), []).append(grant)
                    if root is not None:
                        self._catalogue_from.setdefault((grant.licensee, right, root), []).append(grant)
                    else:  # hangs from a cycle: a candidate for every holder, to be refused with its reason
                        self._rootless_catalogue.setdefault((grant.licensee, right), []).append(grant)
                if grant.exclusive:
                    self._exclusive.setdefault((grant.licensor, right), []).append(grant)
                    if grant.catalogue:
                        self._exclusive_catalogue.setdefault((grant.licensor, right), []).append(grant)
                    for subject in grant.recordings if right is Right.MASTER else grant.works:
                        self._exclusive_listing.setdefault((grant.licensor, right, subject), []).append(grant)
                        self._exclusive_subjects.add((right, subject))
        self._notices_by_id.extend(self.notices[k] for k in sorted(self.notices))

    def _find_root(self, grant: Grant) -> Grant | None:
        """The top of ``grant``'s chain, or None when its parents lead into a cycle (recorded in ``_cycles``)."""
        path = [grant.id]
        while grant.parent is not None and grant.parent in self.grants:
            grant = self.grants[grant.parent]
            if grant.id in path:
                cycle = tuple(path[path.index(grant.id) :])
                for member in cycle:
                    self._cycles.setdefault(member, cycle)
                return None
            path.append(grant.id)
        return grant

    # -- queries used by the rules ------------------------------------------------------------------------------

    def chain(self, grant: Grant) -> list[Grant]:
        """The grant and its ancestors, root first. A missing parent ends the chain early (a rule reports it)."""
        known = self._chains.get(grant.id)
        if known is None or known[-1] is not grant:
            out = [grant]
            seen = {grant.id}
            while out[0].parent is not None and out[0].parent in self.grants and out[0].parent not in seen:
                out.insert(0, self.grants[out[0].parent])  # a cycle stops at its first repeat (not_in_cycle)
                seen.add(out[0].id)
            if self.grants.get(grant.id) is grant:  # built once per grant of this snapshot
                self._chains[grant.id] = tuple(out)
            return out
        return list(known)

    def root_licensor(self, grant_id: str) -> str | None:
        """The licensor at the top of the grant's chain; None when its parents lead into a cycle."""
        return self._root_licensor[grant_id]

    def cycle_of(self, grant_id: str) -> tuple[str, ...] | None:
        """The cycle of parents ``grant_id`` is part of (ids in parent order), or None."""
        return self._cycles.get(grant_id)

    def candidate_grants(self, licensee: str, right: Right, subject: str, holder: str | None) -> list[Grant]:
        """Grants to ``licensee`` that may cover ``subject``: those listing it, and catalogue grants whose chain
        starts at the rights holder (a catalogue grant from anyone else never covers it)."""
        listed = self._listed.get((licensee, right, subject), [])
        catalogue = self._catalogue_from.get((licensee, right, holder), []) if holder is not None else []
        if self._rootless_catalogue:
            catalogue = catalogue + self._rootless_catalogue.get((licensee, right), [])
        if not listed:
            return list(catalogue)
        return listed + [g for g in catalogue if g not in listed]

    def listed_grants(self, licensee: str, right: Right, subject: str) -> list[Grant]:
        """Grants to ``licensee`` that list ``subject`` for ``right``."""
        return self._listed.get((licensee, right, subject), [])

    def exclusive_grants_by(self, licensor: str, right: Right) -> list[Grant]:
        return self._exclusive.get((licensor, right), [])

    def exclusive_catalogue(self, licensor: str, right: Right) -> list[Grant]:
        """``licensor``'s exclusive catalogue grants of ``right``."""
        return self._exclusive_catalogue.get((licensor, right), [])

    def exclusive_listing(self, licensor: str, right: Right, subject: str) -> list[Grant]:
        """``licensor``'s exclusive grants of ``right`` that list ``subject``."""
        return self._exclusive_listing.get((licensor, right, subject), [])

    def exclusively_listed(self, right: Right, subject: str) -> bool:
        """Does any exclusive grant of ``right`` list ``subject``?"""
        return (right, subject) in self._exclusive_subjects

    def exclusive_grants_over(self, licensor: str, right: Right, subject: str) -> list[Grant]:
        """``licensor``'s exclusive grants of ``right`` that can cover ``subject`` (catalogue grants and those
        listing it), in id order like ``exclusive_grants_by``: the only ones a conflict check can report."""
        catalogue = self._exclusive_catalogue.get((licensor, right), [])
        listing = self._exclusive_listing.get((licensor, right, subject))
        if not listing:
            return catalogue
        merged = {g.id: g for g in (*catalogue, *listing)}
        return [merged[k] for k in sorted(merged)]

    def notices_by_id(self) -> list[Notice]:
        if len(self._notices_by_id) != len(self.notices):  # a Ledger made without build()
            self._notices_by_id[:] = [self.notices[k] for k in sorted(self.notices)]
        return self._notices_by_id

    def holders(self, right: Right, subject: str) -> tuple[str | None, ...]:
        """Who must license ``subject``: the recording's owner, or each of the work's publishers."""
        if right is Right.MASTER:
            rec = self.recordings.get(subject)
            return (rec.owner if rec else None,)
        work = self.works.get(subject)
        return tuple(work.publishers) if work else ()

    def party_name(self, party_id: str | None) -> str:
        if party_id is None:
            return "unknown"
        p = self.parties.get(party_id)
        return p.name if p else party_id


def grants_by_parent(grants: Iterable[Grant]) -> dict[str, list[Grant]]:
    out: dict[str, list[Grant]] = defaultdict(list)
    for g in grants:
        if g.parent:
            out[g.parent].append(g)
    return out
