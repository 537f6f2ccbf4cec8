"""Where a server's time went, from py-spy's raw (collapsed) stacks: one line per stack, frames from the thread
root to the leaf separated by ';', then the sample count. py-spy samples every thread that is not idle, so a
share is of thread-samples (a thread in NumPy with the GIL released counts too), not of CPU time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

# (stage, substrings that must all be in the stack): the first rule that applies names a sample's stage
STAGES = (
    ("identify: index lookup directory, rebuilt per request", ("_directory (",)),
    ("identify: index open", ("FingerprintIndex.open (",)),
    ("identify: decode the clip", ("decode_file (",)),
    ("identify: peaks and hashes of the clip", ("extract_peaks (",)),
    ("identify: peaks and hashes of the clip", ("query_hashes (",)),
    ("identify: search the index", ("search_samples (",)),
    ("identify: recording titles (ledger load)", ("_identify (", "load_ledger (")),
    ("identify: upload, first-call imports, other", ("routers/identify.py",)),
    ("audit: identities (audio matches, links)", ("identity_resolver (",)),
    ("audit: ledger load", ("load_ledger (",)),
    ("audit: timeline", ("timeline",)),
    ("audit: decisions, views, other", ("routers/platforms.py",)),
    ("token lookup", ("principal (",)),
)
OTHER = "HTTP, event loop, thread hand-offs"


def read_stacks(path: Path) -> Counter:
    stacks: Counter = Counter()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            stacks[stack] += int(count)
    return stacks


def stage_of(stack: str) -> str:
    for stage, marks in STAGES:
        if all(m in stack for m in marks):
            return stage
    return OTHER


def summarise(path: Path, top_leaves: int = 8) -> str:
    stacks = read_stacks(path)
    total = sum(stacks.values()) or 1
    stages: Counter = Counter()
    leaves: Counter = Counter()
    for stack, n in stacks.items():
        stages[stage_of(stack)] += n
        leaves[stack.split(";")[-1]] += n
    lines = [f"{total} thread-samples by stage:"]
    lines += [f"  {n / total:6.1%}  {stage}" for stage, n in stages.most_common()]
    lines.append("busiest leaf frames:")
    lines += [f"  {n / total:6.1%}  {leaf}" for leaf, n in leaves.most_common(top_leaves)]
    return "\n".join(lines)
