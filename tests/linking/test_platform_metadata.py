"""Issue 12: the messy rows platforms actually hold, one behaviour per test, on a small world written inline.

Each case failed before the issue-12 change (vetoed, no candidate, review, or a wrong automatic link).
"""

from __future__ import annotations

import pytest

from songclear.domain.catalogue import Artist, Recording, Work
from songclear.linking import AUTO, NONE, REVIEW, ArtistAliases, Linker, LinkTrack

MOON = "CNB011600001"  # 月光码头 by 沈一文 (A-SHEN: Ivy Shen, 沈一文, 瀋一文)
MISS = "CNB011600002"  # 想你 by 沈一文
SEA = "CNB011600003"  # 海风 by 沈一文
STAR = "CNB011600004"  # 星河 by 白鸽乐队 (A-DOVE: White Dove)
LATIN = "CNB011600005"  # 晚安 registered under the Latin name 'Ivy Shen'
DUET = "CNB011600006"  # 雨夜 by 沈一文 and 白鸽乐队

RECORDINGS = [
    Recording(isrc=MOON, title="月光码头", artists=("沈一文",), duration_s=241, work_id="W-MOON"),
    Recording(isrc=MISS, title="想你", artists=("沈一文",), duration_s=200, work_id="W-MISS"),
    Recording(isrc=SEA, title="海风", artists=("沈一文",), duration_s=188, work_id="W-SEA"),
    Recording(isrc=STAR, title="星河", artists=("白鸽乐队",), duration_s=230, work_id="W-STAR"),
    Recording(isrc=LATIN, title="晚安", artists=("Ivy Shen",), duration_s=210, work_id="W-NIGHT"),
    Recording(isrc=DUET, title="雨夜", artists=("沈一文", "白鸽乐队"), duration_s=250, work_id="W-RAIN"),
]
WORKS = {r.work_id: Work(id=r.work_id, title=r.title) for r in RECORDINGS if r.work_id}
ARTISTS = [
    Artist(id="A-SHEN", name="沈一文", aliases=("Ivy Shen", "瀋一文")),
    Artist(id="A-DOVE", name="白鸽乐队", aliases=("White Dove",)),
]


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(RECORDINGS, WORKS, ArtistAliases.from_ledger(recordings=RECORDINGS, artists=ARTISTS))


def link(linker: Linker, title: str, artist: str = "", duration: float | None = None):
    return linker.link(LinkTrack("qq/1", title, artist, None, duration))


# -- 1. the artist table -------------------------------------------------------------------------------------


def test_every_alias_resolves_to_the_artists_stable_id_whatever_the_order() -> None:
    a = ArtistAliases.from_ledger(recordings=RECORDINGS, artists=ARTISTS)
    b = ArtistAliases.from_ledger(recordings=RECORDINGS[::-1], artists=ARTISTS[::-1])
    for name in ("沈一文", "Ivy Shen", "瀋一文", "ＩＶＹ　ＳＨＥＮ", "A-SHEN"):
        assert a.key(name) == b.key(name) == "@A-SHEN", name
    assert a.resolution("Ivy Shen") == "artist table"


def test_an_alias_two_artists_share_names_neither() -> None:
    table = ArtistAliases.from_ledger(
        artists=[
            Artist(id="A-1", name="林一", aliases=("Lily",)),
            Artist(id="A-2", name="林二", aliases=("Lily",)),
        ]
    )
    assert table.key("Lily") is None and table.key("林一") == "@A-1"


def test_an_artists_party_lends_it_its_names() -> None:
    from songclear.domain.catalogue import Party
    from songclear.domain.vocabulary import PartyKind

    party = Party(id="L-DOVE", name="白鸽工作室", kind=PartyKind.LABEL, aliases=("Dove Studio",))
    table = ArtistAliases.from_ledger(
        parties=[party], artists=[Artist(id="A-DOVE", name="白鸽乐队", party="L-DOVE")]
    )
    assert table.key("Dove Studio") == table.key("白鸽乐队") == "@A-DOVE"


def test_a_recording_registered_under_an_alias_links_from_any_spelling(linker: Linker) -> None:
    p = link(linker, "晚安", "沈一文", 210)
    assert (p.outcome, p.isrc) == (AUTO, LATIN), p.explanation


