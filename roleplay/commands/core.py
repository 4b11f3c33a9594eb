"""Core commands: `list`, `play`, `validate` (and what `grade` and `eval` share with them).

Imports of the engine and rubric are deferred into each handler so `roleplay --help` stays
instant and each command only pays for what it uses.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.commands.records import add_db_option

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from roleplay.content.yamlmarks import Problem

    from roleplay.content.library import Library
    from roleplay.content.models import Scenario
    from roleplay.engine.session import Session
    from roleplay.plain import PlainPlayer
    from roleplay.records.store import SessionRecorder


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    listing = commands.add_parser("list", parents=[common], help="list the personas and scenarios found")
    listing.set_defaults(handler=cmd_list)

    play = commands.add_parser("play", parents=[common], help="practise a scenario")
    play.add_argument("--plain", action="store_true", help="line mode for any terminal (or piped replies)")
    play.add_argument("--scenario", type=content_id, metavar="ID", help="scenario id (default: the first, by difficulty)")
    play.add_argument(
        "--product", type=content_id, metavar="ID",
        help="free practice (自由对练): a conversation about this product card, no scenario needed",
    )
    play.add_argument("--persona", type=content_id, metavar="ID", default="decisive", help="with --product: the customer (default: decisive)")
    play.add_argument(
        "--seed", type=seed, help="random seed: the same seed replays the same customer (default 0; the UI picks one)"
    )
    play.add_argument("--trainee", metavar="NAME", default="", help="trainee name shown on the report and recorded")
    play.add_argument("--cohort", metavar="NAME", default="", help="the trainee's cohort (班组), recorded for export filters")
    add_db_option(play)
    play.add_argument(
        "--latency",
        type=seconds,
        default=8.0,
        metavar="SECONDS",
        help="latency assumed for each reply when replies are piped on stdin (default 8)",
    )
    play.add_argument(
        "--watch",
        action="store_true",
        help="line mode for trainers: when a content file is saved, reload it and restart the scenario "
        "(sessions are not recorded)",
    )
    play.set_defaults(handler=cmd_play)

    validate = commands.add_parser("validate", parents=[common], help="check content files")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: all content)")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.set_defaults(handler=cmd_validate)


def content_id(text: str) -> str:
    """An id given on the command line: an empty one would silently mean "the default"."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty id: give one (roleplay list shows them) or leave the option out")
    return text


#: Seeds are stored as SQLite integers: 0 … 2**63 - 1.
MAX_SEED = 2**63 - 1


def number_in(kind: type[int] | type[float], low: float, high: float | None = None) -> Callable[[str], float]:
    """An argparse type: a whole number (``int``) or a finite number (``float``) from ``low`` to
    ``high`` (no upper bound when None), with what is wrong said in one line."""
    noun = "a whole number" if kind is int else "a number"

    def convert(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {noun}: {text!r}") from None
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bound} (got {text})")
        return value

    return convert


#: ``--seed``: a whole number SQLite can store with the session.
seed = number_in(int, 0, MAX_SEED)


