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


def play_enforcement(db, out: Path) -> dict:
    """Run the chapter (once: a second run finds the claim already filed and changes nothing)."""
    from songclear.app.audit import make_query
    from songclear.app.claims import add_claim, answer, counter, restore
    from songclear.app.enforcement import apply_plan, plan, reinstate
    from songclear.app.imports import import_table

    work = out / "enforcement"
    work.mkdir(parents=True, exist_ok=True)
    (work / "claim-evidence.txt").write_text("Screenshot log: kw-003 streamed on kuwo 2015-08-04 21:10\n")
    claim_path, counter_path = work / "claim.json", work / "counter.json"
    claim_path.write_text(json.dumps(CLAIM, ensure_ascii=False), encoding="utf-8")
    counter_path.write_text(json.dumps(COUNTER, ensure_ascii=False), encoding="utf-8")

    _, missing, new = add_claim(db, claim_path, now=at("2015-08-05", 10, 5), actor=ACTOR)
    story: dict = {"claim": CLAIM["id"], "missing": list(missing), "played": new}
    if not new:
        return story
    answered = answer(db, CLAIM["id"], now=at("2015-08-05", 15), actor=ACTOR, apply=True)
    story["answer"] = answered.as_dict()
    answer_to_counter = counter(db, CLAIM["id"], counter_path, now=at("2015-08-07", 9, 30), actor=ACTOR)
    story["counter"] = {
        "id": COUNTER["id"],
        "valid": not answer_to_counter.missing,
        "missing": list(answer_to_counter.missing),
    }
    restored = restore(db, CLAIM["id"], now=at("2015-08-07", 12), actor=ACTOR)
    story["restore"] = {"allowed": restored.allowed, "why": restored.why, "reinstated": restored.reinstated}

    plans = {}
    for platform in DEMO_PLATFORMS:
        p, _ = plan(
            db, platform=platform, day=TAKEDOWN_DAY, query=make_query(TAKEDOWN_DAY),
            now=at("2015-11-01", 9), actor=ACTOR, notice=NOTICE,
        )  # fmt: skip
        report, _ = apply_plan(db, p.id, now=at("2015-11-01", 10), actor=ACTOR)
        plans[platform] = report.as_dict()
    story["takedowns"] = plans

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
    """The NCAC regulator report per platform: HTML, a CSV per table, and a PDF when Chromium is installed."""
    from songclear.app.audit import make_query, run_audit
    from songclear.app.claims import claim_timeliness
    from songclear.app.exposure import exposure_report
    from songclear.app.identities import attach_audio_evidence
    from songclear.reports.regulator import (
        ClaimRow,
        ExposureRow,
        RegulatorReport,
        TakedownRow,
        chromium_binary,
        html_to_pdf,
        render_regulator_html,
        write_regulator_csvs,
    )
    from songclear.store.auditlog import AuditLog
    from songclear.store.repository import LedgerRepository
    from songclear.store.takedowns import TakedownRepository

    written: list[str] = []
    for platform in DEMO_PLATFORMS:
        with db.session() as session:
            repo = LedgerRepository(session)
            notice = repo.load_ledger().notices[NOTICE]
            deadline = run_audit(repo, platform=platform, day=notice.effective, query=make_query(notice.effective),
                                 with_timeline=False)  # fmt: skip
            now = run_audit(
                repo, platform=platform, day=REPORT_DAY, query=make_query(REPORT_DAY), with_timeline=False
            )
            attach_audio_evidence(now, repo)
            takedowns = [
                TakedownRow(
                    s.action.track, now.tracks[s.action.track].title if s.action.track in now.tracks else "",
                    s.action.kind.value, s.applied_at, s.applied_by, s.action.reason.detail,
                    s.undo.at if s.undo else None,
                )
                for s in TakedownRepository(session).actions(platform)
            ]  # fmt: skip
            head = AuditLog(session).head()
        claims = [
            ClaimRow(c["claim"], c["claimant"], c["regime"], _dt(c["received_at"]), _dt(c["due"]),
                     _dt(c["taken_down_at"]), c["outcome"])
            for c in claim_timeliness(db, platform)
        ]  # fmt: skip
        exposure = exposure_report(db, platform=platform, start=notice.issued, end=REPORT_DAY, step_days=7)
        report = RegulatorReport(
            platform=platform,
            platform_name=now.platform_name,
            notice=notice,
            at_deadline=deadline,
            now=now,
            takedowns=takedowns,
            claims=claims,
            exposure=[
                ExposureRow(
                    r["track"],
                    r["licensor"],
                    int(r["days"]),
                    int(r["plays"]) if r["plays"] else None,
                    r["amount"],
                )
                for r in exposure.rows()
            ],
            log_head=head.hash if head else None,
            generated_for=REPORT_DAY.isoformat(),
            evidence=now.evidence,
        )
        stem = f"regulator-{platform}-{NOTICE}"
        html = render_regulator_html(report)
        (out / f"{stem}.html").write_text(html, encoding="utf-8")
        written.append(str(out / f"{stem}.html"))
        written += [str(p) for p in write_regulator_csvs(report, out / "regulator-csv", stem)]
        if chromium_binary() is not None:
            written.append(str(html_to_pdf(html, out / f"{stem}.pdf")))
    return written


def _dt(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
