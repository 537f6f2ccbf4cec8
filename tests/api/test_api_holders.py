"""A rights holder's own view over the API (issue 13, item 2): its recordings and works on each platform, with the
status, the chain, since when, live or taken down and the audio matches of its recordings; claims filed from it by
ISRC/ISWC with the platform's track ids filled in. One holder never sees another's."""

from __future__ import annotations

import json

import pytest
from apiworld import NOW

AT = "?at=2015-11-15"


def _tracks(view: dict) -> dict[str, dict]:
    return {f"{t['platform']}/{t['track_id']}": t for p in view["platforms"] for t in p["tracks"]}


@pytest.fixture(scope="module")
def scanned(world):
    """Audio matches: netease/ne-008 (listed without an ISRC) holds Jade Dragon's 月光码头; qq/qq-009 weakly
    resembles 长江以南 (too weak to decide); kuwo/kw-004 holds Silk Road's 驼铃."""
    from songclear.domain.identity import AudioMatch
    from songclear.store import Database
    from songclear.store.matches import ScanOutcome, record_outcomes

    def outcome(platform, track_id, isrc, confidence):
        match = AudioMatch(platform, track_id, isrc, 10.0, 40.0, 12.0, 42.0, 1.0, 1.0, 80.0, confidence)
        return ScanOutcome(platform, track_id, f"/audio/{track_id}.mp3", (match,))

    with Database.open(world.db_url) as db, db.session() as session:
        record_outcomes(
            session,
            [outcome("netease", "ne-008", "CNJ011400001", 0.92), outcome("qq", "qq-009", "CNJ011400003", 0.31),
             outcome("kuwo", "kw-004", "CNS011300002", 0.88)],
            index_version="test-v1", recorded_at=NOW,
        )  # fmt: skip
    return world


def test_a_label_sees_its_recordings_on_each_platform(scanned):
    r = scanned.client.get("/holders/L-JADE/catalogue" + AT, headers=scanned.as_("jade"))
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["party_name"] == "玉龙唱片" and view["day"] == "2015-11-15" and view["kind"] == "label"
    assert [p["platform"] for p in view["platforms"]] == ["kuwo", "netease", "qq"]
    tracks = _tracks(view)
    assert all(t["recording"].startswith("CNJ01") and t["why"] == "owner" for t in tracks.values())
    kw3 = tracks["kuwo/kw-003"]  # Kuwo holds no licence for 北方来信; the NCAC buffer ended on 2015-10-31
    assert (kw3["status"], kw3["status_since"], kw3["chains"]) == ("uncleared", "2015-11-01", [])
    ne1 = tracks["netease/ne-001"]  # the sublicence chain, party names and grant ids
    assert ne1["status"] == "cleared" and ne1["availability"] == "live"
    assert ne1["chains"][0] == "master: 玉龙唱片 -> QQ音乐 -> 网易云音乐 (G-JADE-QQ > S-QQ-NETEASE)"
    kuwo = next(p for p in view["platforms"] if p["platform"] == "kuwo")
    assert kuwo["counts"]["uncleared"] == 1 and kuwo["live"] == len(kuwo["tracks"])


def test_audio_matches_of_its_recordings_and_only_of_them(scanned):
    jade = scanned.client.get("/holders/L-JADE/catalogue" + AT, headers=scanned.as_("jade")).json()
    tracks = _tracks(jade)
    cover = tracks["netease/ne-008"]  # no ISRC listed: found by its audio
    assert (
        cover["recording"] == "CNJ011400001"
        and cover["identified_by"] == "audio"
        and cover["audio_matches"] == 1
    )
    assert "qq/qq-009" not in tracks  # a weak match does not make it Jade Dragon's track...
    qq = next(p for p in jade["platforms"] if p["platform"] == "qq")
    assert [(m["track_id"], m["deciding"]) for m in qq["audio_matches"]] == [
        ("qq-009", False)
    ]  # ...but is shown
    silk = scanned.client.get("/holders/L-SILK/catalogue" + AT, headers=scanned.as_("silk")).json()
    seen = {m["recording"] for p in silk["platforms"] for m in p["audio_matches"]}
    assert seen == {"CNS011300002"}  # Silk Road's match; none of Jade Dragon's
    assert not any(t["recording"].startswith("CNJ01") for t in _tracks(silk).values())


