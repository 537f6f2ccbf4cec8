"""CSV and JSON imports: each kind parses to domain records; bad input names file, line and column."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from songclear.domain.catalogue import Availability, Version
from songclear.domain.grants import Termination, TerminationCause, start_of_day
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right
from songclear.errors import ImportError_
from songclear.ingest.tabular import TableWarning, detect_kind, read_facts

DATA = Path(__file__).parent / "data" / "tabular"


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def refused(path: Path, kind: str | None = None) -> ImportError_:
    with pytest.raises(ImportError_) as info:
        read_facts(path, kind)
    return info.value


# -- each kind parses ------------------------------------------------------------------------------------------------


def test_parties_parse_with_kinds_and_aliases() -> None:
    table = read_facts(DATA / "parties.csv")
    assert (table.kind, table.rows, table.source) == ("parties", 7, "parties.csv")
    by_id = {p.id: p for p in table.facts}
    assert by_id["L-SONY"].name == "索尼音乐"
    assert by_id["L-SONY"].aliases == ("Sony Music", "SME")
    assert by_id["PF-A"].aliases == ()
    assert by_id["CS-MCSC"].kind is PartyKind.COLLECTING_SOCIETY
    assert by_id["R-NCAC"].kind is PartyKind.REGULATOR


def test_recordings_normalise_isrc_and_keep_order_of_artists() -> None:
    table = read_facts(DATA / "recordings.csv")
    first, live, hotel = table.facts
    assert first.isrc == "CNA011500001" and first.duration_s == 269.5 and first.version is Version.STUDIO
    assert live.title == "晴天 (Live, 2015)" and live.artists == ("周杰伦", "Jay Chou")
    assert live.version is Version.LIVE and live.owner == "L-SONY" and live.work_id == "W-QINGTIAN"
    assert hotel.work_id is None and hotel.version is Version.REMASTER


def test_works_normalise_iswc() -> None:
    qingtian, hotel = read_facts(DATA / "works.csv").facts
    assert qingtian.iswc == "T0345246801"
    assert qingtian.writers == ("周杰伦", "方文山") and qingtian.publishers == ("P-JVR",)
    assert hotel.iswc is None and hotel.publishers == ()


def test_grants_parse_scope_territories_terms_and_flags() -> None:
    g1, s1, g2, g3 = read_facts(DATA / "grants.csv").facts
    assert g1.catalogue and g1.rights == {Right.MASTER} and g1.exclusive and g1.sublicensable
    assert g1.uses == {"Stream", "PermanentDownload"}
    assert g1.commercial_models == {"SubscriptionModel", "AdvertisementSupportedModel"}
    assert g1.territories == Territories(frozenset({"CN", "HK"}))
    assert (g1.term.start, g1.term.end, g1.term.tz) == (date(2014, 1, 1), date(2016, 12, 31), "Asia/Shanghai")
    assert g1.issued == date(2013, 12, 20) and g1.source == "grants.csv:2"
    assert s1.parent == "G1" and not s1.exclusive and not s1.sublicensable and s1.issued is None
    assert g2.works == {"W-QINGTIAN"} and not g2.catalogue and g2.term.end is None
    assert g2.territories.covers("CN") and not g2.territories.covers("TW")
    assert g3.recordings == {"USRC17607839"} and g3.rights == {Right.MASTER}


def test_notices_parse_with_default_territory() -> None:
    (notice,) = read_facts(DATA / "notices.csv").facts
    assert notice.issued == date(2015, 7, 8) and notice.effective == date(2015, 7, 31)
    assert notice.buffer_end == date(2015, 11, 30) and notice.platforms == frozenset()
    assert notice.territories.covers("CN") and not notice.territories.covers("HK")
    assert notice.title.startswith("关于责令")


def test_library_keeps_tracks_with_malformed_isrc_and_warns() -> None:
    table = read_facts(DATA / "library.csv")
    a1, a2, a3 = table.facts
    assert a1.isrc == "CNA011500001" and a1.play_count == 1_200_000 and a1.audio_path == "audio/a-1.mp3"
    assert a2.isrc is None  # 'CNA0115000002X' is not an ISRC: dropped, not an error
    assert a3.availability is Availability.TAKEN_DOWN and a3.play_count is None and a3.isrc is None
    assert table.warnings == [TableWarning(3, "isrc", "malformed ISRC 'CNA0115000002X' ignored")]
    assert "line 3, column isrc" in str(table.warnings[0])


def test_import_carries_sha256_of_the_bytes() -> None:
    path = DATA / "works.csv"
    assert read_facts(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_field_of_a_grant_is_settable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "full.csv",
        "id,licensor,licensee,rights,scope,recordings,works,uses,commercial_models,territories,"
        "excluded_territories,start,end,tz,exclusive,sublicensable,parent,issued,terminated,termination_cause,"
        "termination_reference,source\n"
        "S9,PF-A,PF-B,master;composition,listed,CN-A01-15-00001,W1,Stream,SubscriptionModel,Worldwide,TW MO,"
        "2015-01-01,2015-12-31,Europe/London,yes,no,G1,2014-12-01,2015-09-01,takedown,letter 7,contract.pdf\n",
    )
    (g,) = read_facts(path).facts
    assert g.rights == {Right.MASTER, Right.COMPOSITION}
    assert g.territories == Territories(frozenset({"Worldwide"}), frozenset({"TW", "MO"}))
    assert g.term.tz == "Europe/London" and g.parent == "G1" and g.issued == date(2014, 12, 1)
    assert g.termination == Termination(
        start_of_day(date(2015, 9, 1), "Europe/London"), TerminationCause.TAKEDOWN, "letter 7"
    )
    assert g.source == "contract.pdf"


def test_recorded_at_default_comes_from_the_caller(tmp_path: Path) -> None:
    path = write(tmp_path, "w.csv", "id,title\nW1,晴天\n")
    when = datetime(2015, 7, 8, 9, tzinfo=timezone(timedelta(hours=8)))
    (work,) = read_facts(path, recorded_at=when).facts
    assert work.recorded_at == when


# -- encodings and empty files ---------------------------------------------------------------------------------------


def test_bom_and_chinese_round_trip(tmp_path: Path) -> None:
    text = (DATA / "parties.csv").read_text(encoding="utf-8")
    with_bom = read_facts(write(tmp_path, "bom.csv", text, bom=True))
    without = read_facts(DATA / "parties.csv")
    assert with_bom.facts == without.facts
    assert with_bom.facts[0].id == "L-SONY"  # the BOM is not glued to the first column name


def test_json_with_bom_is_read(tmp_path: Path) -> None:
    table = read_facts(write(tmp_path, "w.json", '[{"id": "W1", "title": "七里香"}]', bom=True))
    assert table.kind == "works" and table.facts[0].title == "七里香"


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("id,title\nW1,晴天\n".encode("gb18030"))
    err = refused(path)
    assert err.source == "gbk.csv" and err.location == "line 2" and "UTF-8" in err.detail


def test_header_only_file_is_an_empty_import(tmp_path: Path) -> None:
    table = read_facts(write(tmp_path, "g.csv", "id,licensor,licensee,rights,scope,uses,territories,start\n"))
    assert (table.kind, table.rows, table.facts) == ("grants", 0, [])


def test_empty_file_is_refused(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "empty.csv", "\n  \n", bom=True))
    assert err.location == "line 1" and "empty" in err.detail


def test_empty_json_list_needs_a_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "e.json", "[]")
    assert refused(path).location == "line 1"
    assert read_facts(path, "grants").rows == 0
    assert read_facts(write(tmp_path, "k.json", '{"kind": "notices", "rows": []}')).kind == "notices"


# -- kind detection --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (["id", "name", "kind"], "parties"),
        (["id", "name"], "artists"),
        (["ID", "name", "aliases", "party"], "artists"),
        (["isrc", "title"], "recordings"),
        (["ID", " Title ", "iswc"], "works"),
        (["id", "licensor", "licensee", "rights", "scope", "uses", "start"], "grants"),
        (["id", "issuer", "title", "issued", "effective"], "notices"),
        (["platform", "track_id", "title", "isrc"], "library"),
        (["isrc", "title", "platform"], None),  # neither recordings nor library
        (["title"], None),
    ],
)
def test_detect_kind(columns: list[str], kind: str | None) -> None:
    assert detect_kind(columns) == kind


def test_unknown_header_is_refused_on_line_1(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "x.csv", "foo,bar\n1,2\n"))
    assert (err.source, err.location) == ("x.csv", "line 1") and "unknown header" in err.detail


def test_explicit_kind_wins_and_names_unknown_and_missing_columns(tmp_path: Path) -> None:
    assert (
        refused(write(tmp_path, "a.csv", "id,title,colour\nW1,x,red\n"), "works").location
        == "line 1, column colour"
    )
    assert refused(write(tmp_path, "b.csv", "id\nW1\n"), "works").location == "line 1, column title"
    assert "unknown kind" in refused(write(tmp_path, "c.csv", "id,title\n"), "songs").detail


def test_json_declared_kind_must_agree_with_the_asked_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "k.json", '{"kind": "works", "rows": []}')
    assert "declares kind 'works'" in refused(path, "grants").detail
