"""The clearance rules: pure functions over one grant of a chain, listed in one registry.

Each rule looks at one grant (and its parent, for a sublicence) against a ``Requirement`` — which right in which
subject, held by whom — and a ``ClearanceQuery`` — when, where, which use and commercial model. It returns a
``Finding`` when the grant fails, or None. A chain clears a requirement when every grant in it passes every rule;
the chain is walked from the rights holder down, so the first finding is the root cause.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from songclear.domain.grants import Grant, TerminationCause, days_at
from songclear.domain.ledger import Ledger
from songclear.domain.vocabulary import Right, expand_uses

MAX_EXPIRING_DAYS = 36_500  # a century: the longest 'expiring' horizon asked (a longer one overflows a date)


@dataclass(frozen=True, slots=True)
class ClearanceQuery:
    """One clearance question: at ``at`` (an instant), in ``territory``, for ``use`` under ``commercial_model``
    (None: the commercial model is not asked about). ``expiring_days``: how soon a lapse makes 'expiring'."""

    at: datetime
    territory: str = "CN"
    use: str = "Stream"
    commercial_model: str | None = None
    expiring_days: int = 30


@dataclass(frozen=True, slots=True)
class Requirement:
    """``right`` in ``subject`` (an ISRC or a work id) must reach the platform from ``holder``."""

    right: Right
    subject: str
    holder: str | None

    def describe(self) -> str:
        return f"recording {self.subject}" if self.right is Right.MASTER else f"composition {self.subject}"


@dataclass(frozen=True, slots=True)
class Finding:
    """Why something is not cleared (or is contested): a stable ``code``, the grant it is about, a sentence."""

    code: str
    message: str
    grant_id: str | None = None
    dimension: str | None = None  # 'term', 'territory', 'use', 'model' for query-point rules


@dataclass(frozen=True, slots=True)
class RuleInput:
    grant: Grant
    parent: Grant | None
    is_root: bool
    requirement: Requirement
    query: ClearanceQuery
    ledger: Ledger


Rule = Callable[[RuleInput], Finding | None]


def not_in_cycle(x: RuleInput) -> Finding | None:
    cycle = x.ledger.cycle_of(x.grant.id)
    if cycle is None:
        return None
    i = cycle.index(x.grant.id)
    path = " -> ".join((*cycle[i:], *cycle[:i], x.grant.id))  # each grant followed by its parent
    return Finding(
        "sublicence-cycle",
        f"sublicence {x.grant.id} is part of a cycle of parent grants ({path}): the chain has no rights holder",
        x.grant.id,
    )


def parent_known(x: RuleInput) -> Finding | None:
    g = x.grant
    if g.parent is not None and x.parent is None:
        return Finding("unknown-parent", f"sublicence {g.id} names unknown parent grant {g.parent}", g.id)
    return None


def parent_link(x: RuleInput) -> Finding | None:
    g, p = x.grant, x.parent
    if p is not None and p.licensee != g.licensor:
        return Finding(
            "broken-chain",
            f"sublicence {g.id} is granted by {g.licensor}, but its parent {p.id} went to {p.licensee}",
            g.id,
        )
    return None


def parent_sublicensable(x: RuleInput) -> Finding | None:
    g, p = x.grant, x.parent
    if p is not None and not p.sublicensable:
        return Finding(
            "not-sublicensable", f"sublicence {g.id} relies on {p.id}, which may not be sublicensed", g.id
        )
    return None


def root_holds_rights(x: RuleInput) -> Finding | None:
    g, req = x.grant, x.requirement
    if not x.is_root or req.holder is None or g.licensor == req.holder:
        return None
    holder = x.ledger.party_name(req.holder)
    return Finding(
        "licensor-not-holder",
        f"grant {g.id} comes from {x.ledger.party_name(g.licensor)}, but {req.describe()} is held by {holder}",
        g.id,
    )


def covers_right(x: RuleInput) -> Finding | None:
    g, req = x.grant, x.requirement
    if req.right in g.rights:
        return None
    return Finding("wrong-right", f"grant {g.id} does not grant {req.right.value} rights", g.id)


def covers_subject(x: RuleInput) -> Finding | None:
    g, req = x.grant, x.requirement
    if g.lists(req.right, req.subject):
        return None
    if g.catalogue and (not x.is_root or (req.holder is not None and g.licensor == req.holder)):
        return (
            None  # a root catalogue grant covers the holder's catalogue; a sublicence, what its parent covers
        )
    if g.catalogue:
        return Finding(
            "outside-catalogue",
            f"catalogue grant {g.id} covers only what {x.ledger.party_name(g.licensor)} owns, not {req.describe()}",
            g.id,
        )
    return Finding("not-listed", f"grant {g.id} does not list {req.describe()}", g.id)


def in_term(x: RuleInput) -> Finding | None:
    g, q = x.grant, x.query
    term = g.term
    first, last = days_at(q.at, term.tz, q.territory)  # a local term: the days current in the territory
    if term.start <= first and (term.end is None or last <= term.end):
        return None
    if first < term.start:
        return Finding("not-started", f"grant {g.id} starts {term.start}", g.id, "term")
    return Finding("ended", f"grant {g.id} ended {term.end}", g.id, "term")


_TERMINATION_WORDS = {
    TerminationCause.TERMINATED: "was terminated",
    TerminationCause.TAKEDOWN: "was taken down",
    TerminationCause.PURGED: "was purged",
    TerminationCause.SUPERSEDED: "was superseded",
    TerminationCause.WITHDRAWN: "was withdrawn (release re-sent without deals)",
}


def not_terminated(x: RuleInput) -> Finding | None:
    g, q = x.grant, x.query
    t = g.termination
    if t is None or q.at < (t.effective_in(q.territory) if t.local else t.effective):
        return None
    day = t.day_in(g.term.tz, q.territory)
    ref = f" by {t.reference}" if t.reference else ""
    return Finding(
        f"grant-{t.cause.value}", f"grant {g.id} {_TERMINATION_WORDS[t.cause]}{ref} on {day}", g.id, "term"
    )


def in_territory(x: RuleInput) -> Finding | None:
    g, q = x.grant, x.query
    if g.territories.covers(q.territory):
        return None
    return Finding(
        "territory",
        f"grant {g.id} does not cover territory {q.territory} ({g.territories})",
        g.id,
        "territory",
    )


def allows_use(x: RuleInput) -> Finding | None:
    g, q = x.grant, x.query
    if q.use in expand_uses(g.uses):
        return None
    return Finding(
        "use", f"grant {g.id} does not allow use {q.use} (only {', '.join(sorted(g.uses))})", g.id, "use"
    )


def allows_model(x: RuleInput) -> Finding | None:
    g, q = x.grant, x.query
    if q.commercial_model is None or not g.commercial_models or q.commercial_model in g.commercial_models:
        return None
    return Finding(
        "model",
        f"grant {g.id} does not allow {q.commercial_model} (only {', '.join(sorted(g.commercial_models))})",
        g.id,
        "model",
    )


# The registry, in the order findings are reported for one grant: structure before scope before the query point.
GRANT_RULES: tuple[Rule, ...] = (
    not_in_cycle,
    parent_known,
    parent_link,
    parent_sublicensable,
    root_holds_rights,
    covers_right,
    covers_subject,
    in_term,
    not_terminated,
    in_territory,
    allows_use,
    allows_model,
)

# Query-point rules: when an ancestor fails one of these and the sublicence itself passes it, the sublicence
# claims more than its parent had ("exceeds its parent's territory").
QUERY_POINT_RULES: tuple[Rule, ...] = (in_term, not_terminated, in_territory, allows_use, allows_model)


def check_grant(x: RuleInput) -> Finding | None:
    for rule in GRANT_RULES:
        finding = rule(x)
        if finding is not None:
            return finding
    return None
