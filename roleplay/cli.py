"""Command line entry point: builds the parser from the command modules and dispatches."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from roleplay import __version__, environment
from roleplay.commands import authoring, core, evaluate, grade, records, serve
from roleplay.errors import RoleplayError

#: Command groups, each contributing sub-commands through ``register(commands, common)``.
COMMAND_GROUPS = (core, grade, records, evaluate, authoring, serve)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content",
        action="append",
        type=content_folder,
        default=[],
        metavar="DIR",
        help="extra content folder with personas/, scenarios/, rubrics/ (repeatable; also ROLEPLAY_PATH)",
    )
    parser = argparse.ArgumentParser(
        prog="roleplay", description="电商售前客服情景对练 — pre-sales customer-service role-play trainer"
    )
    parser.add_argument("--version", action="version", version=f"roleplay {__version__}")
    parser.add_argument(
        "--content",
        dest="ui_content",
        action="append",
        type=content_folder,
        default=[],
        metavar="DIR",
        help="extra content folder for the UI started without a command (repeatable)",
    )
    parser.add_argument(
        "--room", action="store_true",
        help="the UI as one tab of a training room (roleplay serve): no trainee's name is remembered for the next",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands, common)
    return parser


def content_folder(text: str) -> str:
    """``--content``: an existing content folder (argparse says what is wrong with any other)."""
    from roleplay.content.library import content_dir_problem

    problem = content_dir_problem(Path(text))
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    with _shown_output():  # argparse's errors quote what was given: shown, not obeyed
        args = parser.parse_args(argv)
        refused = _not_utf8(parser, args)
        if refused:
            print(f"roleplay: {refused}", file=sys.stderr)
            return 2
    _strict_stdin()
    _warn_about_env_dirs()
    if args.command is None:
        from roleplay.tui.run import run_tui, wants_ui

        if wants_ui():
            return run_tui(args.ui_content, remember=not args.room)
        parser.print_help()
        return 0
    # `roleplay --content DIR grade …` means the same as `roleplay grade --content DIR …`
    args.content = [*args.ui_content, *args.content]
    with _shown_output():
        try:
            return args.handler(args)
        except BrokenPipeError:
            return _reader_went_away()
        except KeyboardInterrupt:
            print("\n已中断。", file=sys.stderr)
            return 130
        except RoleplayError as exc:
            print(f"roleplay: {exc}", file=sys.stderr)
            return exc.exit_status


@contextmanager
def _shown_output() -> Iterator[None]:
    """Commands print through streams that show control characters instead of obeying them (the
    app draws on its own stream, untouched)."""
    from roleplay.text.safe import ShownStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ShownStream(out), ShownStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _not_utf8(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """Why an argument cannot be used, if one is not UTF-8 text (else None), naming the option.

    Python reads bytes that are not UTF-8 (GBK from an old terminal) as lone surrogates, which
    fail only where the text is printed or stored, after the work is done (``grade --save`` lost
    its graded output). So they are refused here, before anything is read or written.
    """
    for action in _arguments(parser, args):
        for value in _texts(getattr(args, action.dest, None)):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                name = max(action.option_strings, key=len, default=action.metavar or action.dest.upper())
                given = repr(os.fsencode(value))[2:-1]
                return (
                    f"{name} 不是 UTF-8 文本（收到 {given}，可能来自 GBK 等编码的终端），"
                    "未做任何处理；请改用 UTF-8：文字可先用 iconv -f GBK -t UTF-8 转换，文件名可用 convmv 改名"
                )
    return None


def _arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Iterator[argparse.Action]:
    """The parser's arguments and those of the command chosen in ``args`` (argparse lists them
    only in ``_actions``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(args, action.dest, None) or "")
            if chosen is not None:
                yield from _arguments(chosen, args)
        else:
            yield action


def _texts(value: object) -> Iterator[str]:
    """The text in an argument's value: a string or path, or each of a list of them."""
    if isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, str | os.PathLike):
        yield os.fspath(value)


def _warn_about_env_dirs() -> None:
    """Folders in ROLEPLAY_PATH that are not content folders: said on every run (they add nothing).

    The content modules are imported only when the variable is set, so the UI's first screen
    does not wait for them.
    """
    if not environment.read().path:
        return
    from roleplay.content.library import env_dir_problems

    for problem in env_dir_problems():
        print(f"roleplay: warning: {problem}", file=sys.stderr)


def _strict_stdin() -> None:
    """Bytes on stdin that are not text fail where they are read, with a message.

    Under a C or UTF-8 locale Python would smuggle them in as surrogates, which only fail deep
    inside the text normalisation (OpenCC) with a traceback.
    """
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="strict")


def _reader_went_away() -> int:
    """stdout's reader closed the pipe (``roleplay … | head``): stop quietly, no traceback.

    Python would try to flush stdout again at exit and fail once more, so stdout is pointed at
    the null device first (the pattern the Python docs give for SIGPIPE).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (replaced in-process)
        pass
    return 1
