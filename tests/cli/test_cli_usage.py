"""Usage errors (typer's own: a missing option, a misspelt one, an unknown command) are usage, exit 2 — never an
'internal error'."""

from __future__ import annotations

import pytest

from clirun import songclear


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("audit", "--platform", "pf"), "Missing option '--at'"),
        (("audit", "--platfrom", "pf", "--at", "2015-08-01"), "No such option: --platfrom"),
        (("frobnicate",), "No such command 'frobnicate'"),
        (
            ("audit", "--platform", "pf", "--at", "2015-08-01", "--expiring-days", "soon"),
            "Invalid value for '--expiring-days'",
        ),
        (("takedown",), "Usage: songclear takedown"),
    ],
)
def test_usage_errors_print_usage_and_exit_2(capsys, tmp_path, args, says):
    r = songclear(capsys, "--db", f"sqlite:///{tmp_path / 'x.db'}", *args)
    assert r.code == 2, (r.out, r.err)
    assert "internal error" not in r.err
    assert says in r.out + r.err
    assert "Usage: songclear" in r.out + r.err


def test_a_usage_error_with_json_is_a_json_error_object(capsys, tmp_path):
    r = songclear(capsys, "--db", f"sqlite:///{tmp_path / 'x.db'}", "audit", "--platform", "pf", "--json")
    assert r.code == 2
    assert r.json()["error"] == {
        "type": "UsageError", "title": "Usage error", "message": "Missing option '--at'.", "exit_code": 2,
    }  # fmt: skip
