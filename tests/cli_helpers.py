"""Running roleplay as a user does, in a process of its own (shared by the command-line tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from roleplay.text.segment import cache_dir

#: Seconds to allow a command that fits the rubric's models from scratch (an empty cache): about a
#: minute on a 2-core machine with the 11382-reply development part, and more when other work
#: shares the cores (CI runs the suite beside nothing, a developer often beside something).
FITTING = 300


def rp(*args: str, cwd: Path, stdin: str | bytes = "", timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """``python -m roleplay ARGS`` in ``cwd`` with its own records database and config folder.

    The cache is this test process's (the rubric's models fitted once, not in every command: a
    fitting takes many seconds); ``ROLEPLAY_CACHE_DIR=""`` gives the command its own in ``cwd``."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "NO_COLOR": "1",
        "ROLEPLAY_PATH": "",
        "ROLEPLAY_DB": str(cwd / "records.db"),
        "ROLEPLAY_CONFIG_DIR": str(cwd / "config"),
        "ROLEPLAY_CACHE_DIR": str(cache_dir()),
        "XDG_CACHE_HOME": str(cwd / "cache"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "roleplay", *args],
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        capture_output=True, timeout=timeout, cwd=cwd, env=environment,
    )  # fmt: skip


def out(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8")


def err(result: subprocess.CompletedProcess) -> str:
    """stderr, which must never hold a Python traceback."""
    text = result.stderr.decode("utf-8")
    assert "Traceback" not in text, text
    return text


LOG = {"id": "c1", "scenario": "air_fryer_fab", "turns": [
    {"role": "customer", "text": "在吗?这个炸锅好在哪?", "at": 0},
    {"role": "agent", "text": "亲,您好!这款采用360°热风循环技术,不用翻面,您全家吃得更健康。", "at": 6},
]}  # fmt: skip


def chat_logs(cwd: Path, count: int = 1, name: str = "logs.jsonl") -> Path:
    path = cwd / name
    lines = [json.dumps({**LOG, "id": f"c{n}"}, ensure_ascii=False) for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
