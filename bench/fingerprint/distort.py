"""Query makers: cut a 10-s excerpt from a reference WAV and change it the way copies are changed (sox/ffmpeg)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np

from songclear.fingerprint import ENGINE_RATE, decode_file

QUERY_S = 10.0


def _sox(src: Path, dst: Path, offset: float, length: float, *effects: str) -> None:
    subprocess.run(
        [
            "sox",
            "-V1",
            str(src),
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            str(dst),
            "trim",
            f"{offset:.3f}",
            f"{length:.3f}",
            *effects,
        ],
        check=True,
    )


def _ffmpeg(src: Path, dst: Path, *args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(src), *args, str(dst)], check=True)


def _mix(music: np.ndarray, other: np.ndarray, snr_db: float) -> np.ndarray:
    other = np.resize(other, music.size)
    gain = np.sqrt(np.mean(music**2) / (np.mean(other**2) * 10 ** (snr_db / 10) + 1e-20))
    return (music + gain * other).astype(np.float32)


def make_query(kind: str, src: Path, offset: float, work: Path, extras: dict) -> np.ndarray:
    """Samples at the engine rate of a ~10-s query of ``kind`` starting at ``offset`` s of ``src``."""
    wav = work / "q.wav"
    spec = DISTORTIONS[kind]
    if spec[0] == "sox":
        factor, effects = spec[1], spec[2]
        _sox(src, wav, offset, QUERY_S * factor + 0.05, *effects)
        return decode_file(wav)
    _sox(src, wav, offset, QUERY_S)
    if spec[0] == "codec":
        out = work / f"q{spec[1]}"
        _ffmpeg(wav, out, *spec[2])
        return decode_file(out)
    x = decode_file(wav)
    if spec[0] == "pink":
        return _mix(x, extras["pink"], spec[1])
    if spec[0] == "speech":
        speech = extras["speech"][int(offset * 1000) % len(extras["speech"])]
        return _mix(x, speech, spec[1])
    raise ValueError(kind)


# kind -> how; for sox kinds, the factor of source seconds consumed per query second
DISTORTIONS: dict[str, tuple] = {
    "clean": ("sox", 1.0, ()),
    "mp3 64k": ("codec", ".mp3", ("-c:a", "libmp3lame", "-b:a", "64k")),
    "aac 32k": ("codec", ".m4a", ("-c:a", "aac", "-b:a", "32k")),
    "pink snr 10": ("pink", 10.0),
    "pink snr 0": ("pink", 0.0),
    "speech snr 5": ("speech", 5.0),
    "speed +5%": ("sox", 1.05, ("speed", "1.05")),
    "speed -5%": ("sox", 0.95, ("speed", "0.95")),
    "speed +10%": ("sox", 1.10, ("speed", "1.10")),
    "speed -10%": ("sox", 0.90, ("speed", "0.90")),
    "pitch +1 st": ("sox", 1.0, ("pitch", "100")),
    "pitch -1 st": ("sox", 1.0, ("pitch", "-100")),
    "pitch +2 st": ("sox", 1.0, ("pitch", "200")),
    "pitch -2 st": ("sox", 1.0, ("pitch", "-200")),
    "tempo +5%": ("sox", 1.05, ("tempo", "1.05")),
    "tempo -5%": ("sox", 0.95, ("tempo", "0.95")),
    "tempo +10%": ("sox", 1.10, ("tempo", "1.10")),
    "tempo -10%": ("sox", 0.90, ("tempo", "0.90")),
    "telephone": ("sox", 1.0, ("sinc", "300-3400")),
}


def pink_noise(seconds: float = 60.0) -> np.ndarray:
    rng = np.random.default_rng(3)
    n = int(seconds * ENGINE_RATE)
    spec = np.fft.rfft(rng.standard_normal(n))
    spec /= np.sqrt(np.maximum(np.arange(spec.size), 1))
    return np.fft.irfft(spec, n).astype(np.float32)


Maker = Callable[[str, Path, float, Path, dict], np.ndarray]
