"""Test helpers that change audio the way copies on platforms are changed: real codecs and FFmpeg filters via PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from songclear.fingerprint.decode import ENGINE_RATE


def encode(
    samples: np.ndarray,
    path: Path,
    *,
    rate: int = ENGINE_RATE,
    codec: str | None = None,
    bit_rate: int | None = None,
) -> Path:
    """Write mono float audio to ``path`` with the container chosen by its suffix."""
    codec = (
        codec
        or {
            ".mp3": "libmp3lame",
            ".m4a": "aac",
            ".ogg": "vorbis",
            ".opus": "libopus",
            ".flac": "flac",
            ".wav": "pcm_s16le",
        }[path.suffix]
    )
    out_rate = 48000 if codec == "libopus" else rate
    x = _resample(samples, rate, out_rate)
    with av.open(str(path), "w") as container:
        layout = "stereo" if codec == "vorbis" else "mono"  # the native Vorbis encoder wants two channels
        stream = container.add_stream(codec, rate=out_rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate
        if codec == "vorbis":  # FFmpeg's native Vorbis encoder (PyAV wheels lack libvorbis) is "experimental"
            stream.codec_context.options = {"strict": "experimental"}
        fmt = stream.codec_context.format.name
        frame_size = 1024
        for i in range(0, x.size, frame_size):
            chunk = x[i : i + frame_size]
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
            frame.sample_rate = out_rate
            frame.pts = i
            for f in _convert(frame, fmt, out_rate, layout):
                for packet in stream.encode(f):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def filtered(samples: np.ndarray, *chain: tuple[str, str], rate: int = ENGINE_RATE) -> np.ndarray:
    """Run mono float audio through an FFmpeg filter chain, e.g. ``("atempo", "1.05")``; result at ``rate``."""
    graph = av.filter.Graph()
    node = graph.add_abuffer(format="flt", sample_rate=rate, layout="mono")
    first = node
    for name, args in [
        *chain,
        ("aresample", str(rate)),
        ("aformat", "sample_fmts=flt:channel_layouts=mono"),
    ]:
        nxt = graph.add(name, args)
        node.link_to(nxt)
        node = nxt
    sink = graph.add("abuffersink")
    node.link_to(sink)
    graph.configure()
    out = []
    x = np.ascontiguousarray(samples, dtype=np.float32)
    for i in range(0, x.size + 1, 4096):
        if i < x.size:
            frame = av.AudioFrame.from_ndarray(x[None, i : i + 4096], format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = i
            first.push(frame)
        else:
            first.push(None)
        while True:
            try:
                out.append(sink.pull().to_ndarray().reshape(-1))
            except (av.BlockingIOError, av.EOFError):
                break
    return np.concatenate(out).astype(np.float32)


def speed(samples: np.ndarray, factor: float) -> np.ndarray:
    """Resample so the audio plays ``factor`` times faster and higher (tape/vinyl speed change)."""
    n = int(samples.size / factor)
    return np.interp(np.arange(n) * factor, np.arange(samples.size), samples).astype(np.float32)


def pitch_shift(samples: np.ndarray, semitones: float) -> np.ndarray:
    """Shift pitch keeping the tempo: speed change by resampling, then time-stretch back (FFmpeg atempo)."""
    k = 2.0 ** (semitones / 12.0)
    return filtered(speed(samples, k), ("atempo", f"{1 / k:.6f}"))


def tempo(samples: np.ndarray, factor: float) -> np.ndarray:
    """Time-stretch without changing pitch (FFmpeg atempo, WSOLA)."""
    return filtered(samples, ("atempo", f"{factor:.6f}"))


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    spec /= np.sqrt(np.maximum(np.arange(spec.size), 1))
    return np.fft.irfft(spec, n).astype(np.float32)


def add_noise(samples: np.ndarray, snr_db: float, noise: np.ndarray) -> np.ndarray:
    noise = noise[: samples.size]
    gain = np.sqrt(np.mean(samples**2) / (np.mean(noise**2) * 10 ** (snr_db / 10)))
    return (samples + gain * noise).astype(np.float32)


def _resample(x: np.ndarray, rate: int, out_rate: int) -> np.ndarray:
    if rate == out_rate:
        return np.ascontiguousarray(x, dtype=np.float32)
    return speed(x, rate / out_rate)


def _convert(frame: av.AudioFrame, fmt: str, rate: int, layout: str):
    resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
    return resampler.resample(frame)
