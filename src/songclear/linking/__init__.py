"""Catalogue linking: match library tracks to registered recordings (and works) by metadata.

Pure: no database, no clock. The store keeps links and review decisions; the CLI and the audit call ``Linker``.
"""

from songclear.linking.aliases import ArtistAliases
from songclear.linking.linker import (
    AUTO,
    NONE,
    REVIEW,
    Linker,
    LinkProposal,
    LinkTrack,
    Thresholds,
    link_tracks,
)
from songclear.linking.normalise import (
    ParsedTitle,
    fold_text,
    parse_title,
    pinyin_key,
    simplified_key,
    split_artists,
)
from songclear.linking.score import FieldEvidence, LinkScore

__all__ = [
    "AUTO", "NONE", "REVIEW", "ArtistAliases", "FieldEvidence", "LinkProposal", "LinkScore", "LinkTrack",
    "Linker", "ParsedTitle", "Thresholds", "fold_text", "link_tracks", "parse_title", "pinyin_key",
    "simplified_key", "split_artists",
]  # fmt: skip
