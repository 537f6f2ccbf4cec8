"""Score distributions from the last run.py (``scores.json``): negatives' best scores and recall per threshold.

    .venv/bin/python bench/fingerprint/threshold.py [--work /tmp/songclear-bench]

Positive scores are those of top matches naming the right recording (offset not checked here; run.py does).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=Path("/tmp/songclear-bench"))
    data = json.loads((ap.parse_args().work / "scores.json").read_text())
    neg = np.array(data["negative"])
    print(
        f"negatives: n={neg.size} max={neg.max()} p99={np.percentile(neg, 99):.0f} "
        f"histogram={np.bincount(neg).tolist()}"
    )
    thresholds = (8, 10, 12, 14, 16, 20)
    print("| distortion | " + " | ".join(f">= {t}" for t in thresholds) + " |")
    print("|---" * (len(thresholds) + 1) + "|")
    for kind, scores in data["positive"].items():
        s = np.array(scores)
        print(f"| {kind} | " + " | ".join(f"{100 * np.mean(s >= t):.0f} %" for t in thresholds) + " |")
    print("| false positives | " + " | ".join(str(int(np.sum(neg >= t))) for t in thresholds) + " |")


if __name__ == "__main__":
    main()
