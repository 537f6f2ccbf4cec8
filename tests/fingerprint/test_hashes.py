"""Hash invariances: the properties the design rests on, checked on real peak sets with seeded transformations."""

from __future__ import annotations

import numpy as np
import pytest

from songclear.fingerprint.hashes import (
    D_MAX,
    D_STEP,
    R_LEVELS,
    hashes_to_fields,
    peaks_to_triplets,
    probe_hashes,
    triplets_to_hashes,
)
from songclear.fingerprint.peaks import Peaks, extract_peaks


@pytest.fixture(scope="module")
def peaks(songs) -> Peaks:
    return extract_peaks(songs["REC02"][: 20 * 8000])


def test_fields_round_trip(peaks):
    tr = peaks_to_triplets(peaks)
    fields = hashes_to_fields(triplets_to_hashes(tr))
    assert np.array_equal(fields["r"], np.clip(np.floor(tr.r * R_LEVELS), 0, R_LEVELS - 1))
    assert np.array_equal(
        fields["d2"], np.clip(np.floor((tr.d2 + D_MAX) / D_STEP), 0, 2 * D_MAX / D_STEP - 1)
    )
    assert np.array_equal(fields["loudest"], tr.loudest)


@pytest.mark.parametrize(("time_scale", "shift_st"), [(1.1, 0.0), (0.9, 0.0), (1.0, 2.0), (1.05, -0.8)])
def test_hashes_are_invariant_to_time_scaling_and_log_frequency_shift(peaks, time_scale, shift_st):
    base = peaks_to_triplets(peaks)
    moved = peaks_to_triplets(Peaks(peaks.t * time_scale + 7.0, peaks.f + shift_st, peaks.m))
    assert len(moved) == pytest.approx(len(base), rel=0.05)  # the target zone edges move a little
    common = np.intersect1d(triplets_to_hashes(base), triplets_to_hashes(moved))
    # The band of f1 is the only non-invariant field; it changes for peaks near a band edge only.
    assert common.size > 0.7 * np.unique(triplets_to_hashes(base)).size


def test_probes_contain_the_stored_hash_and_recover_jittered_ones(peaks):
    tr = peaks_to_triplets(peaks)
    stored = triplets_to_hashes(tr)
    probes, owner = probe_hashes(tr)
    assert np.all(np.diff(probes.astype(np.int64)) >= 0)
    pairs = set(zip(probes.tolist(), owner.tolist(), strict=True))
    assert all((h, i) in pairs for i, h in enumerate(stored.tolist()))

    rng = np.random.default_rng(5)
    jittered = Peaks(
        peaks.t + rng.uniform(-0.15, 0.15, len(peaks)),
        peaks.f + rng.uniform(-0.05, 0.05, len(peaks)),
        peaks.m,
    )
    jt = peaks_to_triplets(jittered)
    jp, _ = probe_hashes(jt)
    exact = np.isin(triplets_to_hashes(jt), stored).mean()
    probed = np.isin(stored, jp).mean()
    assert probed > exact and probed > 0.8
