"""Commands that answer 'is it licensed?': audit, explain, diff."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from songclear.cli.output import (
    STATUS_STYLE,
    console,
    emit_json,
    parse_day,
    parse_instant,
    plural,
    status_table,
)
from songclear.cli.progress import progress_bar
from songclear.domain.catalogue import Availability
from songclear.domain.decision import Status
from songclear.errors import InputError, NotFound

JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")
TERRITORY = typer.Option("CN", "--territory", help="ISO 3166 code the question is about.")
USE = typer.Option("Stream", "--use", help="DDEX UseType, e.g. Stream, OnDemandStream, PermanentDownload.")
MODEL = typer.Option(None, "--model", help="DDEX CommercialModelType; default: not asked about.")
EXPIRING = typer.Option(30, "--expiring-days", help="A chain lapsing within this many days is 'expiring'.")
KNOWN_AT = typer.Option(
    None, "--as-known-at", help="Judge with the ledger as known at this time (ISO; UTC if naive)."
)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_cmd)
    app.command("explain")(explain_cmd)
    app.command("diff")(diff_cmd)
    from songclear.cli.demo_cmd import demo_cmd

    app.command("demo")(demo_cmd)


def audit_cmd(
    ctx: typer.Context,
    platform: str = typer.Option(None, "--platform", help="Platform party id (or --all-platforms)."),
    all_platforms: bool = typer.Option(
        False, "--all-platforms", help="Audit every platform's library, on every core (one ledger load)."
    ),
    at: str = typer.Option(..., "--at", help="Day audited (YYYY-MM-DD, read in Asia/Shanghai)."),
    territory: str = TERRITORY,
    use: str = USE,
    model: str = MODEL,
    expiring_days: int = EXPIRING,
    known_at: str = KNOWN_AT,
    csv_path: Path = typer.Option(
        None, "--csv", help="Write every decision to this CSV file (a directory with --all-platforms)."
    ),
    html_path: Path = typer.Option(
        None, "--html", help="Write the self-contained HTML report here (a directory with --all-platforms)."
    ),
    xlsx_path: Path = typer.Option(
        None,
        "--xlsx",
        help="Write the summary and every decision as an XLSX workbook (a directory with --all-platforms).",
    ),
    decisions: bool = typer.Option(False, "--decisions", help="With --json: include every track's decision."),
    json_: bool = JSON,
) -> None:
    """Audit a platform's whole library at a date: counts, takedown list, what lapses next."""
    from songclear.app.audit import make_query, run_audit
    from songclear.app.identities import attach_audio_evidence
    from songclear.app.views import audit_view
    from songclear.store.repository import LedgerRepository

    if (platform is None) == (not all_platforms):
        raise InputError("give either --platform P or --all-platforms")
    day = parse_day(at, "--at")
    query = make_query(day, territory=territory, use=use, commercial_model=model, expiring_days=expiring_days)
    when = parse_instant(known_at, "--as-known-at") if known_at else None
    if all_platforms:
        _audit_all(ctx, day, query, when, csv_path, html_path, json_, xlsx_path)
        return
    with (
        ctx.obj.database().session() as session,
        progress_bar(f"auditing {platform}", json_=json_) as tick,
    ):
        repo = LedgerRepository(session)
        run = run_audit(repo, platform=platform, day=day, query=query, known_at=when, progress=tick)
        attach_audio_evidence(run, repo)
    written = write_reports(run, csv_path, html_path, xlsx_path)
    if json_:
        emit_json(audit_view(run, with_decisions=decisions) | {"written": written})
        return
    print_audit(run)
    for path in written:
        console.print(f"wrote {path}")


