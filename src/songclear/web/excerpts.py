"""Audio excerpts for the track page's players: the matched stretch of a file, cut server-side to a WAV.

The file is decoded with PyAV (through the fingerprint engine's streaming decoder, so any format the scan read
plays here) to mono at ``RATE`` and written as 16-bit PCM WAV with the standard library: every browser plays it,
and nothing is re-encoded lossily a second time.
"""

from __future__ import annotations

import io
import wave

import numpy as np

RATE = 22050  # enough to hear a song; a 30 s excerpt is 1.3 MB
MAX_SECONDS = 30.0
PAD_SECONDS = 0.5  # a little context on each side of the matched stretch


def excerpt_wav(path: str, start: float, end: float) -> bytes:
    """Seconds ``start``..``end`` of the audio file at ``path`` (padded, at most MAX_SECONDS) as a WAV file.

    Raises ``DecodeError`` (an AudioError, HTTP 422) when the file is gone or cannot be decoded."""
    from songclear.fingerprint.decode import iter_decode

    first = max(0.0, start - PAD_SECONDS)
    last = min(end + PAD_SECONDS, first + MAX_SECONDS)
    lo, hi = int(first * RATE), int(last * RATE)
    kept, seen = [], 0
    for chunk in iter_decode(path, rate=RATE, chunk_seconds=5.0):
        a, b = max(lo - seen, 0), min(hi - seen, chunk.size)
        if a < b:
            kept.append(chunk[a:b])
        seen += chunk.size
        if seen >= hi:
            break  # the rest of the file is not needed
    samples = np.concatenate(kept) if kept else np.zeros(0, dtype=np.float32)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return out.getvalue()
