"""README's "A compliance lead's first hour" runs as written, on the files in examples/first-hour/, and each step
answers what the README says it does (issue 13: the tour a new user can do without jq)."""

from __future__ import annotations

import csv
import re
import shlex
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from clirun import songclear

ROOT = Path(__file__).resolve().parents[2]


def tour_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## A compliance lead's first hour", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_the_first_hour_runs_as_the_readme_says(tmp_path, monkeypatch, capsys):
    lines = tour_lines()
    assert lines[0].startswith("export ") and "SONGCLEAR_DB=sqlite:///first-hour.db" in lines[0]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.setenv("SONGCLEAR_DB", "sqlite:///first-hour.db")
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    out: dict[str, str] = {}
    plan_id = None
    for line in lines[1:]:
        words = shlex.split(line.replace("$TODAY", today), comments=True)
        assert words[0] == "songclear", line
        args = []
        for w in words[1:]:
            args += sorted(str(p) for p in Path().glob(w)) if "*" in w else [w]
        args = [plan_id if a == "PLAN_ID" else a for a in args]
        r = songclear(capsys, *args)
        assert r.code == 0, (line, r.out, r.err)
        out[" ".join(words[1:3])] = r.out
        if words[1:3] == ["takedown", "plan"]:
            plan_id = re.search(r"plan (plan-[0-9a-f]+)", r.out).group(1)

    assert "5 added" in out["import table"] and "refused" not in out["import table"]
    assert "would remove 2 of the 5 live tracks" in out["audit --platform"]
    assert (
        "st-004" in out["tracks list"]
        and "st-005" in out["tracks list"]
        and "st-001" not in out["tracks list"]
    )
    assert "no grant of master rights from 东风唱片 to Streamly" in out["explain --track"]
    assert "streamly/st-003: cleared -> uncleared" in out["grant end"]
    assert "3 takedowns" in out["takedown plan"]
    assert "uncleared streamly/st-005 西岸 = CNW012600001 (live)" in out["report rights-holder"]
    assert "filled in from L-WEST's catalogue: st-005" in out["claim add"]
    assert "infringing streamly/st-005" in out["claim answer"]
    assert "3 tracks taken down" in out["takedown apply"]
    with open(tmp_path / "first-hour-out/regulator-csv/regulator-streamly-REG-2026-01-takedowns.csv") as f:
        taken = sorted(row["track"] for row in csv.DictReader(f))
    assert taken == ["streamly/st-003", "streamly/st-004", "streamly/st-005"]
    assert (tmp_path / "first-hour-out/regulator-streamly-REG-2026-01.xlsx").stat().st_size > 0
    assert out["log verify"].startswith("ok")
