"""Normalisers, function by function."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songclear.domain.catalogue import Version
from songclear.linking.normalise import fold_text, parse_title, pinyin_key, simplified_key, split_artists


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Ｊａｙ　Ｃｈｏｕ", "jay chou"),  # full-width letters and ideographic space
        ("告白气球（Live）", "告白气球 live"),  # full-width brackets are punctuation
        ("  Hello,   World!! ", "hello world"),
        ("《晴天》", "晴天"),
        ("AC/DC", "ac dc"),
    ],
)
def test_fold_text(raw: str, folded: str) -> None:
    assert fold_text(raw) == folded


@given(st.text(max_size=40))
def test_fold_text_is_idempotent(s: str) -> None:
    assert fold_text(fold_text(s)) == fold_text(s)


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("後來", "后来"),
        ("頭髮", "头发"),
        ("周杰倫", "周杰伦"),
        ("範瑋琪", "范玮琪"),
        ("告白氣球 (Live)", "告白气球 live"),
    ],
)
def test_simplified_key_converts_traditional_to_simplified(traditional: str, simplified: str) -> None:
    assert simplified_key(traditional) == simplified


def test_simplified_key_leaves_simplified_and_latin_alone() -> None:
    assert simplified_key("后来") == "后来"
    assert simplified_key("Jay Chou") == "jay chou"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("告白气球", "gaobaiqiqiu"),
        ("告白氣球", "gaobaiqiqiu"),
        ("Gao Bai Qi Qiu", "gaobaiqiqiu"),
        ("重庆", "chongqing"),
    ],
)
def test_pinyin_key(text: str, key: str) -> None:
    assert pinyin_key(text) == key


def test_pinyin_key_collides_on_homophones_which_is_why_it_never_decides() -> None:
    assert pinyin_key("告白汽球") == pinyin_key("告白气球")


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("周杰伦、费玉清", ("周杰伦", "费玉清")),
        ("A & B", ("A", "B")),
        ("A / B", ("A", "B")),
        ("A, B", ("A", "B")),
        ("Jay Chou feat. Lin Yi", ("Jay Chou", "Lin Yi")),
        ("Jay Chou ft. Lin Yi", ("Jay Chou", "Lin Yi")),
        ("Jay Chou (feat. Lin Yi)", ("Jay Chou", "Lin Yi")),
        ("A x B", ("A", "B")),
        ("周杰伦和费玉清", ("周杰伦", "费玉清")),
        ("周杰伦 和 费玉清", ("周杰伦", "费玉清")),
        ("Ｊａｙ　Ｃｈｏｕ ／ 林一", ("Jay Chou", "林一")),
        ("A、A", ("A",)),
        ("", ()),
    ],
)
def test_split_artists(field: str, names: tuple[str, ...]) -> None:
    assert split_artists(field) == names


@pytest.mark.parametrize("name", ["X Japan", "Malcolm X", "陈和平", "和田光司", "Xzibit"])
def test_split_artists_keeps_names_that_only_look_like_pairs(name: str) -> None:
    assert split_artists(name) == (name,)


def test_split_artists_keeps_known_names_whole() -> None:
    assert split_artists("AC/DC", keep={"ac dc"}) == ("AC/DC",)
    assert split_artists("Simon & Garfunkel", keep={"simon garfunkel"}) == ("Simon & Garfunkel",)
    assert split_artists("Simon & Garfunkel") == ("Simon", "Garfunkel")


@pytest.mark.parametrize(
    ("title", "base", "version", "tags"),
    [
        ("告白气球", "告白气球", Version.STUDIO, set()),
        ("告白气球 (Live)", "告白气球", Version.LIVE, {"live"}),
        ("告白氣球（Live版）", "告白氣球", Version.LIVE, {"live"}),
        ("告白气球 现场版", "告白气球", Version.LIVE, {"live"}),
        ("告白气球 - Live", "告白气球", Version.LIVE, {"live"}),
        ("告白气球【演唱会】", "告白气球", Version.LIVE, {"live"}),
        ("告白气球伴奏", "告白气球", Version.INSTRUMENTAL, {"instrumental"}),
        ("告白气球 [Instrumental]", "告白气球", Version.INSTRUMENTAL, {"instrumental"}),
        ("告白气球 (Karaoke)", "告白气球", Version.INSTRUMENTAL, {"instrumental"}),
        ("告白气球 (纯音乐)", "告白气球", Version.INSTRUMENTAL, {"instrumental"}),
        ("告白气球 DJ版", "告白气球", Version.REMIX, {"remix"}),
        ("告白气球 (Remix)", "告白气球", Version.REMIX, {"remix"}),
        ("告白气球 (串烧)", "告白气球", Version.REMIX, {"remix"}),
        ("告白气球 (Acoustic)", "告白气球", Version.ACOUSTIC, {"acoustic"}),
        ("告白气球 (Demo)", "告白气球", Version.DEMO, {"demo"}),
        ("告白气球 (Radio Edit)", "告白气球", Version.RADIO_EDIT, {"radio_edit"}),
        ("告白气球 (电视剧《花千骨》插曲)", "告白气球", Version.RADIO_EDIT, {"tv_edit"}),
        ("晴天 - Remastered 2011", "晴天", Version.REMASTER, {"remaster"}),
        ("告白气球 (翻唱)", "告白气球", Version.COVER, {"cover"}),
        ("告白气球 (Cover)", "告白气球", Version.COVER, {"cover"}),
        ("告白气球 (铃声)", "告白气球", Version.CUT, {"cut"}),
        ("告白气球 (片段)", "告白气球", Version.CUT, {"cut"}),
        ("月光码头 (Live) (完整版)", "月光码头", Version.LIVE, {"live"}),
    ],
)
def test_parse_title_versions(title: str, base: str, version: Version, tags: set[str]) -> None:
    parsed = parse_title(title)
    assert (parsed.base, parsed.version, set(parsed.tags)) == (base, version, tags)


def test_live_and_live_ban_are_the_same_tag() -> None:
    assert parse_title("X (Live)").tags == parse_title("X（Live版）").tags == parse_title("X 现场版").tags


def test_parse_title_keeps_unknown_annotations_and_drops_benign_ones() -> None:
    assert parse_title("晴天 (英文版)").extras == ("英文版",)
    assert parse_title("晴天 (完整版)").extras == ()
    assert parse_title("晴天 (2004)").extras == ()


def test_parse_title_reads_featuring_and_original_artist() -> None:
    assert parse_title("晴天 (feat. 费玉清)").featuring == ("费玉清",)
    # '原唱: X' names the original singer; whether the track is a cover depends on who sings it (the linker).
    named = parse_title("晴天 (原唱: 周杰伦)")
    assert (named.version, named.original_artists) == (Version.STUDIO, ("周杰伦",))
    cover = parse_title("晴天 (翻自 周杰伦)")
    assert (cover.version, cover.original_artists) == (Version.COVER, ("周杰伦",))


def test_parse_title_does_not_strip_ordinary_dashes_or_titles_that_are_only_a_marker() -> None:
    assert parse_title("Song - Part 2").base == "Song - Part 2"
    assert parse_title("纯音乐").base == "纯音乐"
    assert parse_title("伴奏").version is Version.STUDIO


@given(st.text(max_size=30))
def test_parse_title_never_returns_an_empty_base_for_a_non_blank_title(title: str) -> None:
    if title.strip():
        assert parse_title(title).base
