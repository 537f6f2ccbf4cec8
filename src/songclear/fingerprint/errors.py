"""Errors of the fingerprint engine, each a ``SongclearError`` so the CLI and API render them in one place."""

from __future__ import annotations

from songclear.errors import AudioError, InputError, StorageError


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


class ClipTooLong(AudioError):
    """More audio than the caller allows to be analysed (``identify``'s cap): refused once the cap is passed, so
    only that much is ever decoded. HTTP 413, like an upload over the size limit: send less."""

    http_status = 413
    title = "Clip too long"

    def __init__(self, path: str, max_seconds: float) -> None:
        super().__init__(
            f"{path}: longer than {max_seconds:g} s, the most audio identify analyses: cut the clip, or register "
            "the file as a library track and scan it"
        )
        self.path = path
        self.max_seconds = max_seconds


class NoUsableAudio(AudioError):
    """Reference audio that decodes but gives (almost) no hashes: silence, a fraction of a second, a truncated
    file. Registered, it could never be matched, and its recording would look covered when it is not."""

    title = "No usable audio"

    def __init__(self, path: str, hashes: int, seconds: float, minimum: int) -> None:
        super().__init__(
            f"{path}: no usable audio to fingerprint ({hashes} hashes from {seconds:.2f} s; at least {minimum} "
            "needed): silent, too short or truncated"
        )
        self.path = path
        self.hashes = hashes
        self.seconds = seconds


class IndexBusy(StorageError):
    """Another process held the index's writer lock for longer than we were willing to wait."""

    title = "Fingerprint index busy"


class IndexFormatError(InputError):
    """An index directory that is missing, damaged or written by an incompatible format version."""

    title = "Fingerprint index unusable"


class FingerprintParameterError(InputError):
    """A caller passed an argument the engine cannot use (empty audio, unknown recording id...)."""

    title = "Invalid fingerprint argument"
