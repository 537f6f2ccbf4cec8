"""The demo world: the 2015 story replayed on the embedded database.

Files in ``demo_data/`` are imported through the same code paths as a user's files, each with the time the
ledger learnt it (``recorded_at``), so that 'as known at' audits work on the demo too. The ledger's clock only
moves forward (``store.ledger_clock``), so ``play_demo`` plays everything in the order it happened: the imports,
the audio scans, the linking and the enforcement chapter interleaved by date:

- 2014-12: parties, works, recordings and the labels' grants, among them Jade Dragon's exclusive, sublicensable
  catalogue grant to QQ Music, and Silk Road's grant to NetEase that ends 2015-07-20, before the deadline.
- 2015-06: the three platforms' libraries, with licensed, unlicensed and mislabelled (pirated-pool) tracks.
- 2015-07-08: the NCAC order, deadline 2015-07-31, tolerated until the buffer ends 2015-10-31.
- 2015-07-10 to 07-15 (with audio): the platforms' audio files, the labels' references, the scans.
- 2015-07-20: uploads without ISRCs; 07-21 the libraries are linked from metadata, 07-22 a reviewer decides one.
- 2015-07-25: Silk Road sends Kuwo a DDEX ERN 4.3 message: 驼铃 may be streamed in CN from 2015-08-01.
- 2015-08-05 to 08-07 (enforcement): a claim, its takedown, the counter-notice, the restore.
- 2015-10-02: QQ Music sublicenses Jade Dragon's catalogue to NetEase (signed in the buffer).
- 2015-11-01 to 11-20 (enforcement): the takedowns after the buffer, a renewal, a reinstatement.
- 2016-01-10: a late, backdated amendment: Harbour Lights' grant to QQ Music ended 2015-10-31, not 2016-12-31.
  (The takedowns of 2015-11-01 could not know it: qq-005 stayed up then, and is uncleared as known now.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

DEMO_DAYS = (date(2015, 7, 1), date(2015, 8, 15), date(2015, 11, 15))
DEMO_PLATFORMS = ("qq", "netease", "kuwo")
# The DDEX party ids of the demo's DDEX message, mapped to ledger parties.
DEMO_DPIDS = {"PADPIDA2015SILKRDM": "L-SILK", "PADPIDA2015KUWOMUS": "kuwo"}
# What the ledger knew on the day of the last audit, before the backdated amendment arrived.
KNOWN_BEFORE_AMENDMENT = datetime(2015, 11, 20, tzinfo=UTC)


@dataclass(frozen=True)
class DemoStep:
    file: str
    kind: str
    recorded_at: datetime
    what: str


STEPS = (
    DemoStep(
        "01_parties.csv", "parties", datetime(2014, 12, 1, tzinfo=UTC), "labels, a publisher, platforms, NCAC"
    ),
    DemoStep("02_works.csv", "works", datetime(2014, 12, 1, tzinfo=UTC), "works and their publisher"),
    DemoStep("03_recordings.csv", "recordings", datetime(2014, 12, 1, tzinfo=UTC), "recordings (ISRC)"),
    DemoStep("04_grants.csv", "grants", datetime(2014, 12, 30, tzinfo=UTC), "labels' and publisher's grants"),
    DemoStep("05_library.csv", "library", datetime(2015, 6, 30, tzinfo=UTC), "three platforms' libraries"),
    DemoStep("06_notices.csv", "notices", datetime(2015, 7, 8, tzinfo=UTC), "the NCAC stop order"),
    DemoStep(
        "10_uploads_without_isrc.csv", "library", datetime(2015, 7, 20, tzinfo=UTC), "uploads without ISRCs"
    ),
    DemoStep(
        "09_silkroad_to_kuwo.ern43.xml",
        "ddex",
        datetime(2015, 7, 25, 3, tzinfo=UTC),
        "Silk Road's DDEX deal to Kuwo",
    ),
    DemoStep(
        "07_sublicences.csv", "grants", datetime(2015, 10, 2, tzinfo=UTC), "QQ Music sublicenses to NetEase"
    ),
    DemoStep("08_amendment.csv", "grants", datetime(2016, 1, 10, tzinfo=UTC), "backdated end of a grant"),
)


def demo_file(name: str) -> Path:
    return Path(str(resources.files("songclear.app") / "demo_data" / name))


def load_demo(db, *, after: datetime | None = None, before: datetime | None = None) -> list:
    """Import the demo files recorded from ``after`` to before ``before`` (default: all), in story order;
    re-running changes nothing (each import is idempotent). Only the ledger: ``play_demo`` plays the whole story."""
    from songclear.app.imports import import_ddex, import_table

    return [
        import_ddex(db, demo_file(s.file), recorded_at=s.recorded_at, party_ids=DEMO_DPIDS)
        if s.kind == "ddex"
        else import_table(db, demo_file(s.file), kind=s.kind, recorded_at=s.recorded_at)
        for s in STEPS
        if (after is None or s.recorded_at >= after) and (before is None or s.recorded_at < before)
    ]


@dataclass
class DemoRun:
    imports: list  # an ImportOutcome per step of STEPS, in order
    audio: dict | None = None  # load_demo_audio's result, when played
    linking: dict | None = None  # link_demo's result, when played
    enforcement: dict = field(default_factory=lambda: {"played": False})


def play_demo(
    db,
    out: Path | None = None,
    *,
    audio: bool = False,
    enforce: bool = False,
    index_path: Path | None = None,
    workers: int = 2,
) -> DemoRun:
    """The whole story, each part at its date (module doc): the ledger, then (``audio``) the audio and scans, the
    linking, (``enforce``) the enforcement chapter. On a database that holds the story already, only the imports
    run, and change nothing: the other parts are dated before the story's last facts and cannot be played again."""
    from songclear.app.demo_enforcement import CLAIM_AT, TAKEDOWNS_AT, play_claim, play_takedowns

    run = DemoRun(load_demo(db, before=AUDIO_LIBRARY_AT))
    if run.imports[0].already_imported:
        run.imports += load_demo(db, after=AUDIO_LIBRARY_AT)
        return run
    if (audio or enforce) and out is None:
        raise ValueError("the audio and enforcement chapters write files: give an output folder")
    if audio:
        assert out is not None and index_path is not None, (
            "the audio chapter needs a fingerprint index folder"
        )
        run.audio = load_demo_audio(db, out, index_path, workers=workers)
    run.imports += load_demo(db, after=AUDIO_LIBRARY_AT, before=LINKED_AT)
    run.linking = link_demo(db)
    run.imports += load_demo(db, after=LINKED_AT, before=CLAIM_AT)
    story = play_claim(db, out) if enforce and out is not None else None
    run.imports += load_demo(db, after=CLAIM_AT, before=TAKEDOWNS_AT)
    if story is not None:
        run.enforcement = play_takedowns(db, story) if story["played"] else story
    run.imports += load_demo(db, after=TAKEDOWNS_AT)
    return run


