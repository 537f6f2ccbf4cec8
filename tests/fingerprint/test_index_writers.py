"""Several processes writing one index (issue 10, item 13): two writers at once, and writers killed (SIGKILL) at
the worst moments. Real processes, real signals; the pause points are where a writer is made to wait to be killed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from songclear.fingerprint import ENGINE_RATE, FingerprintIndex, fingerprint_samples

R = ENGINE_RATE
SPAWN = multiprocessing.get_context("spawn")


def add_together(path: str, fingerprints: dict, barrier) -> None:
    """Open the index (reading its manifest), wait for the other writer to have done the same, then commit."""
    index = FingerprintIndex.open(path)
    for rid, fp in fingerprints.items():
        index.add(rid, fp)
    barrier.wait(timeout=120)
    index.commit()


def test_two_writers_at_once_both_keep_their_recordings(tmp_path, songs):
    """Before: both writers read the same manifest, both wrote `seg-000001` and the manifest was last-writer-wins:
    one writer's recordings vanished, and the survivor's manifest could point at the other's segment, so a
    recording was found as another (score 740 in the issue)."""
    path = tmp_path / "idx"
    with FingerprintIndex.open(path) as index:
        index.add("REC00", songs["REC00"])
    fps = {rid: fingerprint_samples(samples) for rid, samples in songs.items() if rid != "REC00"}
    halves = [dict(list(fps.items())[:3]), dict(list(fps.items())[3:])]
    barrier = SPAWN.Barrier(2)
    writers = [SPAWN.Process(target=add_together, args=(str(path), half, barrier)) for half in halves]
    for w in writers:
        w.start()
    for w in writers:
        w.join(timeout=300)
    assert [w.exitcode for w in writers] == [0, 0]
    index = FingerprintIndex.open(path, create=False)
    assert index.recording_ids == sorted(songs)
    for rid, samples in songs.items():
        found = index.search(samples[10 * R : 20 * R])
        assert found and found[0].recording_id == rid, (rid, found[:2])
    names = [s.name for s in index.segments]
    assert len(set(names)) == len(names) == 3


def pause_to_be_killed(path: str, flag: str, at: str) -> None:
    """A writer that signals ``flag`` and waits (to be killed) at ``at``: 'manifest' is after its segment is written
    and before the manifest names it; 'unlink' is after a merge's manifest, before the merged segments go."""
    from songclear.fingerprint.index import FingerprintIndex as Index

    def pause(*args, **kwargs):
        Path(flag).touch()
        time.sleep(600)

    if at == "manifest":
        Index._write_manifest = pause
    else:
        write = Index._write_manifest

        def write_then_pause(self):
            write(self)
            pause()

        Index._write_manifest = write_then_pause
    index = Index.open(path)
    from songclear.fingerprint import synth_music

    index.add("KILLED", synth_music(99, 20.0, rate=ENGINE_RATE))
    if at == "manifest":
        index.commit()
    else:
        index.compact()


def kill_when_paused(tmp_path: Path, path: Path, at: str) -> None:
    flag = tmp_path / f"paused-{at}"
    writer = SPAWN.Process(target=pause_to_be_killed, args=(str(path), str(flag), at))
    writer.start()
    deadline = time.monotonic() + 300
    while not flag.exists() and writer.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert flag.exists(), "the writer never reached its pause point"
    os.kill(writer.pid, signal.SIGKILL)
    writer.join()


def segment_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.name.startswith("seg-"))


def named_files(index: FingerprintIndex) -> list[str]:
    return sorted(f"{s.name}.{k}.npy" for s in index.segments for k in ("hashes", "values"))


def test_a_writer_killed_between_its_segment_and_the_manifest(tmp_path, songs):
    """The killed writer's segment is on disk but named by no manifest: readers ignore it, the lock died with the
    writer (the next writer does not wait), and the next commit deletes the orphan."""
    path = tmp_path / "idx"
    with FingerprintIndex.open(path) as index:
        index.add("REC01", songs["REC01"])
    kill_when_paused(tmp_path, path, "manifest")
    index = FingerprintIndex.open(path, create=False)
    assert index.recording_ids == ["REC01"]
    assert len(segment_files(path)) > len(named_files(index))  # the orphan
    assert index.search(songs["REC01"][5 * R : 15 * R])[0].recording_id == "REC01"
    with FingerprintIndex.open(path) as later:
        later.add("REC02", songs["REC02"])
    index = FingerprintIndex.open(path, create=False)
    assert index.recording_ids == ["REC01", "REC02"]
    assert segment_files(path) == named_files(index)  # the orphan is gone
    assert index.search(songs["REC02"][5 * R : 15 * R])[0].recording_id == "REC02"


def test_a_writer_killed_after_merging_but_before_deleting_the_merged_segments(tmp_path, songs):
    """Before: the merged-away segments stayed on disk forever. Now the next writer deletes them."""
    path = tmp_path / "idx"
    for rid in ("REC03", "REC04"):
        with FingerprintIndex.open(path) as index:
            index.add(rid, songs[rid])
    kill_when_paused(tmp_path, path, "unlink")
    index = FingerprintIndex.open(path, create=False)
    assert index.recording_ids == ["REC03", "REC04"] and len(index.segments) == 1
    assert len(segment_files(path)) > len(named_files(index))  # the merged-away segments
    with FingerprintIndex.open(path) as later:
        later.add("REC05", songs["REC05"])
    index = FingerprintIndex.open(path, create=False)
    assert segment_files(path) == named_files(index)
    for rid in ("REC03", "REC04", "REC05"):
        assert index.search(songs[rid][5 * R : 15 * R])[0].recording_id == rid


def test_a_writer_waits_for_the_lock_and_gives_up_with_a_clear_error(tmp_path, songs):
    from songclear.fingerprint import IndexBusy
    from songclear.fingerprint.files import writer_lock

    path = tmp_path / "idx"
    FingerprintIndex.open(path)
    holder = SPAWN.Process(target=hold_lock, args=(str(path), str(tmp_path / "held")))
    holder.start()
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "held").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(IndexBusy) as err, writer_lock(path, timeout_s=0.2):
            pass
        assert err.value.exit_code == 5 and str(path) in err.value.message
    finally:
        holder.kill()
        holder.join()
    with writer_lock(path, timeout_s=60), writer_lock(path):  # free again, and re-entrant
        pass


def hold_lock(path: str, flag: str) -> None:
    from songclear.fingerprint.files import writer_lock

    with writer_lock(path):
        Path(flag).touch()
        time.sleep(600)


def test_a_reader_opening_while_a_writer_merges_sees_one_state_or_the_next(tmp_path, songs):
    path = tmp_path / "idx"
    for rid in ("REC00", "REC01"):
        with FingerprintIndex.open(path) as index:
            index.add(rid, songs[rid])
    stale = FingerprintIndex.open(path, create=False)
    FingerprintIndex.open(path).compact()  # deletes the segments `stale` mapped: its maps stay valid
    assert stale.search(songs["REC01"][R : 11 * R])[0].recording_id == "REC01"
    assert FingerprintIndex.open(path, create=False).search(np.asarray(songs["REC00"][R : 11 * R]))
