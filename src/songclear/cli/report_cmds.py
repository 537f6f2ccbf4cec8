"""Reports written from the ledger: the regulator report of a platform for a notice, and a rights holder's
catalogue on each platform."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import typer

from songclear.cli.output import console, emit_json, parse_day

report_app = typer.Typer(help="Reports for regulators and rights holders.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("regulator")
def report_regulator(
    ctx: typer.Context,
    platform: str = typer.Option(..., "--platform", help="Platform party id."),
    notice: str = typer.Option(..., "--notice", help="The notice the report answers (its id)."),
    at: str = typer.Option(..., "--at", help="Day the report speaks for (YYYY-MM-DD), after the notice."),
    out: Path = typer.Option(Path("."), "--out", help="Folder for the files (CSVs in OUT/regulator-csv)."),
    formats: str = typer.Option("html,csv,pdf", "--formats", help="Comma-separated: html, csv, xlsx, pdf."),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """What a platform did about a notice: status at the deadline and now, takedowns, claims, exposure, evidence."""
    from songclear.app.regulator_report import write_regulator_report

    day = parse_day(at, "--at")
    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    with console.status("writing the regulator report") if not json_ else nullcontext():
        written = write_regulator_report(
            ctx.obj.database(), platform=platform, notice_id=notice, day=day, out=out, formats=wanted
        )
    if json_:
        emit_json(
            {
                "platform": platform, "notice": notice, "day": day.isoformat(), "written": written.paths,
                "warnings": written.warnings,
            }
        )  # fmt: skip
        return
    for path in written.paths:
        console.print(f"wrote {path}")
    for warning in written.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


@report_app.command("rights-holder")
def report_rights_holder(
    ctx: typer.Context,
    party: str = typer.Option(..., "--party", help="The rights holder's party id (a label or a publisher)."),
    at: str = typer.Option(..., "--at", help="Day the report speaks for (YYYY-MM-DD, Asia/Shanghai)."),
    out: Path = typer.Option(
        Path("."), "--out", help="Folder for the files (CSVs in OUT/rights-holder-csv)."
    ),
    formats: str = typer.Option("html,csv,xlsx", "--formats", help="Comma-separated: html, csv, xlsx, pdf."),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """A rights holder's catalogue on each platform: status, chain, since when, live or taken down, audio matches."""
    from songclear.app.holder_report import write_holder_report

    day = parse_day(at, "--at")
    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    with console.status("writing the rights-holder report") if not json_ else nullcontext():
        written = write_holder_report(ctx.obj.database(), party=party, day=day, out=out, formats=wanted)
    if json_:
        emit_json(
            {"party": party, "day": day.isoformat(), "written": written.paths, "warnings": written.warnings}
        )
        return
    for line in written.summary:
        console.print(line, markup=False, highlight=False)
    for path in written.paths:
        console.print(f"wrote {path}")
    for warning in written.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