def test_a_publisher_sees_the_tracks_of_the_works_it_publishes(scanned):
    view = scanned.client.get("/holders/P-PEARL/catalogue" + AT, headers=scanned.as_("admin")).json()
    tracks = _tracks(view)
    assert tracks and {t["why"] for t in tracks.values()} == {"publisher"}
    assert view["works"] == ["W-LANTERN", "W-MOON", "W-RIVER"]
    assert tracks["qq/qq-001"]["work"] == "W-MOON" and tracks["qq/qq-001"]["iswc"] == "T0345246801"
    assert "qq/qq-004" not in tracks  # 北方来信 records no work of Pearl River's


def test_one_holder_never_reads_anothers_catalogue(scanned):
    for who, party in (("silk", "L-JADE"), ("jade", "L-SILK"), ("qq", "L-JADE"), ("netease", "P-PEARL")):
        r = scanned.client.get(f"/holders/{party}/catalogue" + AT, headers=scanned.as_(who))
        assert r.status_code == 403 and party in r.json()["detail"], (who, party)
    r = scanned.client.get("/holders/NOBODY/catalogue" + AT, headers=scanned.as_("admin"))
    assert r.status_code == 404


def _file(world, who: str, party: str, claim: dict, evidence: bytes | None = b"stream log"):
    files = [("evidence", ("log.txt", evidence, "text/plain"))] if evidence else []
    return world.client.post(
        f"/holders/{party}/claims",
        headers=world.as_(who),
        data={"claim": json.dumps(claim)},
        files=files or None,
    )


CLAIM = {
    "id": "C-JADE-VIEW-1", "regime": "cn-ndr", "platform": "kuwo", "contact": "legal@jade.example",
    "address": "1 Jade Road, Beijing", "recordings": ["CN-J01-14-00005"],
}  # fmt: skip


def test_a_claim_by_isrc_gets_the_platforms_track_ids_filled_in(scanned):
    r = _file(scanned, "jade", "L-JADE", CLAIM)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["items_filled"] == ["kw-003"] and body["claim"]["items"] == ["kw-003"]
    assert body["claim"]["claimant"] == "L-JADE" and body["claim"]["recordings"] == ["CNJ011400005"]
    assert len(body["claim"]["evidence"]) == 1  # the file sent with it, and nothing else
    stored = scanned.client.get("/claims/C-JADE-VIEW-1", headers=scanned.as_("admin")).json()
    assert stored["claim"]["items"] == ["kw-003"]
    by_work = _file(
        scanned,
        "admin",
        "P-PEARL",
        CLAIM | {"id": "C-PEARL-1", "recordings": [], "works": ["T-034.524.680-1"]},
    )
    assert by_work.status_code == 201, by_work.text
    assert by_work.json()["items_filled"] == ["kw-001", "kw-008"]  # 月光码头, listed and linked by metadata


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"items": ["kw-001"]}, "items are filled in"),
        ({"recordings": ["CNS011300002"]}, "not a recording of L-JADE"),
        ({"recordings": ["not-an-isrc"]}, "not a valid ISRC"),
        ({"recordings": [], "works": []}, "at least one"),
        ({"claimant": "L-SILK"}, "in L-JADE's name"),
        ({"recordings": ["CNJ011400003"]}, "nothing to claim"),  # 长江以南 is not on Kuwo
    ],
)
def test_a_claim_from_the_view_is_refused_with_why(scanned, change, said):
    r = _file(scanned, "jade", "L-JADE", CLAIM | {"id": "C-JADE-BAD"} | change)
    assert r.status_code == 400 and said in r.json()["detail"], r.text


def test_only_the_holder_or_an_admin_files_from_its_view(scanned):
    for who in ("silk", "qq", "regulator"):
        r = _file(scanned, who, "L-JADE", CLAIM | {"id": f"C-BY-{who.upper()}"})
        assert r.status_code == 403, (who, r.text)
