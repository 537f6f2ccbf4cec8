from __future__ import annotations

import numpy as np
import pytest
from audio_tools import speed

from songclear.fingerprint.peaks import FMIN_HZ, FRAME_RATE, PeakParams, extract_peaks, extract_peaks_stream

R = 8000


def test_a_steady_tone_gives_peaks_at_its_frequency():
    t = np.arange(3 * R) / R
    x = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    p = extract_peaks(x)
    assert len(p) > 0
    np.testing.assert_allclose(p.f, 12 * np.log2(440.0 / FMIN_HZ), atol=0.1)


def test_silence_has_no_peaks():
    assert len(extract_peaks(np.zeros(5 * R, np.float32))) == 0


def test_density_follows_the_parameter(songs):
    x = songs["REC01"]
    sparse = extract_peaks(x, PeakParams(per_second=12))
    dense = extract_peaks(x, PeakParams(per_second=32))
    seconds = x.size / R
    assert len(sparse) / seconds <= 12.5 and len(dense) > 1.8 * len(sparse)
    assert np.all(np.diff(dense.t) >= 0)


def test_resampling_translates_peaks_in_semitones(songs):
    x = songs["REC03"][: 15 * R]
    base = extract_peaks(x)
    fast = extract_peaks(speed(x, 1.06))
    # Match each fast peak to the base peak at the scaled time and compare frequencies.
    idx = np.searchsorted(base.t, fast.t * 1.06)
    ok = idx < len(base)
    shift = fast.f[ok] - base.f[idx[ok]]
    near = np.abs(fast.t[ok] * 1.06 - base.t[idx[ok]]) < 0.6
    assert np.median(shift[near & (np.abs(shift - 1.0) < 0.5)]) == pytest.approx(12 * np.log2(1.06), abs=0.1)
    assert abs(len(fast) / (x.size / R / 1.06) - len(base) / (x.size / R)) < 3


def test_long_input_is_processed_in_blocks_without_seams(songs):
    x = np.concatenate([songs[k] for k in sorted(songs)])  # 240 s, several blocks
    whole = extract_peaks(x)
    part = extract_peaks(x[: 70 * R])
    upto = whole.t < part.t.max() - 4 * FRAME_RATE
    assert np.isin(np.round(whole.t[upto], 3), np.round(part.t, 3)).mean() > 0.97


@pytest.mark.parametrize("chunk_s", [0.7, 7.0, 61.0])
def test_streamed_peaks_equal_the_whole_signal(songs, chunk_s):
    x = np.concatenate([songs[k] for k in sorted(songs)])[: 150 * R + 333]  # blocks plus a ragged tail
    whole = extract_peaks(x)
    step = int(chunk_s * R)
    streamed = extract_peaks_stream(x[i : i + step] for i in range(0, x.size, step))
    for name in ("t", "f", "m"):
        np.testing.assert_array_equal(getattr(streamed, name), getattr(whole, name))


def test_stream_of_nothing_or_a_few_samples():
    assert len(extract_peaks_stream([])) == 0
    assert len(extract_peaks_stream([np.zeros(10, np.float32)])) == 0
