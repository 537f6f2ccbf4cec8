"""Peak memory of identify, scan and fp add against the length of the audio: it should not grow with the file.

    .venv/bin/python bench/fingerprint/memory.py [--minutes 1,10,60,180,600] [--kinds opus-silence,...]
        [--ops identify,scan,add] [--index-hours 0] [--work /tmp/songclear-memory]

Inputs are generated with PyAV into ``--work`` (kept between runs): Opus (48 kHz mono at 6 kb/s, so 3 h is about
8 MB, like the upload of issue 10) and FLAC (22.05 kHz mono), each silent or "signal": synthetic songs
(``synth_music``), a new one every minute, one minute in ten being one of the three indexed references (so a scan
finds, merges and draws evidence for a registered recording every ten minutes).

Every measurement runs in a fresh process, so its peak RSS (``VmHWM``) is that operation's alone (CPU: the
process's user + system time for the operation, which a loaded machine does not inflate as it does wall time):

* ``identify`` — ``search_clips`` (what ``songclear identify`` and ``POST /identify`` call) with the default cap
  (``--max-seconds``); a file over the cap is refused once the cap is passed, after decoding only that much;
* ``identify-uncapped`` — the same with the cap raised past the file (how much an analysed minute costs);
* ``scan`` — ``scan_track`` (what each worker of ``songclear scan`` runs: decode, match, evidence pictures);
* ``add`` — ``fingerprint_file`` (what each worker of ``songclear fp add`` runs).

The index holds the three references; ``--index-hours H`` adds about H hours of filler (fingerprints of three
distinct 20-minute synthetic songs added again under new ids, as bench/fingerprint/latency.py does), so that a
search meets as many index entries as against a catalogue of that size: what an identify at the cap costs grows
with the catalogue, which is why a long query is looked up in chunks (docs/fingerprint.md, Search).

The baseline row (``python -c "import the engine"``) is the interpreter with NumPy, SciPy, PyAV and Numba loaded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np

OPUS_RATE, FLAC_RATE = 48000, 22050
PIECE_S = 60
REFERENCES = (0, 1, 2)  # seeds of the indexed references; pieces cycle through 30 seeds
CYCLE = 30


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", default="1,10,60,180,600")
    ap.add_argument("--kinds", default="opus-silence,opus-signal,flac-silence,flac-signal")
    ap.add_argument("--ops", default="identify,scan,add")
    ap.add_argument("--max-seconds", type=float, default=None, help="identify cap (default: the engine's)")
    ap.add_argument("--index-hours", type=float, default=0.0, help="filler hours in the index")
    ap.add_argument("--work", type=Path, default=Path("/tmp/songclear-memory"))
    ap.add_argument("--measure", nargs=3, metavar=("OP", "FILE", "INDEX"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure, max_seconds=args.max_seconds)))
        return
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    index = build_index(work, args.index_hours)
    base = run_child(["-c", BASELINE])
    print(f"baseline (interpreter + engine imported): {base['peak_rss_mib']:.0f} MiB\n")
    print("| input | audio | file size | operation | peak RSS | CPU | wall | result |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in args.kinds.split(","):
        for minutes in (float(m) for m in args.minutes.split(",")):
            path = make_input(work, kind, minutes)
            size = path.stat().st_size / 2**20
            for op in args.ops.split(","):
                extra = ["--max-seconds", str(args.max_seconds)] if args.max_seconds else []
                if op == "identify-uncapped":
                    extra = ["--max-seconds", str(minutes * 60 + 60)]
                r = run_child([__file__, *extra, "--measure", op, str(path), str(index)])
                print(
                    f"| {kind} | {_duration(minutes)} | {size:.1f} MiB | {op} | {r['peak_rss_mib']:.0f} MiB "
                    f"| {r['cpu_s']:.1f} s | {r['wall_s']:.1f} s | {r['result']} |",
                    flush=True,
                )


BASELINE = (
    f"import json, sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import memory,"
    " songclear.fingerprint, songclear.jobs.scan, songclear.app.fingerprints;"
    " print(json.dumps({'peak_rss_mib': memory.peak_rss_mib()}))"
)


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM: per address space, so not inherited from the parent like ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc/self/status")


def run_child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"measurement failed: {args}\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(op: str, path: str, index_path: str, *, max_seconds: float | None) -> dict:
    """Run one operation in this (fresh) process; its peak RSS is the process's."""
    import inspect

    from songclear.app.fingerprints import search_clips
    from songclear.fingerprint import FingerprintIndex, fingerprint_file
    from songclear.jobs.scan import ScanTask, scan_track

    index = FingerprintIndex.open(index_path, create=False)
    refs = tuple((f"REF{s}", str(Path(index_path).parent / f"ref-{s}.flac")) for s in REFERENCES)
    t0, c0 = time.perf_counter(), time.process_time()
    if op.startswith("identify"):
        kwargs = {}
        if "max_seconds" in inspect.signature(search_clips).parameters and max_seconds is not None:
            kwargs["max_seconds"] = max_seconds
        (r,) = search_clips(index, [Path(path)], **kwargs)
        result = r.error.split(": ", 1)[-1][:60] if r.error else f"{len(r.matches)} matches"
    elif op == "scan":
        out = scan_track(ScanTask("bench", "t1", path, index_path, refs, True))
        pictures = sum(p is not None for p in out.evidence)
        result = out.error[:60] if out.error else f"{len(out.matches)} segments, {pictures} pictures"
    elif op == "add":
        try:
            fp = fingerprint_file(path)
            result = f"{fp.hashes.size} hashes"
        except Exception as e:  # noqa: BLE001 - report, whatever it is
            result = f"{type(e).__name__}"
    else:
        raise SystemExit(f"unknown operation {op}")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "peak_rss_mib": peak_rss_mib(),
        "cpu_s": cpu,
        "wall_s": wall,
        "result": result,
    }


