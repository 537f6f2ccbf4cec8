"""Robustness of identification on synthetic songs: each case asserts the recording, the offset and the factors."""

from __future__ import annotations

import numpy as np
import pytest
from audio_tools import add_noise, encode, pink_noise, pitch_shift, speed, tempo

from songclear.fingerprint import ENGINE_RATE, decode_file, synth_music

R = ENGINE_RATE


def clip(songs, rid: str, start: float, seconds: float) -> np.ndarray:
    return songs[rid][int(start * R) : int((start + seconds) * R)]


def assert_found(index, query, rid, offset, *, speed_factor=1.0, pitch_factor=1.0):
    matches = index.search(query)
    assert matches, "no match"
    top = matches[0]
    assert top.recording_id == rid
    assert abs(top.reference_start - top.query_start * top.speed - offset) < 0.5
    assert top.speed == pytest.approx(speed_factor, rel=0.015)
    assert top.pitch == pytest.approx(pitch_factor, rel=0.015)
    assert 0.9 < top.confidence <= 1.0
    return top


def test_clean_clip_is_found_with_its_offset(index, songs):
    top = assert_found(index, clip(songs, "REC02", 12.0, 10.0), "REC02", 12.0)
    assert top.query_end - top.query_start > 7.0
    assert top.reference_end - top.reference_start == pytest.approx(top.query_end - top.query_start, abs=0.1)


def test_any_five_second_excerpt(index, songs):
    for rid, start in (("REC00", 0.0), ("REC03", 21.3), ("REC05", 34.5)):
        assert_found(index, clip(songs, rid, start, 5.0), rid, start)


@pytest.mark.parametrize("snr_db", [10.0, 5.0])
def test_pink_noise(index, songs, rng, snr_db):
    x = clip(songs, "REC01", 15.0, 10.0)
    assert_found(index, add_noise(x, snr_db, pink_noise(x.size, rng)), "REC01", 15.0)


@pytest.mark.parametrize("factor", [1.05, 0.95, 1.10, 0.90])
def test_speed_change_by_resampling(index, songs, factor):
    x = speed(clip(songs, "REC04", 10.0, 10.0 * factor + 0.1), factor)
    assert_found(index, x, "REC04", 10.0, speed_factor=factor, pitch_factor=factor)


@pytest.mark.parametrize("semitones", [1.0, -1.0, 2.0, -2.0])
def test_pitch_shift_keeping_tempo(index, songs, semitones):
    x = pitch_shift(clip(songs, "REC03", 8.0, 10.0), semitones)
    assert_found(index, x, "REC03", 8.0, pitch_factor=2 ** (semitones / 12))


@pytest.mark.parametrize("factor", [1.05, 0.95, 1.10])
def test_time_stretch_keeping_pitch(index, songs, factor):
    x = tempo(clip(songs, "REC05", 5.0, 10.0 * factor + 0.1), factor)
    assert_found(index, x, "REC05", 5.0, speed_factor=factor)


def test_mp3_reencode_at_low_bitrate(index, songs, tmp_path):
    path = encode(clip(songs, "REC00", 20.0, 10.0), tmp_path / "copy.mp3", bit_rate=32000)
    assert_found(index, decode_file(path), "REC00", 20.0)


def test_unrelated_audio_returns_no_match(index, rng):
    assert index.search(pink_noise(10 * R, rng)) == []
    assert index.search(np.zeros(10 * R, np.float32)) == []
    assert index.search(random_tones(rng, 10.0)) == []


def test_another_song_of_the_same_generator_scores_far_below_a_copy(index, songs, rng):
    """The toy generator's songs share keys, tempi and timbres, so a few notes of another seed do line up with an
    indexed song (as two real songs in one key and tempo can). The threshold comes from 240 real negatives
    (docs/fingerprint.md); here we only require such a song to score far below even a noisy copy."""
    copy = index.search(add_noise(clip(songs, "REC01", 15.0, 10.0), 5.0, pink_noise(10 * R, rng)))[0].score
    for seed in (999, 4242):
        other = index.search(synth_music(seed, 10.0, rate=R))
        assert not other or other[0].score < copy / 4


def random_tones(rng: np.random.Generator, seconds: float) -> np.ndarray:
    """Notes of random pitch (not on any scale) and length with a decaying envelope: music-like, but unrelated."""
    out = np.zeros(int(seconds * R), np.float32)
    start = 0
    while start < out.size:
        n = int(rng.uniform(0.1, 0.5) * R)
        t = np.arange(min(n, out.size - start)) / R
        f = rng.uniform(150.0, 2000.0)
        out[start : start + t.size] += (0.3 * np.exp(-3 * t) * np.sin(2 * np.pi * f * t)).astype(np.float32)
        start += n
    return out


def test_scan_reports_every_segment_of_a_medley(index, songs):
    medley = np.concatenate(
        [
            clip(songs, "REC01", 5.0, 15.0),
            random_tones(np.random.default_rng(4242), 12.0),
            speed(clip(songs, "REC04", 10.0, 16.0), 1.05),
        ]
    )
    found = index.scan(medley)
    assert [m.recording_id for m in found] == ["REC01", "REC04"]
    first, second = found
    assert first.query_start < 2.0 and 12.0 < first.query_end <= 15.5
    assert first.reference_start == pytest.approx(5.0 + first.query_start, abs=0.3)
    assert 26.0 < second.query_start < 30.0 and second.speed == pytest.approx(1.05, rel=0.02)


def test_confidence_is_a_monotone_probability_centred_on_the_calibrated_mid_point():
    from songclear.fingerprint import score_to_confidence
    from songclear.fingerprint.search import CONFIDENCE_MID

    values = [score_to_confidence(s) for s in (0, 4, 9, 15, 30, 100, 1000)]
    assert values[0] == 0.0 and all(a < b for a, b in zip(values, values[1:], strict=False))
    assert score_to_confidence(CONFIDENCE_MID) == pytest.approx(0.5)
    assert values[-1] > 0.999
