"""Accuracy, false positives, indexing speed, latency and index size on real music. Prints a markdown table.

    .venv/bin/python bench/fingerprint/run.py [--queries 50] [--work /tmp/songclear-bench]

Each query is a 10-s excerpt from a random offset of a random reference, changed by sox/ffmpeg (distort.py).
A query counts as correct when the top match is its recording and the matched alignment puts the query's start
within 1 s of the true offset. Negatives are excerpts of music that is not indexed and synthetic speech.
Scores of every top match are written to ``scores.json`` in the work directory: docs/fingerprint.md chooses the
decision threshold from them.
"""

from __future__ import annotations

import argparse
import json
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
from distort import DISTORTIONS, QUERY_S, make_query, pink_noise  # noqa: E402

from songclear.fingerprint import ENGINE_RATE, FingerprintIndex, SearchParams, decode_file, fingerprint_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=50, help="queries per distortion")
    ap.add_argument("--negatives", type=int, default=240)
    ap.add_argument("--work", type=Path, default=Path("/tmp/songclear-bench"))
    ap.add_argument("--only", default="", help="comma-separated distortion kinds")
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)

    refs = reference_files()
    wavs = [to_wav(p, work / "wav") for p in refs]
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    index = FingerprintIndex.open(index_dir)
    audio_s = cpu_wav = 0.0
    durations: dict[str, float] = {}
    for wav in wavs:
        t0 = time.process_time()
        fp = fingerprint_file(wav)
        cpu_wav += time.process_time() - t0
        audio_s += fp.seconds
        durations[wav.stem] = fp.seconds
        index.add(wav.stem, fp)
    index.commit()
    cpu_comp = comp_s = 0.0
    for src in refs[:12]:
        t0 = time.process_time()
        comp_s += fingerprint_file(src).seconds
        cpu_comp += time.process_time() - t0
    t0 = time.perf_counter()
    index = FingerprintIndex.open(index_dir)
    reopen_ms = (time.perf_counter() - t0) * 1000

    extras = {
        "pink": pink_noise(),
        "speech": [decode_file(p) for p in make_speech(work / "speech", 40, seed=1)],
    }
    probe = replace(SearchParams(), min_score=4)
    threshold = SearchParams().min_score
    rng = random.Random(2024)
    scratch = Path(tempfile.mkdtemp(dir=work))  # per run, so concurrent runs do not share query files
    kinds = [k for k in DISTORTIONS if not args.only or k in args.only.split(",")]
    rows, latencies = [], []
    scores: dict = {"positive": {}, "negative": [], "top": []}  # top: [score, correct] of every top match
    for kind in kinds:
        factor = DISTORTIONS[kind][1] if DISTORTIONS[kind][0] == "sox" else 1.0
        ok = wrong = loop = 0
        kind_scores = []
        for _ in range(args.queries):
            wav = rng.choice(wavs)
            offset = rng.uniform(0, max(0.0, durations[wav.stem] - QUERY_S * factor - 1))
            x = make_query(kind, wav, offset, scratch, extras)
            t0 = time.perf_counter()
            found = index.search(x, probe)
            latencies.append(time.perf_counter() - t0)
            top = found[0] if found else None
            kind_scores.append(top.score if top and top.recording_id == wav.stem else 0)
            if top is None:
                continue
            start = top.reference_start - top.query_start * top.speed
            right = top.recording_id == wav.stem and abs(start - offset) <= 1.0
            scores["top"].append([top.score, int(right)])
            if top.score < threshold:
                continue
            if right:
                ok += 1
            elif top.recording_id == wav.stem:
                loop += 1  # the right recording at another offset: game music repeats whole passages
            else:
                wrong += 1
        scores["positive"][kind] = kind_scores
        rows.append((kind, ok / args.queries, loop, wrong))
        print(
            f"  {kind:14s} {100 * ok / args.queries:5.1f} %  other offset {loop}  wrong {wrong}",
            file=sys.stderr,
        )

    negatives = negative_music_files()
    speech = make_speech(work / "speech-neg", args.negatives // 4, seed=99)
    fp_count = 0
    for i in range(args.negatives):
        if i < len(speech):
            x = decode_file(speech[i])[: int(QUERY_S * ENGINE_RATE)]
        else:
            src = rng.choice(negatives)
            full = decode_file(src)
            a = rng.randint(0, max(0, full.size - int(QUERY_S * ENGINE_RATE)))
            x = full[a : a + int(QUERY_S * ENGINE_RATE)]
        t0 = time.perf_counter()
        found = index.search(x, probe)
        latencies.append(time.perf_counter() - t0)
        best = found[0].score if found else 0
        scores["negative"].append(best)
        if found:
            scores["top"].append([best, 0])
        fp_count += best >= threshold
    (work / "scores.json").write_text(json.dumps(scores))

    hours = audio_s / 3600
    lat = np.array(latencies) * 1000
    print(
        f"\nreferences: {len(wavs)} files, {hours:.2f} h; {args.queries} queries per distortion, "
        f"{args.negatives} negatives; threshold score >= {threshold}\n"
    )
    print(
        "| distortion | top-1 correct | right recording, other offset | wrong recording |\n|---|---|---|---|"
    )
    for kind, acc, loop, wrong in rows:
        print(f"| {kind} | {100 * acc:.0f} % | {loop} | {wrong} |")
    neg = np.array(scores["negative"])
    print(f"| false positives on {args.negatives} negatives | {fp_count} | max negative score {neg.max()} |")
    print(f"| indexing, x realtime per core, from WAV | {audio_s / cpu_wav:.0f} | |")
    print(f"| indexing, x realtime per core, from ogg/opus | {comp_s / cpu_comp:.0f} | |")
    print(
        f"| query latency p50 / p99 ({hours:.1f} h index) | {np.percentile(lat, 50):.1f} / "
        f"{np.percentile(lat, 99):.1f} ms | |"
    )
    print(f"| index size per audio hour | {index.nbytes / hours / 1e6:.2f} MB | |")
    print(f"| index reopen | {reopen_ms:.1f} ms | |")
    print(f"| peak RAM (max RSS) | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB | |")


if __name__ == "__main__":
    main()
