"""docs/cli.md documents every field of the browsing commands' --json (issue 13, item 1), on a world with every
kind of identity; the other commands are checked in test_cli_docs.py."""

from __future__ import annotations

from test_cli_docs import documented_fields

from browse_world import build
from clirun import songclear
from songclear.store import Database


def test_every_json_field_of_the_browsing_commands_is_documented(db_url, tmp_path, capsys):
    database = Database.open(db_url)
    build(database)
    database.close()
    db = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    outputs = {
        "tracks list": songclear(
            capsys,
            *db,
            "tracks",
            "list",
            "--at",
            "2015-11-15",
            "--status",
            "uncleared",
            "--facets",
            "--json",
            "--search",
            "a",
            "--licensor",
            "L-BETA",
            "--availability",
            "live",
            "--identity",
            "isrc",
            "--recording",
            "CNB011500002",
            "--platform",
            "P1",
        ),  # fmt: skip
        "grants list": songclear(
            capsys,
            *db,
            "grants",
            "list",
            "--at",
            "2015-11-15",
            "--facets",
            "--json",
            "--licensor",
            "L-BETA",
            "--licensee",
            "P2",
            "--recording",
            "CNB011500001",
            "--state",
            "terminated",
            "--ending-before",
            "2016-01-01",
            "--non-exclusive",
            "--search",
            "G",
        ),  # fmt: skip
        "recordings list": songclear(
            capsys,
            *db,
            "recordings",
            "list",
            "--facets",
            "--json",
            "--owner",
            "L-ALPHA",
            "--work",
            "W1",
            "--version",
            "studio",
            "--search",
            "月",
        ),  # fmt: skip
        "works list": songclear(
            capsys, *db, "works", "list", "--facets", "--json", "--publisher", "PUB", "--search", "月"
        ),
        "search": songclear(capsys, *db, "search", "月光", "--json"),
        "review list": songclear(capsys, *db, "review", "list", "--json"),
        "review show": songclear(capsys, *db, "review", "show", "--track", "P1/p1-03", "--json"),
    }
    missing = {}
    for command, result in outputs.items():
        assert result.code == 0, (command, result.err)
        payload = result.json()
        assert "items" not in payload or payload["items"], command  # item fields are checked too
        missing[command] = documented_fields(command, payload)
    assert not any(missing.values()), f"undocumented JSON fields: {missing}"
