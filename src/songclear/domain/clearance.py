"""The clearance decision for one library track: a pure function of the track's identity, the ledger and a query.

    decide(track, identity, ledger, query) -> ClearanceDecision

1. Requirements: master rights in the recording from its owner; where the ledger knows the recording's work and
   that work's publishers, composition rights in the work from each publisher.
2. For each requirement, every grant to the platform that may cover it is walked as a chain from the rights holder
   down (``rules.GRANT_RULES`` on each link). A requirement is met by the valid chain that lasts longest.
3. Outcome: ``cleared``; ``expiring`` if a proving chain lapses within ``query.expiring_days``; ``conflict`` if a
   grant of the chain was issued after an overlapping exclusive grant of the same rights to someone else;
   otherwise ``uncleared`` with the root cause of each failure, or ``buffer`` while a notice tolerates it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from songclear.domain.catalogue import LibraryTrack, TrackIdentity
from songclear.domain.decision import Chain, ClearanceDecision, Status
from songclear.domain.grants import Grant
from songclear.domain.ledger import Ledger
from songclear.domain.rules import (
    QUERY_POINT_RULES,
    ClearanceQuery,
    Finding,
    Requirement,
    RuleInput,
    check_grant,
)
from songclear.domain.vocabulary import Right


def requirements(recording_isrc: str, ledger: Ledger) -> tuple[Requirement, ...]:
    """What must be licensed to clear the recording: its master from its owner and, where the registry knows its
    work's publishers, the composition from each (cached per ledger; the same objects every time)."""
    known_by_isrc = ledger.derived.get("requirements")
    if known_by_isrc is None:
        known_by_isrc = ledger.derived["requirements"] = {}
    known = known_by_isrc.get(recording_isrc)
    if known is None:
        rec = ledger.recordings[recording_isrc]
        reqs = [Requirement(Right.MASTER, rec.isrc, rec.owner)]
        if rec.work_id is not None:
            reqs += [
                Requirement(Right.COMPOSITION, rec.work_id, p)
                for p in ledger.holders(Right.COMPOSITION, rec.work_id)
            ]
        known = known_by_isrc[recording_isrc] = tuple(reqs)
    return known


def subject_free_flags(platform: str, recording_isrc: str, ledger: Ledger) -> tuple[bool, ...]:
    """``subject_free`` of each of ``requirements(recording_isrc)`` for ``platform``, cached per (platform,
    recording) in the ledger's derived values: the audit and its timeline both ask, once per identity."""
    key = ("subject-free", platform)
    known_by_isrc = ledger.derived.get(key)
    if known_by_isrc is None:
        known_by_isrc = ledger.derived[key] = {}
    known = known_by_isrc.get(recording_isrc)
    if known is None:
        known = known_by_isrc[recording_isrc] = tuple(
            subject_free(platform, r, ledger) for r in requirements(recording_isrc, ledger)
        )
    return known


def evaluate_chain(
    chain: list[Grant], req: Requirement, query: ClearanceQuery, ledger: Ledger
) -> Finding | None:
    """The root cause that stops ``chain`` (root first) from carrying ``req``, or None if it carries it."""
    leaf = chain[-1]
    for i, grant in enumerate(chain):
        parent = ledger.grants.get(grant.parent) if grant.parent else None
        x = RuleInput(grant, parent, i == 0 and parent is None, req, query, ledger)
        finding = check_grant(x)
        if finding is None:
            continue
        if grant is not leaf and finding.dimension is not None:
            leaf_x = RuleInput(leaf, None, False, req, query, ledger)
            rule = next(r for r in QUERY_POINT_RULES if r(x) is not None)
            if rule(leaf_x) is None:  # the sublicence itself claims what its ancestor does not have
                return Finding(
                    f"exceeds-parent-{finding.dimension}",
                    f"sublicence {leaf.id} exceeds its parent's {finding.dimension}: {finding.message}",
                    grant.id,
                    finding.dimension,
                )
        return finding
    return None


def chain_end(chain: list[Grant], territory: str = "CN") -> datetime | None:
    """The first instant ``chain`` no longer holds in ``territory`` (None: open-ended)."""
    ends = [e for e in (g.effective_end(territory) for g in chain) if e is not None]
    return min(ends) if ends else None


