"""Audio identification results: which reference audio each recording was fingerprinted from, which library
tracks were scanned against which state of the index, and the matches found (with their evidence pictures).

A scanned track's row and its matches are written in one transaction, so a scan killed at any point resumes
without duplicates: a track with a ``scanned_tracks`` row for the current index version is done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session

from songclear.domain.identity import AudioMatch
from songclear.errors import NotFound
from songclear.store import tables


@dataclass(frozen=True, slots=True)
class ReferenceAudio:
    isrc: str
    path: str
    sha256: str
    seconds: float


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """What scanning one library track produced (from a worker), ready to be recorded."""

    platform: str
    track_id: str
    audio_path: str
    matches: tuple[AudioMatch, ...] = ()
    evidence: tuple[bytes | None, ...] = ()  # one PNG per match, same order
    error: str | None = None

    @property
    def status(self) -> str:
        return "error" if self.error else ("matched" if self.matches else "no_match")


class AudioMatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reference audio ------------------------------------------------------------------------------------------

    def put_reference(self, ref: ReferenceAudio, *, recorded_at: datetime) -> None:
        t = tables.reference_audio
        self.session.execute(delete(t).where(t.c.isrc == ref.isrc))
        self.session.execute(
            insert(t).values(
                isrc=ref.isrc, path=ref.path, sha256=ref.sha256, seconds=ref.seconds, recorded_at=recorded_at
            )
        )

    def remove_reference(self, isrc: str) -> None:
        t = tables.reference_audio
        if self.session.execute(delete(t).where(t.c.isrc == isrc)).rowcount == 0:
            raise NotFound(f"no reference audio for recording {isrc}")

    def references(self) -> dict[str, ReferenceAudio]:
        t = tables.reference_audio
        rows = self.session.execute(select(t.c.isrc, t.c.path, t.c.sha256, t.c.seconds)).all()
        return {r.isrc: ReferenceAudio(r.isrc, r.path, r.sha256, r.seconds) for r in rows}

    # -- scans ------------------------------------------------------------------------------------------------------

    def scanned_track_ids(self, platform: str, index_version: str) -> set[str]:
        t = tables.scanned_tracks
        q = select(t.c.track_id).where(and_(t.c.platform == platform, t.c.index_version == index_version))
        return set(self.session.execute(q).scalars())

    def record_scan(self, outcome: ScanOutcome, *, index_version: str, recorded_at: datetime) -> bool:
        """Record one track's scan; False (and nothing written) if it was already recorded for this index."""
        t = tables.scanned_tracks
        exists = select(t.c.id).where(
            and_(
                t.c.platform == outcome.platform,
                t.c.track_id == outcome.track_id,
                t.c.index_version == index_version,
            )
        )
        if self.session.execute(exists).first() is not None:
            return False
        self.session.execute(
            insert(t).values(
                platform=outcome.platform,
                track_id=outcome.track_id,
                index_version=index_version,
                audio_path=outcome.audio_path,
                status=outcome.status,
                error=outcome.error,
                matches=len(outcome.matches),
                recorded_at=recorded_at,
            )
        )
        rows = [
            {
                "platform": m.platform,
                "track_id": m.track_id,
                "index_version": index_version,
                "isrc": m.isrc,
                "query_start": m.query_start,
                "query_end": m.query_end,
                "reference_start": m.reference_start,
                "reference_end": m.reference_end,
                "speed": m.speed,
                "pitch": m.pitch,
                "score": m.score,
                "confidence": m.confidence,
                "evidence_png": png,
                "recorded_at": recorded_at,
            }
            for m, png in zip(
                outcome.matches, outcome.evidence or (None,) * len(outcome.matches), strict=True
            )
        ]
        if rows:
            self.session.execute(insert(tables.audio_matches), rows)
        return True

    def scan_counts(self, platform: str, index_version: str) -> dict[str, int]:
        t = tables.scanned_tracks
        q = (
            select(t.c.status, func.count())
            .where(and_(t.c.platform == platform, t.c.index_version == index_version))
            .group_by(t.c.status)
        )
        return {status: n for status, n in self.session.execute(q).all()}

    def last_scan(self, platform: str) -> datetime | None:
        """When a track of ``platform`` was last scanned (any index version), or None."""
        t = tables.scanned_tracks
        return self.session.execute(
            select(func.max(t.c.recorded_at)).where(t.c.platform == platform)
        ).scalar()

    def _latest_scans(self, platform: str | None, known_at: datetime | None):
        """Per track, the newest scan recorded at or before ``known_at``: (platform, track_id) -> index_version."""
        t = tables.scanned_tracks
        q = select(t.c.platform, t.c.track_id, t.c.index_version, t.c.recorded_at)
        if platform is not None:
            q = q.where(t.c.platform == platform)
        if known_at is not None:
            q = q.where(t.c.recorded_at <= known_at)
        latest: dict[tuple[str, str], tuple[datetime, str]] = {}
        for r in self.session.execute(q):
            key = (r.platform, r.track_id)
            if key not in latest or r.recorded_at > latest[key][0]:
                latest[key] = (r.recorded_at, r.index_version)
        return {k: v[1] for k, v in latest.items()}

    def matches_by_track(
        self, platform: str | None = None, *, known_at: datetime | None = None
    ) -> dict[tuple[str, str], list[AudioMatch]]:
        """The matches of each track's newest scan as known at ``known_at`` (None: now)."""
        latest = self._latest_scans(platform, known_at)
        m = tables.audio_matches
        q = select(m).order_by(m.c.platform, m.c.track_id, m.c.query_start, m.c.isrc)
        if platform is not None:
            q = q.where(m.c.platform == platform)
        out: dict[tuple[str, str], list[AudioMatch]] = defaultdict(list)
        for r in self.session.execute(q):
            if latest.get((r.platform, r.track_id)) != r.index_version:
                continue
            out[r.platform, r.track_id].append(_match(r))
        return dict(out)

    def evidence(self, platform: str, track_id: str) -> list[tuple[AudioMatch, bytes | None]]:
        latest = self._latest_scans(platform, None).get((platform, track_id))
        m = tables.audio_matches
        q = (
            select(m)
            .where(and_(m.c.platform == platform, m.c.track_id == track_id, m.c.index_version == latest))
            .order_by(m.c.query_start, m.c.isrc)
        )
        return [(_match(r), r.evidence_png) for r in self.session.execute(q)]


def _match(r) -> AudioMatch:
    return AudioMatch(
        r.platform,
        r.track_id,
        r.isrc,
        r.query_start,
        r.query_end,
        r.reference_start,
        r.reference_end,
        r.speed,
        r.pitch,
        r.score,
        r.confidence,
    )


def record_outcomes(
    session: Session, outcomes: Iterable[ScanOutcome], *, index_version: str, recorded_at: datetime
) -> int:
    repo = AudioMatchRepository(session)
    return sum(repo.record_scan(o, index_version=index_version, recorded_at=recorded_at) for o in outcomes)
