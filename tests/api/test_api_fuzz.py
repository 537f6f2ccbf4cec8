"""Property-based fuzzing of the whole API from its own OpenAPI document (issue 10, item 5), on both backends.

Schemathesis 4 turns every operation of ``/openapi.json`` into a Hypothesis strategy of requests (parameters,
JSON bodies, multipart forms drawn from their schemas); each is sent to the in-process ASGI app as one of several
callers, with path parameters drawn mostly from the ids the world really holds (so that a tenant asks for the other
tenant's claims, jobs, evidence and library, not only for random strings). Derandomised and bounded: the same
requests on every run, in well under a minute per backend.

The world has two tenants on each side: the platforms qq and netease, the rights holders Jade Dragon (L-JADE) and
Silk Road (L-SILK), each with claims, evidence holding a secret and jobs of its own. Every answer must be:

- never a 5xx (a 500 is a bug: fix it, with its own regression test; never exclude it here);
- an error as ``application/problem+json``;
- for the tenants qq and Jade Dragon, free of the other side's data: no 2xx answer names a claim or job they may not
  see (nor, for qq, another platform's library track), and no answer at all carries the other side's evidence bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from songclear.domain.timespan import FIRST_DAY, LAST_DAY

# Requests per operation and backend (48 operations: ~25 s a backend on a busy 2-core machine). A deeper search, by
# hand: SONGCLEAR_FUZZ_EXAMPLES=100, and SONGCLEAR_FUZZ_SEED=N for other requests than the derandomised ones.
EXAMPLES = int(os.environ.get("SONGCLEAR_FUZZ_EXAMPLES", "10"))
SEED = os.environ.get("SONGCLEAR_FUZZ_SEED")
SECRET_NETEASE = b"FUZZ-SECRET netease's evidence: uploader contracts"
SECRET_SILK = b"FUZZ-SECRET Silk Road's evidence: licence terms"
SECRET_QQ = b"FUZZ-OWN qq claim evidence"
CALLERS = ("admin", "regulator", "qq", "jade", None)


def _claim(cid: str, claimant: str, platform: str, items: list[str], recordings: list[str]) -> dict:
    return {
        "id": cid, "regime": "cn-ndr", "claimant": claimant, "platform": platform,
        "received_at": "2016-01-30T10:00:00+08:00", "contact": "legal@example", "address": "1 Road",
        "recordings": recordings, "items": items,
    }  # fmt: skip


@pytest.fixture(scope="module")
def tenants(world) -> dict:
    """Claims, evidence, plans and jobs of both sides, made by the admin; and what each tenant must never see."""
    c, admin = world.client, world.as_("admin")

    def file(claim: dict, secret: bytes) -> str:
        r = c.post(
            "/claims", headers=admin, data={"claim": json.dumps(claim)},
            files=[("evidence", ("evidence.txt", secret, "text/plain"))],
        )  # fmt: skip
        assert r.status_code == 201, r.text
        return r.json()["claim"]["evidence"][0]

    # netease's and Silk Road's side; qq's and Jade Dragon's side.
    file(_claim("C-FUZZ-NE", "L-JADE", "netease", ["ne-001"], ["CNJ011400001"]), SECRET_NETEASE)
    file(_claim("C-FUZZ-SILK", "L-SILK", "kuwo", ["kw-007"], ["CNS011300001"]), SECRET_SILK)
    file(_claim("C-FUZZ-QQ", "L-JADE", "qq", ["qq-001"], ["CNJ011400001"]), SECRET_QQ)
    plans = {
        p: c.post(f"/platforms/{p}/takedowns/plans", headers=admin, json={"at": "2015-11-15"}).json()["plan"]
        for p in ("qq", "netease")
    }
    jobs = {}
    for p in ("qq", "netease"):
        job = c.post(
            "/jobs/reports", headers=admin, json={"platform": p, "notice": "NCAC-2015-07", "at": "2015-11-20",
                                                  "formats": ["csv"]},
        ).json()  # fmt: skip
        jobs[p] = world.wait(job)
        assert jobs[p]["state"] == "done", jobs[p]
    netease_job = jobs["netease"]["id"]
    return {
        "vocabulary": {
            "platform": ["qq", "netease", "kuwo"],
            "track_id": ["qq-001", "qq-010", "ne-001", "ne-006", "kw-003"],
            "claim_id": ["C-FUZZ-NE", "C-FUZZ-SILK", "C-FUZZ-QQ"],
            "sha256": [hashlib.sha256(s).hexdigest() for s in (SECRET_NETEASE, SECRET_SILK, SECRET_QQ)],
            "job_id": [jobs["qq"]["id"], netease_job],
            "name": [f["name"] for j in jobs.values() for f in j["result"]["files"]],
            "plan_id": list(plans.values()),
            "isrc": ["CNJ011400001", "CNS011300001"],
            "work_id": ["W-MOON"],
            "grant_id": ["G-JADE-QQ", "S-QQ-NETEASE", "G-SILK-QQ"],
        },
        # caller -> (strings no 2xx answer to it may hold, bytes no answer to it may hold)
        "hidden": {
            "qq": (
                ["C-FUZZ-NE", "C-FUZZ-SILK", netease_job, plans["netease"], "netease/ne-", "kuwo/kw-"],
                [SECRET_NETEASE, SECRET_SILK],
            ),
            "jade": (["C-FUZZ-SILK", netease_job, jobs["qq"]["id"]], [SECRET_SILK]),
        },  # fmt: skip
    }


def _labels() -> list[str]:
    """Every operation of the API ("GET /path"), read from the routers without a database."""
    from fastapi import FastAPI

    from songclear.api.app import ROUTERS

    app = FastAPI()
    for module in ROUTERS:
        app.include_router(module.router)
    return [f"{method.upper()} {path}" for path, item in app.openapi()["paths"].items() for method in item]


LABELS = _labels()


def _without_lifespan(app):
    """``app`` for schemathesis, which starts an ASGI app's lifespan and ends it after each test: ending it would
    stop the world's job runner (as a server's shutdown does) under the next tests of this module."""

    async def asgi(scope, receive, send):
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await app(scope, receive, send)

    return asgi


@pytest.fixture(scope="module")
def operations(world) -> dict:
    schema = schemathesis.openapi.from_asgi("/openapi.json", _without_lifespan(world.app))
    found = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in schema.get_all_operations())}
    assert sorted(found) == sorted(LABELS)  # the served document is the one the tests are made from
    return found


DAYS = st.dates(FIRST_DAY, LAST_DAY).map(date.isoformat)
INSTANTS = st.datetimes(
    datetime(1900, 1, 2),
    datetime(2199, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))]),
).map(datetime.isoformat)
# Values that reach past the edge's checks into the app: the days and instants the span holds, real codes.
QUERY = {"at": DAYS, "from": DAYS, "to": DAYS, "known_at": INSTANTS, "now": INSTANTS, "since": INSTANTS,
         "territory": st.sampled_from(["CN", "HK", "US", "XX"]), "use": st.sampled_from(["Stream", "Download"])}  # fmt: skip
BODY = {"at": DAYS, "known_at": INSTANTS, "reported_at": INSTANTS, "platform": st.sampled_from(["qq", "netease"]),
        "notice": st.just("NCAC-2015-07")}  # fmt: skip
CLAIM_TEXT = st.fixed_dictionaries(
    {},
    optional={
        k: st.one_of(st.text(max_size=12), st.integers(), st.none(), st.lists(st.text(max_size=8), max_size=2))
        for k in ("id", "regime", "claimant", "platform", "received_at", "evidence", "agent_authorisation",
                  "respondent", "items", "recordings", "contact")
    },
).map(json.dumps)  # fmt: skip


def _known(data, name: str, values: dict) -> dict:
    """Mostly a value the world holds for each of ``values``' names, sometimes left to the schema."""
    return {k: data.draw(v, label=k) for k, v in values.items() if data.draw(st.integers(0, 3), label=k) > 0}


