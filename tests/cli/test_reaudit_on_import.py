"""`songclear import ... --reaudit-at DAY`: an import lists what it changed, deciding only the tracks its facts can
touch (the same answer as `songclear reaudit --since` the import)."""

from __future__ import annotations

from clirun import songclear
from songclear.app.demo import demo_file

RENEWAL = demo_file("11_silkroad_renewal.csv")


def test_an_import_lists_the_decisions_it_changed(db_url, tmp_path, capsys):
    r = songclear(
        capsys, "--db", db_url, "demo", "--no-audio", "--no-enforcement", "--out", tmp_path, "--json"
    )
    assert r.code == 0, r.err
    before = songclear(
        capsys, "--db", db_url, "audit", "--platform", "netease", "--at", "2015-11-25", "--json"
    )
    r = songclear(
        capsys, "--db", db_url, "import", "table", RENEWAL,  # recorded now: after the demo's last fact (2016)
        "--reaudit-at", "2015-11-25", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    payload = r.json()
    assert payload["imports"][0]["added"] > 0
    by_platform = {x["platform"]: x for x in payload["reaudit"]}
    assert set(by_platform) == {"qq", "netease", "kuwo"}
    netease = by_platform["netease"]
    assert netease["changes"] and netease["tracks_decided"] < before.json()["summary"]["total"] + 1
    after = songclear(
        capsys, "--db", db_url, "audit", "--platform", "netease", "--at", "2015-11-25", "--json"
    )
    was = {t["track"] for t in before.json()["takedown"]}
    now = {t["track"] for t in after.json()["takedown"]}
    assert {c["track"] for c in netease["changes"] if c["after"] == "cleared"} == was - now != set()
    again = songclear(
        capsys, "--db", db_url, "import", "table", RENEWAL, "--reaudit-at", "2015-11-25", "--json"
    ).json()
    assert again["imports"][0]["already_imported"] and all(not x["changes"] for x in again["reaudit"])
    text = songclear(capsys, "--db", db_url, "import", "table", RENEWAL, "--reaudit-at", "2015-11-25")
    assert text.code == 0 and "re-audit netease on 2015-11-25" in text.out
