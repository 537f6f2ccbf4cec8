"""Safe edits over HTTP (issue 13, item 3): the admin ends or amends a grant as `songclear grant end/amend` do; a bad
edit is a problem+json 4xx and records nothing. On both backends, over the demo world."""

from __future__ import annotations


def _versions(world, grant_id: str) -> int:
    from sqlalchemy import func, select

    from songclear.store import Database, tables

    with Database.open(world.db_url) as db, db.session() as s:
        t = tables.grants
        return s.execute(select(func.count()).select_from(t).where(t.c.grant_id == grant_id)).scalar_one()


def test_the_admin_ends_and_amends_a_grant_over_http(world):
    c, admin = world.client, world.as_("admin")
    r = c.post(
        "/grants/G-SILK-NETEASE/end", headers=admin, json={"on": "2015-07-01", "reason": "letter of June"}
    )
    assert r.status_code == 200, r.text
    ended = r.json()
    assert ended["after"] == {"terminated": "2015-07-01", "termination_cause": "terminated",
                              "termination_reference": "letter of June"}  # fmt: skip
    assert ended["last_day"] == "2015-06-30" and ended["recorded_at"] == "2016-02-01T00:00:00+00:00"
    assert c.get("/grants/G-SILK-NETEASE", headers=admin).json()["terminated"].startswith("2015-06-30T16:00")
    r = c.post(
        "/grants/G-SILK-NETEASE/amend", headers=admin, json={"fields": {"termination-reference": "letter 7"}}
    )
    assert r.status_code == 200 and r.json()["after"] == {"termination_reference": "letter 7"}, r.text
    log = c.get("/log?limit=2", headers=admin).json()["items"]
    assert {e["action"] for e in log} == {"grant-end", "grant-amend"}


def test_a_bad_edit_over_http_is_a_4xx_and_records_nothing(world):
    c, admin = world.client, world.as_("admin")
    before = _versions(world, "G-JADE-QQ")
    for path, body, status in (
        ("/grants/G-JADE-QQ/amend", {"fields": {"colour": "red"}}, 400),
        ("/grants/G-JADE-QQ/amend", {"fields": {"end": "2000-01-01"}}, 400),
        ("/grants/G-JADE-QQ/amend", {"fields": {}}, 400),
        ("/grants/G-JADE-QQ/amend", {"fields": {"parent": "S-QQ-NETEASE"}}, 409),  # a cycle of sublicences
        ("/grants/G-JADE-QQ/end", {"on": "2015-13-01", "reason": "x"}, 400),
        ("/grants/G-JADE-QQ/end", {"on": "0001-01-01", "reason": "x"}, 400),
        ("/grants/G-JADE-QQ/end", {"on": "2015-11-01", "reason": ""}, 400),
        ("/grants/G-NOPE/end", {"on": "2015-11-01", "reason": "x"}, 404),
    ):
        r = c.post(path, headers=admin, json=body)
        assert r.status_code == status, (path, body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert _versions(world, "G-JADE-QQ") == before
