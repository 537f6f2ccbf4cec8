"""Claim and exposure commands (registered by enforcement_cmds): claim add/answer/counter/suit/restore/show/
withdraw, claims alerts/claimants, exposure."""

from __future__ import annotations

from pathlib import Path

import typer

from songclear.cli.output import console, emit_json, parse_day, parse_instant, plural

claim_app = typer.Typer(
    help="Infringement claims: receive, answer, counter-notice, suit, restore, show, withdraw.",
    no_args_is_help=True,
)
claims_app = typer.Typer(
    help="Across all claims: deadline alerts, claimant statistics.", no_args_is_help=True
)
JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")
CLAIM_ID = typer.Argument(..., help="The claim's id.")


def register(app: typer.Typer) -> None:
    app.add_typer(claim_app, name="claim")
    app.add_typer(claims_app, name="claims")
    app.command("exposure")(exposure_cmd)


def _out(json_: bool, view: dict, line: str) -> None:
    emit_json(view) if json_ else console.print(line)


@claim_app.command("add")
def claim_add(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The claim as a JSON object."),
    from_catalogue: str = typer.Option(
        None,
        "--from-catalogue",
        metavar="PARTY",
        help="File it as this rights holder from its own catalogue: the claim names 'recordings' (ISRCs) and "
        "'works' (ISWCs), and the platform's track ids are filled in.",
    ),
    json_: bool = JSON,
) -> None:
    """Receive a claim; the evidence files it names (paths relative to it) are read and stored by sha256. An
    incomplete claim is stored but not executed: the answer says what is missing."""
    from dataclasses import replace

    from songclear.app.claim_filing import read_filing
    from songclear.app.claims import add_claim
    from songclear.app.holder_claims import holder_claim
    from songclear.store.claims import claim_to_dict

    db, now = ctx.obj.database(), ctx.obj.now()
    filing = read_filing(file)
    filled = None
    if from_catalogue:
        data, filled = holder_claim(db, filing.data, party=from_catalogue, now=now)
        filing = replace(filing, data=data)
    claim, lacking, new = add_claim(db, filing, now=now, actor=ctx.obj.actor())
    view = {"claim": claim_to_dict(claim), "complete": not lacking, "missing": list(lacking), "new": new}
    state = "complete" if not lacking else "incomplete, not executed: " + "; ".join(lacking)
    line = f"claim {claim.id} received ({state})"
    if filled is not None:
        view["items_filled"] = filled
        line += f"; {claim.platform} tracks filled in from {from_catalogue}'s catalogue: {', '.join(filled)}"
    _out(json_, view, line)


@claim_app.command("answer")
def claim_answer(
    ctx: typer.Context,
    claim_id: str = CLAIM_ID,
    apply: bool = typer.Option(False, "--apply", help="Take down the infringing items now."),
    json_: bool = JSON,
) -> None:
    """Answer a claim per item: infringing (a takedown with its deadline), licensed (rejected, with the grant
    chain as proof), review; a false claimant is refused, rival claimants are a conflict."""
    from songclear.app.claims import answer

    r = answer(ctx.obj.database(), claim_id, now=ctx.obj.now(), actor=ctx.obj.actor(), apply=apply)
    if json_:
        emit_json(r.as_dict())
        return
    console.print(r.answer.message())
    for i in r.answer.items:
        due = f" (due {i.due.due:%Y-%m-%d %H:%M %Z})" if i.due else ""
        console.print(f"  {i.verdict.value:>10} {i.item}: {i.detail}{due}")


@claim_app.command("counter")
def claim_counter(
    ctx: typer.Context,
    claim_id: str = CLAIM_ID,
    file: Path = typer.Argument(..., help="The counter-notice as a JSON object."),
    json_: bool = JSON,
) -> None:
    """Record a counter-notice: a valid one starts the restore clock, an incomplete one is answered with what it
    lacks."""
    from songclear.app.claim_filing import read_filing
    from songclear.app.claims import counter

    r = counter(ctx.obj.database(), claim_id, read_filing(file), now=ctx.obj.now(), actor=ctx.obj.actor())
    window = None
    if r.window:
        window = {"earliest": r.window[0].due, "latest": r.window[1].due, "basis": r.window[1].basis}
    view = {"claim": claim_id, "counter": r.case.counter.id, "valid": not r.missing, "missing": list(r.missing),
            "window": window}  # fmt: skip
    line = "valid" if not r.missing else "incomplete: " + "; ".join(r.missing)
    _out(json_, view, f"counter-notice {r.case.counter.id} on {claim_id}: {line}")


