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
