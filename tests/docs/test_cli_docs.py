"""docs/cli.md documents every command and every field of its --json output (datasette's habit)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from songclear.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(group, prefix=""):
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}".strip()
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, full)
        else:
            yield full, cmd


COMMANDS = dict(_commands(typer.main.get_command(app)))


def section(command: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"^### `songclear {re.escape(command)}`\n(.*?)(?=^### |\Z)", text, re.S | re.M)
    assert m, f"docs/cli.md has no section '### `songclear {command}`'"
    return m.group(1)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented_with_its_options(command):
    body = section(command)
    for param in COMMANDS[command].params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert f"`{opt}`" in body, f"option {opt} of '{command}' is not documented"
    assert "--json" in [o for p in COMMANDS[command].params for o in getattr(p, "opts", [])], (
        f"'{command}' has no --json"
    )


def json_keys(value, out=None) -> set[str]:
    out = set() if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            if k != "payload":  # a log entry's payload is the logged change's own data, documented per action
                json_keys(v, out)
    elif isinstance(value, list):
        for v in value:
            json_keys(v, out)
    return out


# Keys that are data, not field names (status names inside counts, dates and track ids as keys).
DATA_KEYS = re.compile(r"^(cleared|expiring|conflict|buffer|uncleared|L-.*|P-.*|unknown|qq|netease|kuwo)$")


def documented_text(command: str) -> str:
    """A command's section, the sections it refers to ('as in `songclear audit`'), and the errors section."""
    body = section(command)
    for other in re.findall(r"as\s+in\s+`songclear ([a-z ]+)`", body):
        body += section(other)
    errors = re.search(
        r"^## Errors and exit codes\n(.*?)(?=^## )", DOC.read_text(encoding="utf-8"), re.S | re.M
    )
    return body + errors.group(1)


def documented_fields(command: str, payload: dict) -> list[str]:
    body = documented_text(command)
    return [k for k in sorted(json_keys(payload)) if not DATA_KEYS.match(k) and f"`{k}`" not in body]


