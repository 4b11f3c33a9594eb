"""Fixed costs every instructor's command pays, each against a raw baseline in the same run.

    python benchmarks/bench_records.py [--sessions 10000] [--runs 3]

Builds a records database of N graded conversations (one graded log saved N times, as
`roleplay grade --save` stores them), then times, as fresh processes (Python's start-up is in
both sides of every ratio), the median of ``--runs``:

* ``roleplay list`` (parse and check the shipped content) against parsing the same YAML files
  with libyaml and nothing else;
* ``roleplay history`` against reading the same rows with the sqlite3 module and printing them;
* ``roleplay export --turns`` as CSV and as xlsx against dumping the sessions and turns tables to
  CSV with the sqlite3 and csv modules.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARSE_YAML = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*/*.yaml")):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""

READ_ROWS = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute("SELECT id, started_at, trainee, cohort, scenario_title, mode, outcome, total, passed FROM sessions"):
    print(*row)
"""

DUMP_CSV = """
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for table in ("sessions", "turns"):
    with open(f"{sys.argv[2]}.{table}.csv", "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        cursor = db.execute(f"SELECT * FROM {table}")
        writer.writerow(d[0] for d in cursor.description)
        writer.writerows(cursor)
"""

LOG = {"id": "c1", "scenario": "air_fryer_fab", "turns": [
    {"role": "customer", "text": "在吗？这个炸锅好在哪？", "at": 0},
    {"role": "agent", "text": "亲，您好！这款采用360°热风循环技术，不用翻面，您全家吃得更健康。", "at": 6},
    {"role": "customer", "text": "多大容量？", "at": 20},
    {"role": "agent", "text": "5L的，一家三四口够用，今天下单还送硅胶垫哦", "at": 31},
    {"role": "customer", "text": "能便宜点吗", "at": 40},
    {"role": "agent", "text": "爱买不买", "at": 90},
]}  # fmt: skip


def build(db: Path, sessions: int) -> None:
    """``sessions`` graded conversations, over five trainees in two cohorts."""
    from roleplay.content.library import load_library
    from roleplay.grade import grade_text
    from roleplay.records.store import Store

    library = load_library(env="")
    [result], _ = grade_text(json.dumps(LOG, ensure_ascii=False), library)
    with Store.open(db) as store:
        for start in range(0, sessions, 500):
            for trainee in range(5):
                batch = [({**result, "id": f"c{n}"}, "空气炸锅卖点咨询", 60.0) for n in range(start, start + 100)]
                store.save_graded_batch(batch, trainee=f"学员{trainee}", cohort=f"{trainee % 2 + 1}班", source_file="bench")


def timed(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall seconds of ``command`` (output thrown away)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python, roleplay = sys.executable, [sys.executable, "-m", "roleplay"]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "records.db"
        build(db, args.sessions)
        env = {**os.environ, "ROLEPLAY_DB": str(db), "ROLEPLAY_PATH": ""}
        out = str(Path(folder) / "out")
        rows = [
            ("roleplay list", timed([*roleplay, "list"], args.runs, env),
             "libyaml parse", timed([python, "-c", PARSE_YAML, str(ROOT)], args.runs, env)),
            (f"roleplay history ({args.sessions:,})", timed([*roleplay, "history"], args.runs, env),
             "sqlite3 rows printed", timed([python, "-c", READ_ROWS, str(db)], args.runs, env)),
        ]  # fmt: skip
        raw = timed([python, "-c", DUMP_CSV, str(db), out], args.runs, env)
        for format in ("csv", "xlsx"):
            command = [*roleplay, "export", "--turns", "--format", format, "-o", f"{out}.{format}"]
            rows.append((f"export --turns {format}", timed(command, args.runs, env), "sqlite3 -> csv dump", raw))
    print(f"{'command':<28} {'s':>6}   {'baseline':<22} {'s':>6}  ratio")
    for name, seconds, baseline, base_seconds in rows:
        print(f"{name:<28} {seconds:6.2f}   {baseline:<22} {base_seconds:6.2f}  {seconds / base_seconds:5.1f}x")


if __name__ == "__main__":
    main()
