"""Long commands show a Rich progress bar to a person at a terminal, and none with --json or when piped."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from clirun import songclear
from songclear.cli import output

ROWS = 12_000  # more than one progress step of the import (5 000 rows)


@pytest.fixture
def world(tmp_path, capsys):
    lib = tmp_path / "library.csv"
    lib.write_text(
        "platform,track_id,title,isrc\n" + "".join(f"PF,t{i},song {i},\n" for i in range(ROWS)),
        encoding="utf-8",
    )
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name,kind\nPF,Platform F,platform\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert songclear(capsys, "--db", db, "import", "table", parties, "--json").code == 0
    return db, lib


@pytest.fixture
def terminal(monkeypatch):
    """What a terminal would show: the bars are drawn on ``output.console``."""
    screen = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=screen, force_terminal=True, width=120))
    return screen


def test_a_terminal_sees_a_bar_for_import_audit_and_link(world, terminal, capsys):
    db, lib = world
    assert songclear(capsys, "--db", db, "import", "table", lib).code == 0
    assert songclear(capsys, "--db", db, "audit", "--platform", "PF", "--at", "2015-08-01").code == 0
    assert songclear(capsys, "--db", db, "audit", "--all-platforms", "--at", "2015-08-01").code == 0
    assert songclear(capsys, "--db", db, "link", "--platform", "PF").code == 0
    shown = terminal.getvalue()
    for what in ("importing library.csv", "auditing PF", "auditing every platform", "linking PF"):
        assert what in shown, what
    assert "━" in shown  # the bar itself
    assert f"{ROWS}/{ROWS}" in shown  # the link bar counts the tracks


def test_no_bar_with_json_or_when_piped(world, terminal, capsys):
    db, lib = world
    r = songclear(capsys, "--db", db, "import", "table", lib, "--json")
    assert r.code == 0 and r.json()["imports"][0]["added"] == ROWS
    r = songclear(capsys, "--db", db, "audit", "--platform", "PF", "--at", "2015-08-01", "--json")
    assert r.code == 0
    assert terminal.getvalue() == ""  # --json: nothing drawn
    output.console = Console(file=io.StringIO(), force_terminal=False)  # piped (monkeypatch restores it)
    assert songclear(capsys, "--db", db, "link", "--platform", "PF").code == 0
    assert "━" not in output.console.file.getvalue()


def test_fp_add_and_scan_show_bars_on_a_terminal(tmp_path, terminal, capsys):
    """fp add (files fingerprinted) and scan (tracks scanned) draw the same bar; --json draws none."""
    from audioworld import ISRCS, make_world, song

    from songclear.app.demo_audio import encode

    db, _ = make_world(f"sqlite:///{tmp_path / 'a.db'}", tmp_path, capsys)  # fp add --json inside: no bar
    assert terminal.getvalue() == ""
    again = [encode(song(isrc, seconds=15.0), tmp_path / f"{isrc}-new.flac") for isrc in ISRCS]
    assert songclear(capsys, *db, "fp", "add", *again, *_each(ISRCS), "--workers", "1").code == 0
    assert songclear(capsys, *db, "scan", "--platform", "qq", "--workers", "1", "--no-evidence").code == 0
    shown = terminal.getvalue()
    assert "fingerprinting" in shown and f"{len(ISRCS)}/{len(ISRCS)}" in shown
    assert "scanning qq" in shown and "9/9" in shown  # eight uploads and the corrupt file


def _each(isrcs: list[str]) -> list[str]:
    return [a for isrc in isrcs for a in ("--recording", isrc)]