@pytest.mark.parametrize("label", LABELS)
def test_no_input_makes_a_5xx_or_shows_another_tenants_data(world, tenants, operations, label):
    op, vocabulary, hidden = operations[label], tenants["vocabulary"], tenants["hidden"]
    path_values = {
        p.name: st.sampled_from(vocabulary[p.name]) for p in op.path_parameters if p.name in vocabulary
    }
    query_values = {p.name: QUERY[p.name] for p in op.query if p.name in QUERY}

    @settings(
        max_examples=EXAMPLES, derandomize=SEED is None, database=None, deadline=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(st.data())
    def fuzz(data):
        path, query = _known(data, "path", path_values), _known(data, "query", query_values)
        case = data.draw(op.as_strategy(path_parameters=path or None, query=query or None), label="case")
        if isinstance(case.body, dict):
            for key, values in BODY.items():
                if key in case.body and data.draw(st.booleans(), label=key):
                    case.body[key] = data.draw(values, label=key)
            for key in {"claim", "counter"} & set(case.body):
                if data.draw(st.booleans(), label=key):
                    case.body[key] = data.draw(CLAIM_TEXT, label=key)
        caller = data.draw(st.sampled_from(CALLERS), label="caller")
        response = case.call(headers=world.as_(caller))
        what = f"{caller} {case.method.upper()} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
        assert response.status_code < 500, what
        if response.status_code >= 400:
            assert response.headers["content-type"][0].startswith("application/problem+json"), what
        if caller in hidden:
            strings, secrets = hidden[caller]
            assert not [s for s in secrets if s in response.content], what
            if response.status_code < 300:
                assert not [s for s in strings if s in response.text], what

    (seed(int(SEED))(fuzz) if SEED is not None else fuzz)()
