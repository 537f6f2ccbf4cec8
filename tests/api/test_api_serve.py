"""``songclear serve`` runs the API on a real uvicorn server on loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import httpx
from apiworld import demo_world, make_tokens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_health_and_an_authenticated_request(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'songclear.db'}"
    demo_world(db_url)
    secret = make_tokens(db_url)["qq"]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "songclear", "--db", db_url, "serve", "--port", str(port), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = json.loads("".join(iter(server.stdout.readline, "}\n")) + "}")
        assert {k: started[k] for k in ("url", "db", "demo")} == {
            "url": f"http://127.0.0.1:{port}",
            "db": db_url,
            "demo": False,
        }
        deadline = time.monotonic() + 60  # generous: a busy 2-core CI machine imports slowly
        while True:
            try:
                health = httpx.get(f"{started['url']}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        tracks = httpx.get(
            f"{started['url']}/platforms/qq/tracks?limit=1", headers={"Authorization": f"Bearer {secret}"}
        )
        assert tracks.status_code == 200 and tracks.json()["items"][0]["track"] == "qq/qq-001"
        assert httpx.get(f"{started['url']}/platforms/qq/tracks").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=10)
