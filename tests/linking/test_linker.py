"""The linker on small hand-written worlds: every kind of hard negative, ISRC and audio precedence, rejections."""

from __future__ import annotations

import pytest

from songclear.domain.catalogue import LibraryTrack, Recording, Version, Work
from songclear.linking import AUTO, NONE, REVIEW, ArtistAliases, Linker, LinkTrack, link_tracks

STUDIO = "CNA011500001"
LIVE = "CNA011500002"
SUNNY = "CNA011500003"
SUNNY_DOLL = "CNA011500004"
DUET = "CNA011500005"
DAY_ONE = "CNA011500006"
OTHER_SUNNY = "CNA011500007"

RECORDINGS = [
    Recording(isrc=STUDIO, title="告白气球", artists=("周杰伦",), duration_s=215, work_id="W-BALLOON"),
    Recording(isrc=LIVE, title="告白气球 (Live)", artists=("周杰伦",), duration_s=240, version=Version.LIVE,
              work_id="W-BALLOON"),
    Recording(isrc=SUNNY, title="晴天", artists=("周杰伦", "Jay Chou"), duration_s=269, work_id="W-SUNNY"),
    Recording(isrc=SUNNY_DOLL, title="晴天娃娃", artists=("周杰伦",), duration_s=200, work_id="W-DOLL"),
    Recording(isrc=DUET, title="千里之外", artists=("周杰伦", "费玉清"), duration_s=255, work_id="W-FAR"),
    Recording(isrc=DAY_ONE, title="第一天", artists=("林一",), duration_s=230, work_id="W-DAY1"),
    Recording(isrc=OTHER_SUNNY, title="晴天", artists=("林一",), duration_s=190, work_id="W-SUNNY-LIN"),
]  # fmt: skip
WORKS = {r.work_id: Work(id=r.work_id, title=r.title) for r in RECORDINGS if r.work_id}
ALIASES = ArtistAliases.from_ledger(recordings=RECORDINGS, groups=[("周杰伦", "Jay Chou", "Zhou Jielun")])


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(RECORDINGS, WORKS, ALIASES)


def link(
    linker: Linker, title: str, artist: str, duration: float | None = None, isrc: str | None = None, **kw
):
    return linker.link(LinkTrack("qq/1", title, artist, isrc, duration), **kw)


@pytest.mark.parametrize(
    ("title", "artist", "duration", "isrc"),
    [
        ("告白气球", "周杰伦", 215, STUDIO),
        ("告白氣球", "周杰倫", 216, STUDIO),  # traditional title and artist
        ("告白气球", "Jay Chou", 215, STUDIO),  # English alias
        ("告白气球", "ＪＡＹ　ＣＨＯＵ", None, STUDIO),  # full-width, no duration
        ("告白气球（Live版）", "周杰伦", 241, LIVE),  # version tag in another notation
        ("告白汽球", "周杰伦", 215, STUDIO),  # typo, confirmed by the duration
        ("千里之外", "费玉清 & 周杰伦", 255, DUET),  # multi-artist, another order
        ("千里之外 (feat. 费玉清)", "周杰伦", 255, DUET),
        ("千里之外", "周杰伦", 255, DUET),  # the track credits fewer artists
    ],
)
def test_auto_links(linker: Linker, title: str, artist: str, duration: float | None, isrc: str) -> None:
    p = link(linker, title, artist, duration)
    assert (p.outcome, p.isrc) == (AUTO, isrc), p.explanation


def test_auto_link_carries_the_recordings_work_and_explains_each_field(linker: Linker) -> None:
    p = link(linker, "告白氣球", "Jay Chou", 215)
    assert p.work_id == "W-BALLOON"
    assert [f.name for f in p.score.fields] == ["title", "artist", "version", "duration"]
    assert p.score.field("title").agreement == "script"
    assert "artist: agree" in p.explanation


def test_same_title_by_another_artist_is_not_a_match(linker: Linker) -> None:
    p = link(linker, "告白气球", "费玉清", 215)
    assert (p.outcome, p.isrc, p.work_id) == (NONE, None, None)
    assert "a different artist" in p.explanation