def seconds(text: str) -> float:
    """``--latency``: a finite number of seconds ≥ 0 (``nan`` or ``inf`` would break every score)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, 0 or more (got {text!r})")
    return value


def _library(args: argparse.Namespace, quiet: bool = False) -> Library:
    from roleplay.content.library import load_library

    library = load_library(args.content)
    if not quiet:
        for problem in library.problems:
            print(problem, file=sys.stderr)
    return library


def _sorted_scenarios(library: Library) -> list:
    from roleplay.labels import DIFFICULTIES

    order = list(DIFFICULTIES)
    return sorted(library.scenarios.values(), key=lambda s: (order.index(s.difficulty), s.id))


def cmd_list(args: argparse.Namespace) -> int:
    from roleplay.labels import DIFFICULTIES

    library = _library(args)
    # one id column for every section, as wide as the longest id (ids are ASCII: one cell a character)
    width = max(16, *(len(i) for table in (library.personas, library.scenarios, library.products, library.rubrics) for i in table))
    print("顾客画像 personas:")
    for persona in sorted(library.personas.values(), key=lambda p: p.id):
        print(f"  {persona.id:<{width}} {persona.name}  [{persona.archetype}]")
    print("场景 scenarios:")
    for s in _sorted_scenarios(library):
        persona = library.personas.get(s.persona)
        who = persona.name if persona else s.persona
        print(f"  {s.id:<{width}} {DIFFICULTIES[s.difficulty]}  {s.title} — {who} — {s.product.name}")
    print("商品卡 products:")
    for card in sorted(library.products.values(), key=lambda p: p.id):
        print(f"  {card.id:<{width}} {card.name}  ¥{card.price:g}")
    print("评分标准 rubrics:")
    for rubric in library.rubrics.values():
        print(f"  {rubric.id:<{width}} {rubric.title} (v{rubric.version})")
    return 0 if library.ok else 1


def cmd_play(args: argparse.Namespace) -> int:
    from roleplay.tui.run import run_tui, wants_ui

    if not args.plain and not args.watch and wants_ui():
        free = (args.product, args.persona) if args.product else None
        return run_tui(
            args.content, scenario=args.scenario, seed=args.seed, trainee=args.trainee, cohort=args.cohort, db=args.db,
            free=free,
        )
    from roleplay.commands.records import recording

    library = _library(args)
    if args.product:
        args.scenario = library.free_practice(args.product, args.persona).id
    scenarios = _sorted_scenarios(library)
    if not scenarios:
        print("roleplay: no scenarios found; check `roleplay validate`", file=sys.stderr)
        return 1
    timed = sys.stdin.isatty()
    if args.scenario:
        scenario = library.scenario(args.scenario)
    elif timed:
        scenario = _choose_scenario(scenarios)
        if scenario is None:  # Ctrl-D at the question: the trainee chose not to play
            print()
            return 0
    else:
        scenario = scenarios[0]

    def read_line(prompt: str) -> str | None:
        if timed:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = sys.stdin.readline()
        return line if line else None

    try:
        if args.watch:
            return _play_watching(args, library, scenario.id, read_line, timed)
        session = _session(library, scenario.id, args.seed)
        with recording(args, session) as recorder:
            return _player(args, session, read_line, timed, recorder).run()
    except UnicodeDecodeError:
        print(f"roleplay: {stdin_not_text()}", file=sys.stderr)
        return 1


def _session(library: Library, scenario_id: str, seed: int | None) -> Session:
    from roleplay.engine.session import Session

    scenario = library.scenario(scenario_id)
    return Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed or 0)


def _player(
    args: argparse.Namespace,
    session: Session,
    read_line: Callable[[str], str | None],
    timed: bool,
    recorder: SessionRecorder | None,
) -> PlainPlayer:
    from roleplay.plain import PlainPlayer
    from roleplay.render import use_colour

    player = PlainPlayer(
        session,
        sys.stdout,
        read_line,
        timed=timed,
        default_latency=args.latency,
        colour=use_colour(sys.stdout),
        recorder=recorder,
    )
    if args.trainee:
        player.say(f"学员：{args.trainee}")
    return player


class _ContentSaved(Exception):
    """Raised from the input callback under ``play --watch``: restart with the reloaded content."""


def _play_watching(
    args: argparse.Namespace, library: Library, scenario_id: str, read_line: Callable[[str], str | None], timed: bool
) -> int:
    """``play --watch`` (line mode): replay the scenario from the start whenever content is saved.

    Line mode waits on input, so the check runs when a reply is sent: that reply is dropped, the
    content reloaded and the scenario restarted. Broken content keeps the last good version. The
    sessions are not recorded: they try out content, they are not practice.
    """
    from roleplay.content.library import content_dirs
    from roleplay.content.watch import ContentWatcher

    watcher = ContentWatcher(content_dirs(args.content))

    def watched(prompt: str) -> str | None:
        line = read_line(prompt)
        if line is not None and watcher.changed():
            raise _ContentSaved
        return line

    while True:
        session = _session(library, scenario_id, args.seed)
        try:
            _player(args, session, watched, timed, None).run()
        except _ContentSaved:
            library = _reload(args, library, scenario_id)
            continue
        if not session.ended:  # /quit or end of input
            return 0
        print("保存内容文件后按回车重新开始；输入 /quit 退出。", flush=True)
        line = read_line("")
        if line is None or line.strip() == "/quit":
            return 0
        if watcher.changed():
            library = _reload(args, library, scenario_id)


def _reload(args: argparse.Namespace, library: Library, scenario_id: str) -> Library:
    """The content as saved now; the previous ``library`` if the scenario no longer loads."""
    from roleplay.content.library import load_library

    fresh = load_library(args.content)
    for problem in fresh.problems:
        print(problem, file=sys.stderr)
    scenario = fresh.scenarios.get(scenario_id)
    if scenario is None or scenario.persona not in fresh.personas or scenario.rubric not in fresh.rubrics:
        print("内容已保存，但这个场景现在无法加载（见上方错误），继续使用上一版，从头开始。", flush=True)
        return library
    print("内容已保存并重新加载，场景从头开始。", flush=True)
    return fresh


def _choose_scenario(scenarios: list) -> Scenario | None:
    """Ask on the terminal which scenario to play (Enter: the first; end of input: None)."""
    from roleplay.labels import DIFFICULTIES

    for number, scenario in enumerate(scenarios, start=1):
        print(f"  {number}. {scenario.title}（{DIFFICULTIES[scenario.difficulty]}）")
    while True:
        try:
            answer = input(f"选择场景 1-{len(scenarios)}（回车选 1）：").strip() or "1"
        except EOFError:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(scenarios):
            return scenarios[int(answer) - 1]
        print("请输入列表中的编号。")


@dataclass(frozen=True)
class Targets:
    """The files a command checks, loaded together with all other content."""

    library: Library
    files: list[Path]

    def own(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems that belong to the target files (not to the content around them)."""
        shown = {str(f) for f in self.files}
        return [p for p in problems if p.path in shown]


