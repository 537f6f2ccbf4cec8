"""Audio content identification: find copies of registered recordings, robust to codecs, noise, speed and pitch.

Public API::

    decode_file(path) -> np.ndarray                      mono float32 at ENGINE_RATE; DecodeError per bad file
    iter_decode(path) / decode_excerpts(path, spans)     the same, streamed / only some sample ranges (iter_excerpts)
    fingerprint_file(path) -> Fingerprint                pure and picklable, for parallel workers; streamed
    FingerprintIndex.open(path) -> index                 persistent, versioned, memory-mapped
    index.add(recording_id, samples | path | Fingerprint); index.remove(recording_id); index.commit()
    index.search(samples | path, max_seconds=) -> list[Match]   best first; [] when nothing passes the threshold
    index.scan(samples | path) -> list[Match]            every matched segment of a long file; streamed
    render_evidence(match, query, reference) -> bytes    PNG: both spectrograms with the aligned peaks
    synth_music(seed, seconds) -> np.ndarray             deterministic test/demo music
"""

from songclear.fingerprint.decode import ENGINE_RATE, decode_excerpts, decode_file, iter_decode, iter_excerpts
from songclear.fingerprint.errors import (
    ClipTooLong,
    DecodeError,
    FingerprintParameterError,
    IndexBusy,
    IndexFormatError,
    NoUsableAudio,
    UnsupportedAudioError,
)
from songclear.fingerprint.evidence import evidence_spans, render_evidence
from songclear.fingerprint.index import Fingerprint, FingerprintIndex, fingerprint_file, fingerprint_samples
from songclear.fingerprint.search import Match, SearchParams, score_to_confidence
from songclear.fingerprint.synth import synth_music

__all__ = [
    "ENGINE_RATE",
    "ClipTooLong",
    "DecodeError",
    "Fingerprint",
    "FingerprintIndex",
    "FingerprintParameterError",
    "IndexBusy",
    "IndexFormatError",
    "Match",
    "NoUsableAudio",
    "SearchParams",
    "UnsupportedAudioError",
    "decode_excerpts",
    "decode_file",
    "evidence_spans",
    "fingerprint_file",
    "fingerprint_samples",
    "iter_decode",
    "iter_excerpts",
    "render_evidence",
    "score_to_confidence",
    "synth_music",
]
