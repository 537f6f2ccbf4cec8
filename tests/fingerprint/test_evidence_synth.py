from __future__ import annotations

import io

import matplotlib.image
import numpy as np

from songclear.fingerprint import ENGINE_RATE, render_evidence, synth_music

R = ENGINE_RATE


def test_evidence_png_shows_both_excerpts(index, songs):
    query = songs["REC04"][8 * R : 18 * R]
    match = index.search(query)[0]
    assert len(match.pairs) == match.score or len(match.pairs) >= match.score
    png = render_evidence(match, query, songs["REC04"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(io.BytesIO(png))
    assert image.shape[0] > 400 and image.shape[1] > 700
    assert image[..., :3].std() > 0.1  # not a blank canvas


def test_synth_is_deterministic_and_distinct_per_seed():
    a = synth_music(7, 4.0, rate=R)
    assert np.array_equal(a, synth_music(7, 4.0, rate=R))
    b = synth_music(8, 4.0, rate=R)
    assert a.shape == b.shape == (4 * R,) and a.dtype == np.float32
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.2
    assert 0.5 < np.max(np.abs(a)) <= 0.9 + 1e-6
