"""Progress bars for the commands that can run for minutes (a 1 M-track audit, a big import, a scan, a link run,
fingerprinting a folder).

A bar is drawn only for a person at a terminal: never with ``--json`` (the output is for a program) and never when
standard output is piped or redirected. The work reports through a callback ``tick(done, total=None)``; the bar is
transient, so what stays on the screen is the command's own answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Tick = Callable[..., None]  # tick(done, total=None[, description])


def _quiet(done: int, total: int | None = None, description: str | None = None) -> None:
    return None


@contextmanager
def progress_bar(description: str, *, json_: bool, total: int | None = None) -> Iterator[Tick]:
    """A ``tick(done, total=None, description=None)`` that moves a Rich bar on a terminal, and does nothing with
    ``--json`` or when output is not a terminal. ``total`` None: a count with a spinner until one is known."""
    from songclear.cli import output

    console = output.console
    if json_ or not console.is_terminal:
        yield _quiet
        return
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def tick(done: int, total: int | None = None, description: str | None = None) -> None:
            changes: dict = {"completed": done}
            if total is not None:
                changes["total"] = total
            if description is not None:
                changes["description"] = description
            bar.update(task, **changes)

        yield tick
