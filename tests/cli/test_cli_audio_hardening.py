"""Issue 10 (hardening), the audio items through the real CLI, on both backends: a corrupt or unusable file in a
batch of references, two `fp add` at once, workers of a killed command, a scan that crashes between batches, and
identify's cap on the analysed duration."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import psutil
import pytest
from audioworld import ISRCS, log_entries, make_world, scanned_track_ids, song

from clirun import songclear
from songclear.app.demo_audio import RATE, encode
from songclear.store import Database

# Recordings of the demo ledger that the world gives no reference audio.
SPARE = ["CN-J01-14-00002", "CN-J01-14-00003", "CN-J01-14-00004", "CN-J01-14-00005"]
OTHERS = ["CN-S01-13-00001", "CN-S01-13-00003", "HK-H01-12-00002", "TW-F01-11-00001"]


@pytest.fixture
def ledger(db_url, tmp_path, capsys):
    """The demo ledger without audio: CLI arguments for it and an index beside it."""
    db = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    assert songclear(capsys, *db, "demo", "--no-audio", "--out", tmp_path / "out", "--json").code == 0
    return db


def references(tmp_path: Path, isrcs: list[str], seconds: float = 20.0) -> list[Path]:
    return [encode(song(isrc, seconds), tmp_path / f"{isrc.replace('-', '')}.flac") for isrc in isrcs]


def test_a_corrupt_file_fails_alone_in_a_parallel_fp_add(ledger, tmp_path, capsys):
    """Item 14: a corrupt file among the references of `fp add --workers 2` was a DecodeError raised in a worker,
    which could not be unpickled in the parent: BrokenProcessPool, and the whole batch lost. Now the worker sends
    the error back as a result: exit 6 naming the file, and every other file registered."""
    good = references(tmp_path, SPARE[:3])
    corrupt = tmp_path / "CNJ011400005.mp3"
    corrupt.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(4000))
    r = songclear(capsys, *ledger, "fp", "add", good[0], corrupt, *good[1:], "--workers", "2", "--json")
    assert r.code == 6, r.err
    report = r.json()
    assert [f["recording"] for f in report["failed"]] == ["CNJ011400005"]
    assert str(corrupt) in report["failed"][0]["message"] and report["failed"][0]["path"] == str(corrupt)
    assert sorted(a["recording"] for a in report["added"]) == ["CNJ011400002", "CNJ011400003", "CNJ011400004"]
    assert songclear(capsys, *ledger, "fp", "stats", "--json").json()["recordings"] == 3
    clip = encode(song(SPARE[1])[5 * RATE : 15 * RATE], tmp_path / "clip.mp3")
    found = songclear(capsys, *ledger, "identify", clip, "--json").json()["clips"][0]["matches"]
    assert found[0]["recording"] == "CNJ011400003"


def test_reference_audio_without_usable_hashes_is_refused_per_file(ledger, tmp_path, capsys):
    """Item 18: silence, 0.05 s of music and a truncated file used to be registered silently, with no hashes to
    match: the recording looked covered and never could be. Each is now refused by name (exit 6); the rest of the
    batch is registered."""
    silence = encode(np.zeros(20 * RATE, np.float32), tmp_path / "CNJ011400002.flac")
    blip = encode(song(SPARE[1])[: RATE // 20], tmp_path / "CNJ011400003.flac")
    truncated = tmp_path / "CNJ011400004.flac"
    truncated.write_bytes(encode(song(SPARE[2]), tmp_path / "whole.flac").read_bytes()[:3000])
    (good,) = references(tmp_path, SPARE[3:])
    r = songclear(capsys, *ledger, "fp", "add", silence, blip, truncated, good, "--json")
    assert r.code == 6, r.err
    failed = {f["recording"]: f["message"] for f in r.json()["failed"]}
    assert sorted(failed) == ["CNJ011400002", "CNJ011400003", "CNJ011400004"]
    for isrc, message in failed.items():
        assert f"{isrc}.flac" in message
    assert "no usable audio" in failed["CNJ011400002"] and "no usable audio" in failed["CNJ011400003"]
    assert [a["recording"] for a in r.json()["added"]] == ["CNJ011400005"]
    assert songclear(capsys, *ledger, "fp", "stats", "--json").json()["recordings"] == 1
    text = songclear(capsys, *ledger, "fp", "add", silence)
    assert text.code == 6 and "not added" in text.out and "CNJ011400002" in text.out


BARRIER = """
import os, sys, time
from pathlib import Path
from songclear.fingerprint.index import FingerprintIndex

