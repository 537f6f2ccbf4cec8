"""The application factory: one FastAPI app over one database, with its routers and its error handler."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI

from songclear import web
from songclear.api import errors
from songclear.api.routers import identify, ledger, platforms, system
from songclear.api.state import ApiState, Limits, utc_now


def create_app(
    db_url: str,
    *,
    index_path: Path | None = None,
    demo: bool = False,
    clock: Callable[[], datetime] | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The songclear API over ``db_url`` (migrated to the newest schema on start).

    ``demo``: requests without a token may read (never write); for the dashboard demo only.
    ``clock``: when facts are recorded (imports), for tests and replays; default: now, UTC."""
    from songclear.app.fingerprints import default_index_path
    from songclear.store.database import Database

    db = Database.open(db_url)
    app = FastAPI(
        title="songclear",
        summary="Music-copyright compliance: rights ledger, clearance audit, content identification.",
        version="1",
        description="See docs/api.md: roles, tokens, pagination and the problem+json error shape.",
    )
    app.state.songclear = ApiState(
        db=db,
        index_path=Path(index_path) if index_path else default_index_path(db_url),
        demo=demo,
        clock=clock or utc_now,
        limits=limits or Limits(),
    )
    errors.install(app)
    for module in (system, ledger, platforms, identify):
        app.include_router(module.router)
    web.install(app)
    return app
