"""Grading at volume: wall time, peak memory and the speed-up of more processes, in one run.

    python benchmarks/bench_volume.py [--sizes 1000,10000,50000] [--jobs 2]

Writes chat logs of N conversations (each a handful of customer questions and agent replies
drawn from the labelled corpus in tests/data), then for each N runs, as separate processes:

* the baseline: read the file, parse every line and segment every reply with ``jieba.lcut``;
* ``roleplay grade FILE --format jsonl --jobs 1`` and ``--jobs N``, output to /dev/null.

It prints wall seconds, the peak proportional memory (PSS) of the whole process tree (parent and workers,
sampled from /proc every 20 ms; Linux only) and the ratios: grading against the baseline, and
``--jobs N`` against ``--jobs 1``. Aims (issue 14): memory flat from 1k to 50k conversations and
under 200 MB; at least 1.7x from two jobs on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
QUESTIONS = ["在吗", "这个怎么样", "有优惠吗", "什么时候发货", "质量好不好", "能便宜点吗", "适合送人吗", "多大尺寸"]

BASELINE = """
import json, sys, jieba, logging
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        for turn in json.loads(line)["turns"]:
            jieba.lcut(turn["text"])
"""


def write_logs(path: Path, count: int) -> None:
    """``count`` conversations of 2-6 rounds, the same for the same count (a seeded choice)."""
    replies = [json.loads(line)["text"] for line in (DATA / "replies.dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(count)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            turns, at = [], 0
            for _ in range(rng.randint(2, 6)):
                turns.append({"role": "customer", "text": rng.choice(QUESTIONS), "at": at})
                at += rng.randint(3, 40)
                turns.append({"role": "agent", "text": rng.choice(replies), "at": at})
                at += rng.randint(5, 60)
            out.write(json.dumps({"id": number, "scenario": "air_fryer_fab", "turns": turns}, ensure_ascii=False) + "\n")


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the command's whole process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, peak / 1024


def tree_rss(root: int) -> int:
    """Proportional resident KB (PSS) of ``root`` and its descendants, read from /proc: forked
    workers share their parent's pages, and PSS counts a shared page once among its sharers."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            rollup = Path(f"/proc/{entry}/smaps_rollup").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    grade = [sys.executable, "-m", "roleplay", "grade", "--format", "jsonl"]
    print(f"{'conversations':>13} {'baseline s':>10} {'jobs=1 s':>9} {'jobs=' + str(args.jobs) + ' s':>9} "
          f"{'÷baseline':>9} {'speed-up':>8} {'PSS base':>8} {'PSS j1':>7} {'PSS j' + str(args.jobs):>7}")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            logs = Path(folder) / f"logs{size}.jsonl"
            write_logs(logs, size)
            base_s, base_mb = measure([sys.executable, "-c", BASELINE, str(logs)])
            one_s, one_mb = measure([*grade, "--jobs", "1", str(logs)])
            many_s, many_mb = measure([*grade, "--jobs", str(args.jobs), str(logs)])
            print(f"{size:>13} {base_s:>10.1f} {one_s:>9.1f} {many_s:>9.1f} {one_s / base_s:>8.1f}x "
                  f"{one_s / many_s:>7.2f}x {base_mb:>7.0f}M {one_mb:>6.0f}M {many_mb:>6.0f}M")


if __name__ == "__main__":
    main()
