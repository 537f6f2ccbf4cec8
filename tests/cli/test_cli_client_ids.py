"""The command line keeps the same rules as the API (issue 10, items 1-3), on both backends: the ids a user
chooses (claim, counter-notice, username) follow ``domain.identifiers.check_id``; a token's name is printable
text; a claim's evidence is a file the user names beside the JSON, never a bare hash of something stored."""

from __future__ import annotations

import io
import json
import sys

import pytest

from clirun import songclear
from songclear.app.demo import load_demo
from songclear.store import Database

CLAIM = {
    "id": "C-CLI-1", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "kuwo",
    "received_at": "2015-11-16T10:00:00+08:00", "contact": "legal@jade.example", "address": "1 Jade Road, Beijing",
    "recordings": ["CN-J01-14-00005"], "items": ["kw-003"], "evidence": ["shot.png"],
}  # fmt: skip
COUNTER = {"id": "CN-CLI-1", "respondent": "uploader-77", "received_at": "2015-11-18T09:00:00+08:00",
           "contact": "u@example", "address": "Shanghai", "items": ["kuwo/kw-003"]}  # fmt: skip


@pytest.fixture
def db(db_url, tmp_path):
    with Database.open(db_url) as database:
        load_demo(database)
    (tmp_path / "shot.png").write_bytes(b"\x89PNG evidence of kw-003 streaming")
    return ("--db", db_url)


def _write(tmp_path, name: str, value: dict):
    path = tmp_path / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", ["C\r\n1", "C/1", "..", "C 1", "x" * 65])
def test_a_bad_claim_id_is_refused_on_the_command_line_and_nothing_is_stored(db, tmp_path, capsys, bad):
    r = songclear(capsys, *db, "claim", "add", _write(tmp_path, "c.json", CLAIM | {"id": bad}), "--json")
    assert r.code == 2 and r.json()["error"]["type"] == "ImportError_", r.out
    assert r.json()["error"]["message"].endswith(
        "an id is 1 to 64 characters of A-Z a-z 0-9 . _ - @, starting with a letter or a digit, without '..'"
    )
    logged = songclear(capsys, *db, "log", "show", "--json").json()["entries"]
    assert not [e for e in logged if e["action"] == "claim-received"]


def test_a_bad_counter_notice_id_is_refused_on_the_command_line(db, tmp_path, capsys):
    assert songclear(capsys, *db, "claim", "add", _write(tmp_path, "c.json", CLAIM), "--json").code == 0
    bad = _write(tmp_path, "n.json", COUNTER | {"id": "N\n1"})
    r = songclear(capsys, *db, "claim", "counter", "C-CLI-1", bad, "--json")
    assert r.code == 2 and "$.id" in r.json()["error"]["message"]
    assert songclear(capsys, *db, "claim", "show", "C-CLI-1", "--json").json()["steps"] == []


def test_a_claim_file_naming_a_stored_hash_alone_is_refused(db, tmp_path, capsys):
    """The hash of a file stored before (here: the same claim's own evidence) names nothing on its own."""
    first = songclear(capsys, *db, "claim", "add", _write(tmp_path, "c.json", CLAIM), "--json").json()
    (sha,) = first["claim"]["evidence"]
    again = CLAIM | {"id": "C-CLI-2", "evidence": [sha]}
    r = songclear(capsys, *db, "claim", "add", _write(tmp_path, "c2.json", again), "--json")
    assert r.code == 2 and "is not a file sent with it" in r.json()["error"]["message"]
    both = CLAIM | {"id": "C-CLI-3", "evidence": ["shot.png", sha]}  # the file beside it, by name and by hash
    r = songclear(capsys, *db, "claim", "add", _write(tmp_path, "c3.json", both), "--json")
    assert r.code == 0 and r.json()["claim"]["evidence"] == [sha]


def test_usernames_and_token_names_follow_the_rules(db, capsys, monkeypatch):
    for bad in ("a/b", "a\r\nb", "..", "x" * 65, "名字"):
        monkeypatch.setattr(sys, "stdin", io.StringIO("a fine password\n"))
        r = songclear(capsys, *db, "user", "create", bad, "--role", "regulator", "--password-stdin", "--json")
        assert r.code == 2 and r.json()["error"]["type"] == "InvalidIdentifier", (bad, r.out)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a fine password\n"))
    ok = songclear(
        capsys, *db, "user", "create", "ops@jade.example", "--role", "regulator", "--password-stdin"
    )
    assert ok.code == 0
    for bad in ("line\r\nInjected: yes", "tab\there", " ", "x" * 201):
        r = songclear(capsys, *db, "token", "create", "--role", "regulator", "--name", bad, "--json")
        assert r.code == 2 and r.json()["error"]["type"] == "InputError", (bad, r.out)
    assert songclear(capsys, *db, "token", "list", "--json").json()["tokens"] == []
    ok = songclear(capsys, *db, "token", "create", "--role", "platform", "--party", "qq", "--json")
    assert ok.code == 0 and ok.json()["name"] == "platform qq"


def test_the_command_line_bounds_days_rates_and_currencies_as_the_api_does(db, tmp_path, capsys):
    for args in (
        (
            "exposure",
            "--platform",
            "qq",
            "--from",
            "2015-07-01",
            "--to",
            "2015-08-01",
            "--rate-per-play",
            "1e999999",
        ),
        ("exposure", "--platform", "qq", "--from", "1900-01-01", "--to", "2199-12-31", "--currency", "CNY?"),
        ("audit", "--platform", "qq", "--at", "9999-12-31"),
        ("audit", "--platform", "qq", "--at", "2015-11-15", "--expiring-days", "99999999999999999999"),
        ("claims", "alerts", "--now", "0001-01-01T00:00:00+14:00"),
    ):
        r = songclear(capsys, *db, *args, "--json")
        assert r.code == 2 and r.json()["error"]["type"] == "InputError", (args, r.out, r.err)
    far = _write(tmp_path, "far.json", CLAIM | {"received_at": "0001-01-01T00:00:00+14:00"})
    r = songclear(capsys, *db, "claim", "add", far, "--json")
    assert r.code == 2 and "$.received_at" in r.json()["error"]["message"]
