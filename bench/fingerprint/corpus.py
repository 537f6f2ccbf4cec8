"""The benchmark's audio: real recorded music installed from Debian packages, plus speech made with espeak-ng.

References (indexed): supertuxkart-data and warzone2100-music. Negatives (never indexed): freedroidrpg-data and
hedgewars-data music, and espeak-ng speech. The Wesnoth soundtrack packages are deliberately left out: they are
kept for an independent check. Install with::

    apt-get install -y supertuxkart-data warzone2100-music freedroidrpg-data hedgewars-data espeak-ng ffmpeg sox
"""

from __future__ import annotations

import glob
import subprocess
from pathlib import Path

REFERENCE_GLOBS = (
    "/usr/share/games/supertuxkart/data/music/*.ogg",
    "/usr/share/games/warzone2100/music/**/*.opus",
)
NEGATIVE_PACKAGES = ("freedroidrpg-data", "hedgewars-data")
_WORDS = [
    "the",
    "rights",
    "holder",
    "claims",
    "this",
    "recording",
    "was",
    "uploaded",
    "under",
    "a",
    "false",
    "title",
    "and",
    "asks",
    "the",
    "platform",
    "to",
    "take",
    "it",
    "down",
    "within",
    "ten",
    "days",
    "while",
    "the",
    "label",
    "reviews",
    "every",
    "grant",
    "for",
    "the",
    "territory",
    "and",
    "the",
    "period",
    "of",
    "use",
    "before",
    "the",
    "audit",
    "report",
    "is",
    "sent",
    "to",
    "the",
    "collecting",
    "society",
    "with",
    "the",
    "evidence",
    "attached",
    "and",
    "a",
    "summary",
    "of",
    "the",
    "matches",
    "found",
    "by",
    "the",
    "scan",
    "of",
    "the",
    "library",
    "yesterday",
    "morning",
]
VOICES = ("en", "en-us", "en+f3", "en+m7", "de", "fr", "es", "it")


def reference_files() -> list[Path]:
    """Reference recordings, minus the packages' alternative versions of the same music.

    supertuxkart ships ``*_fast`` sped-up copies of some tracks and warzone2100 ``*_enhanced`` remasters of
    others; the engine (rightly) matches them to each other, which would make the ground truth ambiguous.
    """
    files = sorted({Path(p) for g in REFERENCE_GLOBS for p in glob.glob(g, recursive=True)})
    files = [p for p in files if not p.stem.endswith(("_fast", "_enhanced"))]
    if not files:
        raise SystemExit("no reference music: apt-get install -y supertuxkart-data warzone2100-music")
    return files


def negative_music_files() -> list[Path]:
    out = subprocess.run(
        ["dpkg", "-L", *NEGATIVE_PACKAGES], capture_output=True, text=True, check=False
    ).stdout
    files = [Path(p) for p in out.split() if p.endswith((".ogg", ".opus", ".mp3")) and "usic" in p]
    if not files:
        raise SystemExit("no negative music: apt-get install -y freedroidrpg-data hedgewars-data")
    return sorted(files)


def make_speech(directory: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` WAV files of about 12 s of synthetic speech, each a different sentence and voice."""
    import random

    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = directory / f"speech-{i:03d}.wav"
        if not path.exists():
            text = " ".join(rng.choice(_WORDS) for _ in range(40))
            voice = VOICES[i % len(VOICES)]
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(rng.randint(140, 190)), "-w", str(path), text],
                check=True,
                capture_output=True,
            )
        paths.append(path)
    return paths


def to_wav(src: Path, directory: Path) -> Path:
    """A 16-bit PCM WAV copy at the source's own rate and channels (the "from WAV" indexing input)."""
    directory.mkdir(parents=True, exist_ok=True)
    dst = directory / (src.parent.name + "__" + src.stem + ".wav")
    if not dst.exists():
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(src), "-c:a", "pcm_s16le", str(dst)], check=True
        )
    return dst
