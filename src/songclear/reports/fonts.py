"""Chinese glyphs in every report: the CSS font stack the HTML reports and the dashboard name, and the check the PDF
printer makes that a CJK font is installed.

Titles, artists and party names are mostly Chinese (月光码头, 玉龙唱片). A browser that finds none of the named fonts
falls back to whatever the system has; headless Chromium printing a PDF on a server without a CJK font draws
empty boxes ("tofu") instead, and nothing fails. So before printing, ``cjk_font_warning`` asks fontconfig
(``fc-list :lang=zh``) whether a font covering Chinese is installed, and the report says so when none is (Debian:
``apt-get install fonts-noto-cjk``; .ci/run installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

# The order: Debian/Linux (fonts-noto-cjk; Source Han Sans is the same design), macOS, Windows, older Linux.
CJK_FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", '
    "sans-serif"
)
INSTALL_HINT = (
    "install one (Debian: apt-get install fonts-noto-cjk) so Chinese titles are not printed as empty boxes"
)


@cache
def cjk_fonts() -> tuple[str, ...] | None:
    """The font families fontconfig says cover Chinese, sorted; None when fontconfig's ``fc-list`` is missing
    (then nothing can be said)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        done = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    families = {name.strip() for line in done.stdout.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(families))


def cjk_font_warning() -> str | None:
    """A sentence for the command's output and the report's notes when no CJK font is installed, else None."""
    found = cjk_fonts()
    if found is None:
        return (
            f"could not check for a Chinese (CJK) font: fontconfig's fc-list is not installed; {INSTALL_HINT}"
        )
    if not found:
        return f"no Chinese (CJK) font is installed for the PDF printer; {INSTALL_HINT}"
    return None
