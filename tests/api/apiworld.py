"""Helpers for the API tests: httpx over the ASGI app, the demo world, one token per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import anyio
import httpx

from songclear.app.demo import play_demo
from songclear.store import Database
from songclear.store.tokens import TokenRepository

NOW = datetime(2016, 2, 1, tzinfo=UTC)
# role name in the tests -> (role, party)
ROLES = {
    "admin": ("admin", None),
    "regulator": ("regulator", None),
    "qq": ("platform", "qq"),
    "netease": ("platform", "netease"),
    "jade": ("rights_holder", "L-JADE"),
    "silk": ("rights_holder", "L-SILK"),
}


class Client:
    """httpx over the ASGI app, called synchronously (each request in its own event loop)."""

    def __init__(self, app) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, url, **kwargs)

        return anyio.run(send)

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs) -> httpx.Response:
        return self.request("PUT", url, **kwargs)


@dataclass
class World:
    client: Client
    secrets: dict[str, str]
    db_url: str
    index_path: Path | None = None

    @property
    def app(self):
        return self.client.app

    def wait(self, job: dict, timeout: float = 60.0) -> dict:
        """A job started over HTTP, once it is done or failed (its JSON, read over HTTP as the admin)."""
        finished = self.app.state.songclear.jobs.wait(job["id"], timeout=timeout)
        assert finished.finished
        return self.client.get(f"/jobs/{job['id']}", headers=self.as_("admin")).json()

    def as_(self, who: str | None) -> dict[str, str]:
        """Headers for a request as ``who`` (None: no token)."""
        return {} if who is None else {"Authorization": f"Bearer {self.secrets[who]}"}


def make_tokens(db_url: str) -> dict[str, str]:
    with Database.open(db_url) as db, db.session() as session:
        repo = TokenRepository(session)
        return {
            name: repo.create(name=name, role=role, party=party, now=NOW, actor="test")[0]
            for name, (role, party) in ROLES.items()
        }


def demo_world(db_url: str) -> None:
    with Database.open(db_url) as db:
        play_demo(db)  # the ledger and the linking, in date order (issue 10, item 11)
