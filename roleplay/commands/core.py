"""Core commands: `list`, `play`, `validate`, `grade`.

Imports of the engine and rubric are deferred into each handler so `roleplay --help` stays
instant and each command only pays for what it uses.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.content.library import Library


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    listing = commands.add_parser("list", parents=[common], help="list the personas and scenarios found")
    listing.set_defaults(handler=cmd_list)

    play = commands.add_parser("play", parents=[common], help="practise a scenario")
    play.add_argument("--plain", action="store_true", help="line mode for any terminal (or piped replies)")
    play.add_argument("--scenario", metavar="ID", help="scenario id (default: the first, by difficulty)")
    play.add_argument(
        "--seed", type=int, help="random seed: the same seed replays the same customer (default 0; the UI picks one)"
    )
    play.add_argument("--trainee", metavar="NAME", default="", help="trainee name shown on the report")
    play.add_argument(
        "--latency",
        type=float,
        default=8.0,
        metavar="SECONDS",
        help="latency assumed for each reply when replies are piped on stdin (default 8)",
    )
    play.set_defaults(handler=cmd_play)

    validate = commands.add_parser("validate", parents=[common], help="check content files")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: all content)")
    validate.set_defaults(handler=cmd_validate)

    grade = commands.add_parser("grade", parents=[common], help="score real chat logs (JSON Lines)")
    grade.add_argument("file", metavar="FILE.jsonl", help="transcripts, one per line ('-' for stdin)")
    grade.add_argument("--rubric", metavar="ID", help="rubric id (default: the scenario's, else default)")
    grade.add_argument("--format", choices=["json", "table"], default="json")
    grade.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of stdout")
    grade.set_defaults(handler=cmd_grade)


def _library(args: argparse.Namespace, quiet: bool = False) -> Library:
    from roleplay.content.library import load_library

    library = load_library(args.content)
    if not quiet:
        for problem in library.problems:
            print(problem, file=sys.stderr)
    return library


def _sorted_scenarios(library: Library) -> list:
    from roleplay.content.models import DIFFICULTY_LABELS

    order = list(DIFFICULTY_LABELS)
    return sorted(library.scenarios.values(), key=lambda s: (order.index(s.difficulty), s.id))


def cmd_list(args: argparse.Namespace) -> int:
    from roleplay.content.models import DIFFICULTY_LABELS

    library = _library(args)
    print("顾客画像 personas:")
    for persona in sorted(library.personas.values(), key=lambda p: p.id):
        print(f"  {persona.id:<16} {persona.name}  [{persona.archetype}]")
    print("场景 scenarios:")
    for s in _sorted_scenarios(library):
        persona = library.personas.get(s.persona)
        who = persona.name if persona else s.persona
        print(f"  {s.id:<24} {DIFFICULTY_LABELS[s.difficulty]}  {s.title} — {who} — {s.product.name}")
    print("评分标准 rubrics:")
    for rubric in library.rubrics.values():
        print(f"  {rubric.id:<16} {rubric.title} (v{rubric.version})")
    return 0 if library.ok else 1


def cmd_play(args: argparse.Namespace) -> int:
    if not args.plain and sys.stdin.isatty() and sys.stdout.isatty():
        from roleplay.tui.run import run_tui

        return run_tui(args.content, scenario=args.scenario, seed=args.seed)
    from roleplay.engine.session import Session
    from roleplay.plain import PlainPlayer
    from roleplay.render import use_colour

    library = _library(args)
    scenarios = _sorted_scenarios(library)
    if not scenarios:
        print("roleplay: no scenarios found; check `roleplay validate`", file=sys.stderr)
        return 1
    timed = sys.stdin.isatty()
    if args.scenario:
        scenario = library.scenario(args.scenario)
    elif timed:
        scenario = _choose_scenario(scenarios)
    else:
        scenario = scenarios[0]
    session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), args.seed or 0)

    def read_line(prompt: str) -> str | None:
        if timed:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = sys.stdin.readline()
        return line if line else None

    player = PlainPlayer(
        session,
        sys.stdout,
        read_line,
        timed=timed,
        default_latency=args.latency,
        colour=use_colour(),
    )
    if args.trainee:
        player.say(f"学员：{args.trainee}")
    return player.run()


def _choose_scenario(scenarios: list):
    """Ask on the terminal which scenario to play (Enter: the first)."""
    from roleplay.content.models import DIFFICULTY_LABELS

    for number, scenario in enumerate(scenarios, start=1):
        print(f"  {number}. {scenario.title}（{DIFFICULTY_LABELS[scenario.difficulty]}）")
    while True:
        answer = input(f"选择场景 1-{len(scenarios)}（回车选 1）：").strip() or "1"
        if answer.isdigit() and 1 <= int(answer) <= len(scenarios):
            return scenarios[int(answer) - 1]
        print("请输入列表中的编号。")


def cmd_validate(args: argparse.Namespace) -> int:
    from roleplay.content.library import content_dirs, content_files, load_library
    from roleplay.content.loader import yaml_files

    if args.paths:
        missing = [p for p in args.paths if not p.exists()]
        if missing:
            for path in missing:
                print(f"{path}: no such file or folder", file=sys.stderr)
            return 1
        targets = yaml_files(args.paths)
        # References to built-in content resolve too: load it first, the checked files last.
        base = [f for f in content_files(content_dirs(args.content)) if f.resolve() not in {t.resolve() for t in targets}]
        library = load_library(files=[*base, *targets])
        shown = {str(t) for t in targets}
        problems = [p for p in library.problems if p.path in shown]
    else:
        targets = content_files(content_dirs(args.content))
        library = load_library(files=targets)
        problems = library.problems
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        print(f"{errors} error(s) in {len({p.path for p in problems})} file(s)", file=sys.stderr)
        return 1
    print(f"OK: {len(targets)} file(s) checked — {len(library.personas)} personas, "
          f"{len(library.scenarios)} scenarios, {len(library.rubrics)} rubrics")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from roleplay.grade import grade_text

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"roleplay: cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    library = _library(args, quiet=True)
    if args.rubric:
        library.rubric(args.rubric)  # fail early on an unknown rubric
    results, errors = grade_text(text, library, args.rubric)
    for error in errors:
        print(f"{args.file}:{error.line}: {error.message}", file=sys.stderr)
    rendered = (
        json.dumps(results, ensure_ascii=False, indent=2) if args.format == "json" else _grade_table(results, library)
    )
    if args.output:
        args.output.write_text(rendered + "\n", encoding="utf-8")
    else:
        print(rendered)
    if errors:
        print(f"{len(errors)} line(s) could not be graded; {len(results)} graded", file=sys.stderr)
    return 1 if errors else 0


def _grade_table(results: list[dict], library: Library) -> str:
    from roleplay.text.width import pad

    names = list(results[0]["criteria"]) if results else []
    rubric = library.rubrics.get("default")
    labels = {n: c.label for n, c in rubric.criteria} if rubric else {n: n for n in names}
    header = pad("id", 14) + pad("总分", 8) + pad("结果", 8) + "".join(pad(labels.get(n, n), 10) for n in names)
    rows = [header, "-" * len(header.expandtabs())]
    for r in results:
        cells = [pad(str(r["id"]), 14), pad(f"{r['score']:.1f}", 8), pad("通过" if r["passed"] else "未通过", 8)]
        cells += [pad("—" if r["criteria"][n] is None else f"{r['criteria'][n]:.0f}", 10) for n in names]
        rows.append("".join(cells))
    return "\n".join(rows)
