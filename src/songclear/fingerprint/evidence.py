"""Evidence picture for a match: the query and reference spectrogram excerpts with the aligned peaks on both.

A rights holder shows this to prove a claim: the same constellation of peaks appears in both excerpts, shifted
by the estimated speed and pitch factors. Rendered with matplotlib's Agg backend to PNG bytes (no display).
"""

from __future__ import annotations

import gc
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from songclear.fingerprint.decode import ENGINE_RATE  # noqa: E402
from songclear.fingerprint.peaks import _KMIN, FRAME_RATE, HOP, N_FFT, log_spectrogram  # noqa: E402
from songclear.fingerprint.search import EVIDENCE_SECONDS, Match  # noqa: E402

_PAD_S = 0.5


def evidence_spans(match: Match) -> tuple[tuple[int, int], tuple[int, int]]:
    """The sample ranges ``[start, stop)`` (at ENGINE_RATE) of the query and of the reference that
    ``render_evidence`` draws: the match plus half a second each side, at most its first EVIDENCE_SECONDS
    (of query time). Decode just these (``decode_excerpts``) rather than whole files."""
    q = _drawn(match.query_start, match.query_end, 1.0)
    r = _drawn(match.reference_start, match.reference_end, match.speed)
    return (_samples(*q), _samples(*r))


def render_evidence(
    match: Match,
    query: np.ndarray,
    reference: np.ndarray,
    *,
    query_offset: int = 0,
    reference_offset: int = 0,
    dpi: int = 80,
) -> bytes:
    """PNG bytes: top, the query excerpt; bottom, the reference excerpt; matched peaks marked on both.

    ``query`` and ``reference`` are whole signals, or excerpts starting at sample ``query_offset`` /
    ``reference_offset`` that cover ``evidence_spans(match)``."""
    pairs = np.asarray(match.pairs, dtype=np.float64).reshape(-1, 4)
    fig, axes = plt.subplots(2, 1, figsize=(10, 6.5), dpi=dpi)
    panels = (
        (
            axes[0],
            query,
            query_offset,
            match.query_start,
            match.query_end,
            1.0,
            pairs[:, 0],
            pairs[:, 1],
            "query",
        ),
        (
            axes[1],
            reference,
            reference_offset,
            match.reference_start,
            match.reference_end,
            match.speed,
            pairs[:, 2],
            pairs[:, 3],
            f"reference {match.recording_id}",
        ),
    )
    for ax, samples, offset, start, end, scale, pt, pf, label in panels:
        a, b = _drawn(start, end, scale)
        lo, hi = _samples(a, b)
        excerpt = np.asarray(samples[max(0, lo - offset) : max(0, hi - offset)], dtype=np.float32)
        if end - start > EVIDENCE_SECONDS * scale:  # a long segment: its beginning
            drawn = (pt >= a) & (pt <= b)
            pt, pf = pt[drawn], pf[drawn]
            label = f"{label} (first {EVIDENCE_SECONDS * scale:.0f} s drawn)"
        spec = log_spectrogram(excerpt) if excerpt.size else np.zeros((1, 1), np.float32)
        hz_lo = _KMIN * ENGINE_RATE / N_FFT
        hz_hi = (_KMIN + spec.shape[1]) * ENGINE_RATE / N_FFT
        t_hi = a + spec.shape[0] * HOP / ENGINE_RATE
        ax.imshow(
            spec.T,
            origin="lower",
            aspect="auto",
            cmap="magma",
            extent=(a, t_hi, hz_lo, hz_hi),
            vmin=float(np.percentile(spec, 20)),
            vmax=float(spec.max()),
        )
        ax.scatter(
            pt + 0.5 * N_FFT / ENGINE_RATE,
            130.0 * 2 ** (pf / 12),
            s=14,
            facecolors="none",
            edgecolors="cyan",
            linewidths=0.8,
        )
        ax.set_ylabel("Hz")
        ax.set_title(f"{label}: {start:.2f}-{end:.2f} s", fontsize=10)
    axes[1].set_xlabel("seconds")
    fig.suptitle(
        f"{match.recording_id}: score {match.score}, confidence {match.confidence:.3f}, "
        f"speed x{match.speed:.3f}, pitch x{match.pitch:.3f} ({12 * np.log2(match.pitch):+.2f} st), "
        f"{len(pairs)} aligned peaks",
        fontsize=10,
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    # A figure is a web of reference cycles: left to the collector's own pace, a scan drawing a picture per match
    # grew by about 10 MB per picture. Clearing it and collecting the young generations frees it now, cheaply.
    fig.clear()
    plt.close(fig)
    gc.collect(1)
    return buf.getvalue()


def _drawn(start: float, end: float, scale: float) -> tuple[float, float]:
    a = max(0.0, start - _PAD_S)
    end = min(end, start + EVIDENCE_SECONDS * scale)
    return a, max(a + 0.5, end + _PAD_S)


def _samples(a: float, b: float) -> tuple[int, int]:
    return int(a * ENGINE_RATE), int(b * ENGINE_RATE)


__all__ = ["render_evidence", "evidence_spans", "FRAME_RATE"]