def subject_free(platform: str, req: Requirement, ledger: Ledger) -> bool:
    """Does nothing in clearing ``req`` for ``platform`` depend on its subject (beyond naming it)?

    True when no grant to the platform lists the subject, no exclusive grant lists it, and every candidate chain
    (catalogue grants from the holder) consists of catalogue grants: then no rule looks at the subject (the
    root's licensor is the holder), and every recording of that holder gets the same chains, findings and
    conflicts for a query. A library shares a few hundred holders, so ``decide`` works each out once."""
    if ledger.listed_grants(platform, req.right, req.subject) or ledger.exclusively_listed(
        req.right, req.subject
    ):
        return False
    key = ("catalogue-chains", platform, req.right, req.holder)
    known = ledger.derived.get(key)
    if known is None:
        leaves = ledger.candidate_grants(platform, req.right, req.subject, req.holder)
        known = ledger.derived[key] = all(g.catalogue for leaf in leaves for g in ledger.chain(leaf))
    return known


class BestChain(NamedTuple):
    """``_best_chain``'s answer: the best valid chain (None: none), the findings against the other candidates,
    and the chain's grant ids and end (worked out once when the answer is memoised)."""

    chain: list[Grant] | None
    findings: tuple[Finding, ...]
    ids: tuple[str, ...]
    end: datetime | None


def _best_chain(
    platform: str,
    req: Requirement,
    query: ClearanceQuery,
    ledger: Ledger,
    memo: dict | None = None,
    free: bool | None = None,
) -> BestChain:
    """The best valid chain for ``req`` and the findings against the others. ``free``: ``subject_free(platform,
    req)`` when the caller knows it."""
    if memo is not None and (free if free is not None else subject_free(platform, req, ledger)):
        key = ("best", platform, req.right, req.holder)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = _answer(*_evaluate_candidates(platform, req, query, ledger), query.territory)
        return hit
    return _answer(*_evaluate_candidates(platform, req, query, ledger, memo), query.territory)


def _answer(best: list[Grant] | None, findings: tuple[Finding, ...], territory: str) -> BestChain:
    if best is None:
        return BestChain(None, findings, (), None)
    return BestChain(best, findings, tuple(g.id for g in best), chain_end(best, territory))


_CARRIES = Finding("", "")  # memo marker: the chain carries the requirement


def _evaluate_chain_memo(
    chain: list[Grant], req: Requirement, query: ClearanceQuery, ledger: Ledger, memo: dict | None
) -> Finding | None:
    """``evaluate_chain``, once per (leaf, right, holder) for a chain of catalogue grants from the holder (no
    rule then looks at the subject, see ``subject_free``)."""
    if memo is None or chain[0].licensor != req.holder or not all(g.catalogue for g in chain):
        return evaluate_chain(chain, req, query, ledger)
    key = ("chain", chain[-1].id, req.right, req.holder)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = evaluate_chain(chain, req, query, ledger) or _CARRIES
    return None if hit is _CARRIES else hit


def _evaluate_candidates(
    platform: str, req: Requirement, query: ClearanceQuery, ledger: Ledger, memo: dict | None = None
) -> tuple[list[Grant] | None, tuple[Finding, ...]]:
    findings: list[Finding] = []
    valid: list[list[Grant]] = []
    co_holders = set(ledger.holders(req.right, req.subject)) - {req.holder}
    for leaf in ledger.candidate_grants(platform, req.right, req.subject, req.holder):
        if co_holders and ledger.root_licensor(leaf.id) in co_holders:
            continue  # another co-publisher's share: it answers that publisher's requirement, not this one
        chain = ledger.chain(leaf)
        finding = _evaluate_chain_memo(chain, req, query, ledger, memo)
        if finding is None:
            valid.append(chain)
        else:
            findings.append(finding)
    if not valid:
        return None, tuple(findings)
    if len(valid) > 1:
        far = datetime.max.replace(tzinfo=query.at.tzinfo)
        # Longest-lasting first, then the shortest chain, then ids: deterministic whatever the import order.
        valid.sort(
            key=lambda c: (-(chain_end(c, query.territory) or far).timestamp(), len(c), [g.id for g in c])
        )
    return valid[0], tuple(findings)