# The platforms refresh their catalogue with audio files on 2015-07-10; the labels register reference audio on
# 2015-07-12 and the platforms' libraries are scanned on 2015-07-15.
AUDIO_LIBRARY_AT = datetime(2015, 7, 10, tzinfo=UTC)
REFERENCES_AT = datetime(2015, 7, 12, tzinfo=UTC)
SCANNED_AT = datetime(2015, 7, 15, tzinfo=UTC)


def load_demo_audio(db, out: Path, index_path: Path, *, workers: int = 2) -> dict:
    """Make the demo's audio, register the references, give library tracks their files and scan every platform."""
    import csv

    from songclear.app.demo_audio import make_demo_audio
    from songclear.app.fingerprints import add_references
    from songclear.app.imports import import_table
    from songclear.jobs.scan import run_scan

    with demo_file("03_recordings.csv").open(encoding="utf-8") as f:
        isrcs = [row["isrc"] for row in csv.DictReader(f)]
    refs, library = make_demo_audio(out / "audio", isrcs, demo_file("05_library.csv"))
    imported = import_table(db, library, kind="library", recorded_at=AUDIO_LIBRARY_AT)
    added = add_references(db, index_path, refs, [], now=lambda: REFERENCES_AT, workers=workers)
    scans = [
        run_scan(db, platform=p, index_path=index_path, now=lambda: SCANNED_AT, workers=workers)
        for p in DEMO_PLATFORMS
    ]
    return {"library": imported, "references": added, "scans": scans}


def write_evidence(db, out: Path) -> list[str]:
    """Write each stored match's evidence picture as a PNG file; return the paths."""
    from songclear.store.matches import AudioMatchRepository

    written = []
    out.mkdir(parents=True, exist_ok=True)
    with db.session() as session:
        matches = AudioMatchRepository(session)
        for platform, track_id in sorted(matches.matches_by_track()):
            for n, (m, png) in enumerate(matches.evidence(platform, track_id), start=1):
                if png:
                    path = out / f"{platform}-{track_id}-{m.isrc}-{n}.png"
                    path.write_bytes(png)
                    written.append(str(path))
    return written


# The compliance team links the libraries on 2015-07-21 and a reviewer settles one proposal on 2015-07-22.
LINKED_AT = datetime(2015, 7, 21, tzinfo=UTC)
REVIEWED_AT = datetime(2015, 7, 22, tzinfo=UTC)
DEMO_REVIEW = (
    "qq",
    "qq-010",
    "accept",
    "demo reviewer",
    "pinyin of 月光码头 by 林一; the upload gives no length to confirm it",
)


def link_demo(db) -> dict:
    """Link every platform's library from metadata, then record one reviewer's decision."""
    from songclear.app.linking import decide_review, link_platform
    from songclear.store.links import LinkRepository

    reports = [link_platform(db, p, now=LINKED_AT) for p in DEMO_PLATFORMS]
    platform, track_id, decision, actor, note = DEMO_REVIEW
    with db.session() as session:
        already = LinkRepository(session).decisions(platform).get((platform, track_id))
    verdict = (
        already[-1]
        if already
        else decide_review(db, platform, track_id, decision, actor=actor, note=note, at=REVIEWED_AT)
    )
    return {"links": reports, "review": verdict}
