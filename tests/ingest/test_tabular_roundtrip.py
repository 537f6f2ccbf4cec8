"""write_facts and read_facts are inverse: generated facts of every kind survive CSV and JSON unchanged."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from songclear.domain.catalogue import (
    BEGINNING,
    Artist,
    Availability,
    LibraryTrack,
    Party,
    Recording,
    Version,
    Work,
)
from songclear.domain.grants import Grant, Term, Termination, TerminationCause
from songclear.domain.identifiers import iswc_check_digit
from songclear.domain.notices import Notice
from songclear.domain.territory import WORLDWIDE, Territories
from songclear.domain.vocabulary import COMMERCIAL_MODELS, USE_TYPES, PartyKind, Right
from songclear.ingest.tabular import read_facts, write_facts

DATA = Path(__file__).parent / "data" / "tabular"

# Cells are trimmed and ';' separates list items, so generated text avoids edge blanks (and ';' in list items).
_CHARS = list("aZ09-_ .,'\"\n晴天周杰伦é") + ["\t"]
word = st.text(st.sampled_from(_CHARS), min_size=1, max_size=10).filter(lambda s: s == s.strip() and s != "")
item = word.filter(lambda s: ";" not in s)
items = st.lists(item, max_size=3).map(tuple)
ident = st.text(st.sampled_from(list("AB19-_晴")), min_size=1, max_size=6)
isrc = st.from_regex(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}", fullmatch=True)
days = st.dates(date(1990, 1, 1), date(2040, 12, 31))
instants = st.datetimes(datetime(1990, 1, 1), datetime(2040, 1, 1), timezones=st.just(UTC))
known = st.just(
    BEGINNING
)  # a file has no recorded_at column: the import stamps every fact (issue 10, item 11)
zones = st.sampled_from(["Asia/Shanghai", "Asia/Hong_Kong", "UTC", "America/New_York"])
codes = st.frozensets(st.sampled_from(["CN", "HK", "MO", "TW", "US", "GB", "JP"]), max_size=3)


@st.composite
def territories(draw: st.DrawFn) -> Territories:
    if draw(st.booleans()):
        return Territories(frozenset({WORLDWIDE}), draw(codes))
    included = draw(codes.filter(bool))
    return Territories(included, draw(codes) - included)


@st.composite
def grants(draw: st.DrawFn) -> Grant:
    rights = draw(st.frozensets(st.sampled_from(list(Right)), min_size=1))
    catalogue = draw(st.booleans())
    recordings = (
        frozenset() if catalogue or Right.MASTER not in rights else draw(st.frozensets(isrc, min_size=1))
    )
    works = (
        frozenset() if catalogue or Right.COMPOSITION not in rights else draw(st.frozensets(item, min_size=1))
    )
    start = draw(days)
    end = draw(st.one_of(st.none(), days.filter(lambda d: d >= start)))
    gid = draw(ident)
    termination = draw(
        st.one_of(
            st.none(),
            st.builds(
                Termination, instants, st.sampled_from(list(TerminationCause)), st.one_of(st.just(""), word)
            ),
        )
    )
    return Grant(
        id=gid,
        licensor=draw(ident),
        licensee=draw(ident),
        rights=rights,
        term=Term(start, end, draw(zones)),
        territories=draw(territories()),
        uses=draw(st.frozensets(st.sampled_from(sorted(USE_TYPES)), min_size=1, max_size=3)),
        commercial_models=draw(st.frozensets(st.sampled_from(sorted(COMMERCIAL_MODELS)), max_size=3)),
        recordings=recordings,
        works=works,
        catalogue=catalogue,
        exclusive=draw(st.booleans()),
        sublicensable=draw(st.booleans()),
        parent=draw(st.one_of(st.none(), ident.filter(lambda p: p != gid))),
        issued=draw(st.one_of(st.none(), days)),
        termination=termination,
        source=draw(word),
        recorded_at=draw(known),
    )


@st.composite
def notices(draw: st.DrawFn) -> Notice:
    issued = draw(days)
    effective = issued + timedelta(days=draw(st.integers(0, 100)))
    buffer_end = draw(st.one_of(st.none(), st.integers(0, 200).map(lambda n: effective + timedelta(days=n))))
    return Notice(
        id=draw(ident),
        issuer=draw(ident),
        title=draw(word),
        issued=issued,
        effective=effective,
        buffer_end=buffer_end,
        platforms=draw(st.frozensets(item, max_size=3)),
        territories=draw(territories()),
        tz=draw(zones),
        recorded_at=draw(known),
    )


iswcs = st.from_regex(r"[0-9]{9}", fullmatch=True).map(lambda d: f"T{d}{iswc_check_digit(d)}")
optional = st.one_of(st.none(), ident)
FACTS = {
    "parties": st.builds(
        Party, id=ident, name=word, kind=st.sampled_from(list(PartyKind)), aliases=items, recorded_at=known
    ),
    "artists": st.builds(Artist, id=ident, name=word, aliases=items, party=optional, recorded_at=known),
    "recordings": st.builds(
        Recording,
        isrc=isrc,
        title=word,
        artists=items,
        duration_s=st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False)),
        version=st.sampled_from(list(Version)),
        owner=optional,
        work_id=optional,
        recorded_at=known,
    ),
    "works": st.builds(
        Work,
        id=ident,
        title=word,
        iswc=st.one_of(st.none(), iswcs),
        writers=items,
        publishers=items,
        recorded_at=known,
    ),
    "grants": grants(),
    "notices": notices(),
    "library": st.builds(
        LibraryTrack,
        platform=ident,
        track_id=ident,
        title=word,
        artist=st.one_of(st.just(""), word),
        isrc=st.one_of(st.none(), isrc),
        audio_path=st.one_of(st.none(), word),
        play_count=st.one_of(st.none(), st.integers(0, 10**12)),
        availability=st.sampled_from(list(Availability)),
        recorded_at=known,
    ),
}
KEYS = {
    "artists": lambda f: f.id,
    "parties": lambda f: f.id,
    "recordings": lambda f: f.isrc,
    "works": lambda f: f.id,
    "grants": lambda f: f.id,
    "notices": lambda f: f.id,
    "library": lambda f: f.key,
}


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str, list]:
    kind = draw(st.sampled_from(sorted(FACTS)))
    facts = draw(st.lists(FACTS[kind], max_size=5, unique_by=KEYS[kind]))
    return kind, draw(st.sampled_from([".csv", ".json"])), facts


@settings(max_examples=300, deadline=None)
@given(files())
def test_write_then_read_gives_the_same_facts(case: tuple[str, str, list]) -> None:
    kind, suffix, facts = case
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"facts{suffix}"
        assert write_facts(path, kind, iter(facts)) == len(facts)
        table = read_facts(path)  # the kind is detected from the header or the JSON envelope
    assert table.kind == kind and table.rows == len(facts)
    assert table.facts == facts
    assert table.warnings == []


def test_a_grant_without_source_gets_file_and_line(tmp_path: Path) -> None:
    (g1, *_) = read_facts(DATA / "grants.csv").facts
    path = tmp_path / "out.csv"
    write_facts(
        path, "grants", [dataclasses.replace(g1, source=""), dataclasses.replace(g1, id="G9", source="")]
    )
    assert [g.source for g in read_facts(path).facts] == ["out.csv:2", "out.csv:3"]


def test_json_sample_equals_csv_sample() -> None:
    from_csv = read_facts(DATA / "grants.csv").facts
    from_json = read_facts(DATA / "grants.json").facts
    assert [dataclasses.replace(g, source="") for g in from_json] == [
        dataclasses.replace(g, source="") for g in from_csv
    ]


def test_every_sample_survives_a_round_trip_through_both_formats(tmp_path: Path) -> None:
    for sample in sorted(DATA.glob("*.csv")):
        table = read_facts(sample)
        for suffix in (".csv", ".json"):
            out = tmp_path / f"{sample.stem}{suffix}"
            write_facts(out, table.kind, table.facts)
            assert read_facts(out).facts == table.facts, out.name


def test_written_csv_is_plain_utf8_with_chinese(tmp_path: Path) -> None:
    out = tmp_path / "works.csv"
    write_facts(out, "works", read_facts(DATA / "works.csv").facts)
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "id,title,iswc,writers,publishers"
    assert "W-QINGTIAN,晴天,T0345246801,周杰伦;方文山,P-JVR\n" in text
