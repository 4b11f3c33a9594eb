"""The app in a real terminal: tmux runs `python -m roleplay`, keys are sent, the screen is read.

Skipped where tmux is not installed (.ci/run installs it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux session of a fixed size, running a command."""

    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int] = (100, 30)) -> None:
        self.name = f"roleplay-test-{uuid.uuid4().hex[:8]}"
        exports = [f"{key}={value}" for key, value in env.items()]
        # A tmux server started from pytest hands its panes COLUMNS=80 LINES=24 (seen in CI, not set
        # by this project); Textual would take them over the pane's real size, so they are unset.
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
             "env", "-u", "COLUMNS", "-u", "LINES", *exports, *command],
            check=True,
        )  # fmt: skip

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, text], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=False
        ).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    env = {
        "ROLEPLAY_CONFIG_DIR": str(tmp_path / "config"),
        "ROLEPLAY_DB": str(tmp_path / "records.db"),
        "ROLEPLAY_PATH": "",
        "TERM": "xterm-256color",
    }
    term = Terminal([sys.executable, "-m", "roleplay", "play", "--scenario", "air_fryer_fab", "--seed", "2"], env)
    yield term
    term.close()


def test_a_session_in_a_real_terminal(terminal):
    terminal.wait_for("题库已就绪")
    terminal.type("终端测试")
    terminal.send("Enter")  # the name is in: focus moves to the scenario cards
    time.sleep(0.5)  # as a person would, before the next key
    terminal.send("Enter")  # the air fryer card is highlighted (--scenario)
    terminal.wait_for("练习模式 —", timeout=10)  # the chat screen's title
    terminal.wait_for("这个炸锅", timeout=15)  # the customer's question, after its typing delay
    terminal.type("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，您全家吃得更健康。")
    terminal.send("Enter")
    screen = terminal.wait_for("本句 100 分")
    assert "FAB话术：F/A/B" in screen and "心情" in screen
    terminal.send("Escape")
    terminal.wait_for("结束本次练习并查看成绩")  # it asks first
    terminal.send("Enter")
    report = terminal.wait_for("成绩报告")
    assert "结果：未完成" in report and "逐句复盘" in report
    terminal.send("C-q")
