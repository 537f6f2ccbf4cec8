"""Edit grants by hand: end one, amend some of its fields. Each edit is a new version of the grant, logged."""

from __future__ import annotations

import typer

from songclear.cli.output import console, emit_json, parse_day
from songclear.errors import InputError

grant_app = typer.Typer(
    help="Edit a grant by hand: each edit records a new version (never an overwrite) and is logged.",
    no_args_is_help=True,
)
JSON = typer.Option(False, "--json", help="Print JSON instead of text.")
GRANT_ID = typer.Argument(..., metavar="ID", help="The grant's id, e.g. G-HARBOUR-QQ.")
REAUDIT_AT = typer.Option(
    None,
    "--reaudit-at",
    help="After the edit, decide again on this day (YYYY-MM-DD) the tracks the grant can touch, on every "
    "platform, and list what changed (as songclear reaudit).",
)


def register(app: typer.Typer) -> None:
    app.add_typer(grant_app, name="grant")


@grant_app.command("end")
def grant_end(
    ctx: typer.Context,
    grant_id: str = GRANT_ID,
    on: str = typer.Option(
        ...,
        "--on",
        help="The first day (YYYY-MM-DD) the grant no longer holds, from its start in the grant's time zone.",
    ),
    reason: str = typer.Option(..., "--reason", help="Why it ends, e.g. the letter that ends it."),
    reaudit_at: str = REAUDIT_AT,
    json_: bool = JSON,
) -> None:
    """End a grant from a day on, for a reason: recorded as a termination, its term left as signed."""
    from songclear.app.edits import end_grant

    day = parse_day(on, "--on")
    edit = end_grant(
        ctx.obj.database(), grant_id, on=day, reason=reason, now=ctx.obj.now(), actor=ctx.obj.actor()
    )
    _answer(ctx, edit, reaudit_at, json_)


@grant_app.command(
    "amend",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def grant_amend(
    ctx: typer.Context,
    grant_id: str = typer.Argument(
        ...,
        metavar="ID --FIELD VALUE...",
        help="The grant's id, then the fields to change, e.g. G-HARBOUR-QQ --end 2015-10-31.",
    ),
    reaudit_at: str = REAUDIT_AT,
    json_: bool = JSON,
) -> None:
    """Change some fields of a grant: ID first, then --FIELD VALUE for each field to change.

    The fields are the columns of a grants table (docs/import.md: --end, --territories, --uses, --licensee,
    --parent, --exclusive, --terminated, ...), parsed and checked as an imported row; an empty VALUE ("")
    clears an optional field. The other fields keep their current values."""
    from songclear.app.edits import amend_grant

    changes = field_values(ctx.args)
    edit = amend_grant(ctx.obj.database(), grant_id, changes, now=ctx.obj.now(), actor=ctx.obj.actor())
    _answer(ctx, edit, reaudit_at, json_)


def field_values(args: list[str]) -> dict[str, str]:
    """``--field value`` / ``--field=value`` pairs -> {field: value} (dashes in a name read as underscores)."""
    out: dict[str, str] = {}
    i = 0
    while i < len(args):
        token = args[i]
        if not token.startswith("--") or len(token) == 2:
            raise InputError(f"expected --FIELD VALUE pairs after the grant id, found {token!r}")
        name, eq, value = token[2:].partition("=")
        if not eq:
            if i + 1 >= len(args):
                raise InputError(f'--{name} needs a value ("" clears the field)')
            value = args[i + 1]
            i += 1
        name = name.strip().lower().replace("-", "_")
        if name in out:
            raise InputError(f"--{name} is given twice")
        out[name] = value
        i += 1
    return out


def _answer(ctx: typer.Context, edit, reaudit_at: str | None, json_: bool) -> None:
    from datetime import timedelta

    from songclear.cli.ledger_cmds import _reaudit_all, print_reaudits

    reaudits = None
    if reaudit_at:
        day = parse_day(reaudit_at, "--reaudit-at")
        since = edit.recorded_at - timedelta(microseconds=1) if edit.recorded_at else ctx.obj.now()
        reaudits = _reaudit_all(ctx.obj.database(), day, since)
    if json_:
        emit_json(
            edit.as_dict() | ({"reaudit": [r.as_dict() for r in reaudits]} if reaudits is not None else {})
        )
        return
    if not edit.after:
        console.print(f"grant {edit.grant}: nothing to change (it is so already); nothing recorded")
    else:
        console.print(
            f"[green]ok[/] grant {edit.grant}: a new version recorded at {edit.recorded_at:%Y-%m-%d %H:%M:%S} UTC"
        )
        for name in edit.after:
            console.print(f"  {name}: {_cell(edit.before[name])} -> {_cell(edit.after[name])}")
    if edit.last_day is not None:
        console.print(f"  its last day: {edit.last_day} ({edit.tz})")
    if edit.sublicences:
        console.print(f"  sublicences under it (their chains pass through it): {', '.join(edit.sublicences)}")
    print_reaudits(reaudits or ())


def _cell(value) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)
