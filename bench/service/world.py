"""The load test's world: the demo ledger with its audio, API tokens, the clips to identify, and the answers
each request must get (worked out in-process, before the server starts, by the same use cases it calls).

- Clips of known recordings: 10-s excerpts of the demo's reference songs (``synth_music`` seeded by ISRC, as
  ``songclear demo`` makes them), cut, re-encoded and distorted with the demo's own ``distort``: clean MP3,
  AAC with pink noise, MP3 sped up 5 % with noise, FLAC slowed 4 %. The answer must name their recording first.
- Unrelated clips: real music from Debian's hedgewars-data and freedroidrpg-data (never indexed), espeak-ng
  speech and pink noise. The answer must be no match at all.
- Audits: the three demo platforms at eight days around the 2015 NCAC order.

``Plan`` is written as JSON for the locustfile (it runs in locust's own process).
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "fingerprint"))

from corpus import make_speech, negative_music_files  # noqa: E402

from songclear.app.demo import DEMO_PLATFORMS  # noqa: E402
from songclear.app.demo_audio import RATE, LibraryCopy, distort, encode, seed_of  # noqa: E402

CLIP_S = 10.0
AUDIT_DAYS = (
    date(2015, 6, 1),
    date(2015, 7, 1),
    date(2015, 7, 9),  # the day after the NCAC order
    date(2015, 8, 15),  # in its buffer
    date(2015, 10, 31),  # the deadline
    date(2015, 11, 1),
    date(2015, 11, 15),
    date(2016, 1, 15),
)
# (suffix, speed, pink-noise SNR in dB or None): how the known clips are changed
VARIANTS = (("mp3", 1.0, None), ("m4a", 1.0, 10.0), ("mp3", 1.05, 15.0), ("flac", 0.96, None))
IDENTIFY_LIMIT = 30  # api/state.py Limits.identify_per_window: identify requests per token per 60 s
IDENTIFY_CEILING_PER_S = 100  # the most identify requests per second one server process could answer


@dataclass
class Clip:
    name: str  # the file name sent (its suffix tells the server's decoder the format)
    path: str
    kind: str
    recording: str | None  # the ISRC it was cut from; None: unrelated audio
    matches: list = field(default_factory=list)  # the in-process answer's matches (what the server must say)


@dataclass
class Audit:
    platform: str
    at: str
    answer: dict  # the in-process answer, minus elapsed_s


@dataclass
class Plan:
    url: str
    platform_tokens: dict[str, str]  # platform -> secret (audits of its own library)
    identify_tokens: list[str]  # each used at most IDENTIFY_LIMIT times: the server never throttles
    clips: list[Clip]
    audits: list[Audit]
    tally_path: str  # where the locustfile writes its per-request records
    identify_limit: int = IDENTIFY_LIMIT

    def save(self, path: Path) -> Path:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        return path


def songclear(db_url: str, *args: str) -> str:
    """Run the installed ``songclear`` command; its stdout."""
    exe = Path(sys.executable).parent / "songclear"
    done = subprocess.run([str(exe), "--db", db_url, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"songclear {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def build_demo(folder: Path) -> str:
    """``songclear demo`` (ledger, audio references and scans, enforcement) into ``folder``; the database URL."""
    db_url = f"sqlite:///{folder / 'songclear.db'}"
    songclear(db_url, "demo", "--out", str(folder / "demo-out"), "--workers", "1", "--json")
    return db_url


def platform_tokens(db_url: str) -> dict[str, str]:
    """One platform token per demo platform, made the way an operator makes them."""
    return {
        p: json.loads(songclear(db_url, "token", "create", "--role", "platform", "--party", p, "--json"))[
            "secret"
        ]
        for p in DEMO_PLATFORMS
    }


def identify_tokens(db_url: str, clients: int, duration_s: float) -> list[str]:
    """Enough platform tokens that no token makes more identify requests than the per-token limit.

    ``songclear serve`` has no setting for that limit (only ``create_app(limits=...)``), so the load is spread
    over tokens instead; made in one session (``songclear token create`` would start one process each)."""
    from songclear.store import Database
    from songclear.store.tokens import TokenRepository

    count = math.ceil(IDENTIFY_CEILING_PER_S * duration_s / IDENTIFY_LIMIT) + clients
    now = datetime.now(UTC)
    with Database.open(db_url) as db, db.session() as session:
        repo = TokenRepository(session)
        return [
            repo.create(
                name=f"load test {n}",
                role="platform",
                party=DEMO_PLATFORMS[n % 3],
                now=now,
                actor="bench/service",
            )[0]
            for n in range(count)
        ]


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    spec /= np.sqrt(np.maximum(np.arange(spec.size), 1))
    x = np.fft.irfft(spec, n)
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


def _ffmpeg_excerpt(src: Path, dst: Path, start: float) -> Path:
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-ss",
            f"{start:.2f}",
            "-t",
            f"{CLIP_S:g}",
            "-i",
            str(src),
            "-ac",
            "1",
        ]
        + (["-b:a", "64k"] if dst.suffix == ".mp3" else [])
        + [str(dst)],
        check=True,
    )
    return dst


def make_clips(db_url: str, folder: Path, seed: int = 6) -> list[Clip]:
    """The known and unrelated clips, written into ``folder``."""
    from songclear.domain.identifiers import normalise_isrc
    from songclear.fingerprint import synth_music
    from songclear.store import Database
    from songclear.store.repository import LedgerRepository

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with Database.open(db_url) as db, db.session() as session:
        isrcs = sorted(LedgerRepository(session).load_ledger().recordings)
    clips = []
    for isrc in isrcs:
        song = synth_music(seed_of(normalise_isrc(isrc)), 30.0, rate=RATE)  # the demo's reference audio
        for fmt, speed, snr in VARIANTS:
            name = f"{isrc}-{len(clips):03d}.{fmt}"
            copy = LibraryCopy(
                "load", name, isrc, fmt, start=rng.uniform(0, 30 - CLIP_S * speed - 0.5),
                length=CLIP_S, speed=speed, snr_db=snr,
            )  # fmt: skip
            kind = f"{fmt}" + (f" speed {speed:g}" if speed != 1 else "") + (f" snr {snr:g}" if snr else "")
            clips.append(Clip(name, str(encode(distort(song, copy), folder / name)), kind, isrc))
    for n, src in enumerate(rng.sample(negative_music_files(), 8)):
        name = f"unrelated-music-{n}.{'mp3' if n % 2 else 'flac'}"
        clips.append(Clip(name, str(_ffmpeg_excerpt(src, folder / name, 20.0)), "real music", None))
    for n, wav in enumerate(make_speech(folder / "speech", 3)):
        clips.append(Clip(f"unrelated-speech-{n}.wav", str(wav), "speech", None))
    noise = encode(_pink(int(CLIP_S * RATE), np.random.default_rng(seed)), folder / "unrelated-noise.mp3")
    clips.append(Clip(noise.name, str(noise), "pink noise", None))
    return clips


def expect_identify(db_url: str, index_path: Path, clips: list[Clip]) -> list[str]:
    """Fill each clip's expected matches from ``identify_clips`` and the recordings' titles (as the server
    answers); problems found."""
    from songclear.app.fingerprints import identify_clips
    from songclear.store import Database
    from songclear.store.repository import LedgerRepository

    with Database.open(db_url) as db, db.session() as session:
        titles = {isrc: r.title for isrc, r in LedgerRepository(session).load_ledger().recordings.items()}
    problems = []
    for clip, result in zip(clips, identify_clips(index_path, [Path(c.path) for c in clips]), strict=True):
        if result.error:
            problems.append(f"{clip.name}: {result.error}")
        clip.matches = result.as_dict(titles)["matches"]
        top = clip.matches[0]["recording"] if clip.matches else None
        if top != clip.recording:
            problems.append(f"{clip.name} ({clip.kind}): expected {clip.recording}, in-process answer {top}")
    return problems


def expect_audits(db_url: str) -> list[Audit]:
    """Each (platform, day) audit as ``GET /platforms/{p}/audit?at=day`` answers it, minus its timing."""
    from songclear.app.audit import make_query, run_audit
    from songclear.app.views import audit_view, decision_view
    from songclear.store import Database
    from songclear.store.repository import LedgerRepository

    audits = []
    with Database.open(db_url) as db, db.session() as session:
        repo = LedgerRepository(session)
        for platform in DEMO_PLATFORMS:
            for day in AUDIT_DAYS:
                run = run_audit(repo, platform=platform, day=day, query=make_query(day))
                view = audit_view(run)
                view["decisions"] = {
                    "items": [decision_view(d, run.tracks.get(d.track)) for d in run.decisions[:100]],
                    "total": len(run.decisions),
                    "limit": 100,
                    "offset": 0,
                }
                del view["elapsed_s"]
                audits.append(Audit(platform, day.isoformat(), json.loads(json.dumps(view))))
    return audits