def test_live_is_not_studio(linker: Linker) -> None:
    p = link(linker, "晴天 (Live)", "周杰伦", 290)
    assert p.isrc is None and p.outcome == REVIEW and p.work_id == "W-SUNNY"
    assert "another version" in p.explanation


def test_studio_track_does_not_link_to_the_live_recording(linker: Linker) -> None:
    p = link(linker, "告白气球", "周杰伦", 240)  # the live recording's length, but no live marker
    assert p.isrc != LIVE


def test_instrumental_is_not_the_vocal(linker: Linker) -> None:
    p = link(linker, "晴天 (伴奏)", "周杰伦", 269)
    assert p.isrc is None and p.outcome != AUTO


def test_remix_is_its_own_recording(linker: Linker) -> None:
    p = link(linker, "晴天 DJ版", "周杰伦", 230)
    assert p.isrc is None and p.outcome != AUTO


def test_cover_by_another_artist_links_to_the_work_only(linker: Linker) -> None:
    p = link(linker, "告白气球 (翻唱)", "费玉清", 230)
    assert (p.outcome, p.isrc, p.work_id) == (AUTO, None, "W-BALLOON")


def test_cover_of_an_ambiguous_title_goes_to_review_unless_the_original_is_named(linker: Linker) -> None:
    ambiguous = link(linker, "晴天 (Cover)", "费玉清", 230)  # 周杰伦 and 林一 both have a 晴天
    assert (ambiguous.outcome, ambiguous.isrc) == (REVIEW, None)
    named = link(linker, "晴天 (原唱: 林一)", "费玉清", 230)
    assert (named.outcome, named.isrc, named.work_id) == (AUTO, None, "W-SUNNY-LIN")


def test_same_artists_similar_titles_are_not_auto_linked(linker: Linker) -> None:
    assert link(linker, "晴天娃", "周杰伦", 150).outcome != AUTO  # near 晴天娃娃, but not its length
    p = link(linker, "第二天", "林一", 230)  # differs from 第一天 only in a number, same length
    assert p.outcome != AUTO
    assert "number" in p.explanation
    exact = link(linker, "晴天", "周杰伦", 269)  # 晴天娃娃 is a rival but the exact title wins clearly
    assert (exact.outcome, exact.isrc) == (AUTO, SUNNY)


def test_pinyin_title_links_when_the_artist_and_the_length_confirm_it(linker: Linker) -> None:
    # Issue 12: a pinyin title with an agreeing artist and duration is the recording; evidence by sound alone
    # (no length, or an artist that also agrees only by sound) still goes to a person.
    p = link(linker, "Gao Bai Qi Qiu", "Jay Chou", 215)
    assert (p.outcome, p.isrc) == (AUTO, STUDIO), p.explanation
    assert p.score.field("title").agreement == "phonetic"
    unconfirmed = link(linker, "Gao Bai Qi Qiu", "Jay Chou")
    assert (unconfirmed.outcome, unconfirmed.isrc) == (REVIEW, STUDIO)
    assert any("sound" in r for r in unconfirmed.reasons)
    both = link(linker, "Di Yi Tian", "Lin Yi", 230)  # title and artist both only by pinyin
    assert (both.outcome, both.isrc) == (REVIEW, DAY_ONE)


@pytest.mark.parametrize("artist", ["Lin Yi", "LIN YI", "linyi", "Yi Lin"])
def test_artist_written_in_pinyin_links_when_title_and_length_agree(linker: Linker, artist: str) -> None:
    p = link(linker, "第一天", artist, 230)  # no alias says Lin Yi is 林一: its pinyin does, either way round
    assert (p.outcome, p.isrc) == (AUTO, DAY_ONE), p.explanation
    assert p.score.field("artist").agreement == "phonetic"


def test_artist_in_pinyin_without_a_length_or_by_initials_goes_to_review(linker: Linker) -> None:
    assert (link(linker, "第一天", "Lin Yi").outcome, link(linker, "第一天", "LY", 230).outcome) == (
        REVIEW,
        REVIEW,
    )


