"""Enforcement: takedowns and reinstatement, claims and counter-notices with their legal clocks, exposure, and
the hash-chained audit log. Pure: plain records and functions, time always passed in (see docs/enforcement.md)."""