barrier = Path(sys.argv[1])
commit = FingerprintIndex.commit


def commit_together(self):
    # Both processes have read the manifest: meet before committing (up to 5 s: a writer holding the lock
    # waits alone), which made the old code's last writer win.
    if self._pending:
        (barrier / str(os.getpid())).touch()
        deadline = time.monotonic() + 5
        while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    return commit(self)


FingerprintIndex.commit = commit_together
from songclear.cli import main

main(sys.argv[2:])
"""


def test_two_fp_add_at_once_keep_both_runs(ledger, db_url, tmp_path, capsys):
    """Item 13: two `fp add` runs reading the manifest before either commits used to write the same segment name
    and the manifest last-writer-wins: one run's recordings were lost (or, worse, found as another's). Under the
    writer lock each commit starts from the manifest on disk: both runs keep everything, index and database."""
    first, second = references(tmp_path, SPARE), references(tmp_path, OTHERS)
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                BARRIER,
                str(barrier),
                *ledger,
                "fp",
                "add",
                *refs,
                "--workers",
                "1",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for refs in (first, second)
    ]
    outputs = [p.communicate() for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    assert len(list(barrier.iterdir())) == 2  # both runs did meet
    everything = sorted(s.replace("-", "") for s in SPARE + OTHERS)
    assert sorted(a["recording"] for out, _ in outputs for a in json.loads(out)["added"]) == everything
    assert songclear(capsys, *ledger, "fp", "stats", "--json").json()["recordings"] == 8
    clips = [
        encode(song(isrc)[4 * RATE : 14 * RATE], tmp_path / f"clip-{isrc}.mp3") for isrc in SPARE + OTHERS
    ]
    found = songclear(capsys, *ledger, "identify", *clips, "--json").json()["clips"]
    assert [c["matches"][0]["recording"] for c in found] == [s.replace("-", "") for s in SPARE + OTHERS]
    from songclear.store.matches import AudioMatchRepository

    with Database.open(db_url) as db, db.session() as session:
        assert sorted(AudioMatchRepository(session).references()) == everything
    assert songclear(capsys, *ledger, "log", "verify", "--json").json()["ok"]


def pool_workers(proc: subprocess.Popen, count: int) -> list[psutil.Process]:
    """The command's worker processes, once it has started ``count`` of them (polling; fails if it ended first)."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the command ended before its workers were seen: {proc.stderr.read()}"
        children = parent.children()
        if len(children) >= count:
            return children
        time.sleep(0.02)
    raise AssertionError("the command never started its workers")


def assert_gone(workers: list[psutil.Process]) -> None:
    """Poll until every worker has exited (a zombie has exited); give up after a minute."""
    deadline = time.monotonic() + 60
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [w for w in alive if _running(w)]
        time.sleep(0.1)
    for w in alive:  # do not leave them behind when the test fails
        w.kill()
    assert not alive, f"workers still running after their parent was killed: {[w.pid for w in alive]}"


def _running(worker: psutil.Process) -> bool:
    try:
        return worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def long_song(isrc: str, minutes: float) -> np.ndarray:
    return np.tile(song(isrc, 20.0, rate=8000), int(minutes * 3))


