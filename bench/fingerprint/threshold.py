"""Decision threshold and confidence calibration from the last run.py's score distributions (``scores.json``).

    .venv/bin/python bench/fingerprint/threshold.py [--work /tmp/songclear-bench]

Prints the negatives' best scores, recall per threshold and distortion, and a logistic fit of
P(top match is right | ln score) on every top match the run saw (right = right recording at the right offset; every
top match of a negative is wrong). The fit is L2-regularised Newton (the two classes barely overlap, so the
unregularised slope would run off to infinity) and reported as ``CONFIDENCE_MID`` / ``CONFIDENCE_SLOPE`` for
search.py, with a reliability table: mean predicted confidence against the observed share of right matches per
score bin.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def fit_logistic(score: np.ndarray, label: np.ndarray, l2: float = 1e-3) -> tuple[float, float]:
    """``(mid, slope)`` of ``P = 1 / (1 + exp(-slope * (ln score - ln mid)))`` by penalised maximum likelihood.

    The log: scores span 4 to thousands, and the odds grow with the ratio of a score to the negatives' scores.
    """
    x = np.stack([np.ones_like(score), np.log(score)], axis=1).astype(np.float64)
    w = np.zeros(2)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - label) + l2 * np.array([0.0, w[1]])
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.diag([1e-9, 1.0])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(np.exp(-w[0] / w[1])), float(w[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=Path("/tmp/songclear-bench"))
    data = json.loads((ap.parse_args().work / "scores.json").read_text())
    neg = np.array(data["negative"])
    print(
        f"negatives: n={neg.size} max={neg.max()} p99={np.percentile(neg, 99):.0f} "
        f"histogram={np.bincount(neg).tolist()}"
    )
    top = max(int(neg.max()) + 1, 6)
    thresholds = sorted({top, top + 1, top + 2, top + 4, 14, 20})
    print("| distortion | " + " | ".join(f">= {t}" for t in thresholds) + " |")
    print("|---" * (len(thresholds) + 1) + "|")
    for kind, scores in data["positive"].items():
        s = np.array(scores)
        print(f"| {kind} | " + " | ".join(f"{100 * np.mean(s >= t):.0f} %" for t in thresholds) + " |")
    print("| false positives | " + " | ".join(str(int(np.sum(neg >= t))) for t in thresholds) + " |")

    legacy = [[s, 1] for v in data["positive"].values() for s in v if s > 0] + [
        [s, 0] for s in data["negative"] if s > 0
    ]  # scores.json from before run.py recorded "top": right recording taken as right
    pairs = np.array(data.get("top") or legacy, dtype=np.float64)
    score, label = pairs[:, 0], pairs[:, 1]
    mid, slope = fit_logistic(score, label)
    print(
        f"\nlogistic fit on {score.size} top matches ({int(label.sum())} right): mid {mid:.2f}, slope {slope:.3f}"
    )
    pred = 1.0 / (1.0 + np.exp(-slope * (np.log(score) - np.log(mid))))
    print("| score | top matches | right | observed | predicted |\n|---|---|---|---|---|")
    edges = [0, 4, top - 2, top, top + 2, top + 6, 30, 60, 1e9]
    print(f"(search.py: CONFIDENCE_MID = {mid:.2f}, CONFIDENCE_SLOPE = {slope:.2f}, on ln score)")
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (score >= lo) & (score < hi)
        if sel.any():
            print(
                f"| {lo:g}-{hi:g} | {sel.sum()} | {int(label[sel].sum())} | "
                f"{label[sel].mean():.2f} | {pred[sel].mean():.2f} |"
            )


if __name__ == "__main__":
    main()
