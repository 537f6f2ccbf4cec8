"""``songclear serve`` (the REST API on uvicorn) and ``songclear token`` (the API's bearer tokens)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from songclear.app.limits import IDENTIFY_MAX_SECONDS
from songclear.cli.output import console, emit_json
from songclear.errors import InputError

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
        False,
        "--demo",
        help="Demo mode: requests without a token or login may read (never write). Without --db: serve the demo "
        "world in --demo-dir, built there first when missing.",
    ),
    demo_dir: Path = typer.Option(
        Path("demo-out"), "--demo-dir", help="With --demo and no --db: the demo world's folder."
    ),
    demo_audio: bool = typer.Option(
        True, "--demo-audio/--no-demo-audio", help="Build the demo world with its audio and scans."
    ),
    identify_limit: int = typer.Option(
        30, "--identify-limit", help="Identify requests per token per minute (429 beyond)."
    ),
    identify_max_seconds: float = typer.Option(
        IDENTIFY_MAX_SECONDS,
        "--identify-max-seconds",
        help="Most audio one identify analyses; a longer clip is refused with 413.",
    ),
    claims_limit: int = typer.Option(
        30, "--claims-limit", help="Claims and counter-notices per token per minute (429 beyond)."
    ),
    max_upload_mb: float = typer.Option(20.0, "--max-upload-mb", help="Largest request body (413 beyond)."),
    job_workers: int = typer.Option(2, "--job-workers", help="Threads running background jobs."),
    secure_cookies: bool = typer.Option(
        False,
        "--secure-cookies",
        help="Mark the dashboard's session cookie Secure (HTTPS only): set it when clients reach the server "
        "through TLS (a proxy in front).",
    ),
    json_: bool = typer.Option(
        False, "--json", help="Print the address served as one JSON line, then serve."
    ),
) -> None:
    """Serve the REST API (docs/api.md) and the dashboard (docs/dashboard.md) until interrupted."""
    import uvicorn

    from songclear.api import create_app
    from songclear.api.state import Limits

    db_url, index_path, users = ctx.obj.db_url, ctx.obj.index_path(), []
    if demo and ctx.parent.params.get("db") is None:  # no --db, no SONGCLEAR_DB: the demo world
        db_url = f"sqlite:///{demo_dir / 'songclear.db'}"
        index_path = demo_dir / "fingerprints"
        users = _demo_world(db_url, demo_dir, index_path, audio=demo_audio, quiet=json_)
    if (
        min(identify_limit, claims_limit, job_workers) < 1
        or max_upload_mb <= 0
        or not identify_max_seconds > 0
    ):
        raise InputError(
            "--identify-limit, --identify-max-seconds, --claims-limit, --job-workers and --max-upload-mb must be "
            "positive"
        )
    limits = Limits(
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        identify_per_window=identify_limit,
        identify_max_seconds=identify_max_seconds,
        claims_per_window=claims_limit,
        job_workers=job_workers,
    )
    app = create_app(db_url, index_path=index_path, demo=demo, limits=limits, secure_cookies=secure_cookies)
    url = f"http://{host}:{port}"
    if json_:
        emit_json(
            {"url": url, "db": app.state.songclear.db.url, "demo": demo, "secure_cookies": secure_cookies}
        )
    else:
        console.print(f"serving {url} (OpenAPI: {url}/docs){' in demo mode' if demo else ''}")
        console.print(f"dashboard: {url}/ui/")
        if users:
            names = ", ".join(f"{u.username} ({u.role}{' ' + u.party if u.party else ''})" for u in users)
            console.print(f"demo logins, password {DEMO_PASSWORD!r}: {names}")
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, log_level="warning")


# The demo world's dashboard users: one per role, all with the same published password. Demo data only.
DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("admin", "admin", None),
    ("regulator", "regulator", None),
    ("qq", "platform", "qq"),
    ("netease", "platform", "netease"),
    ("kuwo", "platform", "kuwo"),
    ("jade", "rights_holder", "L-JADE"),
)


def _demo_world(db_url: str, folder: Path, index_path: Path, *, audio: bool, quiet: bool) -> list:
    """The demo world as ``songclear demo`` builds it (ledger, audio and scans, links, the enforcement chapter),
    unless the folder holds it already; and the demo's users. Returns the users."""
    from songclear.app.demo import play_demo
    from songclear.store.database import Database
    from songclear.store.users import UserRepository

    fresh = not (folder / "songclear.db").exists()
    folder.mkdir(parents=True, exist_ok=True)
    with Database.open(db_url) as db:
        if fresh:
            if not quiet:
                console.print(f"building the demo world in {folder} (once) ...")
            play_demo(db, folder, audio=audio, enforce=True, index_path=index_path)
        with db.session() as session:
            repo = UserRepository(session)
            for name, role, party in DEMO_USERS:
                if repo.get(name) is None and not any(u.username == name for u in repo.all()):
                    repo.create(
                        username=name, password=DEMO_PASSWORD, role=role, party=party,
                        now=datetime.now(UTC), actor="songclear serve --demo",
                    )  # fmt: skip
            return [u for u in repo.all() if u.username in {n for n, _, _ in DEMO_USERS}]


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
