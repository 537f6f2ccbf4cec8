"""audit_platforms: several platforms audited with one ledger load across forked workers give exactly what
run_audit gives platform by platform, on both backends (each worker opens its own connection)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from songclear.app.audit import audit_library, audit_platforms, make_query, run_audit
from songclear.store.repository import LedgerRepository

BENCH = Path(__file__).resolve().parents[2] / "bench" / "synthetic_ledger.py"


def _facts() -> list:
    spec = importlib.util.spec_from_file_location("synthetic_ledger", BENCH)
    gen = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, gen)  # dataclasses look their module up there
    spec.loader.exec_module(gen)
    w = gen.World(gen.Shape(labels=12, publishers=8, platforms=10, recordings=400, grants=600, tracks=800))
    return [*w.parties(), *w.works(), *w.recordings(), *w.grants(), *w.notices(), *w.tracks()]


def _figures(run, _repo=None) -> tuple:
    return (
        run.platform,
        [(d.track, d.status, d.chains, d.reasons) for d in run.decisions],
        run.summary.as_dict(),
        [(p.day, p.counts) for p in run.timeline],
    )


def test_forked_workers_audit_like_one_process(database):
    with database.session() as s:
        LedgerRepository(s).record(_facts(), recorded_at=datetime(2016, 1, 1, tzinfo=UTC))
    day = date(2015, 8, 15)
    query = make_query(day)
    with database.session() as s:
        repo = LedgerRepository(s)
        platforms = repo.platforms()
        forked = audit_platforms(repo, platforms, _figures, day=day, query=query, workers=3)
        assert list(forked) == platforms
        for p in platforms:
            assert forked[p] == _figures(run_audit(repo, platform=p, day=day, query=query)), p


def test_run_audit_decides_like_audit_library(database):
    with database.session() as s:
        LedgerRepository(s).record(_facts(), recorded_at=datetime(2016, 1, 1, tzinfo=UTC))
    query = make_query(date(2015, 8, 15))
    with database.session() as s:
        repo = LedgerRepository(s)
        ledger = repo.load_ledger()
        for p in repo.platforms():
            run = run_audit(repo, platform=p, day=date(2015, 8, 15), query=query, ledger=ledger)
            plain = audit_library(list(repo.iter_tracks(p)), ledger, query)
            assert run.decisions == plain, p
