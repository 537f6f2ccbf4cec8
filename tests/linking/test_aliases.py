"""The artist alias table: aliases decide, script conversion only where no two artists collide."""

from __future__ import annotations

from songclear.domain.catalogue import Party, Recording
from songclear.domain.vocabulary import PartyKind
from songclear.linking.aliases import ArtistAliases


def test_one_group_resolves_every_spelling_to_one_key() -> None:
    table = ArtistAliases.from_groups([("周杰伦", "Jay Chou", "Zhou Jielun")])
    keys = {table.key(n) for n in ("周杰伦", "周杰倫", "Jay Chou", "ＪＡＹ　ＣＨＯＵ", "zhou jielun")}
    assert len(keys) == 1
    assert table.resolution("周杰倫") == "script (t2s)"
    assert table.resolution("Jay Chou") == "alias group"


def test_party_aliases_and_a_recordings_pinyin_pair_are_groups() -> None:
    party = Party(id="A-1", name="林一", kind=PartyKind.LABEL, aliases=("Lin Yi Music",))
    rec = Recording(isrc="CNA011500001", title="x", artists=("白鸽乐队", "Lin Er", "林二"))
    table = ArtistAliases.from_ledger(parties=[party], recordings=[rec])
    assert table.key("Lin Yi Music") == table.key("林一")
    assert table.key("Lin Er") == table.key("林二")  # same recording, Latin name is the pinyin
    assert table.key("白鸽乐队") != table.key("林二")  # a co-artist, not an alias


def test_pinyin_alone_never_merges_artists_seen_apart() -> None:
    rec1 = Recording(isrc="CNA011500001", title="x", artists=("林一",))
    rec2 = Recording(isrc="CNA011500002", title="y", artists=("Lin Yi",))
    table = ArtistAliases.from_ledger(recordings=[rec1, rec2])
    assert table.key("林一") != table.key("Lin Yi")


def test_surnames_that_t2s_merges_stay_apart_when_both_are_known() -> None:
    # 於 and 于 are different surnames; t2s turns 於 into 于. Both registered: only exact names resolve.
    table = ArtistAliases.from_groups([("于文",), ("於文",)])
    assert table.key("于文") != table.key("於文")
    assert table.resolution("於文") == "alias group"
    assert table.resolution("於文 ") == "alias group"


def test_unknown_names_resolve_to_nobody() -> None:
    table = ArtistAliases.from_groups([("周杰伦", "Jay Chou")])
    assert table.key("费玉清") is None
    assert table.resolution("费玉清") == "unknown artist"


def test_known_multi_word_names_are_not_split() -> None:
    table = ArtistAliases.from_groups([("Simon & Garfunkel",), ("周杰伦",)])
    assert table.names("Simon & Garfunkel") == ("Simon & Garfunkel",)
    assert table.keys("周杰伦、Simon & Garfunkel") == {table.key("周杰伦"), table.key("Simon & Garfunkel")}
    assert table.keys("A & B") == table.keys("B、A")  # order-independent
    table = ArtistAliases.from_groups([("A",), ("B",)])
    assert table.keys("A & B") == table.keys("B、A") == {table.key("A"), table.key("B")}
