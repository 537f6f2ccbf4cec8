from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songclear.domain.identifiers import format_iswc, iswc_check_digit, normalise_isrc, normalise_iswc
from songclear.domain.territory import Territories, all_codes
from songclear.errors import InvalidIdentifier


def test_isrc_is_normalised_to_its_compact_form():
    assert normalise_isrc("cn-a01-15-00001") == "CNA011500001"
    assert normalise_isrc("ISRC CN-A01-15-00001") == "CNA011500001"


@pytest.mark.parametrize("bad", ["", "CNA0115000", "CN-A01-15-0000X", "1NA011500001", "CNA01150000123"])
def test_malformed_isrc_is_refused(bad):
    with pytest.raises(InvalidIdentifier):
        normalise_isrc(bad)


def test_iswc_check_digit_of_a_published_example():
    # T-034.524.680-1 is the ISO 15707 worked example.
    assert iswc_check_digit("034524680") == 1
    assert normalise_iswc("T-034.524.680-1") == "T0345246801"
    assert format_iswc("T0345246801") == "T-034.524.680-1"
    with pytest.raises(InvalidIdentifier, match="check digit"):
        normalise_iswc("T-034.524.680-2")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_iswc_with_its_computed_check_digit_round_trips(digits):
    compact = f"T{digits}{iswc_check_digit(digits)}"
    assert normalise_iswc(format_iswc(compact)) == compact


def test_greater_china_codes_are_distinct():
    cn = Territories.parse("CN")
    assert cn.covers("CN") and not cn.covers("HK") and not cn.covers("MO") and not cn.covers("TW")


def test_unknown_code_is_an_error_never_worldwide():
    with pytest.raises(InvalidIdentifier, match="unknown territory"):
        Territories.parse("CN ZZ")


def test_worldwide_with_exclusions_is_a_set():
    ww = Territories.parse("Worldwide", "TW HK")
    assert ww.covers("CN") and not ww.covers("TW")
    assert ww.codes == all_codes() - {"TW", "HK"}
    assert Territories.parse("CN").issubset(ww)
    assert not Territories.parse("TW").issubset(ww)
    assert Territories.from_text(ww.to_text()) == ww
