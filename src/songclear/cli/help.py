"""How ``--help`` reads: the command tree typer builds, with flags shown as flags and values named for people.

Typer (0.29) prints a type for every option of its Rich help, so a flag reads ``--json <bool>`` and a value
``--at <str>``; arguments read ``{claim_id}`` in the usage line. Here, once per process, over the tree typer
built: a flag gets an empty metavar (``--json``), a value option the name of what it takes (``--at DAY``,
``--track PLATFORM/TRACK_ID``, ``--limit N``), an argument its name in capitals without its Python type
(``{CLAIM_ID}``: typer's braces mark it required; ``{FILE}...``), and
each command's help is re-flowed (Rich keeps the line breaks of a docstring, so a wrapped sentence printed
broken). tests/cli/test_cli_help.py walks every command and checks it.
"""

from __future__ import annotations

import inspect
import re
from functools import cache
from pathlib import Path

import typer.main
from typer._click import Context

# What an option's value is, by option name (else by type: N for integers, NUMBER, PATH, else the name).
VALUE_NAMES = {
    "--at": "DAY", "--from": "DAY", "--to": "DAY", "--ending-before": "DAY", "--reaudit-at": "DAY",
    "--as-known-at": "INSTANT", "--recorded-at": "INSTANT", "--now": "INSTANT", "--since": "INSTANT",
    "--track": "PLATFORM/TRACK_ID", "--recording": "ISRC", "--work": "WORK_ID", "--notice": "NOTICE_ID",
    "--territory": "CODE", "--geo-block": "CODE", "--use": "USE_TYPE", "--disable-use": "USE_TYPE",
    "--model": "MODEL_TYPE", "--rate-per-play": "AMOUNT", "--rate-per-day": "AMOUNT", "--currency": "CODE",
    "--db": "URL", "--fp-index": "DIR", "--out": "DIR", "--demo-dir": "DIR", "--max-upload-mb": "MB",
    "--threshold": "SHARE", "--head": "HASH", "--search": "TEXT", "--reason": "TEXT", "--note": "TEXT",
    "--by": "NAME", "--name": "TEXT", "--licensor": "PARTY", "--licensee": "PARTY", "--owner": "PARTY",
    "--publisher": "PARTY", "--party": "PARTY", "--formats": "LIST", "--scheduler": "ADDRESS",
    "--identity": "SOURCE",
}  # fmt: skip
# Per command, where an option takes something else than elsewhere.
COMMAND_VALUE_NAMES = {
    ("claim suit", "--at"): "INSTANT",
    ("import ddex", "--party"): "DPID=PARTY",
}
# Arguments that take several values are named in the singular: FILE...
ARGUMENT_NAMES = {"files": "FILE", "clips": "CLIP", "action_ids": "ACTION_ID"}


def _value_name(command: str, option) -> str:
    name = max(option.opts, key=len)
    found = COMMAND_VALUE_NAMES.get((command, name)) or VALUE_NAMES.get(name)
    if found:
        return found
    annotation = option.type_descriptor.annotation
    if annotation is int:
        return "N"
    if annotation is float:
        return "NUMBER"
    if annotation is Path:
        return "PATH"
    return name.lstrip("-").replace("-", "_").upper()


def reflow(text: str | None) -> str | None:
    """Each paragraph on one line (the terminal wraps it); paragraphs stay apart."""
    if not text:
        return text
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", inspect.cleandoc(text)))


def _walk(command, path: str = ""):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, f"{path} {name}".strip())


def polish(command) -> None:
    """Name every value and hide every flag's type, in ``command`` and below (see the module doc)."""
    for path, cmd in _walk(command):
        cmd.help = reflow(cmd.help)
        cmd.short_help = reflow(cmd.short_help)
        for param in [*cmd.params, cmd.get_help_option(Context(cmd))]:
            if param is None:
                continue
            if param.param_type_name == "argument":
                many = param.nargs != 1  # typer adds the '...' and the braces of a required one
                param.metavar = (
                    param.metavar or (ARGUMENT_NAMES.get(param.name) if many else None) or param.name.upper()
                )
                param.__class__ = _named_argument(type(param))
            elif getattr(param, "is_flag", False) or getattr(param, "count", False):
                param.metavar = ""
            elif param.metavar is None:
                param.metavar = _value_name(path, param)


@cache
def _named_argument(kind: type) -> type:
    """The argument's class, without the Python type typer prints beside its name (``CLAIM_ID <str>``)."""

    class NamedArgument(kind):
        def display_type_rich(self, ctx) -> None:
            return None

    return NamedArgument


@cache
def command():
    """The ``songclear`` click command, built once and polished."""
    from songclear.cli import app

    built = typer.main.get_command(app)
    polish(built)
    return built
