from __future__ import annotations

import numpy as np
import pytest
from audio_tools import encode

from songclear.errors import AudioError, SongclearError
from songclear.fingerprint import ENGINE_RATE, DecodeError, UnsupportedAudioError, decode_file, iter_decode


@pytest.mark.parametrize("suffix", [".mp3", ".m4a", ".ogg", ".opus", ".flac", ".wav"])
def test_every_common_format_decodes_to_mono_engine_rate(songs, tmp_path, suffix):
    x = songs["REC01"][: 6 * ENGINE_RATE]
    y = decode_file(encode(x, tmp_path / f"clip{suffix}"))
    assert y.dtype == np.float32 and y.ndim == 1
    assert abs(y.size - x.size) < 0.1 * ENGINE_RATE  # codec padding only
    # Same music, not just the same length: the best lag correlation is high.
    n = min(x.size, y.size) - 2000
    corr = max(
        np.corrcoef(x[1000 : 1000 + n - 2000], y[1000 + lag : 1000 + lag + n - 2000])[0, 1]
        for lag in range(-400, 401, 1)
        if 1000 + lag >= 0
    )
    assert corr > 0.8


def test_lossless_round_trip_is_exact_to_16_bits(songs, tmp_path):
    x = songs["REC02"][: 3 * ENGINE_RATE]
    y = decode_file(encode(x, tmp_path / "clip.flac"))
    assert np.max(np.abs(y - x)) < 2e-4


def test_streamed_chunks_concatenate_to_the_whole(songs, tmp_path):
    path = encode(songs["REC03"], tmp_path / "song.ogg")
    chunks = list(iter_decode(path, chunk_seconds=5.0))
    assert len(chunks) >= 7
    assert np.array_equal(np.concatenate(chunks), decode_file(path))


def test_corrupt_file_gives_a_clear_error_naming_it(tmp_path):
    bad = tmp_path / "broken.mp3"
    bad.write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 20000, dtype=np.uint8)))
    with pytest.raises(DecodeError) as err:
        decode_file(bad)
    assert isinstance(err.value, AudioError) and isinstance(err.value, SongclearError)
    assert str(bad) in err.value.message and err.value.exit_code == 6


def test_truncated_file_keeps_what_decodes_or_fails_clearly(songs, tmp_path):
    path = encode(songs["REC04"][: 5 * ENGINE_RATE], tmp_path / "cut.ogg")
    data = path.read_bytes()
    path.write_bytes(data[:200])  # only the headers survive
    with pytest.raises(DecodeError):
        decode_file(path)


def test_missing_file_and_file_without_audio(tmp_path):
    with pytest.raises(DecodeError, match="no such file"):
        decode_file(tmp_path / "absent.wav")
    text = tmp_path / "notes.txt"
    text.write_text("not audio at all\n" * 50)
    with pytest.raises(DecodeError):
        decode_file(text)


def test_video_only_container_is_unsupported(tmp_path):
    import av

    path = tmp_path / "still.mp4"
    with av.open(str(path), "w") as c:
        s = c.add_stream("mpeg4", rate=5)
        s.width, s.height, s.pix_fmt = 32, 32, "yuv420p"
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), i * 40, np.uint8), format="rgb24")
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    with pytest.raises(UnsupportedAudioError, match="no audio stream"):
        decode_file(path)


def write_float_wav(samples: np.ndarray, path, rate: int):
    """A 32-bit float WAV holding exactly these samples (NaN and infinities included)."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_f32le", rate=rate, layout="mono")
        for i in range(0, samples.size, 4096):
            frame = av.AudioFrame.from_ndarray(samples[None, i : i + 4096], format="flt", layout="mono")
            frame.sample_rate, frame.pts = rate, i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e30], ids=["nan", "inf", "-inf", "1e30"])
def test_a_float_wav_with_a_bad_sample_every_second_is_still_identified(index, songs, tmp_path, bad):
    """Issue 10 item 18: one NaN per second made a copy unidentifiable (the whitening mean spread each NaN over
    three seconds of spectrogram), and one absurd value per second cost most of the score. Decoded samples are
    sanitised: non-finite -> 0, magnitudes clipped, before the resampler spreads a bad sample."""
    from audio_tools import speed

    from songclear.fingerprint.decode import SAMPLE_LIMIT

    rate = 44100
    copy = speed(songs["REC02"][10 * ENGINE_RATE : 20 * ENGINE_RATE], ENGINE_RATE / rate)  # upsampled
    clean = index.search(decode_file(write_float_wav(copy, tmp_path / "clean.wav", rate)))[0]
    broken = copy.copy()
    broken[rate // 3 :: rate] = bad
    decoded = decode_file(write_float_wav(broken, tmp_path / "broken.wav", rate))
    assert np.isfinite(decoded).all() and np.abs(decoded).max() <= SAMPLE_LIMIT
    found = index.search(decoded)
    assert found and found[0].recording_id == "REC02", found[:1]
    assert found[0].score >= 0.9 * clean.score
    # Samples handed to the engine directly are sanitised too.
    samples = songs["REC02"][10 * ENGINE_RATE : 20 * ENGINE_RATE].copy()
    samples[::ENGINE_RATE] = bad
    assert index.search(samples)[0].recording_id == "REC02"


def test_excerpts_are_the_slices_of_the_whole_signal(songs, tmp_path):
    from songclear.fingerprint import decode_excerpts, iter_excerpts

    path = encode(np.tile(songs["REC01"], 3), tmp_path / "long.flac")  # 120 s
    whole = decode_file(path)
    spans = [(5 * ENGINE_RATE, 9 * ENGINE_RATE), (0, 100), (70 * ENGINE_RATE, 95 * ENGINE_RATE), (8, 8)]
    spans += [(whole.size - 50, whole.size + 400), (whole.size + 10, whole.size + 20)]
    got = decode_excerpts(path, spans)
    for (start, stop), excerpt in zip(spans, got, strict=True):
        assert np.array_equal(excerpt, whole[start:stop])
    # Each as soon as it is complete (those completed by one decoded chunk in order): one pass, holding only the
    # spans in progress.
    assert [i for i, _ in iter_excerpts(path, spans)] == [0, 1, 3, 2, 4, 5]


def test_every_error_crosses_a_process_boundary_intact():
    """Issue 10 item 14: DecodeError(path, reason) could not be unpickled (its constructor takes two arguments),
    so one raised in a pool worker broke the pool (BrokenProcessPool) and the whole batch. Every SongclearError
    now pickles with its class, message and fields."""
    import pickle

    from songclear.errors import ImportError_, RateLimited
    from songclear.fingerprint import ClipTooLong, NoUsableAudio

    errors = [
        DecodeError("/music/a.mp3", "Invalid data found when processing input"),
        UnsupportedAudioError("/music/b.mp4", "no audio stream"),
        ClipTooLong("/music/c.opus", 600.0),
        NoUsableAudio("/music/d.flac", 0, 0.05, 100),
        RateLimited("too many", retry_after=7),
        ImportError_("bad row", source="t.csv", location="line 3"),
    ]
    for error in errors:
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and again.message == error.message and str(again) == str(error)
        assert again.__dict__ == error.__dict__ and again.http_status == error.http_status
