"""Audio for the demo world, made here (deterministic, a few seconds; nothing downloaded).

Each registered recording gets a synthetic song (``synth_music`` seeded by its ISRC) as reference audio in FLAC.
The platforms' libraries then hold copies as platforms really get them: re-encoded to MP3 or AAC, cut, mixed with
noise, sped up — some under their own title and ISRC, some in the 'pirated pool' under fake titles, one under
another recording's ISRC. The scan must find them all.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

RATE = 22050
SECONDS = 30.0


@dataclass(frozen=True)
class LibraryCopy:
    platform: str
    track_id: str
    source_isrc: str  # whose audio the file really holds
    fmt: str  # 'mp3' | 'm4a' | 'flac'
    start: float = 0.0  # cut: seconds into the source
    length: float | None = None
    speed: float = 1.0  # resampled: faster and higher
    snr_db: float | None = None  # pink noise mixed in
    story: str = ""


COPIES = (
    LibraryCopy("qq", "qq-001", "CN-J01-14-00001", "mp3", story="licensed, its own ISRC"),
    LibraryCopy("qq", "qq-008", "TW-F01-11-00001", "m4a", story="unlicensed, its own ISRC"),
    LibraryCopy("qq", "qq-009", "CN-S01-13-00002", "mp3", start=5, length=25, speed=1.05,
                story="pirated pool: Silk Road's 驼铃 sped up 5 % under a fake title"),
    LibraryCopy("netease", "ne-001", "CN-J01-14-00001", "m4a", story="licensed through the sublicence"),
    LibraryCopy("netease", "ne-003", "TW-F01-11-00001", "mp3",
                story="listed as Jade Dragon's 北方来信, but the audio is Formosa's 阿里山之夜"),
    LibraryCopy("netease", "ne-008", "CN-J01-14-00001", "mp3", start=8, length=20, snr_db=12,
                story="'moon pier (cover)' is really Jade Dragon's 月光码头, cut and noisy"),
    LibraryCopy("kuwo", "kw-007", "HK-H01-12-00001", "m4a", start=10, length=15, snr_db=8, speed=0.96,
                story="pirated pool: Harbour Lights' 维港烟花, cut, noisy and slowed"),
)  # fmt: skip


def seed_of(isrc: str) -> int:
    return int.from_bytes(hashlib.sha256(isrc.encode()).digest()[:4], "big")


def encode(samples: np.ndarray, path: Path, rate: int = RATE) -> Path:
    """Write mono float samples with the codec the suffix names (mp3, m4a/AAC, flac) through FFmpeg (PyAV)."""
    codec = {".mp3": "libmp3lame", ".m4a": "aac", ".flac": "flac"}[path.suffix]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        if codec != "flac":
            stream.bit_rate = 64_000
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="mono", rate=rate)
        x = np.ascontiguousarray(samples, dtype=np.float32)
        for i in range(0, x.size, 4096):
            frame = av.AudioFrame.from_ndarray(x[None, i : i + 4096], format="flt", layout="mono")
            frame.sample_rate, frame.pts = rate, i
            for f in resampler.resample(frame):
                container.mux(stream.encode(f))
        for f in resampler.resample(None):
            container.mux(stream.encode(f))
        container.mux(stream.encode(None))
    return path


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    spec /= np.sqrt(np.maximum(np.arange(spec.size), 1))
    return np.fft.irfft(spec, n)


def distort(source: np.ndarray, copy: LibraryCopy) -> np.ndarray:
    x = source[int(copy.start * RATE) :]
    if copy.length is not None:
        x = x[: int(copy.length * RATE * copy.speed)]
    if copy.speed != 1.0:  # play faster: read the samples at a stride of `speed`
        n = int(x.size / copy.speed)
        x = np.interp(np.arange(n) * copy.speed, np.arange(x.size), x)
    if copy.snr_db is not None:
        noise = _pink(x.size, np.random.default_rng(seed_of(copy.track_id)))
        x = x + noise * np.sqrt(np.mean(x**2) / (np.mean(noise**2) * 10 ** (copy.snr_db / 10)))
    return (0.9 * x / max(1e-9, float(np.max(np.abs(x))))).astype(np.float32)


def make_demo_audio(out: Path, isrcs: list[str], library_csv: Path) -> tuple[list[Path], Path]:
    """Write reference FLACs (named by ISRC) and the library copies; return the references and a library CSV
    that gives the copied tracks their audio paths (the platforms' refreshed catalogue)."""
    from songclear.domain.identifiers import normalise_isrc
    from songclear.fingerprint import synth_music

    ref_dir, lib_dir = out / "reference", out / "library"
    ref_dir.mkdir(parents=True, exist_ok=True)
    lib_dir.mkdir(parents=True, exist_ok=True)
    songs = {normalise_isrc(i): synth_music(seed_of(normalise_isrc(i)), SECONDS, rate=RATE) for i in isrcs}
    refs = [encode(s, ref_dir / f"{isrc}.flac") for isrc, s in songs.items()]
    paths = {}
    for c in COPIES:
        paths[c.platform, c.track_id] = encode(
            distort(songs[normalise_isrc(c.source_isrc)], c), lib_dir / f"{c.platform}-{c.track_id}.{c.fmt}"
        )
    with library_csv.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if (r["platform"], r["track_id"]) in paths]
    refreshed = out / "library_with_audio.csv"
    with refreshed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow(r | {"audio_path": str(paths[r["platform"], r["track_id"]].resolve())})
    return refs, refreshed
