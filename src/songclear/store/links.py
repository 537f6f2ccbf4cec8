"""Metadata links and review decisions.

Each run of the linker records its proposal per track only when it differs from the current one (so re-linking
an unchanged library writes nothing); the previous proposal is kept, superseded, for 'as known at' audits.
Review decisions are append-only: who accepted or rejected which candidate, when, and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from songclear.domain.identity import ReviewDecision, TrackLink
from songclear.errors import InputError, NotFound
from songclear.store import tables

L = tables.track_links
R = tables.review_decisions


@dataclass(frozen=True, slots=True)
class StoredLink:
    platform: str
    track_id: str
    link: TrackLink
    details: dict
    recorded_at: datetime

    @property
    def reasons(self) -> list[str]:
        """Why the proposal is not automatic. Proposals recorded before reasons were stored: read back from the
        explanation's 'not this recording' / 'needs review' lines."""
        if "reasons" in self.details:
            return list(self.details["reasons"])
        marks = ("  not this recording: ", "  needs review: ")
        return [
            line[len(m) :] for line in self.link.explanation.splitlines() for m in marks if line.startswith(m)
        ]

    def as_dict(self) -> dict:
        return {
            "track": f"{self.platform}/{self.track_id}",
            "outcome": self.link.outcome,
            "recording": self.link.isrc,
            "work": self.link.work_id,
            "source": self.link.source,
            "score": None if self.link.score is None else round(self.link.score, 4),
            "explanation": self.link.explanation,
            "reasons": self.reasons,
            "conflicts": self.details.get("conflicts", []),
            "flags": self.details.get("flags", []),
            "alternatives": self.details.get("alternatives", []),
            "fields": self.details.get("fields", []),
            "recorded_at": self.recorded_at.isoformat(),
        }


class LinkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self, platform: str, proposals: Iterable[tuple[str, TrackLink, dict]], *, recorded_at: datetime
    ) -> int:
        """Record (track_id, link, details) proposals; returns how many differ from the current ones."""
        current = {s.track_id: s for s in self.current(platform).values()}
        changed = 0
        rows = []
        for track_id, link, details in proposals:
            old = current.get(track_id)
            if old is not None and old.link == link and old.details == details:
                continue
            if old is not None:
                self.session.execute(
                    update(L)
                    .where(
                        and_(L.c.platform == platform, L.c.track_id == track_id, L.c.superseded_at.is_(None))
                    )
                    .values(superseded_at=recorded_at)
                )
            rows.append(
                {
                    "platform": platform, "track_id": track_id, "outcome": link.outcome, "isrc": link.isrc,
                    "work_id": link.work_id, "source": link.source, "score": link.score,
                    "explanation": link.explanation, "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
                    "recorded_at": recorded_at,
                }
            )  # fmt: skip
            changed += 1
        if rows:
            self.session.execute(insert(L), rows)
        return changed

    def current(
        self, platform: str | None = None, *, known_at: datetime | None = None
    ) -> dict[tuple[str, str], StoredLink]:
        if known_at is None:
            visible = L.c.superseded_at.is_(None)
        else:
            visible = and_(
                L.c.recorded_at <= known_at, or_(L.c.superseded_at.is_(None), L.c.superseded_at > known_at)
            )
        q = select(L).where(visible)
        if platform is not None:
            q = q.where(L.c.platform == platform)
        return {(r.platform, r.track_id): _stored(r) for r in self.session.execute(q)}

    def get(self, platform: str, track_id: str) -> StoredLink:
        found = self.current(platform).get((platform, track_id))
        if found is None:
            raise NotFound(
                f"no link proposal for {platform}/{track_id}: run 'songclear link --platform {platform}'"
            )
        return found

    # -- review ---------------------------------------------------------------------------------------------------

    def review_queue(self, platform: str) -> list[StoredLink]:
        """Proposals in review with no decision since they were made (a newer proposal asks again), by track."""
        decided = self.decisions(platform)
        return [
            s
            for key, s in sorted(self.current(platform).items())
            if s.link.outcome == "review"
            and not any(d.decided_at >= s.recorded_at for d in decided.get(key, []))
        ]

    def decide(
        self, platform: str, track_id: str, decision: str, *, actor: str, note: str, at: datetime
    ) -> ReviewDecision:
        """Accept or reject the current proposal's candidate (its recording, else its work)."""
        if decision not in ("accept", "reject"):
            raise InputError(f"a review decision is 'accept' or 'reject', not {decision!r}")
        if not actor.strip():
            raise InputError("a review decision needs the reviewer's name (--by)")
        stored = self.get(platform, track_id)
        candidate = stored.link.isrc or stored.link.work_id
        if candidate is None:
            raise InputError(
                f"{platform}/{track_id} has no candidate to {decision}: the linker proposed nothing"
            )
        self.session.execute(
            insert(R).values(
                platform=platform, track_id=track_id, candidate=candidate, decision=decision, actor=actor,
                note=note, decided_at=at,
            )
        )  # fmt: skip
        return ReviewDecision(candidate, decision, actor, at)

    def decisions(
        self, platform: str | None = None, *, known_at: datetime | None = None
    ) -> dict[tuple[str, str], list[ReviewDecision]]:
        """Per track, its decisions, oldest first."""
        q = select(R).order_by(R.c.decided_at, R.c.id)
        if platform is not None:
            q = q.where(R.c.platform == platform)
        if known_at is not None:
            q = q.where(R.c.decided_at <= known_at)
        out: dict[tuple[str, str], list[ReviewDecision]] = {}
        for r in self.session.execute(q):
            out.setdefault((r.platform, r.track_id), []).append(
                ReviewDecision(r.candidate, r.decision, r.actor, r.decided_at)
            )
        return out

    def rejected_pairs(self, platform: str) -> set[tuple[str, str]]:
        """(track key, candidate) pairs a reviewer rejected: the linker never proposes them again."""
        return {
            (f"{platform}/{track_id}", d.candidate)
            for (_, track_id), ds in self.decisions(platform).items()
            for d in ds
            if d.decision == "reject"
        }


def _stored(r) -> StoredLink:
    return StoredLink(
        r.platform, r.track_id, TrackLink(r.outcome, r.isrc, r.work_id, r.source, r.score, r.explanation),
        json.loads(r.details), r.recorded_at,
    )  # fmt: skip
