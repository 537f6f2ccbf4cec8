"""Deterministic synthetic "music" for tests and the demo: same seed, same samples; different seeds, different songs.

Each seed draws a tempo, a key and scale, a chord progression, a melody, a bass line and a drum pattern, rendered
as decaying harmonic tones and noise bursts. That gives the spectral peaks real music has (stable partials, onsets)
without shipping or downloading any recording. A minute renders in well under a second.
"""

from __future__ import annotations

import numpy as np

_SCALES = ((0, 2, 4, 5, 7, 9, 11), (0, 2, 3, 5, 7, 8, 10), (0, 2, 4, 7, 9), (0, 3, 5, 6, 7, 10))


def synth_music(seed: int, seconds: float, *, rate: int = 22050) -> np.ndarray:
    """Render ``seconds`` of a song determined by ``seed`` as mono float32 in [-1, 1] at ``rate`` Hz."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    out = np.zeros(n + rate * 2, dtype=np.float64)
    beat = 60.0 / rng.uniform(84, 150)
    scale = _SCALES[rng.integers(len(_SCALES))]
    root = 45 + int(rng.integers(0, 12))  # MIDI note of the tonic, A2..G#3
    timbres = [rng.uniform(0.1, 1.0, size=8) / np.arange(1, 9) for _ in range(3)]
    progression = rng.integers(0, len(scale), size=int(rng.integers(3, 6)))

    def degree(d: int, octave: int) -> int:
        return root + 12 * (octave + d // len(scale)) + scale[d % len(scale)]

    t_beat, bar = 0.0, 0
    while t_beat < seconds:
        chord = int(progression[bar % progression.size])
        for step in range(4):
            t = t_beat + step * beat
            if t >= seconds:
                break
            _tone(out, rate, t, beat * 1.9, degree(chord, -1), timbres[0], 0.35, decay=2.0)
            if step % 2 == 0:
                for k in (0, 2, 4):
                    _tone(out, rate, t, beat * 2, degree(chord + k, 0), timbres[1], 0.12, decay=1.0)
            for sub in range(int(rng.integers(1, 3))):
                note = degree(chord + int(rng.integers(-2, 8)), 1)
                length = beat / (sub + 1)
                _tone(out, rate, t + sub * length, length * 1.2, note, timbres[2], 0.25, decay=3.0)
            _drum(out, rate, t, rng, kick=step % 2 == 0)
        t_beat += 4 * beat
        bar += 1
    y = out[:n]
    peak = float(np.max(np.abs(y))) or 1.0
    return (0.9 * y / peak).astype(np.float32)


def _tone(
    out: np.ndarray,
    rate: int,
    start: float,
    length: float,
    midi: int,
    partials: np.ndarray,
    gain: float,
    *,
    decay: float,
) -> None:
    i0 = int(start * rate)
    m = min(int(length * rate), out.size - i0)
    if m <= 0:
        return
    t = np.arange(m) / rate
    f0 = 440.0 * 2.0 ** ((midi - 69) / 12)
    wave = np.zeros(m)
    for h, amp in enumerate(partials, start=1):
        if f0 * h < rate / 2.2:
            wave += amp * np.sin(2 * np.pi * f0 * h * t)
    envelope = np.minimum(t / 0.01, 1.0) * np.exp(-decay * t / max(length, 1e-3))
    out[i0 : i0 + m] += gain * wave * envelope


def _drum(out: np.ndarray, rate: int, start: float, rng: np.random.Generator, *, kick: bool) -> None:
    i0 = int(start * rate)
    m = min(int(0.12 * rate), out.size - i0)
    if m <= 0:
        return
    t = np.arange(m) / rate
    if kick:
        hit = np.sin(2 * np.pi * (110 - 300 * t) * t) * np.exp(-t / 0.05)
    else:
        hit = np.diff(rng.standard_normal(m + 1)) * np.exp(-t / 0.02) * 0.3
    out[i0 : i0 + m] += 0.4 * hit
