"""``songclear user``: the dashboard's users (a password login; role and party as for API tokens)."""

from __future__ import annotations

import sys

import typer

from songclear.cli.output import console, emit_json

user_app = typer.Typer(help="Dashboard users: create, list, disable.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON instead of text.")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")


def _read_password(from_stdin: bool) -> str:
    from songclear.errors import InputError

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise InputError("no password given")
    return password


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The login name."),
    role: str = typer.Option(..., "--role", help="admin | platform | rights_holder | regulator."),
    party: str = typer.Option(None, "--party", help="The platform or rights holder the user acts for."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin (else prompt)."
    ),
    json_: bool = JSON,
) -> None:
    """Create a dashboard user; only a scrypt hash of the password is stored."""
    from songclear.store.repository import LedgerRepository
    from songclear.store.tokens import check_role
    from songclear.store.users import UserRepository

    password = _read_password(password_stdin)
    with ctx.obj.database().session() as session:
        kinds = {p.id: p.kind.value for p in LedgerRepository(session).list_parties()}
        check_role(role, party, kinds.get(party) if party else None)
        user = UserRepository(session).create(
            username=name, password=password, role=role, party=party, now=ctx.obj.now(), actor=ctx.obj.actor()
        )
    if json_:
        emit_json(user.as_dict())
        return
    console.print(f"user [bold]{user.username}[/]: role {role}" + (f" for {party}" if party else ""))


@user_app.command("list")
def user_list(ctx: typer.Context, json_: bool = JSON) -> None:
    """Every dashboard user: name, role, party, when created and disabled (never the password hash)."""
    from songclear.store.users import UserRepository

    with ctx.obj.database().session() as session:
        users = UserRepository(session).all()
    if json_:
        emit_json({"users": [u.as_dict() for u in users]})
        return
    for u in users:
        state = f"disabled {u.disabled_at:%Y-%m-%d}" if u.disabled_at else "enabled"
        console.print(f"{u.username:<20} {u.role:<13} {u.party or '-':<10} {state}")


@user_app.command("disable")
def user_disable(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The login name."),
    json_: bool = JSON,
) -> None:
    """Disable a user: the login is refused and open sessions end at their next request."""
    from songclear.store.users import UserRepository

    with ctx.obj.database().session() as session:
        UserRepository(session).disable(name, now=ctx.obj.now(), actor=ctx.obj.actor())
    emit_json({"username": name, "disabled": True}) if json_ else console.print(f"disabled {name}")
