"""The track page's audio evidence: the stored aligned-spectrogram picture and both excerpts cut to WAV, on a
small world (one registered song, one pirated copy in QQ Music's library, scanned), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import wave
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from webworld import NOW, PASSWORD, csrf_of

from songclear.store import Database
from songclear.store.users import UserRepository

ISRC = "CN-J01-14-00001"  # Jade Dragon's 月光码头
COPY_START, COPY_SECONDS = 2.0, 6.0


def _audio_world(db_url: str, folder) -> None:
    from songclear.app.demo import demo_file, load_demo
    from songclear.app.demo_audio import RATE, LibraryCopy, distort, encode, seed_of
    from songclear.app.fingerprints import add_references
    from songclear.app.imports import import_table
    from songclear.fingerprint import synth_music
    from songclear.jobs.scan import run_scan

    song = synth_music(seed_of("CNJ011400001"), 12.0, rate=RATE)
    reference = encode(song, folder / "CNJ011400001.flac")
    copy = encode(
        distort(song, LibraryCopy("qq", "qq-009", ISRC, "mp3", start=COPY_START, length=COPY_SECONDS)),
        folder / "qq-009.mp3",
    )
    with demo_file("05_library.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["track_id"] == "qq-009")
    library = folder / "library.csv"
    with library.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row | {"audio_path": str(copy)})
    at = datetime(2015, 7, 10, tzinfo=UTC)
    with Database.open(db_url) as db:
        load_demo(
            db, before=at
        )  # the story up to the audio, which comes next (the ledger's clock moves forward)
        import_table(db, library, kind="library", recorded_at=at)
        add_references(db, folder / "fp", [reference], [], now=lambda: at, workers=1)
        run_scan(db, platform="qq", index_path=folder / "fp", now=lambda: at, workers=1)
        with db.session() as session:
            users = UserRepository(session)
            for name, role, party in (
                ("jade", "rights_holder", "L-JADE"),
                ("silk", "rights_holder", "L-SILK"),
            ):
                users.create(username=name, password=PASSWORD, role=role, party=party, now=NOW, actor="test")


def _client(app, name: str) -> TestClient:
    client = TestClient(app)
    form = client.get("/ui/login").text
    client.post("/ui/login", data={"username": name, "password": PASSWORD, "csrf": csrf_of(form)})
    return client


def _seconds(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        return w.getnframes() / w.getframerate()


def test_the_owner_sees_the_match_picture_and_hears_both_excerpts(db_url, tmp_path):
    from songclear.api import create_app

    _audio_world(db_url, tmp_path)
    app = create_app(db_url, index_path=tmp_path / "fp", clock=lambda: NOW)
    try:
        jade = _client(app, "jade")
        page = jade.get("/ui/platforms/qq/tracks/qq-009?at=2015-11-15")
        assert page.status_code == 200
        assert "CNJ011400001" in page.text and "(by audio)" in page.text
        base = "/ui/platforms/qq/tracks/qq-009/matches/0"
        assert f'src="{base}/evidence.png"' in page.text
        assert f'src="{base}/track.wav"' in page.text and f'src="{base}/reference.wav"' in page.text
        picture = jade.get(f"{base}/evidence.png")
        assert picture.headers["content-type"] == "image/png" and picture.content.startswith(b"\x89PNG")
        matched = re.search(r"track ([\d.]+)-([\d.]+) s = recording ([\d.]+)-([\d.]+) s", page.text)
        q0, q1, r0, r1 = (float(x) for x in matched.groups())
        assert abs(r0 - COPY_START) < 0.5  # the copy starts 2 s into the song
        track = jade.get(f"{base}/track.wav")
        reference = jade.get(f"{base}/reference.wav")
        assert track.headers["content-type"] == "audio/wav" and track.content.startswith(b"RIFF")
        # The matched stretch with up to 0.5 s of context each side (the file ends where the copy ends).
        assert q1 - q0 <= _seconds(track.content) <= q1 - q0 + 1.0 + 0.05
        assert r1 - r0 + 0.5 <= _seconds(reference.content) <= r1 - r0 + 1.0 + 0.05
        silk = _client(app, "silk")  # not its recording: neither the page nor the audio
        assert silk.get("/ui/platforms/qq/tracks/qq-009").status_code == 403
        assert silk.get(f"{base}/reference.wav").status_code == 403
        assert jade.get("/ui/platforms/qq/tracks/qq-009/matches/7/track.wav").status_code == 404
    finally:
        app.state.songclear.db.close()