def test_every_json_field_is_documented(db_url, tmp_path, capsys):
    from clirun import songclear  # tests/clirun.py

    db = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    demo = songclear(capsys, *db, "demo", "--out", tmp_path, "--json", "--workers", "1")
    ref = sorted((tmp_path / "audio" / "reference").glob("*.flac"))[0]
    outputs = {
        "demo": demo,
        "audit": songclear(
            capsys,
            *db,
            "audit",
            "--platform",
            "qq",
            "--at",
            "2015-11-15",
            "--as-known-at",
            "2015-11-20",
            "--json",
            "--decisions",
            "--html",
            tmp_path / "a.html",
        ),
        "explain": songclear(
            capsys, *db, "explain", "--track", "netease/ne-001", "--at", "2015-11-15", "--json"
        ),
        "diff": songclear(
            capsys, *db, "diff", "--platform", "qq", "--from", "2015-07-01", "--to", "2015-11-15", "--json"
        ),
        "ledger stats": songclear(capsys, *db, "ledger", "stats", "--json"),
        "db upgrade": songclear(capsys, *db, "db", "upgrade", "--json"),
        "import table": songclear(
            capsys, *db, "import", "table", tmp_path / "audit-qq-2015-11-15.csv", "--json"
        ),
        "scan": songclear(capsys, *db, "scan", "--platform", "kuwo", "--json"),
        "log show": songclear(capsys, *db, "log", "show", "--json"),
        "log verify": songclear(capsys, *db, "log", "verify", "--json"),
        "link": songclear(capsys, *db, "link", "--platform", "netease", "--json"),
        "links list": songclear(capsys, *db, "links", "list", "--platform", "qq", "--json"),
        "review list": songclear(capsys, *db, "review", "list", "--json"),
        "review show": songclear(capsys, *db, "review", "show", "--track", "qq/qq-010", "--json"),
        "review reject": songclear(
            capsys, *db, "review", "reject", "--track", "netease/ne-009", "--by", "x", "--json"
        ),
        "review accept": songclear(
            capsys, *db, "review", "accept", "--track", "netease/ne-006", "--by", "x", "--json"
        ),
        "fp stats": songclear(capsys, *db, "fp", "stats", "--json"),
        "identify": songclear(capsys, *db, "identify", ref, "--json"),
        "fp add": songclear(capsys, *db, "fp", "add", ref, "--json"),
        "fp remove": songclear(capsys, *db, "fp", "remove", "--recording", ref.stem, "--json"),
        "takedown plan": (
            plan := songclear(
                capsys, *db, "takedown", "plan", "--platform", "netease", "--at", "2015-11-15", "--json"
            )
        ),
        "takedown apply": (
            applied := songclear(capsys, *db, "takedown", "apply", plan.json()["plan"], "--json")
        ),
        "takedown list": songclear(capsys, *db, "takedown", "list", "--platform", "netease", "--json"),
        "takedown undo": songclear(
            capsys, *db, "takedown", "undo", applied.json()["applied"][0]["id"], "--reason", "x", "--json"
        ),
        "reinstate": songclear(
            capsys, *db, "reinstate", "--platform", "netease", "--at", "2015-11-15", "--json"
        ),
        "reaudit": songclear(
            capsys,
            *db,
            "reaudit",
            "--platform",
            "qq",
            "--at",
            "2015-11-15",
            "--since",
            "2016-01-01",
            "--json",
        ),
        "claim add": songclear(
            capsys,
            *db,
            "claim",
            "add",
            (
                c := tmp_path / "claim.json",
                (tmp_path / "shot.txt").write_text("kw-003 streamed"),
                c.write_text(
                    '{"id": "C1", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "kuwo", "contact": "a",'
                    ' "received_at": "2015-11-16T10:00:00+08:00", "address": "b", "items": ["kw-003", "kw-001"],'
                    ' "recordings": ["CN-J01-14-00005", "CN-J01-14-00001"], "evidence": ["shot.txt"]}'
                ),
            )[0],
            "--json",
        ),
        "claim answer": songclear(capsys, *db, "claim", "answer", "C1", "--apply", "--json"),
        "claim counter": songclear(
            capsys,
            *db,
            "claim",
            "counter",
            "C1",
            (
                n := tmp_path / "counter.json",
                n.write_text(
                    '{"id": "N1", "respondent": "u", "received_at": "2015-11-18T09:00:00+08:00", "contact": "a",'
                    ' "address": "b", "items": ["kuwo/kw-003"], "evidence": ["shot.txt"]}'
                ),
            )[0],
            "--json",
        ),
        "claims alerts": songclear(
            capsys, *db, "claims", "alerts", "--now", "2015-11-18T12:00:00+08:00", "--json"
        ),
        "claim suit": songclear(capsys, *db, "claim", "suit", "C1", "--json"),
        "claim restore": songclear(capsys, *db, "claim", "restore", "C1", "--json"),
        "claims claimants": songclear(capsys, *db, "claims", "claimants", "--json"),
        "exposure": songclear(
            capsys,
            *db,
            "exposure",
            "--platform",
            "netease",
            "--from",
            "2015-11-01",
            "--to",
            "2015-11-08",
            "--json",
        ),
        "report rights-holder": songclear(
            capsys,
            *db,
            "report",
            "rights-holder",
            "--party",
            "L-JADE",
            "--at",
            "2015-11-20",
            "--out",
            tmp_path / "holder",
            "--json",
        ),  # fmt: skip
        "report regulator": songclear(
            capsys,
            *db,
            "report",
            "regulator",
            "--platform",
            "kuwo",
            "--notice",
            "NCAC-2015-07",
            "--at",
            "2015-11-20",
            "--out",
            tmp_path / "regulator",
            "--formats",
            "html",
            "--json",
        ),  # fmt: skip
        "token create": (
            token := songclear(
                capsys, *db, "token", "create", "--role", "platform", "--party", "qq", "--json"
            )
        ),
        "token list": songclear(capsys, *db, "token", "list", "--json"),
        "token revoke": songclear(capsys, *db, "token", "revoke", token.json()["id"], "--json"),
        # `serve` is not run here: it serves until interrupted (tests/api/test_api_serve.py runs it).
    }
    missing = {}
    for command, result in outputs.items():
        payload = result.json()
        if command != "import table":
            assert result.code == 0, result.err
        missing[command] = documented_fields(command, payload)
    assert not any(missing.values()), f"undocumented JSON fields: {missing}"
