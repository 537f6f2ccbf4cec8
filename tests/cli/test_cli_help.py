"""Every command's --help reads well (issue 13, item 7): each option and argument says what it does, a flag shows
as a flag (`--json`, never `--json <bool>`), a value is named for what it takes (`--at DAY`), and the usage line
names arguments in capitals."""

from __future__ import annotations

import re

import pytest

from clirun import songclear
from songclear.cli.help import command


def _commands(group, prefix=()):
    yield prefix, group
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        yield from _commands(cmd, (*prefix, name))


COMMANDS = {" ".join(path): cmd for path, cmd in _commands(command())}
LEAVES = sorted(name for name, cmd in COMMANDS.items() if not hasattr(cmd, "commands"))


@pytest.mark.parametrize("name", LEAVES)
def test_every_option_and_argument_has_help(name):
    missing = [p.name for p in COMMANDS[name].params if not (getattr(p, "help", None) or "").strip()]
    assert not missing, f"'songclear {name}': no help for {missing}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_flags_as_flags_and_names_values(name, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    r = songclear(capsys, *name.split(), "--help")
    assert r.code == 0, r.err
    text = r.out
    assert not re.search(r"<(bool|str|int|float|path|Path|list\[[^\]]*\])>", text), text
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert not re.search(r"\{[a-z_]+\}", usage), usage  # arguments in capitals: {CLAIM_ID}, not {claim_id}
    for param in COMMANDS[name].params:
        names = [
            o
            for o in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
            if o.startswith("--")
        ]
        if not names:
            continue
        first_word = re.escape((param.help or "").split()[0])
        if getattr(param, "is_flag", False):  # the flag (its last spelling), then at once its help: no value
            assert re.search(rf"{re.escape(names[-1])}\s+{first_word}", text), (
                f"{names[-1]} shown with a value"
            )
        else:  # the option, a capitalised name of its value, then its help
            assert re.search(rf"{re.escape(names[0])}\s+[A-Z][A-Z_/=]*(\.\.\.)?\s", text), (
                f"{names[0]}: no value name"
            )
    assert "--help" in text


def test_values_are_named_and_help_is_reflowed(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    audit = songclear(capsys, "audit", "--help").out
    assert re.search(r"--at\s+DAY\s", audit) and re.search(r"--as-known-at\s+INSTANT\s", audit)
    assert re.search(r"--expiring-days\s+N\s", audit)
    assert re.search(r"--track\s+PLATFORM/TRACK_ID\s", songclear(capsys, "explain", "--help").out)
    assert (
        "Usage: songclear claim answer [OPTIONS] {CLAIM_ID}"
        in songclear(capsys, "claim", "answer", "--help").out
    )
    assert "Usage: songclear fp add [OPTIONS] {FILE}..." in songclear(capsys, "fp", "add", "--help").out
    for (
        name,
        cmd,
    ) in COMMANDS.items():  # a docstring wrapped in the source is one line per paragraph in --help
        for paragraph in (cmd.help or "").split("\n\n"):
            assert "\n" not in paragraph, f"'songclear {name}' help keeps a line break: {paragraph!r}"