def conflicts(
    chain: list[Grant], req: Requirement, query: ClearanceQuery, ledger: Ledger, memo: dict | None = None
) -> list[Finding]:
    """Exclusive grants of the same rights to someone else, issued before a grant of ``chain`` and overlapping it."""
    key = None
    if memo is not None and not ledger.exclusively_listed(req.right, req.subject):
        # only catalogue exclusives can conflict: the same for every subject
        key = ("conflicts", tuple(g.id for g in chain), req.right)
        hit = memo.get(key)
        if hit is not None:
            return list(hit)
    out = []
    ids = {g.id for g in chain}
    for grant in chain:
        for ex in ledger.exclusive_grants_over(grant.licensor, req.right, req.subject):
            if ex.id in ids or ex.licensee == grant.licensee or ex.issued_on > grant.issued_on:
                continue
            x = RuleInput(ex, None, False, req, query, ledger)
            if any(rule(x) is not None for rule in QUERY_POINT_RULES):
                continue  # the exclusive grant does not hold here and now: no overlap
            out.append(
                Finding(
                    "exclusive-conflict",
                    f"grant {grant.id} (issued {grant.issued_on}) overlaps exclusive grant {ex.id} of the same "
                    f"rights to {ledger.party_name(ex.licensee)} (issued {ex.issued_on})",
                    grant.id,
                )
            )
    if key is not None:
        memo[key] = tuple(out)
    return out


def decide(
    track: LibraryTrack,
    identity: TrackIdentity | None,
    ledger: Ledger,
    query: ClearanceQuery,
    *,
    memo: dict | None = None,
) -> ClearanceDecision:
    """Is ``track`` (which is ``identity``'s recording) licensed for ``query``? See the module docstring.

    ``memo``: a dict shared by decisions over the same ledger and query (one per query, never across two), in
    which what does not depend on the recording is worked out once: a library shares a few hundred holders."""
    if identity is None or identity.isrc not in ledger.recordings:
        if identity is None:
            why = "track is not identified: no registered recording (no ISRC, link or audio match)"
        elif identity.evidence:  # a link in review, or a link to a work whose recording is not registered
            why = identity.evidence
        else:
            why = f"track's recording {identity.isrc} is not registered in the ledger"
        code = "in-review" if identity is not None and identity.source == "review" else "unidentified"
        return _uncleared(track, None, None, (Finding(code, why),), ledger, query, identity, memo)

    rec = ledger.recordings[identity.isrc]
    reasons: list[Finding] = []
    if identity.source != "isrc" and identity.evidence:
        code = "in-review" if identity.source == "review" else f"identified-by-{identity.source}"
        reasons.append(Finding(code, identity.evidence))
    chains: list[Chain] = []
    failures: list[Finding] = []
    contested: list[Finding] = []
    reqs = requirements(rec.isrc, ledger)
    free = subject_free_flags(track.platform, rec.isrc, ledger)
    for other in identity.contains:
        if other == rec.isrc:
            continue
        if other not in ledger.recordings:
            failures.append(
                Finding("unidentified", f"the audio also contains {other}, which is not registered")
            )
            continue
        reqs += requirements(other, ledger)
        free += subject_free_flags(track.platform, other, ledger)
    for req, req_free in zip(reqs, free, strict=True):
        best = _best_chain(track.platform, req, query, ledger, memo, req_free)
        if best.chain is None:
            failures.append(_root_cause(track.platform, req, best.findings, ledger))
            continue
        chains.append(Chain(req.right, req.subject, best.ids, best.end))
        contested += conflicts(best.chain, req, query, ledger, memo)

    if failures:
        return _uncleared(
            track, rec.isrc, rec.owner, tuple(reasons + failures), ledger, query, identity, memo
        )
    status = licensed_status(bool(contested), [c.ends for c in chains], query)
    if contested:
        reasons += contested
    return ClearanceDecision(
        track.key, status, rec.isrc, rec.owner, tuple(chains), tuple(reasons), identity.source,
        territory=query.territory,
    )  # fmt: skip


