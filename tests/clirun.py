"""Run the real ``songclear`` entry point in-process and capture what it prints and its exit code."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from songclear.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def songclear(capsys: pytest.CaptureFixture, *args: str) -> Result:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return Result(int(exc.value.code or 0), captured.out, captured.err)


def import_world(
    capsys: pytest.CaptureFixture, db_url: str, folder, tables: dict[str, str]
) -> tuple[str, ...]:
    """Write ``tables`` (file name -> CSV text) into ``folder`` and import them, in order, through the CLI; the
    ``--db`` arguments of the world for further commands."""
    files = []
    for name, text in tables.items():
        (folder / name).write_text(text, encoding="utf-8")
        files.append(folder / name)
    r = songclear(capsys, "--db", db_url, "import", "table", *files)
    assert r.code == 0, r.err
    return ("--db", db_url)
