"""Spectral peaks: the few time-frequency points that survive re-encoding, noise and band-limiting.

A peak is a local maximum of the log-magnitude STFT over a neighbourhood that is fixed in *time frames* and in
*semitones* (not in Hz), so a pitch shift moves the peaks without changing which ones are picked. Peak frequency
is refined by parabolic interpolation and returned in semitones above ``FMIN_HZ``: on that axis a pitch shift or
a resampling speed change is a plain translation, which the triplet hashes cancel out.

Peaks are ranked by their magnitude whitened by a running per-bin mean over a few seconds (so an equaliser or a
telephone band does not move all the peaks into the loudest band) plus their plain log magnitude (so the
peaks kept are also the loud ones, which noise covers last). Long input is processed in overlapping blocks
so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numba
import numpy as np
import scipy.fft
from scipy.ndimage import maximum_filter1d, uniform_filter1d

from songclear.fingerprint.decode import ENGINE_RATE, sanitise_samples

N_FFT = 1024
HOP = 128
FRAME_RATE = ENGINE_RATE / HOP  # 62.5 frames per second
FMIN_HZ = 130.0
FMAX_HZ = 3800.0
_KMIN = int(np.ceil(FMIN_HZ * N_FFT / ENGINE_RATE))
_KMAX = int(FMAX_HZ * N_FFT / ENGINE_RATE)
_WHITEN_FRAMES = 189  # ~3 s running mean per frequency bin
_BLOCK_FRAMES = 3750  # 60 s of frames analysed at once
_MARGIN = _WHITEN_FRAMES // 2 + 16
_FLOOR = float(np.log(1e-4))  # ignore peaks below -80 dB re full scale: silence, dither
_WINDOW = (np.hanning(N_FFT + 2)[1:-1] / (N_FFT / 4)).astype(np.float32)


@dataclass(frozen=True)
class PeakParams:
    """How many peaks to keep and how far apart they must be."""

    per_second: float = 24.0
    time_radius: int = 6  # frames each side (96 ms)
    freq_radius_st: float = 1.5  # semitones each side
    loudness_weight: float = 1.0  # rank = whitened log magnitude + this * plain log magnitude


@dataclass(frozen=True)
class Peaks:
    """Peaks sorted by time: ``t`` in frames (fractional), ``f`` in semitones above FMIN_HZ, ``m`` the rank (whitened + weighted plain log)."""

    t: np.ndarray
    f: np.ndarray
    m: np.ndarray

    def __len__(self) -> int:
        return int(self.t.size)


def frames_to_seconds(frames: np.ndarray | float) -> np.ndarray | float:
    return frames / FRAME_RATE


def semitones_to_hz(st: np.ndarray | float) -> np.ndarray | float:
    return FMIN_HZ * 2.0 ** (np.asarray(st) / 12.0)


def log_spectrogram(samples: np.ndarray) -> np.ndarray:
    """Log magnitude, shape (frames, bins) for FFT bins ``_KMIN.._KMAX``; frame i starts at sample i*HOP."""
    x = np.ascontiguousarray(samples, dtype=np.float32)
    if x.size < N_FFT:
        x = np.pad(x, (0, N_FFT - x.size))
    frames = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP]
    spec = scipy.fft.rfft(frames * _WINDOW, axis=1)[:, _KMIN : _KMAX + 1]
    power = spec.real**2 + spec.imag**2
    return (0.5 * np.log(power + 1e-12)).astype(np.float32)


def extract_peaks(samples: np.ndarray, params: PeakParams = PeakParams()) -> Peaks:
    """Peaks of mono audio at the engine rate, ranked so about ``params.per_second`` are kept per second."""
    return extract_peaks_stream([np.asarray(samples, dtype=np.float32)], params)


def extract_peaks_stream(chunks: Iterable[np.ndarray], params: PeakParams = PeakParams()) -> Peaks:
    """``extract_peaks`` of the concatenation of ``chunks``, holding only about two minutes of samples at once.

    Blocks of 60 s (plus the whitening margin on each side) are analysed as soon as the samples they need have
    arrived; the result is identical to analysing the whole signal.
    """
    parts = [peaks for peaks, _ in iter_peak_blocks(chunks, params)]
    if not parts:
        empty = np.zeros(0, np.float32)
        return Peaks(empty, empty, empty)
    return Peaks(*(np.concatenate([getattr(p, n) for p in parts]) for n in ("t", "f", "m")))


def iter_peak_blocks(
    chunks: Iterable[np.ndarray], params: PeakParams = PeakParams()
) -> Iterator[tuple[Peaks, int]]:
    """The peaks of ``extract_peaks_stream``, yielded block by block as ``(peaks, final)``: every peak before frame
    ``final`` has been yielded by then (a consumer can finish whatever needs only those), none after it."""
    widths = _freq_widths(params.freq_radius_st)
    buf = np.zeros(0, np.float32)
    buf_at = 0  # absolute sample index of buf[0]
    total = 0
    start = 0  # first frame not analysed yet

    def analyse(start: int, stop: int, n_frames: int) -> Peaks:
        a = max(0, start - _MARGIN)
        b = min(n_frames, stop + _MARGIN)
        spec = log_spectrogram(buf[a * HOP - buf_at : (b - 1) * HOP + N_FFT - buf_at])
        t, f, m = _block_peaks(spec, widths, params.time_radius, params.loudness_weight)
        keep = (t + a >= start) & (t + a < stop)
        return Peaks(*_thin(t[keep] + a, f[keep], m[keep], params.per_second))

    for chunk in chunks:
        chunk = sanitise_samples(np.asarray(chunk, dtype=np.float32).reshape(-1))
        buf = np.concatenate([buf, chunk])
        total += int(chunk.size)
        while (start + _BLOCK_FRAMES + _MARGIN - 1) * HOP + N_FFT <= total:
            yield (
                analyse(start, start + _BLOCK_FRAMES, start + _BLOCK_FRAMES + _MARGIN),
                start + _BLOCK_FRAMES,
            )
            start += _BLOCK_FRAMES
            drop = (start - _MARGIN) * HOP - buf_at
            if drop > 0:
                buf, buf_at = buf[drop:], buf_at + drop
    n_frames = max(1, 1 + (total - N_FFT) // HOP)
    while start < n_frames:
        stop = min(n_frames, start + _BLOCK_FRAMES)
        yield analyse(start, stop, n_frames), stop
        start += _BLOCK_FRAMES


def _freq_widths(radius_st: float) -> np.ndarray:
    k = np.arange(_KMIN, _KMAX + 1, dtype=np.float64)
    return np.maximum(2, np.round(k * (2 ** (radius_st / 12) - 1))).astype(np.int64)


def _block_peaks(
    spec: np.ndarray, widths: np.ndarray, time_radius: int, loudness_weight: float
) -> tuple[np.ndarray, ...]:
    whitened = spec - uniform_filter1d(spec, _WHITEN_FRAMES, axis=0, mode="nearest")
    tmax = maximum_filter1d(spec, 2 * time_radius + 1, axis=0, mode="nearest")
    ti, ki, dt, dk = _local_maxima(spec, tmax, widths, _FLOOR)
    t = ti + dt
    hz = (ki + _KMIN + dk) * (ENGINE_RATE / N_FFT)
    f = 12.0 * np.log2(hz / FMIN_HZ)
    return t, f.astype(np.float32), whitened[ti, ki] + np.float32(loudness_weight) * spec[ti, ki]


@numba.njit(cache=True, nogil=True)
def _local_maxima(spec, tmax, widths, floor):  # pragma: no cover - compiled
    """Cells that are the maximum of their time window and of a semitone-wide frequency window."""
    n_t, n_k = spec.shape
    cap = n_t * 8 + 16
    ti = np.empty(cap, np.int64)
    ki = np.empty(cap, np.int64)
    dt = np.empty(cap, np.float32)
    dk = np.empty(cap, np.float32)
    n = 0
    for t in range(n_t):
        for k in range(1, n_k - 1):
            v = spec[t, k]
            if v < floor or v < tmax[t, k] or v <= spec[t, k - 1] or v < spec[t, k + 1]:
                continue
            w = widths[k]
            ok = True
            for j in range(max(0, k - w), min(n_k, k + w + 1)):
                if tmax[t, j] > v:
                    ok = False
                    break
            if not ok:
                continue
            if n == cap:
                return ti[:n], ki[:n], dt[:n], dk[:n]
            ti[n] = t
            ki[n] = k
            dk[n] = _parabola(spec[t, k - 1], v, spec[t, k + 1])
            dt[n] = _parabola(spec[t - 1, k], v, spec[t + 1, k]) if 0 < t < n_t - 1 else 0.0
            n += 1
    return ti[:n], ki[:n], dt[:n], dk[:n]


@numba.njit(cache=True, inline="always")
def _parabola(a, b, c):  # pragma: no cover - compiled
    den = a - 2.0 * b + c
    if den >= 0.0:
        return 0.0
    return min(0.5, max(-0.5, 0.5 * (a - c) / den))


def _thin(t: np.ndarray, f: np.ndarray, m: np.ndarray, per_second: float) -> tuple[np.ndarray, ...]:
    """Keep the strongest peaks of each half-second so density is even across loud and quiet passages."""
    if t.size == 0:
        empty = np.zeros(0, np.float32)
        return empty, empty, empty
    block = np.floor(t / (FRAME_RATE / 2)).astype(np.int64)
    order = np.lexsort((-m, block))
    block_sorted = block[order]
    first = np.searchsorted(block_sorted, block_sorted, side="left")
    rank = np.arange(order.size) - first
    kept = order[rank < max(1, int(round(per_second / 2)))]
    kept = kept[np.argsort(t[kept], kind="stable")]
    return t[kept].astype(np.float32), f[kept].astype(np.float32), m[kept].astype(np.float32)