def test_unknown_annotation_blocks_auto(linker: Linker) -> None:
    p = link(linker, "告白气球 (英文版)", "周杰伦", 215)
    assert p.outcome == REVIEW and "annotations differ" in p.explanation


def test_durations_far_apart_block_auto(linker: Linker) -> None:
    assert link(linker, "告白气球", "周杰伦", 320).outcome == REVIEW


def test_malformed_isrc_is_flagged_and_metadata_wins(linker: Linker) -> None:
    p = link(linker, "晴天", "周杰伦", 269, isrc="CNA0115000")
    assert (p.outcome, p.isrc, p.source) == (AUTO, SUNNY, "metadata")
    assert any("malformed" in f for f in p.flags)


def test_valid_isrc_agreeing_with_metadata_is_trusted(linker: Linker) -> None:
    p = link(linker, "晴天", "Jay Chou", 269, isrc="cn-a01-15-00003")
    assert (p.outcome, p.isrc, p.source, p.conflicts) == (AUTO, SUNNY, "isrc", ())


def test_valid_isrc_disagreeing_with_strong_metadata_goes_to_review_with_both_sides(linker: Linker) -> None:
    p = link(linker, "晴天", "周杰伦", 269, isrc=DAY_ONE)
    assert p.outcome == REVIEW and p.isrc == DAY_ONE
    assert any(SUNNY in c and DAY_ONE in c for c in p.conflicts)
    assert p.alternatives[0][0] == SUNNY


def test_unregistered_isrc_is_flagged_and_metadata_decides(linker: Linker) -> None:
    p = link(linker, "晴天", "周杰伦", 269, isrc="USRC17607839")
    assert (p.outcome, p.isrc) == (AUTO, SUNNY)
    assert any("not a registered recording" in f for f in p.flags)


def test_audio_wins_and_agreement_is_auto(linker: Linker) -> None:
    p = link(linker, "晴天", "周杰伦", 269, audio_isrc=SUNNY)
    assert (p.outcome, p.isrc, p.source) == (AUTO, SUNNY, "audio")


def test_audio_disagreeing_with_metadata_and_isrc_goes_to_review_with_all_sides(linker: Linker) -> None:
    p = link(linker, "晴天", "周杰伦", 269, isrc=DAY_ONE, audio_isrc=LIVE)
    assert (p.outcome, p.isrc, p.source) == (REVIEW, LIVE, "audio")
    text = " ".join(p.conflicts)
    assert DAY_ONE in text and SUNNY in text and LIVE in text


def test_a_rejected_pair_is_never_proposed_again(linker: Linker) -> None:
    p = link(linker, "晴天", "周杰伦", 269, rejected={SUNNY})
    assert p.isrc != SUNNY
    via_isrc = link(linker, "晴天", "周杰伦", 269, isrc=SUNNY, rejected={SUNNY})
    assert via_isrc.isrc != SUNNY


def test_link_tracks_streams_proposals_with_audio_and_rejections() -> None:
    tracks = [
        LinkTrack.from_library(LibraryTrack(platform="qq", track_id="1", title="晴天", artist="周杰伦"), 269),
        LinkTrack("qq/2", "告白气球", "周杰伦", None, 215),
        LinkTrack("qq/3", "无名之歌", "无名", None, 100),
    ]
    out = list(
        link_tracks(tracks, RECORDINGS, WORKS, ALIASES, audio={"qq/2": LIVE}, rejected={("qq/1", SUNNY)})
    )
    assert [p.track_key for p in out] == ["qq/1", "qq/2", "qq/3"]
    assert out[0].isrc != SUNNY
    assert (out[1].isrc, out[1].source) == (LIVE, "audio")
    assert out[2].outcome == NONE and out[2].explanation == "no candidate recording"


def test_malformed_iswc_on_the_linked_work_is_flagged() -> None:
    works = dict(WORKS, **{"W-SUNNY": Work(id="W-SUNNY", title="晴天", iswc="T-034.524.680-2")})
    p = Linker(RECORDINGS, works, ALIASES).link(LinkTrack("qq/1", "晴天", "周杰伦", None, 269))
    assert p.outcome == AUTO and any("ISWC" in f for f in p.flags)
