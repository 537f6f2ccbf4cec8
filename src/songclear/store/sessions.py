"""The dashboard's sessions, server-side (table ``dashboard_sessions``).

Logging in opens a session: a random 256-bit id goes into the signed cookie and only its sha256 is stored (as for
API tokens: a leaked table opens no session). Each request checks that the cookie's session is still live — not
ended, younger than ``max_age``, for the user the cookie names — so logging out (``end``) or disabling the user
(``end_all``) refuses the same cookie from then on, even a copy of it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from songclear.store import tables

T = tables.dashboard_sessions
KEEP = timedelta(days=30)  # how long a session's row outlives it (far past any cookie's 8 hours)


def _sha(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open(self, username: str, *, now: datetime, keep: timedelta = KEEP) -> str:
        """A new live session for ``username``; returns its id (for the cookie only, never stored). Sessions
        opened more than ``keep`` ago (long dead) are deleted on the way, so the table stays small."""
        self.session.execute(delete(T).where(T.c.created_at < now - keep))
        session_id = secrets.token_urlsafe(32)
        self.session.execute(
            insert(T).values(session_sha256=_sha(session_id), username=username, created_at=now)
        )
        return session_id

    def is_live(self, session_id: str, username: str, *, now: datetime, max_age_s: float) -> bool:
        """Whether ``session_id`` is a session of ``username`` not ended and opened less than ``max_age_s`` ago."""
        row = self.session.execute(
            select(T.c.username, T.c.created_at, T.c.ended_at).where(T.c.session_sha256 == _sha(session_id))
        ).first()
        return (
            row is not None
            and row.username == username
            and row.ended_at is None
            and now - row.created_at < timedelta(seconds=max_age_s)
        )

    def end(self, session_id: str, *, now: datetime) -> None:
        """End one session (logout): its cookie opens nothing from now on."""
        self.session.execute(
            update(T)
            .where(T.c.session_sha256 == _sha(session_id), T.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    def end_all(self, username: str, *, now: datetime) -> int:
        """End every live session of ``username`` (the user disabled); returns how many."""
        done = self.session.execute(
            update(T).where(T.c.username == username, T.c.ended_at.is_(None)).values(ended_at=now)
        )
        return done.rowcount or 0
