"""Background jobs over HTTP: 202 with a Location, polled to done with progress and a result; a failure's message;
a report's files downloaded (HTML, CSV, a PDF printed by Chromium); a scan of real audio and the scan status;
jobs a stopped server left running are marked interrupted when the next one starts."""

from __future__ import annotations

import pytest
from apiworld import NOW

from songclear.api import create_app
from songclear.app.demo_audio import encode
from songclear.app.fingerprints import add_references
from songclear.app.imports import import_table
from songclear.fingerprint import synth_music
from songclear.reports.regulator import chromium_binary
from songclear.store import Database
from songclear.store.service_jobs import INTERRUPTED, JobRepository

RATE = 22050
ISRC = "CNJ011400001"  # 月光码头, Jade Dragon's


def _start(world, path: str, who: str = "admin", **kwargs) -> dict:
    r = world.client.post(path, headers=world.as_(who), **kwargs)
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == f"/jobs/{job['id']}" and job["state"] in ("queued", "running", "done")
    return job


def test_an_audit_job_answers_what_the_synchronous_audit_does(world):
    job = world.wait(_start(world, "/jobs/audits", "qq", json={"platform": "qq", "at": "2015-11-15"}))
    assert job["state"] == "done" and job["error"] is None and job["kind"] == "audit"
    assert job["progress"]["done"] == job["progress"]["total"] == 1
    assert (job["actor"], job["party"], job["params"]["platform"]) == (
        f"api-token:{_token_id(world, 'qq')}",
        "qq",
        "qq",
    )
    sync = world.client.get("/platforms/qq/audit?at=2015-11-15&limit=0", headers=world.as_("qq")).json()
    for view in (sync, job["result"]):
        view.pop("elapsed_s"), view.pop("decisions", None)
    assert job["result"] == sync
    listed = world.client.get("/jobs?kind=audit", headers=world.as_("qq")).json()
    assert job["id"] in {j["id"] for j in listed["items"]} and {j["kind"] for j in listed["items"]} == {
        "audit"
    }


def test_an_every_platform_audit_job_answers_what_each_platform_audit_does(world):
    job = world.wait(_start(world, "/jobs/audits/every-platform", "regulator", json={"at": "2015-08-15"}))
    assert job["state"] == "done" and job["party"] is None
    assert job["progress"]["done"] == job["progress"]["total"] == 3
    result = job["result"]
    assert [p["platform"] for p in result["platforms"]] == ["kuwo", "netease", "qq"]
    for p in result["platforms"]:
        one = world.client.get(
            f"/platforms/{p['platform']}/audit?at=2015-08-15&limit=0", headers=world.as_("admin")
        )
        assert p["summary"] == one.json()["summary"] and p["timeline"] == one.json()["timeline"], p[
            "platform"
        ]
    assert result["total"] == sum(p["summary"]["total"] for p in result["platforms"])
    assert (
        world.client.get(f"/jobs/{job['id']}", headers=world.as_("qq")).status_code == 404
    )  # not a platform's


def test_an_import_job_imports_and_a_bad_file_fails_with_its_line(world):
    good = world.wait(
        _start(world, "/jobs/imports", files={"file": ("more.csv", b"id,name,kind\nL-JOB,J,label\n")})
    )
    assert good["state"] == "done" and good["result"]["imports"][0]["added"] == 1
    bad = b"id,name,kind\nL-BAD,Bad,nonsense\n"
    failed = world.wait(_start(world, "/jobs/imports", files={"file": ("bad.csv", bad, "text/csv")}))
    assert failed["state"] == "failed" and failed["result"] is None
    assert failed["error"].startswith("bad.csv:line 2") and "/tmp" not in failed["error"]


def test_a_job_asks_what_it_needs_before_it_is_queued(world):
    c, admin = world.client, world.as_("admin")
    assert (
        c.post("/jobs/audits", headers=admin, json={"platform": "nowhere", "at": "2015-11-15"}).status_code
        == 404
    )
    r = c.post("/jobs/audits", headers=admin, json={"platform": "qq", "at": "2015-11-15", "territory": "XX"})
    assert r.status_code == 400 and r.json()["type"] == "urn:songclear:problem:InvalidIdentifier"
    assert c.post("/jobs/reports", headers=admin, json={"platform": "qq"}).status_code == 400
    assert c.get("/jobs/nope", headers=admin).status_code == 404


