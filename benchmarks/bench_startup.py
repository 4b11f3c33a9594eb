"""Start-up of the trainee UI: time from launching Python to an interactive first screen.

    python benchmarks/bench_startup.py [--runs N]

Each run is a fresh interpreter that starts the app headless and records, against the moment
the parent launched it: when the home screen is interactive (mounted and idle), when content
and jieba have finished loading in the background, and then how long one reply takes from
Enter to its feedback on screen. A bare Textual app in the same run is the baseline. Aim: the
first screen within 0.5 s, feedback within 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

PROBE = textwrap.dedent(
    """
    import asyncio, json, sys, time
    launched = float(sys.argv[1])
    {body}
    """
)
APP_BODY = """
from roleplay.tui.app import AppOptions, create_app

out = {}
async def pilot_run(pilot):
    out["interactive_s"] = time.time() - launched
    app = pilot.app
    while not app.ready:
        await pilot.pause(0.01)
    out["content_ready_s"] = time.time() - launched
    home = app.screen
    home.query_one("#trainee").value = "bench"
    home.action_start()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    chat = app.screen
    box = chat.query_one("#reply")
    box.value = "亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，您全家吃得更健康。"
    box.focus()
    await pilot.pause()
    before = len(chat.query(".bubble.agent"))
    start = time.perf_counter()
    box.post_message(box.Submitted(box, box.text))  # what Enter does (pilot.press adds its own ~150 ms wait)
    while len(chat.query(".bubble.agent")) == before or not chat.query(".bubble.agent").last().region:
        await asyncio.sleep(0)
    out["feedback_ms"] = (time.perf_counter() - start) * 1000
    app.exit()

create_app(AppOptions(typing_factor=0, env="")).run(headless=True, auto_pilot=pilot_run)
print(json.dumps(out))
"""
BARE_BODY = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

out = {}
async def pilot_run(pilot):
    out["interactive_s"] = time.time() - launched
    pilot.app.exit()

Bare().run(headless=True, auto_pilot=pilot_run)
print(json.dumps(out))
"""


def run(body: str, config_dir: str) -> dict:
    launched = time.time()
    env = {**os.environ, "ROLEPLAY_CONFIG_DIR": config_dir, "ROLEPLAY_DB": os.path.join(config_dir, "bench.db")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=textwrap.indent(body, "")), str(launched)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    apps, bares = [], []
    with tempfile.TemporaryDirectory() as scratch:  # never touch the user's settings or records
        for _ in range(args.runs):  # alternate, so machine noise affects both alike
            bares.append(run(BARE_BODY, scratch))
            apps.append(run(APP_BODY, scratch))

    def median(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    bare, interactive = median(bares, "interactive_s"), median(apps, "interactive_s")
    print(f"runs: {args.runs} (medians)")
    print(f"bare Textual app interactive : {bare * 1000:7.0f} ms  (baseline)")
    print(f"roleplay home interactive    : {interactive * 1000:7.0f} ms  ({interactive / bare:.2f}x baseline; aim < 500 ms)")
    print(f"content + jieba ready        : {median(apps, 'content_ready_s') * 1000:7.0f} ms  (loaded in a background worker)")
    print(f"reply → feedback on screen   : {median(apps, 'feedback_ms'):7.1f} ms  (aim < 50 ms)")


if __name__ == "__main__":
    main()
