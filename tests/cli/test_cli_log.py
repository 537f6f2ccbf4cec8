"""The audit log: every import, link run and review decision is logged; tampering in the database is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from clirun import songclear
from songclear.store import Database
from songclear.store import tables as t


@pytest.fixture
def db(db_url, tmp_path, capsys):
    args = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    assert songclear(capsys, *args, "demo", "--no-audio", "--out", tmp_path / "out", "--json").code == 0
    return args


def _tamper(db_url, statement) -> None:
    database = Database.open(db_url)
    with database.session() as session:
        session.execute(statement)
    database.close()


def test_the_log_records_who_did_what_and_verifies(db, capsys):
    entries = songclear(capsys, *db, "log", "show", "--limit", "1000", "--json").json()["entries"]
    actions = [e["action"] for e in entries]
    assert actions.count("import") == 11 and actions.count("link") == 3 and "review" in actions
    review = next(e for e in entries if e["action"] == "review")
    assert review["actor"] == "demo reviewer" and review["subject"] == "qq/qq-010"
    assert {"takedown", "claim-received", "claim-restore", "reinstate"} <= set(actions)
    ok = songclear(capsys, *db, "log", "verify", "--json").json()
    assert ok["ok"] and ok["entries"] == len(entries) and ok["head"] == entries[-1]["hash"]
    # A rolled-back import leaves no entry.
    r = songclear(capsys, *db, "import", "table", "README.md")
    assert r.code == 2
    assert songclear(capsys, *db, "log", "verify", "--json").json()["entries"] == len(entries)


@pytest.mark.parametrize(
    "how, kind",
    [
        (lambda: update(t.audit_log).where(t.audit_log.c.seq == 3).values(payload='{"rows":999}'), "edited"),
        (lambda: update(t.audit_log).where(t.audit_log.c.seq == 2).values(actor="someone else"), "edited"),
        (lambda: delete(t.audit_log).where(t.audit_log.c.seq == 4), "sequence"),
    ],
)
def test_tampering_with_the_database_is_detected(db, db_url, capsys, how, kind):
    _tamper(db_url, how())
    r = songclear(capsys, *db, "log", "verify", "--json")
    assert r.code == 4
    assert kind in {p["kind"] for p in r.json()["problems"]}


def test_a_cut_tail_is_detected_against_a_kept_head(db, db_url, capsys):
    head = songclear(capsys, *db, "log", "verify", "--json").json()["head"]
    database = Database.open(db_url)
    with database.session() as session:
        last = session.execute(select(t.audit_log.c.seq).order_by(t.audit_log.c.seq.desc())).scalars().first()
        session.execute(delete(t.audit_log).where(t.audit_log.c.seq == last))
    database.close()
    assert (
        songclear(capsys, *db, "log", "verify", "--json").code == 0
    )  # a clean prefix verifies on its own ...
    r = songclear(capsys, *db, "log", "verify", "--head", head, "--json")
    assert r.code == 4 and r.json()["problems"][0]["kind"] == "truncated"  # ... but not against the kept head