@pytest.mark.skipif(
    chromium_binary() is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_a_report_job_writes_html_csv_xlsx_and_pdf_to_download(world):
    body = {
        "platform": "kuwo",
        "notice": "NCAC-2015-07",
        "at": "2015-11-20",
        "formats": ["html", "csv", "xlsx", "pdf"],
    }
    job = world.wait(_start(world, "/jobs/reports", "regulator", json=body), timeout=120)
    assert job["state"] == "done", job["error"]
    assert job["progress"] == {"done": 5, "total": 5, "message": "8 files written"}
    files = {f["name"]: f for f in job["result"]["files"]}
    stem = "regulator-kuwo-NCAC-2015-07"
    assert set(files) == {f"{stem}.html", f"{stem}.pdf", f"{stem}.xlsx"} | {
        f"{stem}-{t}.csv" for t in ("about", "takedowns", "remaining", "claims", "exposure")
    }
    assert job["result"]["notes"] == []  # a CJK font is installed where PDFs are printed (.ci/run)
    xlsx = world.client.get(f"/jobs/{job['id']}/files/{stem}.xlsx", headers=world.as_("regulator"))
    assert xlsx.content.startswith(b"PK") and "spreadsheetml" in xlsx.headers["content-type"]
    html = world.client.get(f"/jobs/{job['id']}/files/{stem}.html", headers=world.as_("regulator"))
    assert html.headers["content-type"].startswith("text/html") and "NCAC-2015-07" in html.text
    assert len(html.content) == files[f"{stem}.html"]["size"]
    pdf = world.client.get(f"/jobs/{job['id']}/files/{stem}.pdf", headers=world.as_("regulator"))
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    csv = world.client.get(f"/jobs/{job['id']}/files/{stem}-remaining.csv", headers=world.as_("regulator"))
    assert csv.text.startswith("track,title,status,reasons")
    assert (
        world.client.get(f"/jobs/{job['id']}/files/x.pdf", headers=world.as_("regulator")).status_code == 404
    )
    assert job["result"]["notice"]["id"] == "NCAC-2015-07" and job["result"]["now"]["day"] == "2015-11-20"


def test_a_report_for_an_unknown_notice_fails_with_why(world):
    job = world.wait(
        _start(world, "/jobs/reports", json={"platform": "qq", "notice": "NOPE", "at": "2015-11-20"})
    )
    assert job["state"] == "failed" and job["error"] == "no notice 'NOPE' in the ledger"


def test_a_scan_job_scans_real_audio_and_the_status_counts_it(world, tmp_path):
    song = synth_music(7, 20.0, rate=RATE)
    with Database.open(world.db_url) as db:
        ref = encode(song, tmp_path / f"{ISRC}.flac")
        add_references(db, world.index_path, [ref], [ISRC], now=lambda: NOW, workers=1)
        rows = ["platform,track_id,title,artist,isrc,audio_path"]
        for n in range(3):
            rows.append(
                f"qq,up-{n},Upload {n},someone,,{encode(song[RATE * n : RATE * (n + 10)], tmp_path / f'up-{n}.mp3')}"
            )
        (tmp_path / "uploads.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        import_table(db, tmp_path / "uploads.csv", kind=None, recorded_at=NOW)
    before = world.client.get("/platforms/qq/scan", headers=world.as_("qq")).json()
    assert (before["with_audio"], before["scanned"], before["last_run"]) == (3, 0, None)
    job = world.wait(
        _start(world, "/jobs/scans", "qq", json={"platform": "qq", "evidence": False}), timeout=120
    )
    assert job["state"] == "done", job["error"]
    assert job["progress"]["done"] == job["progress"]["total"] == 3
    assert (job["result"]["scanned"], job["result"]["matched"]) == (3, 3)
    after = world.client.get("/platforms/qq/scan", headers=world.as_("regulator")).json()
    assert (after["with_audio"], after["scanned"], after["matched"], after["errors"]) == (3, 3, 3, 0)
    assert after["last_run"] == NOW.isoformat() and after["index_version"] == job["result"]["index_version"]
    explained = world.client.get(
        "/platforms/qq/tracks/up-1/explain?at=2015-11-15", headers=world.as_("jade")
    ).json()
    assert explained["matches"][0]["recording"] == ISRC  # the match evidence of Jade Dragon's recording


def test_jobs_a_stopped_server_left_running_are_failed_as_interrupted_at_start_up(world, tmp_path):
    from songclear.api.auth import Principal

    with Database.open(world.db_url) as db, db.session() as session:
        jobs = JobRepository(session)
        left = jobs.create(kind="scan", actor="t", role="admin", party=None, params={}, now=NOW)
        jobs.start(left.job_id, now=NOW)
    app = create_app(world.db_url, index_path=tmp_path / "fp", clock=lambda: NOW)
    try:
        job = app.state.songclear.jobs.get(left.job_id)
        assert (job.state, job.error, job.finished_at) == ("failed", INTERRUPTED, NOW)
        # a job this server starts runs as usual
        started = app.state.songclear.jobs.submit(
            "audit", Principal("admin"), {}, lambda progress: {"ok": True}
        )
        assert app.state.songclear.jobs.wait(started.job_id).result == {"ok": True}
    finally:
        app.state.songclear.close()


def _token_id(world, who: str) -> str:
    from songclear.store.tokens import TokenRepository

    with Database.open(world.db_url) as db, db.session() as session:
        return TokenRepository(session).by_secret(world.secrets[who]).token_id
