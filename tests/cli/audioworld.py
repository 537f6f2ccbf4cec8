"""A small audio world for the CLI tests: the demo ledger (no audio), reference audio for three recordings, and a
QQ Music library of files (eight copies, one corrupt file); and what the database then holds."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from clirun import songclear
from songclear.app.demo_audio import RATE, encode, seed_of
from songclear.fingerprint import synth_music
from songclear.store import Database
from songclear.store import tables as t
from songclear.store.auditlog import AuditLog

ISRCS = ["CN-J01-14-00001", "CN-S01-13-00002", "HK-H01-12-00001"]


def song(isrc: str, seconds: float = 20.0, rate: int = RATE):
    return synth_music(seed_of(isrc.replace("-", "")), seconds, rate=rate)


def make_world(db_url: str, tmp_path: Path, capsys, *, extra_tracks: list[Path] = ()):
    """The world above, in ``tmp_path``; ``extra_tracks`` join the library as qq/extra-<n>."""
    db = ("--db", db_url, "--fp-index", str(tmp_path / "fp"))
    assert songclear(capsys, *db, "demo", "--no-audio", "--out", tmp_path / "out", "--json").code == 0
    refs = [encode(song(isrc), tmp_path / f"{isrc}.flac") for isrc in ISRCS]
    r = songclear(capsys, *db, "fp", "add", *refs, "--json")
    assert r.code == 0, r.err
    lib = tmp_path / "lib"
    lib.mkdir()
    rows = ["platform,track_id,title,artist,isrc,audio_path"]
    for n in range(8):
        copy = song(ISRCS[n % 3])[RATE * (n % 4) : RATE * (n % 4 + 12)]
        path = encode(copy, lib / f"up-{n}.mp3")
        rows.append(f"qq,up-{n},Upload {n},someone,,{path}")
    bad = lib / "corrupt.mp3"
    bad.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(3000))
    rows.append(f"qq,up-bad,Broken upload,someone,,{bad}")
    rows += [f"qq,extra-{n},Extra {n},someone,,{p}" for n, p in enumerate(extra_tracks)]
    csv = tmp_path / "uploads.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert songclear(capsys, *db, "import", "table", csv, "--json").code == 0
    return db, refs


def rows(db_url: str) -> tuple[int, int, list]:
    """(scanned tracks, match rows, the match rows as (track, recording, query start, reference start))."""
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


def scanned_track_ids(db_url: str) -> list[str]:
    database = Database.open(db_url)
    with database.session() as s:
        ids = list(s.execute(select(t.scanned_tracks.c.track_id)).scalars())
    database.close()
    return ids


def log_entries(db_url: str, action: str | None = None) -> list:
    database = Database.open(db_url)
    with database.session() as s:
        entries = [e for e in AuditLog(s).entries() if action is None or e.action == action]
    database.close()
    return entries
