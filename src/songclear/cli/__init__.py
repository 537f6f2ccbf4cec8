"""The ``songclear`` command line. Every command takes ``--json``; errors map to exit codes in ``main()`` only."""

from __future__ import annotations

import json
import os
import sys

import typer
from typer import exceptions as typer_errors

from songclear.cli import (
    audio_cmds,
    audit_cmds,
    browse_cmds,
    enforcement_cmds,
    grant_cmds,
    ledger_cmds,
    link_cmds,
    log_cmds,
    report_cmds,
    serve_cmd,
    user_cmd,
)
from songclear.cli.help import command
from songclear.cli.state import State
from songclear.errors import SongclearError

app = typer.Typer(
    name="songclear",
    help="Music-copyright compliance: rights ledger, clearance audit, content identification.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global(
    ctx: typer.Context,
    db: str = typer.Option(
        None, "--db", envvar="SONGCLEAR_DB", help="Database URL (default sqlite:///songclear.db)."
    ),
    fp_index: str = typer.Option(
        None,
        "--fp-index",
        envvar="SONGCLEAR_FP_INDEX",
        help="Fingerprint index folder (default: beside a SQLite database, else ./fingerprints).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    ctx.obj = State(db_url=db or "sqlite:///songclear.db", debug=debug, fp_index=fp_index)
    ctx.call_on_close(
        ctx.obj.close
    )  # the command's connections end with it (also when main() runs in-process)


ledger_cmds.register(app)
grant_cmds.register(app)
audit_cmds.register(app)
audio_cmds.register(app)
link_cmds.register(app)
log_cmds.register(app)
enforcement_cmds.register(app)
serve_cmd.register(app)
user_cmd.register(app)
report_cmds.register(app)
browse_cmds.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: the one place where exceptions become output and exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    debug = "--debug" in args or os.environ.get("SONGCLEAR_DEBUG") == "1"
    try:
        code = command()(args=args, prog_name="songclear", standalone_mode=False)
    except SongclearError as e:
        if debug:
            raise
        _report(as_json, type(e).__name__, e.title, e.message, e.exit_code)
        sys.exit(e.exit_code)
    except typer_errors.TyperException as e:  # typer's own (vendored click) usage errors: usage and exit 2
        if as_json:
            _report(True, "UsageError", "Usage error", e.format_message(), e.exit_code)
        elif callable(show := getattr(e, "show", None)):
            show()
        else:
            print(f"error: {e.format_message()}", file=sys.stderr)
        sys.exit(e.exit_code)
    except typer_errors.Abort:
        sys.exit(130)
    except Exception as e:  # a bug, not a user error: say so in one line; --debug shows the traceback
        if debug:
            raise
        _report(
            as_json,
            "InternalError",
            "Internal error",
            f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)",
            1,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _report(as_json: bool, kind: str, title: str, message: str, exit_code: int) -> None:
    if as_json:
        error = {"type": kind, "title": title, "message": message, "exit_code": exit_code}
        print(json.dumps({"error": error}, ensure_ascii=False))
    print(f"error: {message}", file=sys.stderr)