def build_index(work: Path, filler_hours: float = 0.0) -> Path:
    from songclear.fingerprint import ENGINE_RATE, FingerprintIndex, fingerprint_file, synth_music
    from songclear.fingerprint.index import fingerprint_samples

    index = work / ("index" if not filler_hours else f"index-{filler_hours:g}h")
    if (index / "manifest.json").exists():
        return index
    work.mkdir(parents=True, exist_ok=True)
    with FingerprintIndex.open(index) as idx:
        for seed in REFERENCES:
            ref = work / f"ref-{seed}.flac"
            if not ref.exists():
                write_audio(ref, "flac", FLAC_RATE, iter([_piece(seed, FLAC_RATE)]))
            idx.add(f"REF{seed}", fingerprint_file(ref))
        if filler_hours:
            filler = [fingerprint_samples(synth_music(500 + i, 1200.0, rate=ENGINE_RATE)) for i in range(3)]
            for k in range(int(filler_hours * 3)):
                idx.add(f"FILLER{k:05d}", filler[k % 3])
    return index


def make_input(work: Path, kind: str, minutes: float) -> Path:
    fmt, content = kind.split("-")
    path = work / f"{content}-{minutes:g}min.{fmt}"
    if path.exists():
        return path
    rate = OPUS_RATE if fmt == "opus" else FLAC_RATE
    codec = "libopus" if fmt == "opus" else "flac"
    total = int(minutes * 60 * rate)

    def pieces():
        done, n = 0, 0
        while done < total:
            size = min(PIECE_S * rate, total - done)
            if content == "silence":
                yield np.zeros(size, np.float32)
            else:
                seed = REFERENCES[(n // 10) % len(REFERENCES)] if n % 10 == 5 else 100 + n % CYCLE
                yield _piece(seed, rate)[:size]
            done += size
            n += 1

    tmp = path.with_suffix(".part" + path.suffix)
    write_audio(tmp, codec, rate, pieces())
    tmp.rename(path)
    return path


_PIECES: dict[tuple[int, int], np.ndarray] = {}


def _piece(seed: int, rate: int) -> np.ndarray:
    from songclear.fingerprint import synth_music

    if (seed, rate) not in _PIECES:
        _PIECES[seed, rate] = synth_music(seed, PIECE_S, rate=rate)
    return _PIECES[seed, rate]


def write_audio(path: Path, codec: str, rate: int, pieces) -> None:
    with av.open(str(path), "w", format="ogg" if codec == "libopus" else None) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        if codec == "libopus":
            stream.bit_rate = 6000
        fmt = stream.codec_context.format.name
        resampler = av.AudioResampler(format=fmt, layout="mono", rate=rate)
        pts = 0
        for x in pieces:
            for i in range(0, x.size, 4800):
                frame = av.AudioFrame.from_ndarray(x[None, i : i + 4800], format="flt", layout="mono")
                frame.sample_rate, frame.pts = rate, pts
                pts += frame.samples
                for f in resampler.resample(frame):
                    for packet in stream.encode(f):
                        container.mux(packet)
        for f in resampler.resample(None):
            for packet in stream.encode(f):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def _duration(minutes: float) -> str:
    return f"{minutes:g} min" if minutes < 60 else f"{minutes / 60:g} h"


if __name__ == "__main__":
    main()
