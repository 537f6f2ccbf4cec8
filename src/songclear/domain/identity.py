"""Which recording a library track really is: the ISRC the platform gave, or what its audio matched.

Audio wins over metadata: a copy uploaded under a wrong title and ISRC is judged by the recording its audio
contains, and the match is shown as the reason. Every recording the audio contains must be cleared (a medley).
The audio matches themselves come from the fingerprint engine through the store; here they are plain records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from songclear.domain.catalogue import LibraryTrack, TrackIdentity
from songclear.domain.identifiers import is_valid_isrc, normalise_isrc


@dataclass(frozen=True, slots=True)
class AudioMatch:
    """A segment of a library track's audio that matches a registered recording (seconds, factors, score)."""

    platform: str
    track_id: str
    isrc: str
    query_start: float
    query_end: float
    reference_start: float
    reference_end: float
    speed: float
    pitch: float
    score: float
    confidence: float

    @property
    def seconds(self) -> float:
        return self.query_end - self.query_start

    def describe(self) -> str:
        semitones = _semitones(self.pitch)
        return (
            f"audio matches recording {self.isrc}: track {self.query_start:.1f}-{self.query_end:.1f} s = recording "
            f"{self.reference_start:.1f}-{self.reference_end:.1f} s, speed x{self.speed:.3f}, pitch "
            f"{semitones:+.1f} semitones, confidence {self.confidence:.3f}"
        )


def _semitones(ratio: float) -> float:
    import math

    return 12.0 * math.log2(ratio) if ratio > 0 else 0.0


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else text


def _overlap(a: AudioMatch, b: AudioMatch) -> float:
    return max(0.0, min(a.query_end, b.query_end) - max(a.query_start, b.query_start))


def _distinct_segments(matches) -> list[AudioMatch]:
    """Strongest first; a weaker match mostly inside a stronger one's stretch of the track is dropped: one
    moment of audio is one recording (a medley's parts follow each other), and a weak echo of a similar
    passage elsewhere in the catalogue is not a second recording."""
    kept: list[AudioMatch] = []
    for m in sorted(matches, key=lambda m: (-m.score, -m.seconds, m.isrc)):
        if all(_overlap(m, k) <= 0.5 * m.seconds for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: (-m.seconds, -m.score, m.isrc))


@dataclass(frozen=True, slots=True)
class TrackLink:
    """The metadata linker's proposal for a track (see songclear.linking), as stored."""

    outcome: str  # 'auto' | 'review' | 'none'
    isrc: str | None
    work_id: str | None
    source: str  # 'audio' | 'isrc' | 'metadata'
    score: float | None
    explanation: str


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """A person's verdict on a proposed candidate (an ISRC or a work id) for a track."""

    candidate: str
    decision: str  # 'accept' | 'reject'
    actor: str
    decided_at: datetime


# An audio match identifies a track only from this confidence on; weaker ones are kept as evidence, not used.
DECIDING_CONFIDENCE = 0.5


def resolve_identity(
    track: LibraryTrack,
    matches: Iterable[AudioMatch] = (),
    *,
    link: TrackLink | None = None,
    decision: ReviewDecision | None = None,
    min_confidence: float = DECIDING_CONFIDENCE,
) -> TrackIdentity | None:
    """The track's identity, strongest evidence first: the recording its audio matches longest (others it
    contains listed); a link a reviewer accepted; an automatic metadata link; its listed ISRC. A link waiting
    for review is said (source 'review') but never decides: the track is judged by its ISRC, if any."""
    good = _distinct_segments(m for m in matches if m.confidence >= min_confidence)
    if good:
        primary = good[0]
        contains = tuple(sorted({m.isrc for m in good} - {primary.isrc}))
        evidence = primary.describe()
        if track.isrc and track.isrc != primary.isrc:
            evidence += f" (the platform lists ISRC {track.isrc})"
        elif not track.isrc:
            evidence += f" (the platform lists it as '{track.title}' by '{track.artist}', no ISRC)"
        if contains:
            evidence += f"; the audio also contains {', '.join(contains)}"
        return TrackIdentity(primary.isrc, "audio", evidence, contains)
    if decision is not None and decision.decision == "accept":
        when = f"{decision.decided_at:%Y-%m-%d}"
        if is_valid_isrc(decision.candidate):
            return TrackIdentity(
                normalise_isrc(decision.candidate),
                "link",
                f"link to {decision.candidate} accepted by {decision.actor} on {when}",
            )
        return TrackIdentity(
            "",
            "link",
            f"linked to work {decision.candidate} (accepted by {decision.actor} on {when}); its recording is not registered",
        )
    if link is not None and link.outcome == "auto" and link.source != "isrc":
        if link.isrc:
            return TrackIdentity(link.isrc, "link", f"metadata link: {_first_line(link.explanation)}")
        if link.work_id:
            return TrackIdentity(
                "", "link", f"linked to work {link.work_id} only: {_first_line(link.explanation)}"
            )
    if link is not None and link.outcome == "review":
        return TrackIdentity(
            track.isrc or "", "review", f"a metadata link awaits review: {_first_line(link.explanation)}"
        )
    return TrackIdentity(track.isrc) if track.isrc else None
