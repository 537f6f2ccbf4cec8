"""Errors of the fingerprint engine, each a ``SongclearError`` so the CLI and API render them in one place."""

from __future__ import annotations

from songclear.errors import AudioError, InputError


class DecodeError(AudioError):
    """A file that exists but cannot be decoded (corrupt, truncated, not audio). ``path`` names it."""

    title = "Audio cannot be decoded"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: cannot decode audio: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedAudioError(DecodeError):
    """A readable container that holds no audio stream we can decode."""

    title = "Unsupported audio"


class IndexFormatError(InputError):
    """An index directory that is missing, damaged or written by an incompatible format version."""

    title = "Fingerprint index unusable"


class FingerprintParameterError(InputError):
    """A caller passed an argument the engine cannot use (empty audio, unknown recording id...)."""

    title = "Invalid fingerprint argument"
