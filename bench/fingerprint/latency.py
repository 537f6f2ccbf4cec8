"""Query latency against a >= 200-hour index: the real references plus synthetic filler. Prints a small table.

    .venv/bin/python bench/fingerprint/latency.py [--hours 200] [--work /tmp/songclear-bench]

Filler: ``--distinct`` hours of synthetic songs (synth.py) fingerprinted once and added again under new
recording ids until the index holds ``--hours``. Repeating fingerprints keeps the hash distribution of the filler
(so the number of colliding entries a query meets is what distinct filler of that kind would give) while taking
minutes instead of hours to build. Queries are 10-s excerpts of the real references, clean and distorted.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import reference_files, to_wav  # noqa: E402
from distort import QUERY_S, make_query, pink_noise  # noqa: E402

from songclear.fingerprint import ENGINE_RATE, FingerprintIndex, fingerprint_file, fingerprint_samples  # noqa: E402
from songclear.fingerprint.synth import synth_music  # noqa: E402

SONG_S = 300.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=200.0)
    ap.add_argument("--distinct", type=float, default=4.0, help="hours of distinct synthetic filler")
    ap.add_argument("--queries", type=int, default=25, help="per kind")
    ap.add_argument("--work", type=Path, default=Path("/tmp/songclear-bench"))
    args = ap.parse_args()
    path = args.work / "index-200h"
    shutil.rmtree(path, ignore_errors=True)
    index = FingerprintIndex.open(path)

    t0 = time.perf_counter()
    wavs = [to_wav(p, args.work / "wav") for p in reference_files()]
    durations = {}
    for wav in wavs:
        fp = fingerprint_file(wav)
        durations[wav.stem] = fp.seconds
        index.add(wav.stem, fp)
    filler = [
        fingerprint_samples(synth_music(10_000 + i, SONG_S, rate=ENGINE_RATE))
        for i in range(int(args.distinct * 3600 / SONG_S))
    ]
    copies = int(np.ceil(args.hours * 3600 / (len(filler) * SONG_S)))
    for c in range(copies):
        for i, fp in enumerate(filler):
            index.add(f"FILLER-{c:03d}-{i:04d}", fp)
    index.commit()
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = FingerprintIndex.open(path, create=False)
    reopen_ms = (time.perf_counter() - t0) * 1000
    hours = index.seconds / 3600

    rng = random.Random(77)
    scratch = Path(tempfile.mkdtemp(dir=args.work))
    extras = {"pink": pink_noise()}
    lat, correct, total = [], 0, 0
    for kind in ("clean", "pink snr 10", "speed +5%", "pitch +1 st"):
        for _ in range(args.queries):
            wav = rng.choice(wavs)
            offset = rng.uniform(0, durations[wav.stem] - QUERY_S * 1.1 - 1)
            x = make_query(kind, wav, offset, scratch, extras)
            t = time.perf_counter()
            found = index.search(x)
            lat.append(time.perf_counter() - t)
            total += 1
            correct += bool(found) and found[0].recording_id == wav.stem
    ms = np.array(lat[1:]) * 1000  # the first query pays numba's cache load
    print(
        f"| index | {hours:.0f} h, {len(index)} recordings, {index.nbytes / 1e9:.2f} GB, built in {build_s:.0f} s |"
    )
    print(f"| reopen | {reopen_ms:.1f} ms |")
    print(f"| query latency p50 / p99 | {np.percentile(ms, 50):.1f} / {np.percentile(ms, 99):.1f} ms |")
    print(f"| top-1 correct (clean, pink 10 dB, speed +5 %, pitch +1 st) | {correct}/{total} |")


if __name__ == "__main__":
    main()
