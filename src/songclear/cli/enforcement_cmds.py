"""Enforcement commands: takedown plan/apply/undo/list, reinstate, reaudit (claims and exposure: claim_cmds)."""

from __future__ import annotations

import typer

from songclear.cli.output import console, emit_json, parse_day, parse_instant, plural

takedown_app = typer.Typer(help="Plan, apply, undo and list takedowns.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")
PLATFORM = typer.Option(..., "--platform", help="Platform party id.")
AT = typer.Option(..., "--at", help="Day audited (YYYY-MM-DD, read in Asia/Shanghai).")
TERRITORY = typer.Option("CN", "--territory", help="ISO 3166 code the decisions are asked for.")
USE = typer.Option("Stream", "--use", help="DDEX UseType the decisions are asked for.")


def register(app: typer.Typer) -> None:
    from songclear.cli import claim_cmds

    app.add_typer(takedown_app, name="takedown")
    app.command("reinstate")(reinstate_cmd)
    app.command("reaudit")(reaudit_cmd)
    claim_cmds.register(app)


def _query(day, territory: str, use: str):
    from songclear.app.audit import make_query

    return make_query(day, territory=territory, use=use)


@takedown_app.command("plan")
def takedown_plan(
    ctx: typer.Context,
    platform: str = PLATFORM,
    at: str = AT,
    notice: str = typer.Option(None, "--notice", help="The regulator notice the takedowns answer."),
    geo_block: list[str] = typer.Option(
        [], "--geo-block", help="Geo-block this territory instead of removing (repeatable)."
    ),
    disable_use: str = typer.Option(
        None, "--disable-use", help="Disable only this use, e.g. PermanentDownload."
    ),
    territory: str = TERRITORY,
    use: str = USE,
    json_: bool = JSON,
) -> None:
    """Plan one takedown per live track the audit finds uncleared on a day; stored as 'planned', not applied."""
    from songclear.app.enforcement import plan
    from songclear.domain.territory import normalise_code
    from songclear.domain.vocabulary import normalise_use

    day = parse_day(at, "--at")
    asked = normalise_use(disable_use) if disable_use else use
    p, new = plan(
        ctx.obj.database(), platform=platform, day=day, query=_query(day, territory, asked), now=ctx.obj.now(),
        actor=ctx.obj.actor(), notice=notice, territories=[normalise_code(t) for t in geo_block],
        use=normalise_use(disable_use) if disable_use else None,
    )  # fmt: skip
    from songclear.store.takedowns import action_to_dict

    view = {
        "plan": p.id, "platform": platform, "day": day, "status": "planned", "new": new, "notice": p.notice,
        "actions": [action_to_dict(a) for a in p.actions],
        "deferred": [{"track": d.track, "status": d.status.value, "detail": d.detail} for d in p.deferred],
    }  # fmt: skip
    if json_:
        emit_json(view)
        return
    console.print(f"plan [bold]{p.id}[/]: {plural(len(p.actions), 'takedown')}, {len(p.deferred)} deferred")
    for a in p.actions:
        console.print(f"  {a.kind.value} {a.track}: {a.reason.detail}")
    for d in p.deferred:
        console.print(f"  [blue]deferred[/] {d.track}: {d.detail}")


@takedown_app.command("apply")
def takedown_apply(
    ctx: typer.Context,
    plan_id: str = typer.Argument(..., help="The plan id printed by 'takedown plan'."),
    json_: bool = JSON,
) -> None:
    """Apply a plan in one transaction: idempotent (a second run applies nothing), all or nothing."""
    from songclear.app.enforcement import apply_plan

    report, platform = apply_plan(ctx.obj.database(), plan_id, now=ctx.obj.now(), actor=ctx.obj.actor())
    view = {"plan": plan_id, "platform": platform, "status": "applied"} | report.as_dict()
    if json_:
        emit_json(view)
        return
    console.print(
        f"plan {plan_id}: {plural(len(report.applied), 'action')} applied, {len(report.skipped)} already in force; "
        f"{plural(len(report.taken_down), 'track')} taken down"
    )
    if report.stale:
        console.print(
            f"{plural(len(report.stale), 'action')} not applied: their tracks were taken down or put back after the plan "
            "was made (plan again): " + ", ".join(a.track for a in report.stale)
        )