@claim_app.command("suit")
def claim_suit(
    ctx: typer.Context,
    claim_id: str = CLAIM_ID,
    at: str = typer.Option(None, "--at", help="When the suit was reported (ISO; default now)."),
    json_: bool = JSON,
) -> None:
    """The claimant reports a suit: where the regime says so, it stops the restore clock."""
    from songclear.app.claims import report_suit

    when = parse_instant(at, "--at") if at else None
    case = report_suit(
        ctx.obj.database(), claim_id, now=ctx.obj.now(), actor=ctx.obj.actor(), reported_at=when
    )
    view = {"claim": claim_id, "suit_reported_at": case.suit_reported_at}
    _out(json_, view, f"suit reported on {claim_id} at {case.suit_reported_at:%Y-%m-%d %H:%M}")


@claim_app.command("restore")
def claim_restore(ctx: typer.Context, claim_id: str = CLAIM_ID, json_: bool = JSON) -> None:
    """Put a claim's items back after a valid counter-notice, when the regime's window is open and no suit is
    reported; refused otherwise (exit code 2), with why."""
    from songclear.app.claims import restore
    from songclear.errors import StateConflict

    r = restore(ctx.obj.database(), claim_id, now=ctx.obj.now(), actor=ctx.obj.actor())
    if not r.allowed:
        raise StateConflict(f"claim {claim_id} may not be restored: {r.why}")
    view = {"claim": claim_id, "why": r.why, "reinstated": r.reinstated, "still_down": r.still_down}
    _out(json_, view, f"restored {', '.join(r.reinstated) or 'nothing'} ({r.why})")


@claim_app.command("show")
def claim_show(ctx: typer.Context, claim_id: str = CLAIM_ID, json_: bool = JSON) -> None:
    """A claim's case: its state, steps, latest answer, the rival claims it is in conflict with, its withdrawal."""
    from songclear.app.claim_cases import show

    view = show(ctx.obj.database(), claim_id)
    if json_:
        emit_json(view)
        return
    c = view["claim"]
    console.print(
        f"claim {claim_id} by {c['claimant']} on {c['platform']} ({c['regime']}): [bold]{view['state']}[/]"
    )
    named = [("recordings", c.get("recordings")), ("works", c.get("works")), ("tracks", c.get("items"))]
    for what, values in named:
        if values:
            console.print(f"  {what}: {', '.join(values)}")
    for s in view["steps"]:
        console.print(f"  {s['at']:%Y-%m-%d %H:%M} {s['step']} ({s['actor']})")
    if view["answer"]:
        console.print(f"  {view['answer']['message']}")
    if view["rivals"]:
        console.print(
            f"  [yellow]conflict[/] on {', '.join(view['conflict_items'])} with {', '.join(view['rivals'])}: "
            "in review until one claim is withdrawn"
        )


@claim_app.command("withdraw")
def claim_withdraw(
    ctx: typer.Context,
    claim_id: str = CLAIM_ID,
    reason: str = typer.Option(..., "--reason", help="Why (recorded with who and when)."),
    json_: bool = JSON,
) -> None:
    """Withdraw a claim (retracted, or settled with a rival claimant): its takedowns in force are lifted, it is
    never answered again, and a rival claim in conflict with it can be answered again."""
    from songclear.app.claim_cases import withdraw

    view = withdraw(ctx.obj.database(), claim_id, reason=reason, now=ctx.obj.now(), actor=ctx.obj.actor())
    _out(json_, view, f"claim {claim_id} withdrawn; lifted {plural(len(view['lifted']), 'takedown')}")


