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
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_speech, negative_music_files, reference_files, to_wav  # noqa: E402
from distort import QUERY_S, make_query, pink_noise  # noqa: E402

from songclear.fingerprint import (  # noqa: E402
    ENGINE_RATE,
    FingerprintIndex,
    SearchParams,
    decode_file,
    fingerprint_file,
    fingerprint_samples,
)
from songclear.fingerprint.synth import synth_music  # noqa: E402

SONG_S = 300.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=200.0)
    ap.add_argument("--distinct", type=float, default=4.0, help="hours of distinct synthetic filler")
    ap.add_argument("--queries", type=int, default=25, help="per kind")
    ap.add_argument("--negatives", type=int, default=60)
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
    extras = {
        "pink": pink_noise(),
        "speech": [decode_file(p) for p in make_speech(args.work / "speech", 40, seed=1)],
    }
    lat, cpu, rows = [], [], []
    for kind in ("clean", "pink snr 10", "speed +5%", "pitch +1 st", "pink snr 0", "speech snr 5"):
        correct = 0
        for _ in range(args.queries):
            wav = rng.choice(wavs)
            offset = rng.uniform(0, durations[wav.stem] - QUERY_S * 1.1 - 1)
            x = make_query(kind, wav, offset, scratch, extras)
            t, c = time.perf_counter(), time.process_time()
            found = index.search(x)
            lat.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            correct += bool(found) and found[0].recording_id == wav.stem
        rows.append(f"{kind} {correct}/{args.queries}")
    negatives, threshold = [], SearchParams().min_score
    speech = make_speech(args.work / "speech-neg", args.negatives // 2, seed=99)
    music = negative_music_files()
    for i in range(args.negatives):
        if i < len(speech):
            x = decode_file(speech[i])[: int(QUERY_S * ENGINE_RATE)]
        else:
            full = decode_file(rng.choice(music))
            a = rng.randint(0, max(0, full.size - int(QUERY_S * ENGINE_RATE)))
            x = full[a : a + int(QUERY_S * ENGINE_RATE)]
        found = index.search(x, replace(SearchParams(), min_score=4))
        negatives.append(found[0].score if found else 0)
    ms, cpu_ms = np.array(lat[1:]) * 1000, np.array(cpu[1:]) * 1000  # the first query pays numba's cache load
    print(
        f"| index | {hours:.0f} h, {len(index)} recordings, {index.nbytes / 1e9:.2f} GB, built in {build_s:.0f} s |"
    )
    print(f"| reopen | {reopen_ms:.1f} ms |")
    print(f"| query latency p50 / p99, wall | {np.percentile(ms, 50):.1f} / {np.percentile(ms, 99):.1f} ms |")
    print(
        f"| query CPU time p50 / p99 | {np.percentile(cpu_ms, 50):.1f} / {np.percentile(cpu_ms, 99):.1f} ms |"
    )
    print(f"| top-1 recording correct | {', '.join(rows)} |")
    neg = np.array(negatives)
    print(
        f"| negatives ({args.negatives}) | max score {neg.max()}, "
        f"{int(np.sum(neg >= threshold))} at or above the threshold {threshold} |"
    )
    print(f"| peak RAM (max RSS) | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB |")


if __name__ == "__main__":
    main()
