"""Decoding any common audio file to mono float32 at the engine rate, streamed through PyAV.

The compressed source is read packet by packet and resampled on the fly, so a long file is never held whole at
its original rate; only the 8 kHz mono result (about 115 MB per hour) is accumulated by ``decode_file``.
Every PyAV/FFmpeg failure is translated here into a ``DecodeError`` naming the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from songclear.fingerprint.errors import DecodeError, UnsupportedAudioError

ENGINE_RATE = 8000
"""Samples per second of everything the engine analyses: peaks above 4 kHz add little robustness."""


def iter_decode(
    path: str | Path, *, rate: int = ENGINE_RATE, chunk_seconds: float = 30.0
) -> Iterator[np.ndarray]:
    """Yield consecutive mono float32 chunks of about ``chunk_seconds`` at ``rate`` Hz.

    Raises ``DecodeError`` (or ``UnsupportedAudioError`` when there is no audio stream) naming the file.
    """
    name = str(path)
    if not Path(name).is_file():
        raise DecodeError(name, "no such file")
    try:
        container = av.open(name, metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise DecodeError(name, _reason(exc)) from exc
    with container:
        if not container.streams.audio:
            raise UnsupportedAudioError(name, "no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        target = int(chunk_seconds * rate)
        pending: list[np.ndarray] = []
        size = 0
        produced = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    pending.append(out.to_ndarray().reshape(-1))
                    size += pending[-1].size
                if size >= target:
                    chunk = np.concatenate(pending)
                    pending, size = [], 0
                    produced += chunk.size
                    yield chunk
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().reshape(-1))
        except (av.FFmpegError, ValueError) as exc:
            raise DecodeError(name, _reason(exc)) from exc
        if pending:
            chunk = np.concatenate(pending)
            produced += chunk.size
            if chunk.size:
                yield chunk
        if produced == 0:
            raise DecodeError(name, "no audio samples could be decoded")


def decode_file(path: str | Path, *, rate: int = ENGINE_RATE) -> np.ndarray:
    """The whole file as one mono float32 array at ``rate`` Hz (see ``iter_decode`` for errors)."""
    chunks = list(iter_decode(path, rate=rate))
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