@claims_app.command("alerts")
def claims_alerts(
    ctx: typer.Context,
    now: str = typer.Option(None, "--now", help="The time to judge at (ISO; default: the clock)."),
    json_: bool = JSON,
) -> None:
    """What is due or overdue: takedowns not done, restore windows open or past, complaints unanswered, and
    conflicts between rival claimants waiting for a person."""
    from songclear.app.claims import claim_alerts

    when = parse_instant(now, "--now") if now else ctx.obj.now()
    found = claim_alerts(ctx.obj.database(), when)
    rows = [
        {"claim": a.claim_id, "kind": a.kind, "state": a.state, "due": a.due, "detail": a.detail}
        for a in found
    ]
    if json_:
        emit_json({"now": when, "alerts": rows})
        return
    console.print(f"{plural(len(rows), 'alert')} at {when:%Y-%m-%d %H:%M %Z}")
    for r in rows:
        colour = "red" if r["state"] == "overdue" else "yellow"
        console.print(f"  [{colour}]{r['state']}[/] {r['kind']} {r['claim']}: {r['detail']}")


@claims_app.command("claimants")
def claims_claimants(
    ctx: typer.Context,
    min_items: int = typer.Option(
        10, "--min-items", help="Flag only claimants with this many decided items."
    ),
    threshold: float = typer.Option(0.5, "--threshold", help="Flag above this share of rejected items."),
    json_: bool = JSON,
) -> None:
    """Per claimant: claims, items, infringing, rejected, review; flagged when most of its items are rejected."""
    from songclear.app.claims import claimants

    stats = claimants(ctx.obj.database(), min_items=min_items, threshold=threshold)
    rows = [s.as_dict() for s in stats]
    if json_:
        emit_json({"claimants": rows})
        return
    for r in rows:
        flag = " [red](flagged: check its chain of title)[/]" if r["flagged"] else ""
        console.print(
            f"  {r['claimant']}: {plural(r['claims'], 'claim')}, {plural(r['items'], 'item')}, {r['rejected']} rejected{flag}"
        )


def exposure_cmd(
    ctx: typer.Context,
    platform: str = typer.Option(..., "--platform", help="Platform party id."),
    day_from: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    day_to: str = typer.Option(..., "--to", help="Day after the last (exclusive)."),
    rate_per_play: str = typer.Option("0.01", "--rate-per-play", help="Amount per estimated play."),
    rate_per_day: str = typer.Option("1.00", "--rate-per-day", help="Amount per day when plays are unknown."),
    currency: str = typer.Option("CNY", "--currency", help="ISO 4217 code the rates (and amounts) are in."),
    territory: str = typer.Option("CN", "--territory", help="ISO 3166 code."),
    use: str = typer.Option("Stream", "--use", help="DDEX UseType."),
    csv_path: Path = typer.Option(None, "--csv", help="Write one row per track to this CSV file."),
    json_: bool = JSON,
) -> None:
    """Exposure: the days each unlicensed track was live while uncleared, times plays (or days) times a rate,
    per track, platform and licensor."""
    import dataclasses
    from decimal import Decimal, InvalidOperation

    from songclear.app.exposure import exposure_report, write_exposure_csv
    from songclear.app.views import exposure_view
    from songclear.domain.enforcement.exposure import Rates
    from songclear.errors import InputError

    try:
        rates = Rates(per_play=Decimal(rate_per_play), per_day=Decimal(rate_per_day))
    except InvalidOperation:
        raise InputError("--rate-per-play and --rate-per-day expect decimal numbers such as 0.01") from None
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise InputError(f"--currency expects an ISO 4217 code such as CNY or USD, got {currency!r}")
    rates = dataclasses.replace(rates, currency=currency.upper())
    report = exposure_report(
        ctx.obj.database(), platform=platform, start=parse_day(day_from, "--from"), end=parse_day(day_to, "--to"),
        rates=rates, territory=territory, use=use,
    )  # fmt: skip
    written = []
    if csv_path is not None:
        write_exposure_csv(report, csv_path)
        written.append(str(csv_path))
    view = exposure_view(platform, report) | {"written": written}
    if json_:
        emit_json(view)
        return
    console.print(f"exposure of {platform}: {report.total} {rates.currency}")
    for name, term in report.terms().items():
        console.print(f"  {name}: {term}")
    for r in report.rows():
        console.print(
            f"  {r['track']} {r['licensor']}: {plural(int(r['days']), 'day')}, "
            + (plural(int(r["plays"]), "play") if r["plays"] not in (None, "") else "plays unknown")
            + f", {r['amount']}"
        )
    for path in written:
        console.print(f"wrote {path}")
