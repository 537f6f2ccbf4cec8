"""The access matrix: each endpoint, each role: what it may see (200) and what it is refused (403), and 401
without a token. Demo mode lets a visitor without a token read, never write."""

from __future__ import annotations

import pytest
from apiworld import NOW, Client, demo_world

from songclear.api import create_app

AT = "?at=2015-11-15"
CSV = {"file": ("p.csv", b"id,name,kind\nL-NEW,New Label,label\n", "text/csv")}
# (method, path, upload) -> the roles that get 200; every other role gets 403.
# qq/qq-001 is Jade Dragon's recording; netease/ne-004 is Silk Road's.
MATRIX = {
    ("GET", "/parties", None): {"admin", "regulator", "qq", "netease", "jade", "silk"},
    ("GET", "/recordings", None): {"admin", "regulator", "qq", "netease", "jade", "silk"},
    ("GET", "/recordings?owner=L-JADE", None): {"admin", "regulator", "qq", "netease", "jade"},
    ("GET", "/grants", None): {"admin", "regulator", "qq", "netease", "jade", "silk"},
    # A filter on the other side narrows a party's own grants (QQ's grants from Jade Dragon); naming another
    # party on its own side is refused.
    ("GET", "/grants?licensor=L-JADE", None): {"admin", "regulator", "jade", "qq", "netease"},
    ("GET", "/grants?licensee=qq", None): {"admin", "regulator", "qq", "jade", "silk"},
    ("GET", "/platforms/qq/tracks", None): {"admin", "regulator", "qq"},
    ("GET", "/platforms/netease/tracks", None): {"admin", "regulator", "netease"},
    ("GET", "/platforms/qq/audit" + AT, None): {"admin", "regulator", "qq"},
    ("GET", "/platforms/qq/tracks/qq-001/explain" + AT, None): {"admin", "regulator", "qq", "jade"},
    ("GET", "/platforms/netease/tracks/ne-004/explain" + AT, None): {"admin", "regulator", "netease", "silk"},
    ("GET", "/log/verify", None): {"admin", "regulator"},
    ("POST", "/imports", "csv"): {"admin"},
}
ROLES = ("admin", "regulator", "qq", "netease", "jade", "silk")


def _call(client, method, path, upload, headers):
    files = {"file": ("p.csv", CSV["file"][1], "text/csv")} if upload else None
    return client.request(method, path, headers=headers, files=files)


def test_every_endpoint_refuses_what_a_role_may_not_see_and_everything_without_a_token(world):
    seen = {}
    for method, path, upload in MATRIX:
        assert _call(world.client, method, path, upload, {}).status_code == 401, path
        for role in ROLES:
            seen[method, path, role] = _call(world.client, method, path, upload, world.as_(role)).status_code
    expected = {
        (method, path, role): 200 if role in allowed else 403
        for (method, path, _upload), allowed in MATRIX.items()
        for role in ROLES
    }
    assert seen == expected


def test_identify_is_refused_to_the_regulator_and_without_a_token(world):
    clip = {"file": ("c.flac", b"not audio", "audio/flac")}
    assert world.client.post("/identify", files=clip).status_code == 401
    assert world.client.post("/identify", files=clip, headers=world.as_("regulator")).status_code == 403


def test_party_bound_roles_see_only_their_own_rows(world):
    c = world.client
    recordings = c.get("/recordings", headers=world.as_("jade")).json()["items"]
    assert recordings and {r["owner"] for r in recordings} == {"L-JADE"}
    gave = c.get("/grants", headers=world.as_("silk")).json()["items"]
    assert gave and {g["licensor"] for g in gave} == {"L-SILK"}
    held = c.get("/grants", headers=world.as_("qq")).json()["items"]
    assert held and {g["licensee"] for g in held} == {"qq"}
    everything = c.get("/grants", headers=world.as_("regulator")).json()
    assert everything["total"] > len(held) + len(gave)


def test_explain_for_a_rights_holder_only_on_its_own_recordings(world):
    r = world.client.get("/platforms/qq/tracks/qq-001/explain" + AT, headers=world.as_("silk"))
    assert r.status_code == 403 and "L-SILK" in r.json()["detail"]


def test_a_revoked_token_is_refused(world):
    from songclear.store import Database
    from songclear.store.tokens import TokenRepository

    with Database.open(world.db_url) as db, db.session() as session:
        repo = TokenRepository(session)
        (qq,) = [t for t in repo.all() if t.name == "qq"]
        repo.revoke(qq.token_id, now=NOW, actor="test")
    r = world.client.get("/platforms/qq/tracks", headers=world.as_("qq"))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_tokens_are_stored_hashed(world):
    from sqlalchemy import select

    from songclear.store import Database
    from songclear.store.tables import api_tokens
    from songclear.store.tokens import secret_hash

    with Database.open(world.db_url) as db, db.session() as session:
        stored = {r.secret_sha256 for r in session.execute(select(api_tokens))}
    assert stored == {secret_hash(s) for s in world.secrets.values()}
    assert not stored & set(world.secrets.values())


@pytest.mark.parametrize(
    "path", ["/platforms/qq/tracks", "/platforms/kuwo/audit" + AT, "/log/verify", "/grants"]
)
def test_demo_mode_reads_without_a_token_but_never_writes(db_url, tmp_path, path):
    demo_world(db_url)
    app = create_app(db_url, index_path=tmp_path / "fp", demo=True)
    try:
        client = Client(app)
        assert client.get(path).status_code == 200
        assert client.post("/imports", files=CSV).status_code == 401
        assert client.post("/identify", files=CSV).status_code == 401
    finally:
        app.state.songclear.db.close()
