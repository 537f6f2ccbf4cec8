"""Defaults of the audio limits that the CLI, the API and the use cases share (a light module: the CLI imports it
when it starts, before NumPy or the database)."""

from __future__ import annotations

IDENTIFY_MAX_SECONDS = 600.0
"""Most audio one identify analyses (a song, with room); a longer clip is refused (exit 6, HTTP 413) once that
much has been decoded: docs/fingerprint.md, "Limits"."""

MAX_ROWS = 1_000_000_000
"""Most rows a page may skip or ask for (CLI --limit/--offset, the API's and the dashboard's offset): far past any
list, and well inside what SQL LIMIT/OFFSET (a 64-bit integer) and ``islice`` take."""

MAX_WORKERS = 256
"""Most local worker processes a command may ask for (--workers)."""

SCAN_COMMIT_EVERY = 50
"""Tracks a library scan commits per transaction, each batch with its audit-log entry."""

SCAN_COMMIT_SECONDS = 30.0
"""A scan also commits a smaller batch once its first track has waited this long."""