def _audit_all(
    ctx,
    day,
    query,
    when,
    csv_dir: Path | None,
    html_dir: Path | None,
    json_: bool,
    xlsx_dir: Path | None = None,
) -> None:
    """``audit --all-platforms``: every library through ``audit_platforms``; each worker writes its platforms'
    reports and sends back only the summary (a million decisions never cross a process boundary)."""
    import time

    from songclear.app.audit import audit_platforms
    from songclear.app.identities import attach_audio_evidence
    from songclear.app.views import every_platform_view, platform_summary_view
    from songclear.store.repository import LedgerRepository

    def summary_of(run, repo) -> dict:
        if html_dir is not None:
            attach_audio_evidence(run, repo)
        written = write_reports(
            run,
            csv_dir / f"{run.platform}.csv" if csv_dir is not None else None,
            html_dir / f"{run.platform}.html" if html_dir is not None else None,
            xlsx_dir / f"{run.platform}.xlsx" if xlsx_dir is not None else None,
        )
        return platform_summary_view(run) | {"written": written}

    started = time.perf_counter()
    with ctx.obj.database().session() as session:
        repo = LedgerRepository(session)
        platforms = repo.platforms()
        if not platforms:
            raise NotFound("no platform has library tracks")
        with progress_bar("auditing every platform", json_=json_, total=len(platforms)) as tick:
            found = audit_platforms(
                repo, platforms, summary_of, day=day, query=query, known_at=when, progress=tick
            )
    out = every_platform_view(day, query, when, list(found.values()), time.perf_counter() - started)
    if json_:
        emit_json(out)
        return
    t = Table(title=f"every platform on {day} ({query.territory}, {query.use})")
    t.add_column("platform")
    t.add_column("tracks", justify="right")
    for st in Status:
        t.add_column(st.value, justify="right")
    t.add_column("a stop notice removes", justify="right")
    for f in found.values():
        s = f["summary"]
        t.add_row(
            f["platform_name"],
            str(s["total"]),
            *(str(s["counts"][st.value]) for st in Status),
            f"{s['removal_share']:.1%}",
        )
    console.print(t)
    console.print(f"{plural(out['total'], 'track')} audited in {out['elapsed_s']:.1f} s")
    for f in found.values():
        for path in f["written"]:
            console.print(f"wrote {path}")


def write_reports(
    run, csv_path: Path | None, html_path: Path | None, xlsx_path: Path | None = None
) -> list[str]:
    written = []
    if csv_path is not None:
        from songclear.reports.csvout import write_decisions_csv, write_summary_csv

        csv_path.parent.mkdir(parents=True, exist_ok=True)
        with csv_path.open("w", encoding="utf-8", newline="") as out:
            write_decisions_csv(run, out)
        summary_path = csv_path.with_name(csv_path.stem + "-summary.csv")
        with summary_path.open("w", encoding="utf-8", newline="") as out:
            write_summary_csv(run, out)
        written += [str(csv_path), str(summary_path)]
    if html_path is not None:
        from songclear.reports.html import render_audit_html

        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(render_audit_html(run), encoding="utf-8")
        written.append(str(html_path))
    if xlsx_path is not None:
        from songclear.reports.audit_xlsx import write_audit_xlsx

        write_audit_xlsx(run, xlsx_path)
        written.append(str(xlsx_path))
    return written


def print_audit(run, *, takedown_limit: int = 15) -> None:
    s = run.summary
    known = f", as known at {run.known_at:%Y-%m-%d %H:%M %Z}" if run.known_at else ""
    title = f"{run.platform_name} on {run.at_day} ({run.query.territory}, {run.query.use}{known})"
    console.print(status_table(title, {k.value: v for k, v in s.counts.items()}, s.total))
    console.print(
        f"A stop notice would remove [bold]{len(s.takedown)}[/] of the {plural(s.live, 'live track')}"
        f" ({s.removal_share:.1%} of the live library)."
    )
    if s.taken_down:
        console.print(
            f"Already taken down: {plural(s.taken_down, 'track')}, {len(s.already_down)} of them not cleared."
        )
    if s.by_licensor:
        t = Table(title="per licensor")
        t.add_column("licensor")
        for st in Status:
            t.add_column(st.value, justify="right")
        for lic, c in sorted(s.by_licensor.items()):
            t.add_row(run.licensor_names.get(lic, lic), *(str(c.get(st, 0)) for st in Status))
        console.print(t)
    todo = [d for d in run.decisions if d.status in (Status.UNCLEARED, Status.BUFFER)]
    for d in todo[:takedown_limit]:
        track = run.tracks.get(d.track)
        name = " / ".join(x for x in (track.title, track.artist) if x) if track else ""
        down = " (already taken down)" if track and track.availability is Availability.TAKEN_DOWN else ""
        console.print(
            f"  [{STATUS_STYLE[d.status]}]{d.status.value:>9}[/] {d.track} {name}{down}: {d.explain()}"
        )
    if len(todo) > takedown_limit:
        console.print(f"  ... and {len(todo) - takedown_limit} more (use --csv or --json --decisions)")
    for lp in s.lapsing[:5]:
        console.print(f"  lapses: {lp.track} last day {lp.last_day}")
    if run.changes_vs_now:
        console.print(
            f"[bold]{plural(len(run.changes_vs_now), 'decision')}[/] {'differs' if len(run.changes_vs_now) == 1 else 'differ'} as known now:"
        )
        for c in run.changes_vs_now[:10]:
            console.print(
                f"  {c.track}: {c.before.value if c.before else '-'} -> {c.after.value if c.after else '-'}: {c.after_reason}"
            )


