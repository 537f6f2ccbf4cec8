"""Commands that build the ledger: database migrations and imports."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer

from songclear.cli.output import console, emit_json, parse_day, parse_instant, plural
from songclear.cli.progress import progress_bar
from songclear.errors import InputError, SongclearError

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
import_app = typer.Typer(
    help="Import CSV/JSON tables and DDEX ERN messages (one transaction per file).", no_args_is_help=True
)
ledger_app = typer.Typer(help="Look at the ledger.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")
RECORDED_AT = typer.Option(
    None,
    "--recorded-at",
    help="When the ledger learns these facts (ISO date-time, UTC if naive; default now). Never before the "
    "ledger's newest entry nor in the future: set it only to replay history in order, as the demo does.",
)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(import_app, name="import")
    app.add_typer(ledger_app, name="ledger")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, json_: bool = JSON) -> None:
    """Create or migrate the database schema to the newest revision."""
    db = ctx.obj.database()
    db.upgrade()
    payload = {
        "url": db.url,
        "revision": db.revision(),
    }
    emit_json(payload) if json_ else console.print(f"database at revision [bold]{payload['revision']}[/]")


# --reaudit-at looks at the facts recorded after (the first import's recorded_at - 1 us): these imports' and later.
_JUST_BEFORE = timedelta(microseconds=1)
REAUDIT_AT = typer.Option(
    None,
    "--reaudit-at",
    help="After the import, decide again on this day (YYYY-MM-DD) only the tracks its facts can touch, on every "
    "platform, and list what changed (as songclear reaudit).",
)


def _run_imports(
    ctx: typer.Context, files: list[Path], json_: bool, one, *, reaudit_at: str | None = None
) -> None:
    """Import each file in its own transaction; stop at the first file that fails (earlier files stay applied).
    With ``reaudit_at``: then re-audit every platform for the facts these imports recorded."""
    from songclear.app.views import import_view

    db = ctx.obj.database()
    day = parse_day(reaudit_at, "--reaudit-at") if reaudit_at else None
    outcomes = []
    for path in files:
        try:
            outcomes.append(one(db, path))
        except SongclearError:
            if outcomes and not json_:
                console.print(f"[dim]{plural(len(outcomes), 'earlier file')} applied before this error.[/]")
            raise
    reaudits = None
    if day is not None:
        recorded = [o.recorded_at for o in outcomes if o.recorded_at is not None]
        since = (
            min(recorded) - _JUST_BEFORE if recorded else ctx.obj.now()
        )  # nothing recorded: nothing changed
        reaudits = _reaudit_all(db, day, since)
    if json_:
        emit_json(
            import_view(outcomes)
            | ({"reaudit": [r.as_dict() for r in reaudits]} if reaudits is not None else {})
        )
        return
    for o in outcomes:
        state = "already imported" if o.already_imported else f"{o.added} added, {o.unchanged} unchanged"
        console.print(f"[green]ok[/] {o.source} ({o.kind}, {plural(o.rows, 'row')}): {state}")
        if o.moved_since:
            console.print(f"   [yellow]{moved_since_message(o.moved_since)}[/]")
        for note in o.notes:
            console.print(f"   [yellow]note[/] {note}")
    print_reaudits(reaudits or ())


def moved_since_message(n: int) -> str:
    differ = "1 fact differs" if n == 1 else f"{n} facts differ"
    return (
        f"the ledger has moved since: {differ}; use --dry-run to see them "
        "(--again imports the file once more)"
    )


def print_reaudits(reaudits) -> None:
    for r in reaudits:
        console.print(
            f"re-audit {r.platform} on {r.day}: {plural(r.tracks_decided, 'track')} decided, {len(r.changes)} changed"
        )
        for c in r.changes:
            console.print(
                f"  {c['track']}: {c['before']} -> {c['after']} (because of {', '.join(c['because'])})"
            )
        for c in r.reinstatement:
            console.print(
                f"  [green]can go back up[/] {c['track']}: songclear reinstate --platform {r.platform}"
            )


def _reaudit_all(db, day, since) -> list:
    """``songclear reaudit`` for every platform with a library, for the facts recorded after ``since``."""
    from songclear.app.audit import make_query
    from songclear.app.enforcement import reaudit
    from songclear.store.repository import LedgerRepository

    with db.session() as session:
        platforms = LedgerRepository(session).platforms()
    return [reaudit(db, platform=p, day=day, query=make_query(day), since=since) for p in platforms]


@import_app.command("table")
def import_table_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="CSV or JSON files."),
    kind: str = typer.Option(
        None,
        "--kind",
        help="parties|artists|recordings|works|grants|notices|library (default: from the header).",
    ),
    recorded_at: str = RECORDED_AT,
    reaudit_at: str = REAUDIT_AT,
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Write nothing: list the facts the files would add or change, field by field, and the decisions "
        "they would change on the --reaudit-at day (default today).",
    ),
    allow_dangling: bool = typer.Option(
        False,
        "--allow-dangling",
        help="Import rows that name a party, work or parent grant the ledger and the file do not hold, with a "
        "warning each, instead of refusing the file.",
    ),
    again: bool = typer.Option(
        False,
        "--again",
        help="Import a file imported before once more: its facts that differ from the ledger's current ones "
        "are recorded anew.",
    ),
    json_: bool = JSON,
) -> None:
    """Import CSV/JSON tables of parties, recordings, works, grants, notices or library tracks.

    The files are imported in the order parties, artists, works, recordings, grants, notices, library (files of
    one kind in the order given), so that a row may name what another file of the command brings."""
    from songclear.app.imports import import_table, in_dependency_order

    when = parse_instant(recorded_at, "--recorded-at") if recorded_at else None  # None: now, under the lock
    files = in_dependency_order(files, kind)
    if dry_run:
        _dry_run(ctx, files, kind, when, reaudit_at, allow_dangling, json_)
        return
    actor = ctx.obj.actor()

    def one(db, path: Path):
        with progress_bar(f"importing {path.name}", json_=json_) as tick:
            return import_table(
                db, path, kind=kind, recorded_at=when, actor=actor, progress=tick,
                allow_dangling=allow_dangling, again=again,
            )  # fmt: skip

    _run_imports(ctx, files, json_, one, reaudit_at=reaudit_at)


def _dry_run(ctx, files, kind, when, reaudit_at, allow_dangling, json_) -> None:
    from songclear.app.audit import make_query
    from songclear.app.dry_run import dry_run_tables
    from songclear.domain.grants import DEFAULT_TZ, local_date

    day = parse_day(reaudit_at, "--reaudit-at") if reaudit_at else local_date(ctx.obj.now(), DEFAULT_TZ)
    run = dry_run_tables(
        ctx.obj.database(), files, kind=kind, day=day, query=make_query(day), recorded_at=when,
        allow_dangling=allow_dangling, clock=ctx.obj.now,
    )  # fmt: skip
    if json_:
        emit_json(run.as_dict())
        return
    console.print("[bold]dry run[/]: nothing was written")
    for f in run.files:
        again = " (imported before)" if f.already_imported else ""
        console.print(
            f"{f.source} ({f.kind}, {plural(f.rows, 'row')}){again}: {f.added} added, {f.changed} changed, "
            f"{f.unchanged} unchanged"
        )
        for key in f.added_facts:
            console.print(f"  [green]+[/] {key}")
        for c in f.changed_facts:
            fields = "; ".join(f"{k} {_cell(a)} -> {_cell(b)}" for k, (a, b) in c["fields"].items())
            console.print(f"  [yellow]~[/] {c['key']}: {fields}")
        listed = len(f.added_facts) + len(f.changed_facts)
        if f.added + f.changed > listed:
            console.print(f"  ... and {f.added + f.changed - listed} more")
        for note in f.notes:
            console.print(f"   [yellow]note[/] {note}")
    moved = sum(len(r.changes) for r in run.reaudit)
    console.print(f"decisions on {run.day} that would change: {moved}")
    print_reaudits(r for r in run.reaudit if r.changes or r.reinstatement)
    if run.tracks_not_decided:
        console.print(
            f"[yellow]note[/] {run.tracks_not_decided} more library tracks added or changed were not decided "
            "(a dry run decides the first 10000): audit the platform after the import"
        )


def _cell(value) -> str:
    if value is None or value == "":
        return "(none)"
    return ";".join(map(str, value)) if isinstance(value, list) else str(value)


@import_app.command("ddex")
def import_ddex_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="DDEX ERN XML messages, applied in the order given."),
    party: list[str] = typer.Option(
        [],
        "--party",
        help="Map a DDEX party id to a ledger party id: DPID=party (DPID|name=party when a "
        "message's sender and recipient share a DPID).",
    ),
    recorded_at: str = RECORDED_AT,
    reaudit_at: str = REAUDIT_AT,
    json_: bool = JSON,
) -> None:
    """Import DDEX ERN 3.8/4.x NewReleaseMessages and PurgeReleaseMessages: deals become grants."""
    from songclear.app.imports import import_ddex

    mapping = {}
    for item in party:
        if "=" not in item:
            raise InputError(f"--party expects DPID=party, got {item!r}")
        k, v = item.split("=", 1)
        mapping[k.strip()] = v.strip()
    when = parse_instant(recorded_at, "--recorded-at") if recorded_at else None
    _run_imports(
        ctx, files, json_,
        lambda db, p: import_ddex(db, p, recorded_at=when, party_ids=mapping, actor=ctx.obj.actor()),
        reaudit_at=reaudit_at,
    )  # fmt: skip


@ledger_app.command("stats")
def ledger_stats(
    ctx: typer.Context,
    known_at: str = typer.Option(None, "--as-known-at", help="Count the ledger as known at this time."),
    json_: bool = JSON,
) -> None:
    """Counts of parties, recordings, works, grants, notices and library tracks per platform."""
    from songclear.store.repository import LedgerRepository

    when = parse_instant(known_at, "--as-known-at") if known_at else None
    with ctx.obj.database().session() as session:
        repo = LedgerRepository(session)
        ledger = repo.load_ledger(when)
        payload = {
            "known_at": when.isoformat() if when else None,
            "parties": len(ledger.parties),
            "recordings": len(ledger.recordings),
            "works": len(ledger.works),
            "grants": len(ledger.grants),
            "sublicences": sum(1 for g in ledger.grants.values() if g.parent),
            "notices": len(ledger.notices),
            "tracks": {p: repo.count_tracks(p, known_at=when) for p in repo.platforms()},
        }
    if json_:
        emit_json(payload)
        return
    console.print(f"the ledger as known {'at ' + payload['known_at'] if when else 'now'}:")
    for k in ("parties", "recordings", "works", "grants", "sublicences", "notices"):
        console.print(f"{k:>12}: {payload[k]:,}")
    tracks = payload["tracks"]
    console.print(f"{'tracks':>12}: " + (", ".join(f"{p} {n:,}" for p, n in tracks.items()) or "none"))
