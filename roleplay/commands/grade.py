"""`roleplay grade`: score real chat logs with the practice rubric, at any volume.

The logs stream through: each batch of transcripts is read, graded (on every core), saved when
asked, then written, so memory stays flat from a hundred conversations to a million and the output
follows the input's order whatever the number of workers. Saving comes before writing: a closed or
unwritable output never costs the records a conversation that was graded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from roleplay.commands.core import _library, content_id, number_in, stdin_not_text
from roleplay.commands.records import add_db_option

if TYPE_CHECKING:
    from collections.abc import Callable

    from roleplay.content.jsonl import LineError
    from roleplay.content.library import Library

#: Conversations saved per transaction with ``--save``: a crash loses at most this many.
SAVE_BATCH = 200
#: Bytes of output gathered before they are written.
WRITE_BUFFER = 1 << 16
#: A run that has taken this long on a terminal gets a progress bar (short runs stay quiet).
PROGRESS_AFTER_S = 1.0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from roleplay.grade import MAX_LINE_BYTES, MAX_TEXT_CHARS

    grade = commands.add_parser(
        "grade", parents=[common], help="score real chat logs (JSON Lines)",
        description="Score real chat logs with the practice rubric. Any size is graded in constant memory "
        f"on every core; a line is at most {MAX_LINE_BYTES // 1024:,} KB and a message at most "
        f"{MAX_TEXT_CHARS:,} characters (longer ones are errors for their line, the rest is graded).",
    )  # fmt: skip
    grade.add_argument("file", metavar="FILE.jsonl", help="transcripts, one per line ('-' for stdin)")
    grade.add_argument("--rubric", type=content_id, metavar="ID", help="rubric id (default: the scenario's, else default)")
    grade.add_argument(
        "--product", type=content_id, metavar="ID",
        help="the product card (products/ID.yaml) every conversation is about: replies are checked against "
        "it (default: each line's product, else its scenario's card)",
    )  # fmt: skip
    grade.add_argument(
        "--format", choices=["json", "jsonl", "table"], default="json",
        help="json: one array; jsonl: one result per line, for big files and pipes; table: a summary",
    )  # fmt: skip
    grade.add_argument("--pretty", action="store_true", help="with --format json: indented for reading")
    grade.add_argument(
        "--jobs", type=number_in(int, 1), metavar="N", default=None,
        help="processes grading at once (default: every core); the output is the same for any N",
    )  # fmt: skip
    grade.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of stdout")
    grade.add_argument(
        "--save", action="store_true",
        help=f"also store the results in the records (real conversations), committed every {SAVE_BATCH} "
        f"conversations: a crash loses at most the last {SAVE_BATCH}",
    )  # fmt: skip
    grade.add_argument("--trainee", metavar="NAME", default="", help="with --save: whose conversations these are")
    grade.add_argument("--cohort", metavar="NAME", default="", help="with --save: the trainee's cohort (班组)")
    add_db_option(grade)
    grade.set_defaults(handler=cmd_grade)


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade, then save, then write, batch by batch (see the module's docstring)."""
    from roleplay.grade import LogReader, NotText, grade_lines
    from roleplay.parallel import available_cores

    problem = _output_clash(args) or _option_clash(args)
    if problem:
        print(f"roleplay: {problem}", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        stream = _open_logs(args.file, stack)
        if stream is None:
            return 1
        library = _library(args, quiet=True)
        if args.rubric:
            library.rubric(args.rubric)  # fail early on an unknown rubric
        if args.product:
            library.product(args.product)  # ...and an unknown card
        reader = LogReader(stream)
        output = Output(args.output, args.format, args.pretty, library)
        saver = Saver(args, library, stack) if args.save else None
        progress = stack.enter_context(Progress(_size(args.file), lambda: reader.bytes_read))
        # Written JSON is serialised by the workers; what is saved or tabled comes back whole.
        finish = None if args.save or args.format == "table" else partial(json_bytes, pretty=args.pretty)
        graded = grade_lines(
            reader, library, args.rubric, args.product, jobs=args.jobs or available_cores(), finish=finish
        )
        run = Run(output, saver, progress.say, args.file)
        try:
            for _, item in graded:
                run.take(item)
                progress.tick(run.graded)
                if run.stopped:
                    break
        except NotText as exc:
            run.refused = True
            where = f"roleplay: {stdin_not_text()}" if args.file == "-" else f"{args.file}:{exc.line}:{exc.col}: {exc}"
            print(where, file=sys.stderr)
            return 1
        finally:
            run.finish()
    return run.status()


class Run:
    """One grading run's bookkeeping: results to save and write, errors to report, what to say at
    the end."""

    def __init__(self, output: Output, saver: Saver | None, say: Callable[[str], None], file: str) -> None:
        self.output, self.saver, self.say, self.file = output, saver, say, file
        self.graded = self.errors = 0
        self.refused = False  # the whole input is not text: said once, nothing else to say
        self._waiting: list[dict[str, Any] | bytes] = []  # graded, not yet saved and written

    @property
    def stopped(self) -> bool:
        """Nothing more can come of grading: the output is gone and nothing is being saved."""
        return self.output.failed and self.saver is None

    def take(self, item: dict[str, Any] | bytes | LineError) -> None:
        """A result (or its JSON, serialised by a worker), or what is wrong with a line."""
        if not isinstance(item, (dict, bytes)):
            self.errors += 1
            self.say(item.located(self.file))
            return
        self.graded += 1
        self._waiting.append(item)
        if self.saver is None or len(self._waiting) >= SAVE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.saver is not None:
            self.saver.save(self._waiting)
        for result in self._waiting:
            self.output.write(result)
        self._waiting.clear()

    def finish(self) -> None:
        """Save and write what is waiting (also after Ctrl-C: what was graded is kept), close the
        output, and say what happened."""
        try:
            self._flush()
        finally:
            if self.saver is not None:
                self.saver.report()
            if self.graded or self.errors:
                self.output.close()
            elif not self.refused:
                shown = "standard input" if self.file == "-" else self.file
                print(f"roleplay: {shown} has no transcripts to grade (expected one JSON object per line)",
                      file=sys.stderr)  # fmt: skip
            if self.errors:
                print(f"{self.errors} line(s) could not be graded; {self.graded} graded", file=sys.stderr)
            if self.output.reader_gone:
                raise BrokenPipeError  # the command line stops quietly, as for any closed pipe

    def status(self) -> int:
        nothing = not self.graded and not self.errors
        return 1 if nothing or self.errors or self.output.failed else 0


class Output:
    """Where graded results go, in their format, written as they come: a JSON array opened at the
    first result and closed at the end, JSON Lines, or a table. The file is opened at the first
    write, so a run that grades nothing leaves no empty file behind. Bytes are written straight to
    the file or to stdout's buffer: JSON carries every control character escaped
    (:func:`json_bytes`), so nothing is left for a shown stream to check."""

    def __init__(self, path: Path | None, format: str, pretty: bool, library: Library) -> None:
        self.path, self.format, self.pretty, self.library = path, format, pretty, library
        self.failed = self.reader_gone = False
        self._stream: BinaryIO | None = None
        self._owned = True  # the stream is ours to close (not stdout's own buffer)
        self._count = 0

    def write(self, result: dict[str, Any] | bytes) -> None:
        """Write a result, or its JSON already made by :func:`json_bytes`."""
        if self.failed:
            return
        if self.format == "table":
            assert isinstance(result, dict)
            data = ((self._table_header(result) if not self._count else "") + _table_row(result) + "\n").encode()
        else:
            item = result if isinstance(result, bytes) else json_bytes(result, self.pretty)
            if self.format == "jsonl":
                data = item + b"\n"
            elif self.pretty:
                data = (b",\n  " if self._count else b"[\n  ") + item
            else:
                data = (b",\n" if self._count else b"[\n") + item
        self._count += 1
        self._emit(data)

    def close(self) -> None:
        if self.failed:
            return
        if self.format == "json":
            self._emit(b"\n]\n" if self._count else b"[]\n")
        elif self.format == "table" and not self._count:
            self._emit(self._table_header(None).encode())
        try:
            if self._stream is not None:
                self._stream.close() if self._owned else self._stream.flush()
        except BrokenPipeError:
            self.failed = self.reader_gone = True

    def _emit(self, data: bytes) -> None:
        try:
            if self._stream is None:
                self._stream = self._opened()
            self._stream.write(data)
        except BrokenPipeError:
            self.failed = self.reader_gone = True
        except OSError as exc:
            self.failed = True
            print(f"roleplay: cannot write {self.path}: {exc.strerror or exc}", file=sys.stderr)

    def _opened(self) -> BinaryIO:
        """The file, or stdout (a duplicate of its descriptor, ours to close), with a large buffer:
        one system call per many results rather than one per result."""
        if self.path is not None:
            return self.path.open("wb", buffering=WRITE_BUFFER)
        sys.stdout.flush()  # anything printed before comes first
        try:
            return open(os.dup(sys.stdout.fileno()), "wb", buffering=WRITE_BUFFER)
        except (AttributeError, OSError, ValueError):  # a stdout without a descriptor (a test's capture)
            self._owned = False
            return sys.stdout.buffer

    def _table_header(self, result: dict[str, Any] | None) -> str:
        from roleplay.text.width import pad

        names = list(result["criteria"]) if result else []
        rubric = self.library.rubrics.get("default")
        labels = {n: c.label for n, c in rubric.criteria.items()} if rubric else {}
        header = pad("id", 14) + pad("总分", 8) + pad("结果", 8) + "".join(pad(labels.get(n, n), 10) for n in names)
        return header + "\n" + "-" * len(header.expandtabs()) + "\n"


def json_bytes(result: dict[str, Any], pretty: bool = False) -> bytes:
    """One result as UTF-8 JSON, control characters escaped; ``pretty``: indented as an item of
    the indented array."""
    from roleplay.text.safe import json_escaped

    text = json.dumps(result, ensure_ascii=False, allow_nan=False, indent=2 if pretty else None)
    return json_escaped(text.replace("\n", "\n  ") if pretty else text).encode()


def _table_row(result: dict[str, Any]) -> str:
    from roleplay.text.safe import shown
    from roleplay.text.width import pad

    cells = [pad(shown(str(result["id"])), 14), pad(f"{result['score']:.1f}", 8),
             pad("通过" if result["passed"] else "未通过", 8)]  # fmt: skip
    criteria = result["criteria"]
    cells += [pad("—" if criteria[n] is None else f"{criteria[n]:.0f}", 10) for n in criteria]
    return "".join(cells)


class Saver:
    """``--save``: graded conversations stored in the records, one transaction per batch."""

    def __init__(self, args: argparse.Namespace, library: Library, stack: ExitStack) -> None:
        from roleplay.records.store import Store

        self.args, self.library = args, library
        self.source = "（标准输入）" if args.file == "-" else args.file
        self.ids: list[int] = []
        # Opened before grading starts, so a database that cannot be used is said at once. The
        # forked workers inherit the connection but never touch it (and leave by os._exit).
        self._store = stack.enter_context(Store.open(args.db))

    def save(self, results: list[dict[str, Any]]) -> None:
        if not results:
            return
        graded = []
        for result in results:
            rubric = self.library.rubrics.get(result["rubric"]["id"])
            scenario = self.library.scenarios.get(result["scenario"] or "")
            graded.append((result, scenario.title if scenario else "", rubric.pass_mark if rubric else None))
        self.ids += self._store.save_graded_batch(
            graded, trainee=self.args.trainee, cohort=self.args.cohort, source_file=self.source
        )

    def report(self) -> None:
        where = self._store.path
        numbers = f"（编号 {self.ids[0]}–{self.ids[-1]}）" if self.ids else ""
        print(f"已保存 {len(self.ids)} 条真实对话记录{numbers}：{where}", file=sys.stderr)


class Progress:
    """A progress bar on stderr for runs that take a while on a terminal; nothing when stderr is
    piped or a file. Messages said while it shows are printed above it."""

    def __init__(self, total_bytes: int | None, done_bytes: Callable[[], int]) -> None:
        self.total, self.done = total_bytes, done_bytes
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def tick(self, graded: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self.started < PROGRESS_AFTER_S:
                return
            self._start()
        self._bar.update(self._task, completed=self.done(), graded=graded)

    def say(self, text: str) -> None:
        if self._bar is None:
            print(text, file=sys.stderr)
        else:
            from roleplay.text.safe import shown

            self._bar.console.print(shown(text, lines=True), markup=False, highlight=False, soft_wrap=True)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        columns = [TextColumn("评分中"), BarColumn(), TaskProgressColumn(), TextColumn("已评 {task.fields[graded]} 条")]
        if self.total:
            columns.append(TimeRemainingColumn())
        self._bar = Progress(*columns, console=Console(file=sys.__stderr__), transient=True)
        self._task = self._bar.add_task("grade", total=self.total, graded=0)
        self._bar.start()


def _size(file: str) -> int | None:
    """The input's size in bytes, when it is a regular file (a pipe's is unknown)."""
    try:
        return Path(file).stat().st_size if file != "-" and Path(file).is_file() else None
    except OSError:
        return None


def _open_logs(file: str, stack: ExitStack) -> BinaryIO | None:
    """The chat logs as a stream of bytes; None, after saying why, when they cannot be opened."""
    if file == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(file, "rb"))
    except OSError as exc:
        print(f"roleplay: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
        return None


def _option_clash(args: argparse.Namespace) -> str | None:
    if args.pretty and args.format != "json":
        return f"--pretty indents --format json; --format {args.format} is written as it is: drop --pretty"
    return None


def _output_clash(args: argparse.Namespace) -> str | None:
    """Why ``-o`` must not be written (it is the chat log being graded or the records), if it must not."""
    from roleplay.commands.records import is_database_file, records_path, same_file

    if args.output is None:
        return None
    if args.file != "-" and same_file(args.output, Path(args.file)):
        return f"-o {args.output} is the file being graded; writing it would replace the chat logs: choose another file"
    if is_database_file(args.output, records_path(args)):
        return f"-o {args.output} is the records database; writing it would destroy the records: choose another file"
    return None
