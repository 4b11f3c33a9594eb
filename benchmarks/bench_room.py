"""How many browser tabs one machine's training room holds: memory per tab, in one run.

    python benchmarks/bench_room.py [--tabs 1,4,8]

Starts `roleplay serve` on a free port, opens N tabs (websockets, as a browser does), waits until
each tab's app has drawn its home screen and then for its background loading of the content and
jieba's dictionary (a trainee's first reply is then answered at once), and reads the proportional memory (PSS) of the
server and every tab's app from /proc (Linux). Prints the total and the memory per tab; the
room with no tab open is the baseline. Tabs are opened in a bounded way (all at once, N at most).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import aiohttp
from bench_volume import tree_rss

#: What a tab's home screen shows (its footer) once it is drawn.
READY = "自由对练".encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def open_tab(session: aiohttp.ClientSession, url: str, ready: asyncio.Event) -> None:
    """One tab: draw until the home screen is ready, then stay open until told to close."""
    async with session.ws_connect(url + "/ws?width=110&height=32") as tab:
        drawn = b""
        while READY not in drawn:
            message = await tab.receive(timeout=120)
            if message.type != aiohttp.WSMsgType.BINARY:
                raise RuntimeError(f"the tab closed: {message.type}")
            drawn += message.data
        await asyncio.sleep(8)  # the background loading (content, jieba) finishes
        ready.set()
        await asyncio.sleep(3600)


async def measure(url: str, server_pid: int, tabs: int) -> float:
    async with aiohttp.ClientSession() as session:
        events = [asyncio.Event() for _ in range(tabs)]
        tasks = [asyncio.create_task(open_tab(session, url, event)) for event in events]
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in events)), timeout=600)
        memory = tree_rss(server_pid) / 1024
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.sleep(3)  # the apps of the closed tabs exit
        return memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tabs", default="1,4,8")
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "roleplay", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ROLEPLAY_PATH": ""},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        time.sleep(3)
        empty = tree_rss(server.pid) / 1024
        print(f"room with no tab: {empty:.0f} MB")
        print(f"{'tabs':>5} {'total MB':>9} {'per tab MB':>11}")
        for count in (int(n) for n in args.tabs.split(",")):
            total = asyncio.run(measure(url, server.pid, count))
            print(f"{count:>5} {total:>9.0f} {(total - empty) / count:>11.0f}")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
