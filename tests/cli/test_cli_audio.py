"""Audio through the CLI: reference audio, identify, the resumable library scan (killed and resumed, and on a
Dask LocalCluster), and the audit judging a mislabelled copy by the recording its audio contains."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from audioworld import log_entries, make_world, rows, scanned_track_ids

from clirun import songclear
from songclear.app.demo_audio import RATE, encode, seed_of
from songclear.fingerprint import synth_music


@pytest.fixture
def world(db_url, tmp_path, capsys):
    """The demo ledger (no audio), reference audio for three recordings, and a QQ Music library of files."""
    return make_world(db_url, tmp_path, capsys)


_rows = rows


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


def assert_log_matches_the_scanned_tracks(db_url: str) -> None:
    """Every committed track is in exactly one 'scan' entry of the audit log, and the log lists no other."""
    logged = [track for e in log_entries(db_url, "scan") for track in e.data()["tracks"]]
    assert sorted(logged) == sorted(scanned_track_ids(db_url))
    assert len(set(logged)) == len(logged)


def test_a_killed_scan_resumes_and_its_log_matches_what_it_committed(world, db_url, tmp_path, capsys):
    """Issue 10 item 17: a scan killed by SIGKILL has logged every batch it committed (each batch and its log entry
    are one transaction), and nothing it did not commit; the resumed scan adds no duplicate and the chain verifies."""
    db, _ = world
    cmd = [sys.executable, "-m", "songclear.cli", *db, "scan", "--platform", "qq", "--workers", "1", "--json"]
    proc = subprocess.Popen(
        [*cmd, "--commit-every", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while _rows(db_url)[0] < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _rows(db_url)[0]
    assert 1 <= killed_at < 9, "the scan should have been killed midway"
    assert_log_matches_the_scanned_tracks(db_url)
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    assert report["already_done"] == killed_at and report["already_done"] + report["scanned"] == 9
    scanned, n_matches, matches = _rows(db_url)
    assert scanned == 9 and len(set(matches)) == n_matches
    assert_log_matches_the_scanned_tracks(db_url)
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]


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
