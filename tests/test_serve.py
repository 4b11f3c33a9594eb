"""`roleplay serve`: the training room. The page a browser opens, one app per tab over its
websocket (each its own trainee: no name carried from the last tab), and a clear error when the
port is taken."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from cli_helpers import err, rp
from tui_helpers import make_app, settle

from roleplay.text.segment import cache_dir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def room(tmp_path):
    """A room on a free port, with its own records and a settings file a previous trainee left."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"trainee": "上一位学员"}, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    environment = {**os.environ, "ROLEPLAY_PATH": "", "ROLEPLAY_CONFIG_DIR": str(config), "ROLEPLAY_CACHE_DIR": str(cache_dir())}
    server = subprocess.Popen(
        [sys.executable, "-m", "roleplay", "serve", "--port", str(port), "--db", str(tmp_path / "room.db")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, cwd=tmp_path,
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


async def page(url: str) -> str:
    """The room's page, once the server answers (it takes a moment to start)."""
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as response:
                    return await response.text()
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def tab_screen(url: str, marker: str) -> str:
    """What one browser tab's app draws (escape codes dropped) until ``marker`` shows."""
    drawn = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url.replace("http", "ws") + "/ws?width=100&height=30") as socket_:
            deadline = time.monotonic() + 60
            while marker.encode() not in drawn and time.monotonic() < deadline:
                message = await socket_.receive(timeout=60)
                if message.type != aiohttp.WSMsgType.BINARY:
                    break
                drawn += message.data
    return re.sub(r"\x1b\[[0-9;?$]*[A-Za-z]", "", drawn.decode("utf-8", "replace"))


async def test_each_tab_of_the_room_is_its_own_app_for_a_new_trainee(room):
    assert "<div>客服情景对练</div>" in await page(room)  # the room's name on the page before the app starts
    first, second = await asyncio.gather(tab_screen(room, "学员姓名"), tab_screen(room, "学员姓名"))
    for screen in (first, second):
        assert "学员姓名" in screen and "f5 练习记录" in screen
        assert "上一位学员" not in screen  # the next tab is another trainee


async def test_a_room_tab_remembers_no_name_for_the_next(tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"trainee": "上一位学员"}, ensure_ascii=False), encoding="utf-8")
    app = make_app(tmp_path, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#trainee").value == ""
        app.remember(trainee="小王")
    assert json.loads(settings.read_text(encoding="utf-8"))["trainee"] == "上一位学员"


def test_a_taken_port_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = rp("serve", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1
    assert f"roleplay: cannot listen on 127.0.0.1:{port}: " in err(result) and "address already in use" in err(result)


def test_the_port_is_a_port(tmp_path):
    result = rp("serve", "--port", "70000", cwd=tmp_path)
    assert result.returncode == 2 and "must be from 1 to 65535" in err(result)


def test_the_tabs_start_this_roleplay_with_the_rooms_content(tmp_path):
    from roleplay.commands.serve import app_command

    command = app_command([str(tmp_path / "my shop")])
    assert command.startswith(sys.executable) and "-m roleplay --room --content" in command
    assert f"'{Path(tmp_path / 'my shop').resolve()}'" in command  # quoted for the shell
