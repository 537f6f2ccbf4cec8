"""Audio through the CLI: reference audio, identify, the resumable library scan (killed and resumed, and on a
Dask LocalCluster), and the audit judging a mislabelled copy by the recording its audio contains."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clirun import songclear
from songclear.app.demo_audio import RATE, encode, seed_of
from songclear.fingerprint import synth_music
from songclear.store import Database
from songclear.store import tables as t

ISRCS = ["CN-J01-14-00001", "CN-S01-13-00002", "HK-H01-12-00001"]


@pytest.fixture
def world(db_url, tmp_path, capsys):
    """The demo ledger (no audio), reference audio for three recordings, and a QQ Music library of files."""
    db = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    assert songclear(capsys, *db, "demo", "--no-audio", "--out", tmp_path / "out", "--json").code == 0
    refs = []
    for isrc in ISRCS:
        song = synth_music(seed_of(isrc.replace("-", "")), 20.0, rate=RATE)
        refs.append(encode(song, tmp_path / f"{isrc}.flac"))
    r = songclear(capsys, *db, "fp", "add", *refs, "--json")
    assert r.code == 0, r.err
    lib = tmp_path / "lib"
    lib.mkdir()
    rows = ["platform,track_id,title,artist,isrc,audio_path"]
    for n in range(8):
        isrc = ISRCS[n % 3]
        song = synth_music(seed_of(isrc.replace("-", "")), 20.0, rate=RATE)[
            RATE * (n % 4) : RATE * (n % 4 + 12)
        ]
        path = encode(song, lib / f"up-{n}.mp3")
        rows.append(f"qq,up-{n},Upload {n},someone,,{path}")
    bad = lib / "corrupt.mp3"
    bad.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(3000))
    rows.append(f"qq,up-bad,Broken upload,someone,,{bad}")
    csv = tmp_path / "uploads.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert songclear(capsys, *db, "import", "table", csv, "--json").code == 0
    return db, refs


def _rows(db_url: str) -> tuple[int, int, list]:
    database = Database.open(db_url)
    with database.session() as s:
        scanned = s.execute(select(func.count()).select_from(t.scanned_tracks)).scalar_one()
        m = t.audio_matches.c
        matches = s.execute(
            select(m.track_id, m.isrc, m.query_start, m.reference_start).order_by(
                m.track_id, m.isrc, m.query_start, m.reference_start
            )
        ).all()
    database.close()
    # A track may match one recording in two segments: a row is (track, recording, where in each).
    return scanned, len(matches), [(a, b, round(c, 2), round(d, 2)) for a, b, c, d in matches]


def test_scan_resumes_without_duplicates_and_a_corrupt_file_fails_alone(world, db_url, capsys):
    db, _ = world
    first = songclear(
        capsys, *db, "scan", "--platform", "qq", "--limit", "3", "--workers", "1", "--json"
    ).json()
    assert first["scanned"] == 3 and first["with_audio"] == 9
    rest = songclear(capsys, *db, "scan", "--platform", "qq", "--workers", "2", "--json").json()
    assert (rest["already_done"], rest["scanned"]) == (3, 6)
    assert [e["track"] for e in rest["errors"]] == ["up-bad"]
    again = songclear(capsys, *db, "scan", "--platform", "qq", "--json").json()
    assert (again["already_done"], again["scanned"]) == (9, 0)
    scanned, n_matches, matches = _rows(db_url)
    assert scanned == 9
    assert len(set(matches)) == n_matches  # no duplicate match rows
    assert {m[0] for m in matches} == {f"up-{n}" for n in range(8)}
    # The audit now judges the anonymous uploads by the recording their audio contains.
    d = songclear(capsys, *db, "explain", "--track", "qq/up-1", "--at", "2015-11-15", "--json").json()
    assert d["identity_source"] == "audio" and d["recording"] == "CNS011300002"
    assert d["status"] == "uncleared" and "audio matches recording CNS011300002" in d["reasons"][0]["message"]
    d = songclear(capsys, *db, "explain", "--track", "qq/up-0", "--at", "2015-11-15", "--json").json()
    assert d["status"] == "cleared" and d["recording"] == "CNJ011400001"


def test_a_killed_scan_resumes(world, db_url, tmp_path):
    db, _ = world
    cmd = [sys.executable, "-m", "songclear.cli", *db, "scan", "--platform", "qq", "--workers", "1", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _rows(db_url)[0] < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _rows(db_url)[0]
    assert 1 <= killed_at < 9, "the scan should have been killed midway"
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    import json

    report = json.loads(done.stdout)
    assert report["already_done"] == killed_at and report["already_done"] + report["scanned"] == 9
    scanned, n_matches, matches = _rows(db_url)
    assert scanned == 9 and len(set(matches)) == n_matches


def test_scan_on_a_dask_cluster_gives_the_local_results(world, db_url, tmp_path, capsys):
    from distributed import LocalCluster

    db, refs = world
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        r = songclear(
            capsys, *db, "scan", "--platform", "qq", "--scheduler", cluster.scheduler_address, "--json"
        )
    assert r.code == 0, r.err
    on_dask = _rows(db_url)[2]
    # The same library scanned locally into a fresh database gives the same matches.
    local_db = f"sqlite:///{tmp_path / 'local.db'}"
    dump = tmp_path / "uploads.csv"
    loc = ("--db", local_db, "--fp-index", db[3])
    assert songclear(capsys, *loc, "demo", "--no-audio", "--out", tmp_path / "out2", "--json").code == 0
    assert songclear(capsys, *loc, "fp", "add", *refs, "--json").code == 0
    assert songclear(capsys, *loc, "import", "table", dump, "--json").code == 0
    assert songclear(capsys, *loc, "scan", "--platform", "qq", "--workers", "2", "--json").code == 0
    assert _rows(local_db)[2] == on_dask and on_dask


def test_identify_many_clips_in_one_process(world, tmp_path, capsys):
    db, refs = world
    clip = encode(
        synth_music(seed_of("HKH011200001"), 20.0, rate=RATE)[RATE * 5 : RATE * 15], tmp_path / "c.m4a"
    )
    junk = tmp_path / "junk.ogg"
    junk.write_bytes(b"OggS" + bytes(500))
    r = songclear(capsys, *db, "identify", clip, junk, "--json")
    assert r.code == 6  # one clip could not be decoded
    clips = {Path(c["clip"]).name: c for c in r.json()["clips"]}
    best = clips["c.m4a"]["matches"][0]
    assert best["recording"] == "HKH011200001" and abs(best["reference_start"] - 5.0) < 1.0
    assert clips["junk.ogg"]["error"] and not clips["junk.ogg"]["matches"]


def test_reference_audio_must_belong_to_a_registered_recording(world, capsys):
    db, refs = world
    r = songclear(capsys, *db, "fp", "add", refs[0], "--recording", "US-XXX-99-00001")
    assert r.code == 3 and "USXXX9900001" in r.err
    again = songclear(capsys, *db, "fp", "add", *refs, "--json").json()
    assert again["added"] == [] and len(again["unchanged"]) == 3  # same audio: nothing to do


def test_demo_finds_the_pirated_pool(db_url, tmp_path, capsys):
    r = songclear(
        capsys, "--db", db_url, "--fp-index", str(tmp_path / "fp"), "demo", "--out", tmp_path, "--json"
    )
    assert r.code == 0, r.err
    audio = r.json()["audio"]
    found = {d["track"]: d for d in audio["identified"]}
    assert found["qq/qq-009"]["recording"] == "CNS011300002" and found["qq/qq-009"]["status"] == "uncleared"
    assert found["netease/ne-003"]["recording"] == "TWF011100001"  # listed as another recording's ISRC
    assert found["netease/ne-008"]["status"] == "cleared"  # a fake title over licensed audio
    assert found["kuwo/kw-007"]["recording"] == "HKH011200001"
    assert all(Path(p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in audio["evidence"])
