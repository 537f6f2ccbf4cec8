"""docs/cli.md documents the JSON fields of the safe edits (issue 13, item 3): `grant end`, `grant amend` and
`import table --dry-run` (and `moved_since`). The fields inside `before`, `after` and a changed fact's `fields` are
the columns of a grants table (or of the file's kind), documented in docs/import.md: data, not field names here."""

from __future__ import annotations

from test_cli_docs import DATA_KEYS, documented_text

from clirun import songclear

DATA = {"before", "after", "fields"}  # their keys are table columns (docs/import.md)


def keys(value, out=None) -> set[str]:
    out = set() if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            if k not in DATA:
                keys(v, out)
    elif isinstance(value, list):
        for v in value:
            keys(v, out)
    return out


def undocumented(command: str, payload: dict) -> list[str]:
    body = documented_text(command)
    return [k for k in sorted(keys(payload)) if not DATA_KEYS.match(k) and f"`{k}`" not in body]


def test_the_safe_edits_json_fields_are_documented(db_url, tmp_path, capsys):
    db = ("--db", db_url)
    assert (
        songclear(capsys, *db, "demo", "--no-audio", "--no-enforcement", "--out", tmp_path, "--json").code
        == 0
    )
    amended = tmp_path / "amended.csv"
    amended.write_text(
        "id,licensor,licensee,rights,scope,uses,territories,start,end\n"
        "G-HARBOUR-QQ,L-HARBOUR,qq,master,catalogue,Stream,CN HK,2015-01-01,2015-09-30\n",
        encoding="utf-8",
    )
    outputs = {
        "import table": songclear(
            capsys, *db, "import", "table", amended, "--dry-run", "--reaudit-at", "2015-11-15", "--json"
        ),
        "grant end": songclear(
            capsys,
            *db,
            "grant",
            "end",
            "G-JADE-QQ",
            "--on",
            "2015-11-01",
            "--reason",
            "x",
            "--reaudit-at",
            "2015-11-15",
            "--json",
        ),  # fmt: skip
        "grant amend": songclear(capsys, *db, "grant", "amend", "G-JADE-QQ", "--end", "2015-12-31", "--json"),
    }
    outputs["import table again"] = songclear(
        capsys, *db, "import", "table", amended, "--json"
    )  # a new file: imported (for moved_since below)
    songclear(capsys, *db, "grant", "amend", "G-HARBOUR-QQ", "--end", "2015-10-31")
    outputs["import table moved"] = songclear(capsys, *db, "import", "table", amended, "--json")
    assert outputs["import table moved"].json()["imports"][0]["moved_since"] == 1
    missing = {}
    for name, result in outputs.items():
        assert result.code == 0, result.err
        command = "import table" if name.startswith("import table") else name
        missing[name] = undocumented(command, result.json())
    assert not any(missing.values()), f"undocumented JSON fields: {missing}"
