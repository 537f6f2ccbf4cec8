"""The enforcement tests build their small worlds with ``tests/domain/world.py``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
