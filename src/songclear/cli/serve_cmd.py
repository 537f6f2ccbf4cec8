"""``songclear serve`` (the REST API on uvicorn) and ``songclear token`` (the API's bearer tokens)."""

from __future__ import annotations

import sys

import typer

from songclear.cli.output import console, emit_json

JSON = typer.Option(False, "--json", help="Print JSON instead of text.")
token_app = typer.Typer(
    help="API tokens: create (the secret is shown once), list, revoke.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
    app.add_typer(token_app, name="token")


def serve_cmd(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    demo: bool = typer.Option(
        False, "--demo", help="Let requests without a token read (never write): demo only."
    ),
    json_: bool = typer.Option(
        False, "--json", help="Print the address served as one JSON line, then serve."
    ),
) -> None:
    """Serve the REST API (docs/api.md) until interrupted."""
    import uvicorn

    from songclear.api import create_app

    app = create_app(ctx.obj.db_url, index_path=ctx.obj.index_path(), demo=demo)
    url = f"http://{host}:{port}"
    if json_:
        emit_json({"url": url, "db": app.state.songclear.db.url, "demo": demo})
    else:
        console.print(f"serving {url} (OpenAPI: {url}/docs){' in demo mode' if demo else ''}")
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, log_level="warning")


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    role: str = typer.Option(..., "--role", help="admin | platform | rights_holder | regulator."),
    party: str = typer.Option(None, "--party", help="The platform or rights holder the token acts for."),
    name: str = typer.Option(None, "--name", help="A label for people (default: role and party)."),
    json_: bool = JSON,
) -> None:
    """Create an API token; its secret is printed once and only its sha256 is stored."""
    from songclear.store.repository import LedgerRepository
    from songclear.store.tokens import TokenRepository, check_role

    with ctx.obj.database().session() as session:
        kinds = {p.id: p.kind.value for p in LedgerRepository(session).list_parties()}
        check_role(role, party, kinds.get(party) if party else None)
        secret, token = TokenRepository(session).create(
            name=name or " ".join(x for x in (role, party) if x), role=role, party=party,
            now=ctx.obj.now(), actor=ctx.obj.actor(),
        )  # fmt: skip
    if json_:
        emit_json(token.as_dict() | {"secret": secret})
        return
    console.print(
        f"token [bold]{token.token_id}[/] ({token.name}): role {role}" + (f" for {party}" if party else "")
    )
    console.print("secret (shown once; send it as 'Authorization: Bearer <secret>'):")
    print(secret)


@token_app.command("list")
def token_list(ctx: typer.Context, json_: bool = JSON) -> None:
    """Every token: id, name, role, party, when created and revoked (never the secret)."""
    from songclear.store.tokens import TokenRepository

    with ctx.obj.database().session() as session:
        tokens = TokenRepository(session).all()
    if json_:
        emit_json({"tokens": [t.as_dict() for t in tokens]})
        return
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "live"
        console.print(f"{t.token_id}  {t.role:<13} {t.party or '-':<10} {state:<18} {t.name}")


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    token_id: str = typer.Argument(..., help="The token's id (not its secret)."),
    json_: bool = JSON,
) -> None:
    """Revoke a token: requests with its secret are refused from now on."""
    from songclear.store.tokens import TokenRepository

    with ctx.obj.database().session() as session:
        TokenRepository(session).revoke(token_id, now=ctx.obj.now(), actor=ctx.obj.actor())
    emit_json({"id": token_id, "revoked": True}) if json_ else console.print(f"revoked {token_id}")