def explain_cmd(
    ctx: typer.Context,
    track: str = typer.Option(..., "--track", help="Track id, or PLATFORM/TRACK_ID."),
    platform: str = typer.Option(None, "--platform", help="Platform (unless given in --track)."),
    at: str = typer.Option(..., "--at", help="Day (YYYY-MM-DD)."),
    territory: str = TERRITORY,
    use: str = USE,
    model: str = MODEL,
    expiring_days: int = EXPIRING,
    known_at: str = KNOWN_AT,
    json_: bool = JSON,
) -> None:
    """The decision for one track, with its grant chain and reasons."""
    from songclear.app.audit import explain_track, make_query
    from songclear.app.views import decision_view
    from songclear.store.repository import LedgerRepository

    if platform is None:
        if "/" not in track:
            raise InputError("give --platform, or --track as PLATFORM/TRACK_ID")
        platform, track = track.split("/", 1)
    day = parse_day(at, "--at")
    query = make_query(day, territory=territory, use=use, commercial_model=model, expiring_days=expiring_days)
    when = parse_instant(known_at, "--as-known-at") if known_at else None
    with ctx.obj.database().session() as session:
        t, d, ledger = explain_track(
            LedgerRepository(session), platform=platform, track_id=track, query=query, known_at=when
        )
    view = decision_view(d, t, ledger)
    if json_:
        emit_json(view)
        return
    console.print(f"[bold]{t.title}[/] / {t.artist} ({d.track}, ISRC {t.isrc or 'none'}) on {day}")
    console.print(f"[{STATUS_STYLE[d.status]}]{d.status.value}[/]")
    for c in view["chains"]:
        console.print(
            f"  {c['right']} {c['subject']}: {' -> '.join(c['grants'])}   ({' -> '.join(c['parties'])})"
            f"   last day {c['last_day'] or 'open'}"
        )
    for r in d.reasons:
        console.print(f"  - {r.message}")


def diff_cmd(
    ctx: typer.Context,
    platform: str = typer.Option(..., "--platform", help="Platform whose library to compare."),
    day_from: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    day_to: str = typer.Option(..., "--to", help="Second day (YYYY-MM-DD)."),
    territory: str = TERRITORY,
    use: str = USE,
    model: str = MODEL,
    json_: bool = JSON,
) -> None:
    """Which tracks change status between two dates, and why."""
    from songclear.app.audit import diff_dates, make_query
    from songclear.app.views import change_view
    from songclear.store.repository import LedgerRepository

    d1, d2 = parse_day(day_from, "--from"), parse_day(day_to, "--to")
    query = make_query(d1, territory=territory, use=use, commercial_model=model)
    with ctx.obj.database().session() as session:
        changes = diff_dates(
            LedgerRepository(session), platform=platform, query=query, day_from=d1, day_to=d2
        )
    if json_:
        emit_json(
            {
                "platform": platform,
                "from": d1.isoformat(),
                "to": d2.isoformat(),
                "changes": [change_view(c) for c in changes],
            }
        )
        return
    console.print(
        f"{plural(len(changes), 'track')} {'changes' if len(changes) == 1 else 'change'} status on {platform} between {d1} and {d2}"
    )
    for c in changes:
        console.print(
            f"  {c.track}: {c.before.value if c.before else '-'} -> {c.after.value if c.after else '-'}"
        )
        console.print(f"      {c.after_reason}")