def test_pinyin_artist_is_not_vetoed_when_a_latin_alias_names_the_group(linker: Linker) -> None:
    # Before: the group's key was 'ivyshen' (the first alias in sort order), so 'Shen Yiwen' was 'a different
    # artist'. Names are compared, not keys.
    p = link(linker, "月光码头", "Shen Yiwen", 241)
    assert (p.outcome, p.isrc) == (AUTO, MOON), p.explanation


@pytest.mark.parametrize("order", [1, -1])
def test_a_one_character_artist_typo_is_decided_the_same_whatever_the_alias_order(order: int) -> None:
    aliases = ArtistAliases.from_ledger(recordings=RECORDINGS[::order], artists=ARTISTS[::order])
    linker = Linker(RECORDINGS, WORKS, aliases)
    homophone = linker.link(LinkTrack("qq/1", "月光码头", "沈一闻", None, 241))  # 闻 / 文: wen
    assert (homophone.outcome, homophone.isrc) == (AUTO, MOON), homophone.explanation
    other = linker.link(LinkTrack("qq/1", "月光码头", "沈二文", None, 241))  # not a homophone: unknown
    assert (other.outcome, other.isrc) == (REVIEW, MOON)


# -- 2. platform noise ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "artist"),
    [
        ("沈一文 - 月光码头", ""),
        ("沈一文-月光码头", ""),
        ("月光码头 - 沈一文", ""),
        ("月光码头 - 沈一文 (正式版)", "沈一文"),
        ("沈一文 - 月光码头", "Ivy Shen"),
        ("月光码头 沈一文", "沈一文"),
        ("月光码头.mp3", "沈一文"),
        ("03. 沈一文 - 月光码头.flac", ""),
        ("01 月光码头", "沈一文"),
        ("Track 07 - 月光码头", "沈一文"),
        ("月光码头【高品质】", "沈一文"),
        ("月光码头 [无损 FLAC]", "沈一文"),
        ("月光码头（320k）", "沈一文"),
        ("月光码头 (官方版)", "沈一文"),
        ("月光码头〖Hi-Res〗", "沈一文"),
        ("《月光码头》", "沈一文"),
        ("月光码头 (来源：网易云音乐)", "沈一文"),
        ("月光码头【原唱】", "沈一文"),
        ("月光码头 原唱", "沈一文"),
        ("月光码头 (原唱: 沈一文)", ""),
    ],
)
def test_decorations_around_the_title_still_link(linker: Linker, title: str, artist: str) -> None:
    p = link(linker, title, artist, 241)
    assert (p.outcome, p.isrc) == (AUTO, MOON), p.explanation


def test_the_reading_used_is_shown(linker: Linker) -> None:
    p = link(linker, "沈一文 - 月光码头", "", 241)
    assert any("read as '月光码头' by '沈一文'" in f for f in p.flags)


def test_numbers_that_are_the_title_are_not_track_numbers() -> None:
    from songclear.linking.noise import clean_title

    assert clean_title("17岁") == "17岁"
    assert clean_title("2002年的第一场雪") == "2002年的第一场雪"
    assert clean_title("99 Red Balloons") == "99 Red Balloons"
    assert clean_title("1234") == "1234"
    assert clean_title("03-晴天.MP3") == "晴天"


@pytest.mark.parametrize(
    "title", ["月光码头 cover", "月光码头翻唱", "月光码头 (翻唱)", "月光码头 (原唱: 沈一文)"]
)
def test_a_cover_suffix_marks_a_cover_linked_to_the_work_only(linker: Linker, title: str) -> None:
    p = link(linker, title, "白鸽乐队", 230)
    assert (p.outcome, p.isrc, p.work_id) == (AUTO, None, "W-MOON"), p.explanation


def test_a_bare_live_suffix_is_another_version(linker: Linker) -> None:
    p = link(linker, "月光码头 live", "沈一文", 260)
    assert p.isrc is None and p.outcome != AUTO


# -- 3. artist fields ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "artist",
    [
        "沈一文 Ivy Shen",
        "Ivy Shen 沈一文",
        "S.Y.W. 沈一文",
        "I.S. 沈一文",
        "沈一文(Ivy Shen)",
        "沈一文（Shen Yiwen）",
    ],
)
def test_mixed_script_artist_fields_are_one_artist(linker: Linker, artist: str) -> None:
    p = link(linker, "月光码头", artist, 241)
    assert (p.outcome, p.isrc) == (AUTO, MOON), p.explanation


