"""Defaults of the audio limits that the CLI, the API and the use cases share (a light module: the CLI imports it
when it starts, before NumPy or the database)."""

from __future__ import annotations

IDENTIFY_MAX_SECONDS = 600.0
"""Most audio one identify analyses (a song, with room); a longer clip is refused (exit 6, HTTP 413) once that
much has been decoded: docs/fingerprint.md, "Limits"."""

SCAN_COMMIT_EVERY = 50
"""Tracks a library scan commits per transaction, each batch with its audit-log entry."""

SCAN_COMMIT_SECONDS = 30.0
"""A scan also commits a smaller batch once its first track has waited this long."""
