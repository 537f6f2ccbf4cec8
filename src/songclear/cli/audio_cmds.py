"""Audio commands: register reference audio (fp), identify clips, scan a platform's library."""

from __future__ import annotations

from pathlib import Path

import typer

from songclear.app.limits import IDENTIFY_MAX_SECONDS, MAX_ROWS, MAX_WORKERS, SCAN_COMMIT_EVERY
from songclear.cli.output import console, emit_json, plural, show
from songclear.cli.progress import progress_bar

fp_app = typer.Typer(help="The fingerprint index of registered recordings' audio.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")


def register(app: typer.Typer) -> None:
    app.add_typer(fp_app, name="fp")
    app.command("identify")(identify_cmd)
    app.command("scan")(scan_cmd)


@fp_app.command("add")
def fp_add(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Audio files (mp3, m4a/aac, ogg, opus, flac, wav)."),
    recording: list[str] = typer.Option(
        [], "--recording", help="ISRC of each file, in order (default: each file is named by its ISRC)."
    ),
    workers: int = typer.Option(
        2, "--workers", min=1, max=MAX_WORKERS, help="Local processes that fingerprint in parallel."
    ),
    json_: bool = JSON,
) -> None:
    """Fingerprint audio as the reference of registered recordings (replaces a recording's earlier audio).
    Exit code 6 if any file could not be used (the others are registered)."""
    from songclear.app.fingerprints import add_references

    with progress_bar("fingerprinting", json_=json_) as tick:
        report = add_references(
            ctx.obj.database(), ctx.obj.index_path(), files, recording, now=ctx.obj.now, workers=workers,
            actor=ctx.obj.actor(), progress=tick,
        )  # fmt: skip
    if json_:
        emit_json(report.as_dict() | {"index": str(ctx.obj.index_path())})
    else:
        for a in report.added:
            console.print(f"[green]added[/] {a['recording']} ({a['seconds']} s) from {a['path']}")
        for f in report.failed:
            console.print(f"[red]not added[/] {f['recording']}: {f['message']}")
    if report.failed:
        raise typer.Exit(6)


@fp_app.command("remove")
def fp_remove(
    ctx: typer.Context,
    recording: str = typer.Option(..., "--recording", help="ISRC whose reference audio to remove."),
    json_: bool = JSON,
) -> None:
    """Remove a recording's reference audio from the index."""
    from songclear.domain.identifiers import normalise_isrc
    from songclear.errors import NotFound
    from songclear.fingerprint import FingerprintIndex
    from songclear.store.matches import AudioMatchRepository

    isrc = normalise_isrc(recording)
    with FingerprintIndex.open(ctx.obj.index_path()) as index:
        if isrc not in index:
            raise NotFound(f"recording {isrc} is not in the fingerprint index")
        index.remove(isrc)
    with ctx.obj.database().session() as session:
        AudioMatchRepository(session).remove_reference(isrc)
    emit_json({"removed": isrc}) if json_ else console.print(f"removed {isrc}")


@fp_app.command("stats")
def fp_stats(ctx: typer.Context, json_: bool = JSON) -> None:
    """What the fingerprint index holds."""
    from songclear.fingerprint import FingerprintIndex
    from songclear.jobs.scan import index_version

    path = ctx.obj.index_path()
    index = FingerprintIndex.open(path)
    payload = {
        "index": str(path),
        "version": index_version(path),
        "recordings": len(index),
        "seconds": round(index.seconds, 1),
        "bytes": index.nbytes,
    }
    if json_:
        emit_json(payload)
        return
    for k, v in payload.items():
        console.print(f"{k:>10}: {show(v)}")


def identify_cmd(
    ctx: typer.Context,
    clips: list[Path] = typer.Argument(..., help="Audio clips to identify (one process, index opened once)."),
    max_seconds: float = typer.Option(
        IDENTIFY_MAX_SECONDS,
        "--max-seconds",
        help="Most audio analysed per clip; a longer clip fails (scan long files as library tracks).",
    ),
    json_: bool = JSON,
) -> None:
    """Which registered recordings do these clips contain? Exit code 6 if any clip could not be decoded or is
    longer than --max-seconds."""
    from songclear.app.fingerprints import identify_clips
    from songclear.errors import InputError
    from songclear.store.repository import LedgerRepository

    if not max_seconds > 0:
        raise InputError("--max-seconds must be positive")
    results = identify_clips(ctx.obj.index_path(), clips, max_seconds=max_seconds)
    with ctx.obj.database().session() as session:
        ledger = LedgerRepository(session).load_ledger()
    titles = {isrc: r.title for isrc, r in ledger.recordings.items()}
    if json_:
        emit_json({"clips": [r.as_dict(titles) for r in results]})
    else:
        for r in results:
            if r.error:
                console.print(f"[red]error[/] {r.clip}: {r.error}")
            elif not r.matches:
                console.print(f"[dim]no match[/] {r.clip}")
            for m in r.matches:
                console.print(
                    f"[green]{m.recording_id}[/] {titles.get(m.recording_id, '')}  {r.clip} "
                    f"{m.query_start:.1f}-{m.query_end:.1f} s = {m.reference_start:.1f}-{m.reference_end:.1f} s  "
                    f"speed x{m.speed:.3f} pitch x{m.pitch:.3f} confidence {m.confidence:.3f}"
                )
    if any(r.error for r in results):
        raise typer.Exit(6)


def scan_cmd(
    ctx: typer.Context,
    platform: str = typer.Option(..., "--platform", help="Platform whose library tracks with audio to scan."),
    workers: int = typer.Option(
        2, "--workers", min=1, max=MAX_WORKERS, help="Local worker processes (1: in this process)."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786."
    ),
    limit: int = typer.Option(
        None, "--limit", min=1, max=MAX_ROWS, help="Stop after this many tracks (the rest waits for a rerun)."
    ),
    no_evidence: bool = typer.Option(False, "--no-evidence", help="Skip the evidence pictures (faster)."),
    commit_every: int = typer.Option(
        SCAN_COMMIT_EVERY, "--commit-every", help="Tracks per transaction (each with its audit-log entry)."
    ),
    json_: bool = JSON,
) -> None:
    """Fingerprint every library track that has audio and record the registered recordings it contains.
    Resumable: a rerun continues where a killed scan stopped; a corrupt file fails only that track."""
    from songclear.jobs.scan import run_scan

    args = dict(
        platform=platform,
        index_path=ctx.obj.index_path(),
        now=ctx.obj.now,
        workers=workers,
        scheduler=scheduler,
        evidence=not no_evidence,
        limit=limit,
        actor=ctx.obj.actor(),
        commit_every=commit_every,
    )
    with progress_bar(f"scanning {platform}", json_=json_) as tick:
        report = run_scan(ctx.obj.database(), **args, on_progress=lambda n, total: tick(n, total))
    if json_:
        emit_json(report.as_dict())
        return
    console.print(
        f"{plural(report.scanned, 'track')} scanned ({report.already_done} already done), "
        f"{report.matched} with matches, {plural(len(report.errors), 'error')}, in {report.elapsed_s:.1f} s"
    )
    for track, message in report.errors:
        console.print(f"  [red]error[/] {track}: {message}")