def test_two_known_artists_in_one_field_are_two_credits(linker: Linker) -> None:
    p = link(linker, "雨夜", "沈一文 白鸽乐队", 250)
    assert (p.outcome, p.isrc) == (AUTO, DUET), p.explanation
    p = link(linker, "月光码头", "沈一文 White Dove", 241)  # the recording does not credit the band
    assert p.outcome == REVIEW and any("does not" in r for r in p.reasons)


# -- 4. scoring -----------------------------------------------------------------------------------------------


def test_short_title_homophone_typo_links_when_artist_and_length_agree(linker: Linker) -> None:
    p = link(linker, "香你", "沈一文", 200)  # 香 / 想: xiang
    assert (p.outcome, p.isrc) == (AUTO, MISS), p.explanation
    assert p.score.field("title").agreement == "homophone"


def test_variant_character_links(linker: Linker) -> None:
    p = link(linker, "月光碼頭", "瀋一文", 241)
    assert (p.outcome, p.isrc) == (AUTO, MOON)


def test_a_one_character_change_that_is_no_homophone_is_not_linked_automatically(linker: Linker) -> None:
    # The wrong automatic link of the issue: same artist, same length, one different character.
    for title in ("月光码码", "日光码头", "海鸟"):
        p = link(linker, title, "沈一文", 241 if len(title) == 4 else 188)
        assert p.outcome != AUTO, (title, p.explanation)


def test_an_unknown_artist_goes_to_review_not_veto(linker: Linker) -> None:
    p = link(linker, "月光码头", "小明同学", 241)
    assert (p.outcome, p.isrc) == (REVIEW, MOON)
    assert any("not known to the ledger" in r for r in p.reasons)
    known_other = link(linker, "月光码头", "白鸽乐队", 241)  # an artist the ledger knows as someone else
    assert known_other.outcome == NONE and "a different artist" in known_other.reasons


def test_every_proposal_that_is_not_auto_says_why(linker: Linker) -> None:
    for p in (
        link(linker, "月光码头", "小明同学", 241),
        link(linker, "月光码头", "白鸽乐队", 241),
        link(linker, "无人知晓", "沈一文", 241),
        link(linker, "Yue Guang Ma Tou", "沈一文"),
    ):
        assert p.outcome == AUTO or p.reasons, p.explanation
    assert link(linker, "月光码头", "沈一文", 241).reasons == ()


def test_a_latin_name_that_is_the_pinyin_of_another_artist_is_that_artist(linker: Linker) -> None:
    p = link(linker, "月光码头", "Bai Ge Yue Dui", 241)  # the pinyin of 白鸽乐队, not of 沈一文
    assert p.outcome == NONE and "a different artist" in p.reasons
    same = link(linker, "星河", "Bai Ge Yue Dui", 230)
    assert (same.outcome, same.isrc) == (AUTO, STAR)


@pytest.mark.parametrize(
    ("title", "artist"),
    [("沈一文《月光码头》", ""), ("《月光码头》- 沈一文", ""), ("【沈一文】月光码头", ""), ("月光码头（沈一文）", ""),
     ("沈一文：月光码头", ""), ("No.3 月光码头", "沈一文"), ("月光码头 沈一文 [320k]", "沈一文")],
)  # fmt: skip
def test_more_ways_platforms_write_the_artist_and_the_title(linker: Linker, title: str, artist: str) -> None:
    p = link(linker, title, artist, 241)
    assert (p.outcome, p.isrc) == (AUTO, MOON), p.explanation


@pytest.mark.parametrize("title", ["翻唱《月光码头》", "《月光码头》翻唱"])
def test_a_cover_marker_beside_title_marks_stays_a_cover(linker: Linker, title: str) -> None:
    p = link(linker, title, "沈一文", 241)  # even by the original singer's name, it says it is a cover
    assert p.isrc != MOON


@pytest.mark.parametrize(
    "title", ["月光码头 Live Version", "月光码头-Live", "月光码头_伴奏", "沈一文《月光码头》(Live)"]
)
def test_version_markers_written_loosely_are_still_versions(linker: Linker, title: str) -> None:
    p = link(linker, title, "沈一文", 241)
    assert p.isrc != MOON and p.outcome != AUTO, p.explanation


def test_a_drama_name_in_title_marks_is_not_the_title() -> None:
    from songclear.linking.noise import readings

    titles = [r.title for r in readings("月光码头 (电视剧《海风》插曲)", "沈一文", lambda name: False)]
    assert "海风" not in titles