@takedown_app.command("undo")
def takedown_undo(
    ctx: typer.Context,
    action_ids: list[str] = typer.Argument(..., help="Ids of the actions to lift."),
    reason: str = typer.Option(..., "--reason", help="Why (recorded with who and when)."),
    json_: bool = JSON,
) -> None:
    """Lift takedown actions. Nothing is deleted: each undo is its own record; tracks no removal keeps down go
    live again."""
    from songclear.app.enforcement import undo

    r = undo(ctx.obj.database(), action_ids, reason=reason, now=ctx.obj.now(), actor=ctx.obj.actor())
    view = {
        "undone": [{"action": u.action_id, "track": u.track, "by": u.actor, "at": u.at, "reason": u.reason}
                   for u in r.undone],
        "reinstated": list(r.reinstated),
        "still_down": list(r.still_down),
    }  # fmt: skip
    if json_:
        emit_json(view)
        return
    console.print(
        f"{plural(len(r.undone), 'action')} undone; live again: {', '.join(r.reinstated) or 'none'}"
    )
    for k in r.still_down:
        console.print(f"  [yellow]still down[/] {k}: another removal is in force")


@takedown_app.command("list")
def takedown_list(ctx: typer.Context, platform: str = PLATFORM, json_: bool = JSON) -> None:
    """The takedown actions in force on a platform, with their reasons."""
    from songclear.app.enforcement import in_force

    rows = [s.as_dict() for s in in_force(ctx.obj.database(), platform)]
    if json_:
        emit_json({"platform": platform, "actions": rows})
        return
    console.print(f"{plural(len(rows), 'action')} in force on {platform}")
    for r in rows:
        console.print(
            f"  {r['id']} {r['kind']} {r['track']} ({r['applied_at'][:19]}): {r['reason']['detail']}"
        )


def reinstate_cmd(
    ctx: typer.Context,
    platform: str = PLATFORM,
    at: str = AT,
    apply: bool = typer.Option(False, "--apply", help="Reinstate them (undo the decision-based actions)."),
    territory: str = TERRITORY,
    use: str = USE,
    json_: bool = JSON,
) -> None:
    """Taken-down tracks whose decision now clears them, with the grant chains that prove it; --apply puts them
    back up."""
    from songclear.app.enforcement import reinstate

    day = parse_day(at, "--at")
    r = reinstate(
        ctx.obj.database(), platform=platform, day=day, query=_query(day, territory, use), now=ctx.obj.now(),
        actor=ctx.obj.actor(), apply=apply,
    )  # fmt: skip
    if json_:
        emit_json(r.as_dict())
        return
    view = r.as_dict()
    console.print(f"{plural(len(view['candidates']), 'track')} can go back up on {platform}")
    for c in view["candidates"]:
        blocked = (
            f" [yellow](a claim keeps it down: {', '.join(c['blocked_by'])})[/]" if c["blocked_by"] else ""
        )
        console.print(f"  {c['track']}: {c['before']} -> {c['after']}: {c['proof']}{blocked}")
    if apply:
        console.print(f"reinstated: {', '.join(view['reinstated']) or 'none'}")


def reaudit_cmd(
    ctx: typer.Context,
    platform: str = PLATFORM,
    at: str = AT,
    since: str = typer.Option(..., "--since", help="Facts recorded after this time (ISO; UTC if naive)."),
    territory: str = TERRITORY,
    use: str = USE,
    json_: bool = JSON,
) -> None:
    """Decisions that changed because grants, recordings, works or notices were recorded after --since; only
    the tracks such a change can touch are decided."""
    from songclear.app.enforcement import reaudit

    day = parse_day(at, "--at")
    r = reaudit(
        ctx.obj.database(), platform=platform, day=day, query=_query(day, territory, use),
        since=parse_instant(since, "--since"),
    )  # fmt: skip
    if json_:
        emit_json(r.as_dict())
        return
    console.print(f"changed since {r.since:%Y-%m-%d %H:%M}: grants {', '.join(r.grants) or 'none'}")
    scope = (
        "the whole library (a notice changed)"
        if r.whole_library
        else plural(r.affected_recordings, "recording")
    )
    console.print(
        f"{plural(r.tracks_decided, 'track')} decided ({scope}), {len(r.changes)} changed, {r.elapsed_s:.2f} s"
    )
    for c in r.changes:
        console.print(f"  {c['track']}: {c['before']} -> {c['after']} (because of {', '.join(c['because'])})")
    for c in r.reinstatement:
        console.print(
            f"  [green]can go back up[/] {c['track']}: songclear reinstate --platform {r.platform} --apply"
        )
