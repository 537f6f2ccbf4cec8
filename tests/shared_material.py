"""The team's material beside the project root (../shared): real DDEX messages and the DDEX schemas. Its README asks
that they stay there, never copied into the repository; where the folder is absent (a laptop) the tests that read
them skip with that reason. Our own small samples (tests/ingest/data/ddex) cover the same rules on any machine."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLES = SHARED / "ddex-samples"
XSD = SHARED / "ddex-xsd"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="../shared/ddex-samples is absent on this machine"
)
needs_xsd = pytest.mark.skipif(
    not XSD.is_dir(), reason="../shared/ddex-xsd (DDEX schemas) is absent on this machine"
)
