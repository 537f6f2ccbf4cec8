"""Where a grant stands at an instant, whatever it covers: in term, not started, ended, or terminated.

- ``terminated``: a termination (ended early by the parties, a DDEX takedown or purge, a superseded deal) is in
  effect at the instant, whatever the term says;
- ``ended``: otherwise, the term's last day (in the grant's own time zone) is over;
- ``not_started``: the term's first day has not begun;
- ``in_term``: otherwise. (In term is not "cleared": the territory, uses and the chain still decide that.)

``store/browse_ledger.py`` states the same rules in SQL to filter grants; a test checks both agree.
"""

from __future__ import annotations

import enum
from datetime import datetime

from songclear.domain.grants import Grant


class GrantState(enum.StrEnum):
    IN_TERM = "in_term"
    NOT_STARTED = "not_started"
    ENDED = "ended"
    TERMINATED = "terminated"


def grant_state(grant: Grant, at: datetime) -> GrantState:
    if grant.termination is not None and grant.termination.effective_in() <= at:
        return GrantState.TERMINATED
    end = grant.term.end_instant()
    if end is not None and end <= at:
        return GrantState.ENDED
    if at < grant.term.start_instant():
        return GrantState.NOT_STARTED
    return GrantState.IN_TERM


def ends_by(grant: Grant, at: datetime) -> bool:
    """The grant no longer holds at ``at``: its term or a termination ended it at or before then."""
    end = grant.effective_end()
    return end is not None and end <= at
