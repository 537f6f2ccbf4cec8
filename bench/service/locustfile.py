"""Locust users for bench/service/load.py: identify a clip or audit a platform, each answer checked.

Run by load.py (``locust -f bench/service/locustfile.py --headless ...``) with ``SONGCLEAR_LOAD_PLAN`` naming the
plan it wrote (world.Plan). Each user loops without think time: the server always has ``--users`` requests to
answer, so the figures are its capacity on this machine, not a modelled traffic.

- ``POST /identify``: a random clip; the answer's matches must equal the in-process answer for that clip (its
  recording first, or nothing for unrelated audio). Each token is used at most ``IDENTIFY_LIMIT`` times, so
  the per-token rate limit never answers 429.
- ``GET /platforms/{p}/audit?at=day``: with platform p's own token; the answer minus ``elapsed_s`` must equal
  the in-process audit.

A wrong answer is a locust failure whose message starts with "wrong answer". Every request is also recorded
(name, start, latency, error or None, for identify the clip and whether it is a known recording) and written
to the plan's ``tally_path`` when locust quits, for load.py's percentiles and correctness counts.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

from locust import HttpUser, constant, events, task

PLAN = json.loads(Path(os.environ["SONGCLEAR_LOAD_PLAN"]).read_text(encoding="utf-8"))
IDENTIFY_LIMIT = PLAN["identify_limit"]  # per token: see world.identify_tokens
MIME = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".flac": "audio/flac", ".wav": "audio/wav"}
CLIPS = [c | {"data": Path(c["path"]).read_bytes()} for c in PLAN["clips"]]
RECORDS: list[dict] = []


class _TokenPool:
    """Identify tokens handed out so that none is used more than the per-token limit (users share it; locust
    runs them as greenlets in one thread)."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets, self.index, self.uses = secrets, 0, 0

    def take(self) -> str:
        if self.uses == IDENTIFY_LIMIT:
            self.index, self.uses = self.index + 1, 0
        if self.index >= len(self.secrets):
            raise RuntimeError(f"all {len(self.secrets)} identify tokens used up: raise the pool in world.py")
        self.uses += 1
        return self.secrets[self.index]


TOKENS = _TokenPool(PLAN["identify_tokens"])


def _record(name: str, started: float, t0: float, error: str | None, **extra) -> None:
    RECORDS.append(
        {"name": name, "start": started, "ms": (time.perf_counter() - t0) * 1000, "error": error} | extra
    )


class ServiceUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def identify(self) -> None:
        clip = self.rng.choice(CLIPS)
        name, what = clip["name"], "POST /identify"
        extra = {"clip": name, "known": clip["recording"] is not None}
        started, t0 = time.time(), time.perf_counter()
        try:
            secret = TOKENS.take()
        except RuntimeError as e:
            return _record(what, started, t0, str(e), **extra)
        with self.client.post(
            "/identify",
            headers={"Authorization": f"Bearer {secret}"},
            files={"file": (name, clip["data"], MIME[Path(name).suffix])},
            name=what,
            catch_response=True,
        ) as r:
            error = None
            if r.status_code != 200:
                error = f"HTTP {r.status_code}: {r.text[:200]}"
            elif r.json()["matches"] != clip["matches"]:
                top = [m["recording"] for m in r.json()["matches"]][:1]
                error = f"wrong answer for {name}: expected {clip['recording']}, got {top}"
            _record(what, started, t0, error, **extra)
            if error:
                r.failure(error)

    @task
    def audit(self) -> None:
        audit, what = self.rng.choice(PLAN["audits"]), "GET /platforms/{p}/audit"
        secret = PLAN["platform_tokens"][audit["platform"]]
        started, t0 = time.time(), time.perf_counter()
        with self.client.get(
            f"/platforms/{audit['platform']}/audit",
            params={"at": audit["at"], "limit": 100},
            headers={"Authorization": f"Bearer {secret}"},
            name=what,
            catch_response=True,
        ) as r:
            error = None
            if r.status_code != 200:
                error = f"HTTP {r.status_code}: {r.text[:200]}"
            else:
                body = r.json()
                body.pop("elapsed_s", None)
                if body != audit["answer"]:
                    error = f"wrong answer for {audit['platform']} at {audit['at']}"
            _record(what, started, t0, error, platform=audit["platform"])
            if error:
                r.failure(error)


@events.quitting.add_listener
def _write(environment, **_) -> None:
    Path(PLAN["tally_path"]).write_text(json.dumps(RECORDS), encoding="utf-8")
