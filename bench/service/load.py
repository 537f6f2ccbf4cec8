"""The service under load: identify and audit requests to a real ``songclear serve`` on loopback, every answer
checked. Prints a markdown table.

    .venv/bin/python bench/service/load.py [--clients 20] [--duration 60] [--keep] [--profile FILE]

1. Builds the demo world with ``songclear demo`` (ledger, reference audio and scans, enforcement chapter) in a
   temporary folder, makes API tokens (one per platform with ``songclear token create``; identify tokens in
   bulk, see below), the clips to identify and the answer every request must get (world.py).
2. Starts ``songclear serve`` (one uvicorn process, as shipped) on a free loopback port and runs locust headless
   (locustfile.py) with ``--clients`` users, no think time, for ``--duration`` seconds: half the requests
   ``POST /identify`` with a 10-s clip (known recordings cut and distorted, or unrelated audio), half
   ``GET /platforms/{p}/audit?at=`` for the three demo platforms at eight days.
3. Reports per endpoint: requests, failures (HTTP errors and wrong answers), throughput, p50/p95/p99 latency;
   the server's CPU time and peak RSS (from /proc), the load generator's CPU time, the 1-minute load average
   before and after. Then checks the ledger: ``songclear log verify`` passes with the same entries as before
   the load, and the audits computed in-process again equal those computed before.

``songclear serve`` limits identify to 30 requests per token per 60 s and has no option to raise it
(``create_app(limits=...)`` only): the identify load is spread over as many tokens as the run could need, each
used at most 30 times. The machine is shared and locust runs on the same cores as the server: the load average
and the client's CPU time say how much of the machine the server had. ``--profile FILE`` samples the server
with py-spy for the whole run: every busy thread (raw collapsed stacks in FILE) and the thread holding the GIL
(FILE.gil); it prints where the threads' time went and how much of the time the GIL was held.

Exit code 1 if any request failed or any check did not pass.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from profile_summary import read_stacks, summarise  # noqa: E402

import world  # noqa: E402

SPY_RATE = 100  # py-spy samples per second
ENDPOINTS = ("POST /identify", "GET /platforms/{p}/audit")


def gil_file(profile: Path) -> Path:
    """Where the second py-spy writes the stacks of whichever thread holds the GIL (``--gil``)."""
    return profile.with_name(profile.name + ".gil")


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def read_json(stream) -> dict:
    """The first JSON object a process prints (indented over several lines or not)."""
    text = ""
    for line in stream:
        text += line
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            continue
    raise SystemExit(f"no JSON on the server's output: {text!r}")


def start_server(db_url: str, index_path: Path, log: Path) -> tuple[subprocess.Popen, str]:
    exe = Path(sys.executable).parent / "songclear"
    port = free_port()
    cmd = [str(exe), "--db", db_url, "--fp-index", str(index_path), "serve", "--port", str(port), "--json"]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    try:
        url = read_json(server.stdout)["url"]
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):  # not listening yet: poll again
                if httpx.get(f"{url}/health", timeout=2).json()["status"] == "ok":
                    return server, url
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start: see {log}")
            time.sleep(0.1)
    except BaseException:
        server.kill()
        server.wait()
        raise


def warm_up(plan: world.Plan) -> None:
    """One identify and one audit before the clock starts: the server's first calls import NumPy, SciPy, PyAV
    and the fingerprint engine (seconds), which a server that has been up a while has long done."""
    platform, secret = next(iter(plan.platform_tokens.items()))
    auth = {"Authorization": f"Bearer {secret}"}
    clip = plan.clips[0]
    with httpx.Client(base_url=plan.url, headers=auth, timeout=120) as client:
        client.post("/identify", files={"file": (clip.name, Path(clip.path).read_bytes())}).raise_for_status()
        client.get(f"/platforms/{platform}/audit", params={"at": "2015-08-15"}).raise_for_status()


def log_verify(db_url: str) -> dict:
    exe = Path(sys.executable).parent / "songclear"
    done = subprocess.run(
        [str(exe), "--db", db_url, "log", "verify", "--json"], capture_output=True, text=True
    )
    return json.loads(done.stdout) | {"exit": done.returncode}


def run_locust(plan_path: Path, url: str, clients: int, duration: int, work: Path) -> tuple[int, float]:
    """locust headless against ``url``; its exit code and the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (work / "locust.log").open("w") as out:
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f", str(HERE / "locustfile.py"), "--headless", "--host", url,
                "-u", str(clients), "-r", str(clients), "-t", f"{duration}s",
                "--csv", str(work / "locust"), "--only-summary", "--loglevel", "WARNING",
            ],
            env=os.environ | {"SONGCLEAR_LOAD_PLAN": str(plan_path)},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done.returncode, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def endpoint_rows(records: list[dict]) -> tuple[list[dict], float]:
    """Per endpoint: requests, failures, throughput and latency percentiles; and the measured window (s)."""
    first = min(r["start"] for r in records)
    window = max(r["start"] + r["ms"] / 1000 for r in records) - first
    rows = []
    for name in ENDPOINTS:
        mine = [r for r in records if r["name"] == name]
        ms = np.array([r["ms"] for r in mine]) if mine else np.zeros(1)
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        rows.append(
            {
                "endpoint": name,
                "requests": len(mine),
                "failures": sum(r["error"] is not None for r in mine),
                "wrong": sum((r["error"] or "").startswith("wrong answer") for r in mine),
                "rps": len(mine) / window,
                "p50": p50, "p95": p95, "p99": p99, "max": float(ms.max()),
            }
        )  # fmt: skip
    return rows, window


