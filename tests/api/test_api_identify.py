"""POST /identify: a clip cut from a registered recording is found; limits on size (413) and rate (429)."""

from __future__ import annotations

import pytest
from apiworld import NOW, Client

from songclear.api import Limits, create_app
from songclear.app.demo_audio import encode
from songclear.app.fingerprints import add_references
from songclear.fingerprint import synth_music
from songclear.store import Database

RATE = 22050
ISRC = "CNJ011400001"  # 月光码头, Jade Dragon's


@pytest.fixture(scope="module")
def clips(world, tmp_path_factory):
    """Reference audio for 月光码头 in the index, a 8-second excerpt of it, and a file that is not audio."""
    tmp_path = tmp_path_factory.mktemp("clips")
    song = synth_music(7, 20.0, rate=RATE)
    ref = encode(song, tmp_path / f"{ISRC}.flac")
    with Database.open(world.db_url) as db:
        add_references(db, world.index_path, [ref], [ISRC], now=lambda: NOW, workers=1)
    excerpt = encode(song[5 * RATE : 13 * RATE], tmp_path / "excerpt.mp3")
    return {"excerpt": excerpt.read_bytes(), "noise": b"\x00not audio" * 100}


def test_identify_finds_the_recording_a_clip_was_cut_from(world, clips):
    r = world.client.post(
        "/identify", headers=world.as_("jade"), files={"file": ("clip.mp3", clips["excerpt"], "audio/mpeg")}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["clip"] == "clip.mp3" and body["error"] is None
    best = body["matches"][0]
    assert (best["recording"], best["title"]) == (ISRC, "月光码头")
    assert abs(best["reference_start"] - 5.0) < 1.0


def test_a_file_that_is_not_audio_is_422(world, clips):
    r = world.client.post(
        "/identify", headers=world.as_("qq"), files={"file": ("clip.mp3", clips["noise"], "audio/mpeg")}
    )
    assert r.status_code == 422 and r.json()["type"] == "urn:songclear:problem:AudioError"
    assert "clip.mp3" in r.json()["detail"]


def test_identify_is_rate_limited_per_token(world, clips):
    app = create_app(world.db_url, index_path=world.index_path, limits=Limits(identify_per_window=3))
    try:
        client, clip = Client(app), {"file": ("clip.mp3", clips["noise"], "audio/mpeg")}
        statuses = [
            client.post("/identify", headers=world.as_("qq"), files=clip).status_code for _ in range(4)
        ]
        assert statuses == [422, 422, 422, 429]  # this app allows 3 per window
        limited = client.post("/identify", headers=world.as_("qq"), files=clip)
        assert int(limited.headers["retry-after"]) >= 1 and limited.json()["status"] == 429
        assert "identify requests" in limited.json()["detail"]
        # another token has its own window
        assert client.post("/identify", headers=world.as_("jade"), files=clip).status_code == 422
    finally:
        app.state.songclear.close()


def test_a_clip_over_the_upload_limit_is_413_before_it_is_decoded(world, clips):
    app = create_app(world.db_url, index_path=world.index_path, limits=Limits(max_upload_bytes=10_000))
    try:
        r = Client(app).post(
            "/identify",
            headers=world.as_("jade"),
            files={"file": ("clip.mp3", clips["excerpt"], "audio/mpeg")},
        )
        assert r.status_code == 413 and r.json()["type"] == "urn:songclear:problem:PayloadTooLarge"
    finally:
        app.state.songclear.close()


def test_a_clip_longer_than_the_identify_cap_is_413_naming_the_upload(world, clips):
    """Issue 10 item 6: identify decoded the whole upload (an 8-MB Opus file of 3 hours took 2.8 GB). Past
    ``identify_max_seconds`` of decoded audio the clip is refused with 413, before the rest is decoded."""
    app = create_app(world.db_url, index_path=world.index_path, limits=Limits(identify_max_seconds=5.0))
    try:
        r = Client(app).post(
            "/identify",
            headers=world.as_("jade"),
            files={"file": ("clip.mp3", clips["excerpt"], "audio/mpeg")},
        )
        assert r.status_code == 413, r.text
        body = r.json()
        assert body["type"] == "urn:songclear:problem:ClipTooLong" and body["title"] == "Clip too long"
        assert body["detail"].startswith("clip.mp3: ") and "longer than 5 s" in body["detail"]
        assert "songclear-clip-" not in body["detail"]  # the server's temporary folder stays private
    finally:
        app.state.songclear.close()


def test_the_server_keeps_one_open_index_and_reopens_it_when_references_change(world, clips, tmp_path):
    st = world.app.state.songclear
    first = st.fingerprint_index()
    assert st.fingerprint_index() is first  # kept open between requests
    other_isrc = "CNJ011400003"  # 长江以南, a recording of the demo ledger with no reference audio here
    song = synth_music(11, 20.0, rate=RATE)
    ref = encode(song, tmp_path / f"{other_isrc}.flac")
    with Database.open(world.db_url) as db:
        add_references(
            db,
            world.index_path,
            [ref],
            [other_isrc],
            now=lambda: NOW,
            workers=1,
        )
    clip = encode(song[3 * RATE : 11 * RATE], tmp_path / "other.mp3").read_bytes()
    r = world.client.post(
        "/identify", headers=world.as_("jade"), files={"file": ("other.mp3", clip, "audio/mpeg")}
    )
    assert r.status_code == 200, r.text
    assert r.json()["matches"][0]["recording"] == other_isrc
    assert st.fingerprint_index() is not first  # the commit rewrote the manifest: reopened once


def test_a_clip_name_is_a_label_never_a_path_on_the_server(world, clips):
    """A clip was written under the name the client gave: a 260-character name failed to open (a 500), and a
    control character went into a path. Now the name is only a label, checked; the file is 'clip.mp3'."""
    app = create_app(world.db_url, index_path=world.index_path, limits=Limits(identify_per_window=100))
    try:
        client, jade = Client(app), world.as_("jade")
        long = "x" * 251 + ".mp3"
        r = client.post("/identify", headers=jade, files={"file": (long, clips["excerpt"], "audio/mpeg")})
        assert r.status_code == 200 and r.json()["clip"] == long and r.json()["matches"], r.text
        too_long = {"file": ("y" * 256 + ".mp3", clips["excerpt"], "audio/mpeg")}
        r = client.post("/identify", headers=jade, files=too_long)
        assert r.status_code == 400 and r.json()["type"] == "urn:songclear:problem:InputError", r.text
        for bad in (b"a\x00b.mp3", b"a\x01b.mp3", b"tab\there.mp3"):  # raw bytes: httpx would %-encode them
            body = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + bad + b'"\r\n'
                    b"Content-Type: audio/mpeg\r\n\r\n" + clips["excerpt"] + b"\r\n--B--\r\n")  # fmt: skip
            headers = jade | {"Content-Type": "multipart/form-data; boundary=B"}
            r = client.post("/identify", headers=headers, content=body)
            assert r.status_code == 400 and r.json()["type"] == "urn:songclear:problem:InputError", (
                bad,
                r.text,
            )
        r = client.post("/identify", headers=jade, files={"file": ("noise", clips["noise"], "audio/mpeg")})
        assert r.status_code == 422 and r.json()["detail"].startswith("noise: ")  # no suffix: still decoded
    finally:
        app.state.songclear.close()
