"""Shared fixtures: a small world of synthetic songs, indexed once per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from songclear.fingerprint import ENGINE_RATE, FingerprintIndex, synth_music

sys.path.insert(0, str(Path(__file__).parent))

SONGS = 6
SONG_S = 40.0


@pytest.fixture(scope="session")
def songs() -> dict[str, np.ndarray]:
    return {f"REC{seed:02d}": synth_music(seed, SONG_S, rate=ENGINE_RATE) for seed in range(SONGS)}


@pytest.fixture(scope="session")
def index(songs, tmp_path_factory) -> FingerprintIndex:
    path = tmp_path_factory.mktemp("fp") / "index"
    with FingerprintIndex.open(path) as idx:
        for rid, samples in songs.items():
            idx.add(rid, samples)
    return FingerprintIndex.open(path, create=False)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
