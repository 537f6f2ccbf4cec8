"""Pair hashes: packing round trip, invariance to a time offset, probing under jitter, and no clash with triplets."""

from __future__ import annotations

import numpy as np
import pytest

from songclear.fingerprint.hashes import peaks_to_triplets, triplets_to_hashes
from songclear.fingerprint.pairs import (
    DF_MAX,
    DT_MIN,
    F_STEP,
    pair_hashes_to_fields,
    pairs_to_hashes,
    peaks_to_pairs,
    probe_pair_hashes,
)
from songclear.fingerprint.peaks import Peaks, extract_peaks


@pytest.fixture(scope="module")
def peaks(songs) -> Peaks:
    return extract_peaks(songs["REC04"][: 20 * 8000])


def test_fields_round_trip(peaks):
    pr = peaks_to_pairs(peaks, 3)
    assert len(pr) > 2 * len(peaks) and np.all(pr.kind == 1)
    fields = pair_hashes_to_fields(pairs_to_hashes(pr))
    assert np.all(fields["pair"] == 1)
    assert np.array_equal(fields["f1"], np.floor(pr.f1 / F_STEP))
    assert np.array_equal(fields["df"], np.floor((pr.d2 + DF_MAX) / F_STEP))
    assert np.array_equal(fields["dt"], np.floor(pr.span - DT_MIN + 0.5))
    assert np.array_equal(fields["louder"], pr.loudest)


def test_pair_and_triplet_hashes_never_collide(peaks):
    triplets = triplets_to_hashes(peaks_to_triplets(peaks))
    assert np.intersect1d(triplets, pairs_to_hashes(peaks_to_pairs(peaks, 3))).size == 0
    assert np.all(triplets < 2**31)


def test_hashes_do_not_depend_on_where_the_excerpt_starts(peaks):
    moved = Peaks(peaks.t + 1234.0, peaks.f, peaks.m)
    assert np.array_equal(
        pairs_to_hashes(peaks_to_pairs(peaks, 3)), pairs_to_hashes(peaks_to_pairs(moved, 3))
    )


def test_probes_contain_the_stored_hash_and_recover_jittered_ones(peaks):
    stored = pairs_to_hashes(peaks_to_pairs(peaks, 3))
    probes, owner = probe_pair_hashes(peaks_to_pairs(peaks, 3))
    assert set(zip(stored.tolist(), range(stored.size), strict=True)) <= set(
        zip(probes.tolist(), owner.tolist(), strict=True)
    )
    rng = np.random.default_rng(9)
    jittered = Peaks(
        peaks.t + rng.uniform(-0.2, 0.2, len(peaks)), peaks.f + rng.uniform(-0.08, 0.08, len(peaks)), peaks.m
    )
    jp = peaks_to_pairs(jittered, 3)
    exact = np.isin(pairs_to_hashes(jp), stored).mean()
    probed = np.isin(stored, probe_pair_hashes(jp)[0]).mean()
    assert probed > exact and probed > 0.8


def test_no_pairs_without_a_fan(peaks):
    assert len(peaks_to_pairs(peaks, 0)) == 0
    assert probe_pair_hashes(peaks_to_pairs(peaks, 0))[0].size == 0
