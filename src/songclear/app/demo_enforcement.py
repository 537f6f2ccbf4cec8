"""The demo's enforcement chapter: what the platforms did after the buffer, in the order it happened.

- 2015-08-05: Jade Dragon files a claim (China's network-dissemination rules) against Kuwo's 北方来信, for which
  Kuwo holds no licence; Kuwo answers the same day and takes it down.
- 2015-08-07: the uploader's counter-notice is valid; under these rules the track is restored at once, and Jade
  Dragon may not notify the same work again.
- 2015-11-01: the buffer is over; each platform plans and applies the takedown of everything still uncleared.
- 2015-11-19: Silk Road renews its licence to NetEase from 2015-11-20; on 2015-11-20 NetEase reinstates the
  tracks it had taken down.
- The regulator report per platform for the NCAC order speaks for 2015-11-20.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from songclear.app.demo import DEMO_PLATFORMS, demo_file
from songclear.reports.regulator import chromium_binary

CST = timezone(timedelta(hours=8), "CST")
NOTICE = "NCAC-2015-07"
TAKEDOWN_DAY = date(2015, 11, 1)
REPORT_DAY = date(2015, 11, 20)
ACTOR = "compliance team"


def at(day: str, hh: int, mm: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hh, minute=mm, tzinfo=CST)


CLAIM = {
    "id": "C-JADE-2015-001", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "kuwo",
    "received_at": "2015-08-05T10:00:00+08:00", "contact": "legal@jade-dragon.example",
    "address": "1 Jade Road, Beijing", "recordings": ["CN-J01-14-00005"], "items": ["kw-003"],
    "evidence": ["claim-evidence.txt"],
}  # fmt: skip
COUNTER = {
    "id": "CN-KW-2015-001", "respondent": "uploader-77", "received_at": "2015-08-07T09:00:00+08:00",
    "contact": "u77@example", "address": "Shanghai", "items": ["kuwo/kw-003"], "evidence": ["claim-evidence.txt"],
}  # fmt: skip


# The chapter's two halves, by when they start: the demo plays each at its place in the story (demo.play_demo).
CLAIM_AT = at("2015-08-05", 10, 5)
TAKEDOWNS_AT = at("2015-11-01", 9)


def play_enforcement(db, out: Path) -> dict:
    """Run the chapter (once: a second run finds the claim already filed and changes nothing)."""
    story = play_claim(db, out)
    return play_takedowns(db, story) if story["played"] else story


def play_claim(db, out: Path) -> dict:
    """The first half, 2015-08-05 to 2015-08-07: the claim, the takedown, the counter-notice, the restore."""
    from songclear.app.claim_filing import read_filing
    from songclear.app.claims import add_claim, answer, counter, restore

    work = out / "enforcement"
    work.mkdir(parents=True, exist_ok=True)
    (work / "claim-evidence.txt").write_text("Screenshot log: kw-003 streamed on kuwo 2015-08-04 21:10\n")
    claim_path, counter_path = work / "claim.json", work / "counter.json"
    claim_path.write_text(json.dumps(CLAIM, ensure_ascii=False), encoding="utf-8")
    counter_path.write_text(json.dumps(COUNTER, ensure_ascii=False), encoding="utf-8")

    _, missing, new = add_claim(db, read_filing(claim_path), now=CLAIM_AT, actor=ACTOR)
    story: dict = {"claim": CLAIM["id"], "missing": list(missing), "played": new}
    if not new:
        return story
    answered = answer(db, CLAIM["id"], now=at("2015-08-05", 15), actor=ACTOR, apply=True)
    story["answer"] = answered.as_dict()
    answer_to_counter = counter(
        db, CLAIM["id"], read_filing(counter_path), now=at("2015-08-07", 9, 30), actor=ACTOR
    )
    story["counter"] = {
        "id": COUNTER["id"],
        "valid": not answer_to_counter.missing,
        "missing": list(answer_to_counter.missing),
    }
    restored = restore(db, CLAIM["id"], now=at("2015-08-07", 12), actor=ACTOR)
    story["restore"] = {"allowed": restored.allowed, "why": restored.why, "reinstated": restored.reinstated}
    return story


def play_takedowns(db, story: dict) -> dict:
    """The second half, 2015-11-01 to 2015-11-20: the takedowns after the buffer, Silk Road's renewal, NetEase's
    reinstatement. Adds to ``story`` (from ``play_claim``)."""
    from songclear.app.audit import make_query
    from songclear.app.enforcement import apply_plan, plan, reinstate
    from songclear.app.imports import import_table

    planned = {
        platform: plan(
            db, platform=platform, day=TAKEDOWN_DAY, query=make_query(TAKEDOWN_DAY),
            now=TAKEDOWNS_AT, actor=ACTOR, notice=NOTICE,
        )[0]
        for platform in DEMO_PLATFORMS
    }  # fmt: skip
    # Every plan at 09:00, then every one applied at 10:00: the log stays in time order.
    story["takedowns"] = {
        platform: apply_plan(db, p.id, now=at("2015-11-01", 10), actor=ACTOR)[0].as_dict()
        for platform, p in planned.items()
    }

    import_table(
        db, demo_file("11_silkroad_renewal.csv"), kind="grants", recorded_at=at("2015-11-19", 18), actor=ACTOR
    )
    back = reinstate(
        db, platform="netease", day=REPORT_DAY, query=make_query(REPORT_DAY), now=at("2015-11-20", 10),
        actor=ACTOR, apply=True,
    )  # fmt: skip
    story["reinstated"] = back.as_dict()
    return story


def regulator_reports(db, out: Path) -> list[str]:
    """The NCAC regulator report per platform: HTML, a CSV per table, XLSX, and a PDF when Chromium is
    installed."""
    from songclear.app.regulator_report import write_regulator_report

    formats = ("html", "csv", "xlsx", "pdf") if chromium_binary() is not None else ("html", "csv", "xlsx")
    written: list[str] = []
    for platform in DEMO_PLATFORMS:
        written += write_regulator_report(
            db, platform=platform, notice_id=NOTICE, day=REPORT_DAY, out=out, formats=formats
        ).paths
    return written
