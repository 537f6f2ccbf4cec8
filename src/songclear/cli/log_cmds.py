"""The audit log: show it, and verify that no entry was edited, inserted, deleted or reordered."""

from __future__ import annotations

import sys

import typer

from songclear.app.limits import MAX_ROWS
from songclear.cli.output import console, emit_json, plural

log_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")


@log_app.command("show")
def log_show(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", min=1, max=MAX_ROWS, help="The newest N entries."),
    json_: bool = JSON,
) -> None:
    """The newest entries of the audit log: who did what, when, to what."""
    from songclear.store.auditlog import AuditLog

    with ctx.obj.database().session() as session:
        newest, _ = AuditLog(session).page(limit=limit)
    entries = list(reversed(newest))  # oldest of them first, as a log reads
    if json_:
        emit_json({"entries": [e.as_dict() for e in entries]})
        return
    for e in entries:
        subject = f"{e.subject[:12]}… {e.file}" if e.file else e.subject  # a file's hash: its name beside it
        console.print(
            f"{e.seq:>6} {e.at:%Y-%m-%d %H:%M:%S} {e.actor:<18} {e.action:<16} {subject}", markup=False
        )


@log_app.command("verify")
def log_verify(
    ctx: typer.Context,
    head: str = typer.Option(
        None, "--head", help="A head hash kept elsewhere (a report): detects a cut tail."
    ),
    json_: bool = JSON,
) -> None:
    """Recompute the hash chain; exit code 4 if any entry was edited, inserted, deleted or reordered."""
    from songclear.errors import LedgerIntegrityError
    from songclear.store.auditlog import AuditLog

    with ctx.obj.database().session() as session:
        log = AuditLog(session)
        count, problems = log.verify(expected_head=head)
        newest = log.head()
    payload = {
        "entries": count,
        "head": newest.hash if newest else None,
        "ok": not problems,
        "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in problems],
    }
    if json_:
        emit_json(payload)
    elif not problems:
        console.print(f"[green]ok[/]: {plural(count, 'entry', 'entries')}, head {payload['head']}")
    if problems and json_:  # the report above is the answer; the exit code says it failed
        print(f"error: the audit log fails verification: {problems[0].message}", file=sys.stderr)
        raise typer.Exit(LedgerIntegrityError.exit_code)
    if problems:
        for p in problems:
            console.print(f"[red]{p.kind}[/] {p.message}")
        raise LedgerIntegrityError(f"the audit log fails verification: {problems[0].message}")
