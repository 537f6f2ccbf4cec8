"""The application factory: one FastAPI app over one database, with its routers and its error handler."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI

from songclear import web
from songclear.api import errors
from songclear.api.edge import RefuseNul
from songclear.api.routers import (
    claims,
    grant_edits,
    holders,
    identify,
    jobs,
    ledger,
    platforms,
    review,
    system,
    takedowns,
)
from songclear.api.state import ApiState, Limits, utc_now
from songclear.api.uploads import BodyLimit

ROUTERS = (system, ledger, grant_edits, platforms, review, takedowns, claims, jobs, identify, holders)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.songclear.jobs.shutdown()  # queued jobs are dropped: the next start marks them interrupted


def create_app(
    db_url: str,
    *,
    index_path: Path | None = None,
    demo: bool = False,
    clock: Callable[[], datetime] | None = None,
    limits: Limits | None = None,
    secure_cookies: bool = False,
) -> FastAPI:
    """The songclear API over ``db_url`` (migrated to the newest schema on start).

    ``demo``: requests without a token may read (never write); for the dashboard demo only.
    ``clock``: when facts are recorded (imports, claims, takedowns, jobs), for tests and replays; default: now, UTC.
    ``secure_cookies``: the dashboard's session cookie is marked Secure (sent over HTTPS only): for TLS deployments.
    Jobs a previous server left queued or running are marked failed (interrupted) here, at start-up."""
    from songclear.app.fingerprints import default_index_path
    from songclear.store.database import Database

    db = Database.open(db_url)
    app = FastAPI(
        title="songclear",
        summary="Music-copyright compliance: rights ledger, clearance audit, content identification.",
        version="1",
        description="See docs/api.md: roles, tokens, jobs, pagination, limits and the problem+json error shape.",
        lifespan=_lifespan,
    )
    app.state.songclear = ApiState(
        db=db,
        index_path=Path(index_path) if index_path else default_index_path(db_url),
        demo=demo,
        clock=clock or utc_now,
        limits=limits or Limits(),
    )
    app.state.songclear.jobs.interrupt_unfinished()
    errors.install(app)
    app.add_middleware(BodyLimit, limit=app.state.songclear.limits.max_upload_bytes)
    app.add_middleware(RefuseNul)
    for module in ROUTERS:
        app.include_router(module.router)
    web.install(app, secure_cookies=secure_cookies)
    return app
