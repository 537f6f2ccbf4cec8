"""How a CSV grant's term is read per territory (issue 11, item 1): ``tz`` is an IANA zone (default
Asia/Shanghai), a UTC offset, or ``local`` (each territory's own days, as DDEX deal dates are read)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from songclear.domain.grants import LOCAL
from songclear.errors import ImportError_
from songclear.ingest.tabular import read_facts

HEAD = "id,licensor,licensee,rights,scope,recordings,uses,territories,start,end,tz,terminated\n"
ROW = "G1,L,P,master,listed,CNA011500001,Stream,CN JP US,2023-01-01,2023-10-02,{tz},{terminated}\n"


def grant(tmp_path: Path, tz: str, terminated: str = ""):
    path = tmp_path / "grants.csv"
    path.write_text(HEAD + ROW.format(tz=tz, terminated=terminated), encoding="utf-8")
    (g,) = read_facts(path).facts
    return g


def test_a_local_term_is_read_in_each_territorys_own_days(tmp_path):
    g = grant(tmp_path, "local", "2023-09-15")
    assert g.term.tz == LOCAL
    assert g.term.end_instant("CN").isoformat() == "2023-10-03T00:00:00+08:00"
    assert g.term.end_instant("JP").isoformat() == "2023-10-03T00:00:00+09:00"
    assert g.termination.local and g.termination.day == date(2023, 9, 15)
    assert g.termination.effective_in("JP").isoformat() == "2023-09-15T00:00:00+09:00"


def test_the_default_zone_is_shanghai_for_every_territory(tmp_path):
    g = grant(tmp_path, "")
    assert g.term.tz == "Asia/Shanghai"
    assert g.term.end_instant("JP") == g.term.end_instant("CN") == g.term.end_instant("US")
    assert grant(tmp_path, "+08:00").term.end_instant("US") == g.term.end_instant("CN")


@pytest.mark.parametrize("tz", ["Mars/Olympus", "+25:00", "locale"])
def test_an_unknown_zone_is_refused_with_the_column(tmp_path, tz):
    with pytest.raises(ImportError_) as info:
        grant(tmp_path, tz)
    assert "column tz" in info.value.location and "local" in info.value.detail