def load_targets(args: argparse.Namespace) -> Targets | None:
    """All content, with the files in ``args.paths`` loaded last (so their ids win); and those files.

    Without paths the targets are all content files. References to built-in content resolve either
    way. None, after saying which, if a path does not exist or is a folder without YAML files.
    """
    from roleplay.content.library import content_dirs, content_files, load_library
    from roleplay.content.loader import resolved, yaml_files

    every = content_files(content_dirs(args.content))
    if not args.paths:
        return Targets(load_library(files=every), every)
    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"{path}: no such file or folder", file=sys.stderr)
    empty = [p for p in args.paths if p.is_dir() and not yaml_files([p])]
    for path in empty:
        print(f"{path}: no YAML files found (content files end in .yaml or .yml)", file=sys.stderr)
    if missing or empty:
        return None
    files = yaml_files(args.paths)
    chosen = {resolved(f) for f in files}  # a link that loops is reported when loaded, not a RuntimeError here
    return Targets(load_library(files=[*(f for f in every if resolved(f) not in chosen), *files]), files)


def cmd_validate(args: argparse.Namespace) -> int:
    from roleplay.authoring.checks import check_library, strict

    targets = load_targets(args)
    if targets is None:
        return 1
    library = targets.library
    problems = targets.own([*library.problems, *check_library(library)])
    problems.sort(key=lambda p: (p.path, p.line, p.col))
    if args.strict:
        problems = strict(problems)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        print(f"{errors} error(s) in {len({p.path for p in problems})} file(s)", file=sys.stderr)
        return 1
    warnings = f", {len(problems)} warning(s)" if problems else ""
    print(f"OK: {len(targets.files)} file(s) checked — {len(library.personas)} personas, "
          f"{len(library.scenarios)} scenarios, {len(library.products)} products, {len(library.rubrics)} rubrics{warnings}")
    return 0


def _read_logs(file: str) -> str | None:
    """The chat logs as text (a UTF-8 byte-order mark dropped); None, after saying why, if unreadable."""
    from roleplay.content.yamlmarks import NOT_UTF8, undecodable_position

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        if file == "-":
            print(f"roleplay: {stdin_not_text()}", file=sys.stderr)
        else:
            line, col = undecodable_position(exc)
            print(f"{file}:{line}:{col}: {NOT_UTF8}", file=sys.stderr)
        return None
    except OSError as exc:
        print(f"roleplay: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
        return None
    return text.removeprefix("\ufeff")


def stdin_not_text() -> str:
    """What to say when the bytes piped in do not decode (GBK piped into a UTF-8 terminal, say)."""
    encoding = sys.stdin.encoding or "utf-8"
    if encoding.lower().replace("-", "") == "utf8":
        encoding = "UTF-8 (GBK?)"
    return f"standard input is not {encoding} text: convert it first, e.g. iconv -f GBK -t UTF-8"