def identify_checks(records: list[dict]) -> dict:
    mine = [r for r in records if r["name"] == "POST /identify"]
    known = [r for r in mine if r["known"]]
    unrelated = [r for r in mine if not r["known"]]
    return {
        "known matched their recording": (sum(r["error"] is None for r in known), len(known)),
        "unrelated matched nothing": (sum(r["error"] is None for r in unrelated), len(unrelated)),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20, help="concurrent locust users")
    ap.add_argument("--duration", type=int, default=60, help="seconds of load")
    ap.add_argument("--keep", action="store_true", help="keep the world folder (printed)")
    ap.add_argument("--profile", type=Path, help="sample the server with py-spy into this file")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="songclear-load-"))
    try:
        started = time.perf_counter()
        db_url = world.build_demo(work)
        index_path = work / "fingerprints"
        plan = world.Plan(
            url="",
            platform_tokens=world.platform_tokens(db_url),
            identify_tokens=world.identify_tokens(db_url, args.clients, args.duration),
            clips=world.make_clips(db_url, work / "clips"),
            audits=world.expect_audits(db_url),
            tally_path=str(work / "requests.json"),
        )
        problems = world.expect_identify(db_url, index_path, plan.clips)
        if problems:
            raise SystemExit("the clip set itself is wrong (in-process answers):\n" + "\n".join(problems))
        log_before = log_verify(db_url)
        print(
            f"world in {time.perf_counter() - started:.0f} s: {work} ({len(plan.clips)} clips, "
            f"{len(plan.audits)} audits, {len(plan.identify_tokens)} identify tokens, "
            f"{log_before['entries']} audit-log entries)"
        )

        server, plan.url = start_server(db_url, index_path, work / "server.log")
        plan_path = plan.save(work / "plan.json")
        try:
            warm_up(plan)
            rss_idle = status_kib(server.pid, "VmRSS")
            load_before, cpu_before = loadavg(), cpu_seconds(server.pid)
            spies = []
            if args.profile:
                for out, extra in ((args.profile, []), (gil_file(args.profile), ["--gil"])):
                    spies.append(
                        subprocess.Popen(
                            [
                                str(Path(sys.executable).parent / "py-spy"),
                                "record",
                                "-p",
                                str(server.pid),
                                "-d",
                                str(args.duration),
                                "-r",
                                str(SPY_RATE),
                                "--nonblocking",
                                "-f",
                                "raw",
                                "-o",
                                str(out),
                                *extra,
                            ],
                            stdout=subprocess.DEVNULL,
                            stderr=(work / f"py-spy{len(spies)}.log").open("w"),
                        )  # fmt: skip
                    )
            t0 = time.perf_counter()
            locust_exit, client_cpu = run_locust(plan_path, plan.url, args.clients, args.duration, work)
            wall = time.perf_counter() - t0
            server_cpu = cpu_seconds(server.pid) - cpu_before
            rss_peak, load_after = status_kib(server.pid, "VmHWM"), loadavg()
            for spy in spies:
                spy.wait(timeout=60)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)

        records = json.loads(Path(plan.tally_path).read_text())
        rows, window = endpoint_rows(records)
        checks = identify_checks(records)
        log_after = log_verify(db_url)
        audits_again = world.expect_audits(db_url)
        ledger_same = [a.answer for a in audits_again] == [a.answer for a in plan.audits]

        print(
            f"\n{args.clients} clients, {args.duration} s, no think time; {len(records)} requests answered in "
            f"{window:.1f} s (locust ran {wall:.1f} s, exit {locust_exit})\n"
        )
        print("| endpoint | requests | failures | wrong answers | throughput | p50 | p95 | p99 | max |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| `{r['endpoint']}` | {r['requests']} | {r['failures']} | {r['wrong']} | {r['rps']:.1f} req/s "
                f"| {r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['p99']:.0f} ms | {r['max']:.0f} ms |"
            )
        total = sum(r["requests"] for r in rows)
        print(
            f"| all | {total} | {sum(r['failures'] for r in rows)} | | {total / window:.1f} req/s | | | | |"
        )
        print(
            f"\nserver: {server_cpu:.1f} s CPU in {wall:.1f} s ({server_cpu / wall:.0%} of one core), "
            f"RSS {rss_idle / 1024:.0f} MiB idle, peak {rss_peak / 1024:.0f} MiB; "
            f"locust: {client_cpu:.1f} s CPU; load average {load_before:.2f} -> {load_after:.2f} "
            f"({os.cpu_count()} CPUs)"
        )
        for what, (ok, n) in checks.items():
            print(f"identify: {what}: {ok}/{n}")
        print(
            f"ledger: log verify ok={log_after['ok']} (exit {log_after['exit']}), entries "
            f"{log_before['entries']} -> {log_after['entries']}; audits after the load equal those before: "
            f"{ledger_same}"
        )
        errors = [e for e in {r["error"] for r in records} if e]
        for e in sorted(errors)[:10]:
            print(f"error: {e}")
        if args.profile:
            print(f"\nwhere the server's time went (py-spy, {args.profile}):")
            print(summarise(args.profile))
            held = sum(read_stacks(gil_file(args.profile)).values()) / (SPY_RATE * args.duration)
            print(
                f"the GIL was held in {held:.0%} of py-spy's {SPY_RATE} Hz ticks ({gil_file(args.profile)})"
            )
        passed = (
            all(r["failures"] == 0 for r in rows)
            and all(ok == n for ok, n in checks.values())
            and log_after["ok"]
            and log_after["entries"] == log_before["entries"]
            and ledger_same
        )
        print("\nPASS" if passed else "\nFAIL")
        return 0 if passed else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
