"""Which recording a track is: audio beats an accepted link beats an automatic link beats the listed ISRC."""

from __future__ import annotations

from datetime import UTC, datetime

from songclear.domain.catalogue import LibraryTrack
from songclear.domain.identity import AudioMatch, ReviewDecision, TrackLink, resolve_identity

TRACK = LibraryTrack(platform="pf", track_id="t", title="x", artist="y", isrc="CNA011500001")
BARE = LibraryTrack(platform="pf", track_id="u", title="yue guang", artist="lin")
WHEN = datetime(2015, 7, 22, tzinfo=UTC)


def match(isrc, start, end, score, confidence=1.0):
    return AudioMatch("pf", "t", isrc, start, end, 0.0, end - start, 1.0, 1.0, score, confidence)


def test_listed_isrc_when_nothing_else_is_known():
    ident = resolve_identity(TRACK)
    assert (ident.isrc, ident.source) == ("CNA011500001", "isrc")
    assert resolve_identity(BARE) is None


def test_audio_wins_over_the_listed_isrc_and_says_so():
    ident = resolve_identity(TRACK, [match("CNB021500009", 0, 30, 500)])
    assert (ident.isrc, ident.source) == ("CNB021500009", "audio")
    assert "the platform lists ISRC CNA011500001" in ident.evidence


def test_a_medley_contains_every_distinct_segment_but_not_weak_echoes():
    found = [match("A", 0, 20, 400), match("B", 20, 40, 300), match("C", 5, 9, 20)]
    ident = resolve_identity(TRACK, found)
    assert ident.isrc == "A" and ident.contains == ("B",)


def test_low_confidence_matches_do_not_identify():
    assert resolve_identity(TRACK, [match("CNB021500009", 0, 30, 15, confidence=0.2)]).source == "isrc"


def test_links_and_reviews():
    auto = TrackLink("auto", "CNC031500001", None, "metadata", 0.95, "title and artist agree\nfield lines")
    assert resolve_identity(BARE, link=auto).isrc == "CNC031500001"
    assert "\n" not in resolve_identity(BARE, link=auto).evidence
    review = TrackLink("review", "CNC031500001", None, "metadata", 0.7, "pinyin only")
    pending = resolve_identity(BARE, link=review)
    assert (pending.isrc, pending.source) == ("", "review")  # never decided by an unconfirmed candidate
    accepted = resolve_identity(
        BARE, link=review, decision=ReviewDecision("CNC031500001", "accept", "Li", WHEN)
    )
    assert (accepted.isrc, accepted.source) == ("CNC031500001", "link")
    assert "accepted by Li on 2015-07-22" in accepted.evidence
    # Audio still wins over an accepted link.
    assert resolve_identity(TRACK, [match("A", 0, 30, 400)], link=auto).isrc == "A"
