"""``songclear demo``: build the 2015 world, audit it at three dates, write the reports."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from songclear.app.limits import MAX_WORKERS
from songclear.cli.output import STATUS_STYLE, console, emit_json, plural
from songclear.domain.decision import Status


def demo_cmd(
    ctx: typer.Context,
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the reports."),
    audio: bool = typer.Option(True, "--audio/--no-audio", help="Make, register and scan the demo's audio."),
    workers: int = typer.Option(
        2, "--workers", min=1, max=MAX_WORKERS, help="Local processes for fingerprinting and scanning."
    ),
    enforce: bool = typer.Option(
        True, "--enforcement/--no-enforcement", help="Play the takedowns, claim and reinstatement chapter."
    ),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Replay the 2015 story: import the demo ledger, audit each platform before the notice, in the buffer and
    after the deadline, and write the HTML and CSV reports."""
    from songclear.app.audit import explain_track, make_query, run_audit
    from songclear.app.demo import (
        DEMO_DAYS,
        DEMO_PLATFORMS,
        KNOWN_BEFORE_AMENDMENT,
        STEPS,
        play_demo,
        write_evidence,
    )
    from songclear.app.demo_enforcement import NOTICE, regulator_reports
    from songclear.app.identities import attach_audio_evidence
    from songclear.app.views import audit_view, decision_view
    from songclear.cli.audit_cmds import write_reports
    from songclear.store.repository import LedgerRepository

    db = ctx.obj.database()
    out.mkdir(parents=True, exist_ok=True)
    story = play_demo(db, out, audio=audio, enforce=enforce, index_path=ctx.obj.index_path(), workers=workers)
    outcomes, audio_run, linking, enforcement = story.imports, story.audio, story.linking, story.enforcement
    runs = {}
    with db.session() as session:
        repo = LedgerRepository(session)
        for platform in DEMO_PLATFORMS:
            for day in DEMO_DAYS:
                runs[platform, day] = run_audit(repo, platform=platform, day=day, query=make_query(day))
            attach_audio_evidence(runs[platform, DEMO_DAYS[-1]], repo)
        last = DEMO_DAYS[-1]
        then = run_audit(
            repo, platform="qq", day=last, query=make_query(last), known_at=KNOWN_BEFORE_AMENDMENT
        )
        chain_track, chain_decision, ledger = explain_track(
            repo, platform="netease", track_id="ne-001", query=make_query(last)
        )
    written = []
    for platform in DEMO_PLATFORMS:
        run = runs[platform, last]
        written += write_reports(
            run, out / f"audit-{platform}-{last}.csv", out / f"audit-{platform}-{last}.html"
        )
    written += write_reports(
        then, None, out / f"audit-qq-{last}-as-known-{KNOWN_BEFORE_AMENDMENT:%Y-%m-%d}.html"
    )
    written += regulator_reports(db, out) if enforce else []
    evidence = write_evidence(db, out / "evidence") if audio else []
    audio_tracks = [
        (d, runs[p, last].tracks[d.track])
        for p in DEMO_PLATFORMS
        for d in runs[p, last].decisions
        if d.identity_source == "audio"
    ]

    if json_:
        emit_json(
            {
                "imports": [o.as_dict() for o in outcomes],
                "audits": [audit_view(r) for r in runs.values()],
                "as_known_at": audit_view(then),
                "explained": decision_view(chain_decision, chain_track, ledger),
                "audio": None
                if audio_run is None
                else {
                    "references": audio_run["references"].as_dict(),
                    "scans": [s.as_dict() for s in audio_run["scans"]],
                    "identified": [decision_view(d, t) for d, t in audio_tracks],
                    "evidence": evidence,
                },
                "enforcement": enforcement,
                "linking": None
                if linking is None
                else {
                    "links": [r.as_dict() for r in linking["links"]],
                    "review": {
                        "candidate": linking["review"].candidate,
                        "decision": linking["review"].decision,
                        "by": linking["review"].actor,
                        "at": linking["review"].decided_at.isoformat(),
                    },
                },
                "written": written,
            }
        )
        return
    for step, o in zip(STEPS, outcomes, strict=True):
        state = "already imported" if o.already_imported else plural(o.added, "fact")
        console.print(f"[dim]{step.recorded_at:%Y-%m-%d}[/] {step.what}: {state}")
    table = Table(title="Library status through the 2015 NCAC order (CN, Stream)")
    table.add_column("platform")
    table.add_column("day")
    for s in Status:
        table.add_column(s.value, justify="right", style=STATUS_STYLE[s])
    table.add_column("a stop notice removes", justify="right")
    for (_platform, day), run in runs.items():
        c = run.summary.counts
        table.add_row(
            run.platform_name,
            str(day),
            *(str(c.get(s, 0)) for s in Status),
            f"{run.summary.removal_share:.0%}",
        )
    console.print(table)
    console.print(
        f"\n[bold]A sublicence chain[/] ({chain_track.title}, NetEase, {last}): {chain_decision.explain()}"
    )
    console.print(
        f"[bold]As known at {KNOWN_BEFORE_AMENDMENT:%Y-%m-%d}[/], QQ Music on {last}: "
        f"{plural(len(then.changes_vs_now or []), 'decision')} changed after a backdated amendment was recorded:"
    )
    for c in (then.changes_vs_now or [])[:5]:
        console.print(f"  {c.track}: {c.before.value} then -> {c.after.value} now ({c.after_reason})")
    if audio_run is not None:
        n_refs = len(audio_run["references"].added) + len(audio_run["references"].unchanged)
        scanned = sum(s.scanned + s.already_done for s in audio_run["scans"])
        console.print(
            f"\n[bold]Audio[/]: {plural(n_refs, 'reference recording')} fingerprinted, {plural(scanned, 'library file')} scanned; "
            f"judged by the recording their audio contains on {last}:"
        )
        for d, t in audio_tracks:
            console.print(
                f"  {d.track} '{t.title}' / {t.artist}: [{STATUS_STYLE[d.status]}]{d.status.value}[/]"
            )
            console.print(f"      {d.explain()}")
        console.print(f"Evidence pictures: {out / 'evidence'} ({plural(len(evidence), 'file')})")
    if linking is None:
        console.print("\nThe story was in this database already: nothing was played again.")
    else:
        console.print("\n[bold]Metadata linking[/] (tracks without a trusted ISRC):")
        for r in linking["links"]:
            d = r.as_dict()
            console.print(
                f"  {d['platform']}: {d['auto']} auto-linked, {d['review']} to review, {d['none']} no link"
            )
            for item in d["review_queue"]:
                console.print(f"    review {item['track']}: {item['explanation']}")
        v = linking["review"]
        console.print(f"  {v.actor} {v.decision}ed {v.candidate} for qq/qq-010 on {v.decided_at:%Y-%m-%d}")
    if enforcement.get("played"):
        e = enforcement
        taken = {p: len(r.get("applied", [])) for p, r in e["takedowns"].items()}
        console.print("\n[bold]Enforcement[/] after the buffer:")
        console.print(
            f"  2015-08-05 claim {e['claim']} (Jade Dragon vs Kuwo kw-003): {e['answer']['outcome']}, taken down; "
            f"2015-08-07 counter-notice valid: {e['counter']['valid']}, restored: {', '.join(e['restore']['reinstated'])}"
        )
        console.print(
            f"  2015-11-01 takedowns applied under {NOTICE}: "
            + ", ".join(f"{p} {n}" for p, n in taken.items())
        )
        back = [c["track"] for c in e["reinstated"]["candidates"]]
        console.print(
            f"  2015-11-20 Silk Road renewed with NetEase: reinstated {', '.join(back) or 'nothing'}"
        )
    console.print("\nReports written:")
    for path in written:
        console.print(f"  {path}")
    console.print(f"Open [bold]{out / f'audit-netease-{last}.html'}[/] in a browser.")
    console.print(
        "Then [bold].venv/bin/songclear serve --demo[/] serves the dashboard on this world at "
        "[bold]http://127.0.0.1:8000/ui/[/] (README.md says what to click)."
    )
