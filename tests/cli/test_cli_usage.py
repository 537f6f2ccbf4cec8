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


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ("tracks", "list", "--offset", HUGE),
        ("tracks", "list", "--limit", HUGE),
        ("grants", "list", "--offset", HUGE),
        ("recordings", "list", "--limit", HUGE),
        ("works", "list", "--offset", HUGE),
        ("log", "show", "--limit", HUGE),
        ("log", "show", "--limit", "-5"),
        ("scan", "--platform", "qq", "--limit", HUGE),
        ("scan", "--platform", "qq", "--workers", "0"),
        ("fp", "add", "x.flac", "--workers", "-5"),
        ("demo", "--workers", HUGE),
    ],
)
def test_counts_out_of_range_are_usage_errors(capsys, tmp_path, args):
    """A huge --offset or --limit reached SQL and failed as an internal error (OverflowError: Python int too large
    to convert to SQLite INTEGER); a negative log limit meant no limit at all; --workers 0 or -5 reached the pool."""
    r = songclear(capsys, "--db", f"sqlite:///{tmp_path / 'x.db'}", *args)
    assert r.code == 2, (r.out, r.err)
    assert "Invalid value for" in r.out + r.err and "internal error" not in r.err