def test_workers_of_a_killed_fp_add_exit(ledger, tmp_path):
    """Item 15: kill -9 of `fp add --workers 2` left its pool's workers waiting for tasks forever."""
    refs = [encode(long_song(isrc, 4), tmp_path / f"{isrc.replace('-', '')}.flac", 8000) for isrc in SPARE]
    cmd = [sys.executable, "-m", "songclear.cli", *ledger, "fp", "add", *map(str, refs), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers = pool_workers(proc, 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert_gone(workers)


def test_workers_of_a_killed_scan_exit(db_url, tmp_path, capsys):
    """Item 15: kill -9 of `scan --workers 2` left its pool's workers orphaned forever."""
    lib = tmp_path / "long"
    lib.mkdir()
    extra = [encode(long_song(ISRCS[n], 4), lib / f"long-{n}.flac", 8000) for n in range(3)]
    db, _ = make_world(db_url, tmp_path, capsys, extra_tracks=extra)
    cmd = [sys.executable, "-m", "songclear.cli", *db, "scan", "--platform", "qq", "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers = pool_workers(proc, 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert_gone(workers)


def test_a_scan_that_crashes_between_batches_has_logged_exactly_what_it_committed(db_url, tmp_path, capsys):
    """Item 17: the scan used to log one summary at its very end, so a crashed scan's committed tracks had no
    audit-log entry. Each committed batch now carries its entry in the same transaction."""
    from songclear.jobs.scan import run_scan

    db, _ = make_world(db_url, tmp_path, capsys)
    at = datetime.now(UTC)  # after the import's log entry: the audit log is kept in time order

    def crash_at_the_third_track(n: int, total: int) -> None:
        if n == 3:
            raise RuntimeError("the machine went down")

    with Database.open(db_url) as database:
        with pytest.raises(RuntimeError):
            run_scan(
                database, platform="qq", index_path=tmp_path / "fp", now=lambda: at, workers=1,
                commit_every=2, commit_seconds=1e9, on_progress=crash_at_the_third_track,
            )  # fmt: skip
        committed = scanned_track_ids(db_url)
        assert len(committed) == 2  # the first batch; the third track died with the process
        assert [e.data()["tracks"] for e in log_entries(db_url, "scan")] == [committed]
        report = run_scan(  # a batch also ends when its first track has waited commit_seconds: here at once
            database, platform="qq", index_path=tmp_path / "fp", now=lambda: at, workers=1, commit_every=50,
            commit_seconds=0,
        )  # fmt: skip
    assert (report.already_done, report.scanned) == (2, 7)
    logged = [track for e in log_entries(db_url, "scan") for track in e.data()["tracks"]]
    assert sorted(logged) == sorted(scanned_track_ids(db_url)) and len(logged) == len(set(logged)) == 9
    assert [len(e.data()["tracks"]) for e in log_entries(db_url, "scan")] == [2, 1, 1, 1, 1, 1, 1, 1]
    assert songclear(capsys, *db, "log", "verify", "--json").json()["ok"]


def test_identify_refuses_a_clip_longer_than_the_cap(ledger, tmp_path, capsys):
    """Item 6: identify decoded the whole clip (an 8-MB Opus upload of 3 hours took 2.8 GB). It now stops
    decoding past --max-seconds and refuses the clip (exit 6, the clip named); shorter clips are identified."""
    (ref,) = references(tmp_path, SPARE[:1])
    assert songclear(capsys, *ledger, "fp", "add", ref, "--json").code == 0
    clip = encode(song(SPARE[0])[2 * RATE : 14 * RATE], tmp_path / "twelve-seconds.mp3")
    r = songclear(capsys, *ledger, "identify", clip, "--max-seconds", "10", "--json")
    assert r.code == 6
    (result,) = r.json()["clips"]
    assert result["matches"] == [] and "twelve-seconds.mp3" in result["error"]
    assert "longer than 10 s" in result["error"]
    ok = songclear(capsys, *ledger, "identify", clip, "--max-seconds", "13", "--json")
    assert ok.code == 0 and ok.json()["clips"][0]["matches"][0]["recording"] == "CNJ011400002"
    assert songclear(capsys, *ledger, "identify", clip, "--max-seconds", "0").code == 2
