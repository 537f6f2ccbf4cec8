"""songclear: music-copyright compliance — rights ledger, clearance audit, content identification."""

__version__ = "0.1.0"
