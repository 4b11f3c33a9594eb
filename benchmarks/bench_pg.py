"""Turns written per second into the records, on SQLite and on PostgreSQL, by concurrent writers.

    python benchmarks/bench_pg.py [--pg postgresql://…] [--writers 1 2 4 8] [--turns 250]

Each writer is a process with its own ``Store``, as each trainee's app (or each tab of the browser
room) is. The processes start once and play one session to have real turns to write; then, for
each run, the chosen writers open the database and, all at once, every writer records sessions through ``SessionRecorder`` — the session's row, the
customer's opening, one committed transaction per turn, the end — until it has written
``--turns`` turns. The figure is all writers' turns over the wall time from the first writer's
start to the last one's end: the records' own cost, scoring left out (a trainee sends a reply
every 10–30 seconds, so this is how many typing trainees one database keeps up with, times 10–30).

PostgreSQL is measured when ``--pg`` (or ``ROLEPLAY_TEST_PG``) names a server; the writers use a
schema of their own there, dropped at the end. Bounded: with the defaults, under a minute on two
cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

WRITER = """
import json, sys, time
from pathlib import Path
from roleplay.content.library import load_library
from roleplay.engine.session import Session
from roleplay.records.backend import location
from roleplay.records.store import Store

name = sys.argv[1]
library = load_library(env="")
scenario = library.scenario("air_fryer_fab")
session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), 1)
opening = session.start()
turns = [session.reply(text, 6) for text in ("亲，在的", "容量是5L，一家三四口完全够用。", "您好，请问您平时几个人用？") * 3
         if not session.ended]
report = session.report()
print("prepared", flush=True)
for line in sys.stdin:  # one run: {"db", "go", "turns"}
    run = json.loads(line)
    go = Path(run["go"])
    with Store.open(location(run["db"])) as store:
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.001)
        start, written = time.time(), 0
        while written < run["turns"]:
            recorder = store.start_session(session, trainee=name, mode="practice", source="plain")
            recorder.customer(opening)
            for turn in turns[: run["turns"] - written]:
                recorder.turn(turn)
                written += 1
            recorder.finish(report)
    print(json.dumps({"start": start, "end": time.time(), "turns": written}), flush=True)
"""


class Writers:
    """Writer processes, started once (content, rubric and a played session ready) for every run."""

    def __init__(self, count: int) -> None:
        env = {**os.environ, "ROLEPLAY_PATH": ""}
        self.processes = [
            subprocess.Popen([sys.executable, "-c", WRITER, f"写手{n}"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)  # fmt: skip
            for n in range(count)
        ]
        for process in self.processes:
            self._expect(process, "prepared")

    def run(self, db: str, writers: int, turns: int, folder: Path) -> float:
        """Turns per second of ``writers`` of them writing ``turns`` each into ``db`` at once."""
        go = folder / f"go-{uuid.uuid4().hex}"
        chosen = self.processes[:writers]
        for process in chosen:
            process.stdin.write(json.dumps({"db": db, "go": str(go), "turns": turns}) + "\n")
            process.stdin.flush()
        for process in chosen:
            self._expect(process, "ready")
        go.touch()
        results = [json.loads(self._expect(process)) for process in chosen]
        elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
        return sum(r["turns"] for r in results) / elapsed

    @staticmethod
    def _expect(process: subprocess.Popen, word: str | None = None) -> str:
        line = process.stdout.readline().strip()
        if not line or (word and line != word):
            raise SystemExit(f"a writer failed (said {line!r})")
        return line

    def close(self) -> None:
        for process in self.processes:
            process.stdin.close()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=os.environ.get("ROLEPLAY_TEST_PG", ""), help="a PostgreSQL server's URL")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--turns", type=int, default=500, help="turns each writer writes")
    args = parser.parse_args()
    figures: dict[str, list[float]] = {}
    writers = Writers(max(args.writers))
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            files = [str(folder / f"records-{n}.db") for n in args.writers]
            figures["SQLite (WAL)"] = [writers.run(db, n, args.turns, folder) for db, n in zip(files, args.writers)]
            if args.pg:
                figures["PostgreSQL"] = postgres_figures(writers, args.pg, args.writers, args.turns, folder)
            else:
                print("PostgreSQL: no server (--pg or ROLEPLAY_TEST_PG), not measured", file=sys.stderr)
    finally:
        writers.close()
    print(f"turns written per second, {args.turns} turns per writer")
    print(f"{'backend':<14}" + "".join(f"{f'{n} writer' + ('s' if n > 1 else ''):>12}" for n in args.writers))
    for backend, rates in figures.items():
        print(f"{backend:<14}" + "".join(f"{rate:12.0f}" for rate in rates))


def postgres_figures(writers: Writers, url: str, counts: list[int], turns: int, folder: Path) -> list[float]:
    """One fresh schema per run, dropped afterwards."""
    import psycopg
    from records_helpers import pg_in_schema

    rates = []
    for count in counts:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            rates.append(writers.run(pg_in_schema(url, schema), count, turns, folder))
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return rates


if __name__ == "__main__":
    main()
