"""Linking commands: propose links from metadata, and the review queue for the uncertain ones."""

from __future__ import annotations

import typer

from songclear.cli.output import console, emit_json, plural
from songclear.cli.progress import progress_bar
from songclear.errors import InputError

review_app = typer.Typer(help="The review queue of uncertain metadata links.", no_args_is_help=True)
links_app = typer.Typer(help="The current metadata links of a platform's tracks.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")
TRACK = typer.Option(..., "--track", help="PLATFORM/TRACK_ID")
BY = typer.Option(..., "--by", help="Who decides (recorded with the time).")
NOTE = typer.Option("", "--note", help="Why.")


def register(app: typer.Typer) -> None:
    app.command("link")(link_cmd)
    app.add_typer(links_app, name="links")
    app.add_typer(review_app, name="review")


def _split(track: str) -> tuple[str, str]:
    if "/" not in track:
        raise InputError(f"--track expects PLATFORM/TRACK_ID, got {track!r}")
    platform, track_id = track.split("/", 1)
    return platform, track_id


def link_cmd(
    ctx: typer.Context,
    platform: str = typer.Option(..., "--platform", help="Platform whose library tracks to link."),
    json_: bool = JSON,
) -> None:
    """Link each library track to the registered recording (or work) it is, from its metadata: auto-link,
    review queue, or no link. Audio matches win over metadata; a rejected pair is never proposed again."""
    from songclear.app.linking import link_platform

    with progress_bar(f"linking {platform}", json_=json_) as tick:
        report = link_platform(
            ctx.obj.database(), platform, now=ctx.obj.now(), actor=ctx.obj.actor(), progress=tick
        )
    if json_:
        emit_json(report.as_dict())
        return
    d = report.as_dict()
    console.print(
        f"{plural(d['tracks'], 'track')}: [green]{d['auto']} auto-linked[/], [yellow]{d['review']} to review[/], "
        f"{d['none']} no link ({plural(d['changed'], 'proposal')} changed)"
    )
    for item in report.review:
        console.print(f"  [yellow]review[/] {item['track']}: {item['explanation']}")


@links_app.command("list")
def links_list(
    ctx: typer.Context,
    platform: str = typer.Option(..., "--platform", help="Platform whose tracks to list."),
    status: str = typer.Option(None, "--status", help="Only this outcome: auto, review or none."),
    json_: bool = JSON,
    csv_: bool = typer.Option(False, "--csv", help="Print CSV (one row per track) instead of a table."),
) -> None:
    """Every library track of a platform with its current link: outcome, recording, work, score, and the reasons
    it is not automatic."""
    from songclear.app.linking import LINK_COLUMNS, list_links

    if json_ and csv_:
        raise InputError("choose one of --json and --csv")
    rows = list_links(ctx.obj.database(), platform, status)
    if json_:
        emit_json({"platform": platform, "status": status, "links": rows})
        return
    if csv_:
        import csv
        import sys

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(LINK_COLUMNS)
        for r in rows:
            writer.writerow(
                ["; ".join(r[c]) if c == "reasons" else "" if r[c] is None else r[c] for c in LINK_COLUMNS]
            )
        return
    console.print(
        f"{plural(len(rows), 'track')} of {platform}" + (f" with outcome {status}" if status else "")
    )
    for r in rows:
        target = r["recording"] or r["work"] or "-"
        score = "" if r["score"] is None else f" ({r['score']:.3f})"
        why = f": {'; '.join(r['reasons'])}" if r["reasons"] else ""
        console.print(f"  {r['track']} {r['outcome'] or 'unlinked'} -> {target}{score}{why}", markup=False)


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    platform: str = typer.Option(None, "--platform", help="Only this platform."),
    json_: bool = JSON,
) -> None:
    """Links waiting for a person: proposals in review with no decision since."""
    from songclear.app.review_view import audit_reading
    from songclear.store.links import LinkRepository

    if platform is not None:
        from songclear.app.linking import require_platform

        require_platform(ctx.obj.database(), platform)
    with ctx.obj.database().session() as session:
        pending = LinkRepository(session).review_queue(platform)
        reading = audit_reading(session, pending)
    if json_:
        emit_json({"queue": [s.as_dict() | reading[s.platform, s.track_id] for s in pending]})
        return
    console.print(f"{plural(len(pending), 'link')} to review")
    for s in pending:
        why = "; ".join(s.reasons) or s.link.explanation.splitlines()[0]
        console.print(f"  {s.platform}/{s.track_id} -> {s.link.isrc or s.link.work_id}: {why}", markup=False)
        console.print(f"      the audit: {reading[s.platform, s.track_id]['audit_uses']}", markup=False)


@review_app.command("show")
def review_show(
    ctx: typer.Context,
    track: str = TRACK,
    json_: bool = JSON,
) -> None:
    """A track's link proposal with every field's evidence, its conflicts, alternatives and decisions."""
    from rich.markup import escape

    from songclear.app.review_view import audit_reading
    from songclear.store.links import LinkRepository

    platform, track_id = _split(track)
    with ctx.obj.database().session() as session:
        repo = LinkRepository(session)
        stored = repo.get(platform, track_id)
        history = repo.decisions(platform).get((platform, track_id), [])
        reading = audit_reading(session, [stored])[platform, track_id]
    view = (
        stored.as_dict()
        | reading
        | {
            "decisions": [
                {
                    "candidate": d.candidate,
                    "decision": d.decision,
                    "by": d.actor,
                    "at": d.decided_at.isoformat(),
                }
                for d in history
            ]
        }
    )
    if json_:
        emit_json(view)
        return
    console.print(
        f"[bold]{view['track']}[/]: {view['outcome']} -> {view['recording'] or view['work']} ({view['source']})"
    )
    console.print(f"  {view['explanation']}", markup=False)
    console.print(f"  the audit: {view['audit_uses']}", markup=False)
    for reason in view["reasons"]:
        console.print(f"  [yellow]needs a person[/] {escape(reason)}")
    for line in view["fields"]:
        console.print(f"    {line}")
    for c in view["conflicts"]:
        console.print(f"  [red]conflict[/] {c}")
    for isrc, score in view["alternatives"]:
        console.print(f"  alternative {isrc} ({score})")
    for d in view["decisions"]:
        console.print(f"  {d['decision']} {d['candidate']} by {d['by']} at {d['at']}")


def _decide(ctx: typer.Context, track: str, decision: str, by: str, note: str, json_: bool) -> None:
    from songclear.app.linking import decide_review

    platform, track_id = _split(track)
    d = decide_review(ctx.obj.database(), platform, track_id, decision, actor=by, note=note, at=ctx.obj.now())
    view = {
        "track": track,
        "candidate": d.candidate,
        "decision": d.decision,
        "by": d.actor,
        "at": d.decided_at.isoformat(),
    }
    emit_json(view) if json_ else console.print(f"{decision}ed {d.candidate} for {track} (by {by})")


@review_app.command("accept")
def review_accept(
    ctx: typer.Context,
    track: str = TRACK,
    by: str = BY,
    note: str = NOTE,
    json_: bool = JSON,
) -> None:
    """Accept the proposed link: the audit then judges the track by that recording (or work)."""
    _decide(ctx, track, "accept", by, note, json_)


@review_app.command("reject")
def review_reject(
    ctx: typer.Context,
    track: str = TRACK,
    by: str = BY,
    note: str = NOTE,
    json_: bool = JSON,
) -> None:
    """Reject the proposed link: this pair is never proposed again."""
    _decide(ctx, track, "reject", by, note, json_)