def licensed_status(contested: bool, ends: Iterable[datetime | None], query: ClearanceQuery) -> Status:
    """The status when every requirement has a valid chain (``ends``: each chain's end, None if open)."""
    if contested:
        return Status.CONFLICT
    lapses = [e for e in ends if e is not None]
    if lapses and min(lapses) - query.at <= timedelta(days=query.expiring_days):
        return Status.EXPIRING
    return Status.CLEARED


def requirement_outcome(
    platform: str, req: Requirement, query: ClearanceQuery, ledger: Ledger, memo: dict | None = None
) -> tuple[bool, bool, datetime | None]:
    """What ``decide`` learns from one requirement: (no valid chain, its best chain is contested, its end)."""
    best = _best_chain(platform, req, query, ledger, memo)
    if best.chain is None:
        return True, False, None
    return False, bool(conflicts(best.chain, req, query, ledger, memo)), best.end


def _root_cause(platform: str, req: Requirement, findings: Sequence[Finding], ledger: Ledger) -> Finding:
    if findings:
        return findings[0] if len(findings) == 1 else _first_by_grant(findings)
    holder = f" from {ledger.party_name(req.holder)}" if req.holder else ""
    return Finding(
        "no-grant",
        f"{req.describe()} not licensed: no grant of {req.right.value} rights{holder} to {ledger.party_name(platform)}",
    )


# A grant that fails only because it is about another territory, use or commercial model does not answer the
# question asked: a release with hundreds of deals (one per territory and model) would otherwise make a reason of
# tens of kilobytes. Those come last and, past a few, are counted instead of listed.
_OFF_QUESTION = ("territory", "use", "model")
LISTED_FINDINGS = 5


def _first_by_grant(findings: Sequence[Finding]) -> Finding:
    """Several candidate grants failed: one finding naming them, those relevant to the question first (they hold
    for its territory, use and model but fail otherwise: ended, not listed, a broken chain), in a stable order;
    past ``LISTED_FINDINGS``, the rest are counted by what they are about."""
    ordered = sorted(findings, key=lambda f: (f.dimension in _OFF_QUESTION, f.grant_id or "", f.code))
    listed, rest = ordered[:LISTED_FINDINGS], ordered[LISTED_FINDINGS:]
    message = "; ".join(f.message for f in listed)
    if rest:
        about = Counter(f.dimension if f.dimension in _OFF_QUESTION else "other reasons" for f in rest)
        parts = [
            f"{n} for another {d}" if d in _OFF_QUESTION else f"{n} for {d}" for d, n in sorted(about.items())
        ]
        message += (
            f"; and {len(rest)} more grant{'s' if len(rest) > 1 else ''} that fail ({', '.join(parts)})"
        )
    first = ordered[0]
    return Finding(first.code, message, first.grant_id, first.dimension)


def _uncleared(
    track, isrc, owner, reasons, ledger: Ledger, query: ClearanceQuery, identity, memo: dict | None = None
) -> ClearanceDecision:
    source = identity.source if identity else None
    if len(reasons) > 1:  # two contained recordings can fail on the same grant: say it once
        reasons = tuple(dict.fromkeys(reasons))
    key = ("tolerance", track.platform)
    tolerance = memo.get(key) if memo is not None else None
    if tolerance is None:
        tolerance = _tolerance(track.platform, ledger, query)
        if memo is not None:
            memo[key] = tolerance
    if tolerance:
        notice, finding = tolerance
        return ClearanceDecision(
            track.key, Status.BUFFER, isrc, owner, (), (*reasons, finding), source, notice
        )
    return ClearanceDecision(track.key, Status.UNCLEARED, isrc, owner, (), tuple(reasons), source)


def _tolerance(platform: str, ledger: Ledger, query: ClearanceQuery) -> tuple[str, Finding] | tuple[()]:
    """The first notice (by id) that tolerates ``platform``'s uncleared tracks for ``query``, and its finding."""
    for notice in ledger.notices_by_id():
        if notice.tolerates(platform, query.territory, query.at):
            return notice.id, Finding(
                "buffer",
                f"tolerated by notice {notice.id} until {notice.tolerated_until} (deadline {notice.effective})",
            )
    return ()
