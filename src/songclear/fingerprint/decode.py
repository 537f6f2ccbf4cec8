"""Decoding any common audio file to mono float32 at the engine rate, streamed through PyAV.

The compressed source is read packet by packet and resampled on the fly, so a long file is never held whole at
its original rate; ``iter_decode`` yields it in chunks, and only ``decode_file`` accumulates the 8-kHz result
(about 115 MB per hour): the engine's own paths (fingerprinting, identify, scan, evidence excerpts) stream.
Every PyAV/FFmpeg failure is translated here into a ``DecodeError`` naming the file.

Decoded samples are *sanitised*: a float source (WAV, FLAC and others store IEEE floats) can hold NaN, infinities
or absurd magnitudes, and one NaN turns seconds of spectrogram into NaN around it (the running whitening mean
spreads it), so a copy with one NaN per second would find nothing. Samples that are not finite or lie beyond
``SAMPLE_LIMIT`` (18 dB over full scale, beyond any real master) become 0, in the source's own frames, before the
resampler can smear a single bad sample over its filter length, and again after it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import av
import numpy as np

from songclear.fingerprint.errors import ClipTooLong, DecodeError, UnsupportedAudioError

ENGINE_RATE = 8000
"""Samples per second of everything the engine analyses: peaks above 4 kHz add little robustness."""

SAMPLE_LIMIT = 8.0
"""Largest magnitude a decoded sample may have (full scale is 1.0); beyond it, or not finite, it becomes 0."""

_FLOAT_FORMATS = frozenset(
    {"flt", "fltp", "dbl", "dblp"}
)  # integer formats cannot hold NaN or exceed full scale


def sanitise_samples(samples: np.ndarray) -> np.ndarray:
    """``samples`` with every sample that is NaN, infinite or beyond ``SAMPLE_LIMIT`` replaced by 0.

    Such a sample is corruption, not sound: silencing it costs one sample, where clipping it to the limit would
    leave a full-scale click (measured on a float WAV with one 1e30 per second: clipping kept 75 % of the clean
    copy's score, silencing all of it). Returns the array itself (no copy) when nothing needs changing."""
    peak = float(np.max(np.abs(samples), initial=0.0))  # NaN propagates, so one test covers both
    if peak <= SAMPLE_LIMIT:
        return samples
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(samples) <= SAMPLE_LIMIT)  # NaN compares False
    return np.where(bad, samples.dtype.type(0), samples)


def iter_decode(
    path: str | Path,
    *,
    rate: int = ENGINE_RATE,
    chunk_seconds: float = 30.0,
    max_seconds: float | None = None,
) -> Iterator[np.ndarray]:
    """Yield consecutive mono float32 chunks of about ``chunk_seconds`` at ``rate`` Hz.

    Raises ``DecodeError`` (or ``UnsupportedAudioError`` when there is no audio stream) naming the file, and
    ``ClipTooLong`` as soon as more than ``max_seconds`` of audio has been decoded (None: no limit).
    """
    name = str(path)
    if not Path(name).is_file():
        raise DecodeError(name, "no such file")
    try:
        container = av.open(name, metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise DecodeError(name, _reason(exc)) from exc
    limit = None if max_seconds is None else int(round(max_seconds * rate))
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
                for out in resampler.resample(_sanitised_frame(frame)):
                    pending.append(out.to_ndarray().reshape(-1))
                    size += pending[-1].size
                if limit is not None and produced + size > limit:
                    raise ClipTooLong(name, max_seconds)
                if size >= target:
                    chunk = sanitise_samples(np.concatenate(pending))
                    pending, size = [], 0
                    produced += chunk.size
                    yield chunk
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().reshape(-1))
        except (av.FFmpegError, ValueError) as exc:
            raise DecodeError(name, _reason(exc)) from exc
        if pending:
            chunk = sanitise_samples(np.concatenate(pending))
            if limit is not None and produced + chunk.size > limit:
                raise ClipTooLong(name, max_seconds)
            produced += chunk.size
            if chunk.size:
                yield chunk
        if produced == 0:
            raise DecodeError(name, "no audio samples could be decoded")


def decode_file(path: str | Path, *, rate: int = ENGINE_RATE, max_seconds: float | None = None) -> np.ndarray:
    """The whole file as one mono float32 array at ``rate`` Hz (see ``iter_decode`` for errors).

    Holds the whole signal: for long files use ``iter_decode``, ``fingerprint_file`` or ``FingerprintIndex.scan``.
    """
    chunks = list(iter_decode(path, rate=rate, max_seconds=max_seconds))
    return np.concatenate(chunks).astype(np.float32, copy=False)


def decode_excerpts(
    path: str | Path, spans: Sequence[tuple[int, int]], *, rate: int = ENGINE_RATE
) -> list[np.ndarray]:
    """Samples ``[start, stop)`` of each span (sample indices at ``rate``), in one streamed pass that stops after
    the last span. A span past the end of the audio comes back short (or empty)."""
    out = [np.zeros(0, np.float32)] * len(spans)
    for i, excerpt in iter_excerpts(path, spans, rate=rate):
        out[i] = excerpt
    return out


def iter_excerpts(
    path: str | Path, spans: Sequence[tuple[int, int]], *, rate: int = ENGINE_RATE
) -> Iterator[tuple[int, np.ndarray]]:
    """``(i, samples of spans[i])`` as soon as each span has been decoded, in one streamed pass: only the spans
    being decoded are held, so the evidence pictures of many matches an hour apart never hold the hour."""
    parts: dict[int, list[np.ndarray]] = {}
    todo = sorted(range(len(spans)), key=lambda i: spans[i][0])
    at = 0
    if todo:
        for chunk in iter_decode(path, rate=rate, chunk_seconds=10.0):
            end = at + chunk.size
            while todo and spans[todo[0]][0] < end:
                parts[todo.pop(0)] = []
            for i in sorted(parts):
                start, stop = spans[i]
                lo, hi = max(start, at), min(stop, end)
                if lo < hi:
                    parts[i].append(chunk[lo - at : hi - at])
                if stop <= end:
                    yield i, _joined(parts.pop(i))
            at = end
            if not todo and not parts:
                return
    for i in [*sorted(parts), *todo]:  # past the end of the audio
        yield i, _joined(parts.pop(i, []))


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _sanitised_frame(frame: av.AudioFrame) -> av.AudioFrame:
    """The frame, or a copy with its bad samples fixed when it is a float frame holding any."""
    if frame.format.name not in _FLOAT_FORMATS:
        return frame
    samples = frame.to_ndarray()
    clean = sanitise_samples(samples)
    if clean is samples:
        return frame
    try:
        fixed = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(clean, dtype=samples.dtype),
            format=frame.format.name,
            layout=frame.layout.name,
        )
    except (ValueError, av.FFmpegError):  # a layout PyAV cannot rebuild: the output is still sanitised
        return frame
    fixed.sample_rate = frame.sample_rate
    fixed.pts = frame.pts
    fixed.time_base = frame.time_base
    return fixed


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
