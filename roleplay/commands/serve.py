"""`roleplay serve`: the training room. The app in a web browser, a session of its own per tab.

textual-serve runs one app process per browser tab and streams its screen over a websocket; each
tab is its own trainee, recording to the configured records database like any other practice
session. The room listens on this machine only unless told otherwise (``--host 0.0.0.0``, or
better a reverse proxy in front, with ``--public-url`` the address the browsers use).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from roleplay import environment
from roleplay.commands.core import number_in
from roleplay.commands.records import add_db_option

TITLE = "客服情景对练"


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser(
        "serve", parents=[common], help="the training room: the app in web browsers, a session per tab"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=number_in(int, 1, 65535), default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--public-url", metavar="URL",
        help="the address browsers reach the room at, behind a reverse proxy (e.g. https://peixun.example.com)",
    )  # fmt: skip
    add_db_option(serve)
    serve.set_defaults(handler=cmd_serve)


def app_command(content: list[str]) -> str:
    """The shell command that starts one tab's app: this Python, this roleplay, the same content, as
    a room's tab (the next tab is another trainee: no name is remembered for it)."""
    parts = [sys.executable, "-m", "roleplay", "--room"]
    for folder in content:
        parts += ["--content", str(Path(folder).resolve())]
    return shlex.join(parts)


def cmd_serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    if args.db is not None:  # every tab's app records there (a file by its absolute path)
        db = args.db.resolve() if isinstance(args.db, Path) else args.db
        os.environ[environment.VARIABLES["db"]] = str(db)
    server = Server(app_command(args.content), host=args.host, port=args.port, title=TITLE, public_url=args.public_url)
    print(f"培训教室：{server.public_url}  （每个浏览器标签页是一名学员的练习；Ctrl+C 关闭）", file=sys.stderr)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's…
        print(f"roleplay: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
