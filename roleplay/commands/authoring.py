"""Authoring commands for trainers: `schema`, `graph`, `test`, `new`.

Like the core commands, handlers import what they use when they run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from roleplay.authoring.selftest import SelfTestResult
    from roleplay.content.library import Library
    from roleplay.content.models import Scenario


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    schema = commands.add_parser(
        "schema", parents=[common], help="write JSON Schemas of the content files, for editors"
    )
    schema.add_argument(
        "--out", type=Path, default=Path("schemas"), metavar="DIR", help="folder to write into (default: schemas)"
    )
    schema.add_argument("--reference", type=Path, metavar="FILE", help="also write the Markdown field reference")
    schema.set_defaults(handler=cmd_schema)

    graph = commands.add_parser("graph", parents=[common], help="print a scenario's branching graph")
    graph.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    graph.add_argument("--format", choices=["mermaid", "dot"], default="mermaid", help="default: mermaid")
    graph.set_defaults(handler=cmd_graph)

    test = commands.add_parser("test", parents=[common], help="run the scenarios' self-tests")
    test.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: all content)")
    test.set_defaults(handler=cmd_test)

    new = commands.add_parser("new", parents=[common], help="write a commented starting file")
    new.add_argument("kind", choices=["persona", "scenario", "product"])
    new.add_argument("id", metavar="ID", help="id of the new persona, scenario or product card (lower-case, digits, _)")
    new.add_argument("--persona", default="decisive", metavar="ID", help="scenario: the customer (default: decisive)")
    new.add_argument(
        "--dir", type=Path, default=Path("."), metavar="DIR", help="content folder to write into (default: here)"
    )
    new.add_argument(
        "--from-log", type=Path, metavar="FILE",
        help="scenario: start from a real chat log (JSON Lines, as `roleplay grade` reads): the customer's "
        "messages become the nodes, the agent's replies their model answers; phones, order numbers and "
        "addresses are masked",
    )
    new.add_argument("--log-id", metavar="ID", help="with --from-log: which conversation of the file")
    new.add_argument("--product", metavar="ID", help="with --from-log: the product card the conversation is about")
    new.set_defaults(handler=cmd_new)


def cmd_schema(args: argparse.Namespace) -> int:
    from roleplay.content.schema import reference_markdown, schema_texts, write_files

    if args.out.exists() and not args.out.is_dir():
        print(f"roleplay: --out {args.out} is a file, not a folder", file=sys.stderr)
        return 1
    try:
        written = write_files(schema_texts(), args.out)
        if args.reference:
            written += write_files({args.reference.name: reference_markdown()}, args.reference.parent)
    except OSError as exc:
        print(f"roleplay: cannot write {exc.filename or args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from roleplay.authoring.graph import render

    scenario = _scenario(args)
    if scenario is None:
        return 1
    sys.stdout.write(render(scenario, args.format))
    return 0


def _scenario(args: argparse.Namespace) -> Scenario | None:
    """The scenario named on the command line: a file (checked on its own) or an id in the library."""
    from roleplay.content.library import load_library
    from roleplay.content.loader import load_model

    path = Path(args.scenario)
    if path.suffix in {".yaml", ".yml"} or path.is_file():
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            return None
        model, problems = load_model(path, "scenario")
        for problem in problems:
            print(problem, file=sys.stderr)
        return cast("Scenario | None", model)
    return load_library(args.content).scenario(args.scenario)


def cmd_test(args: argparse.Namespace) -> int:
    from roleplay.authoring.selftest import run_self_tests
    from roleplay.commands.core import load_targets

    targets = load_targets(args)
    if targets is None:
        return 1
    library = targets.library
    errors = [p for p in targets.own(library.problems) if p.severity == "error"]
    for problem in errors:
        print(problem)
    results: list[SelfTestResult] = []
    for scenario in _scenarios_in(library, targets.files):
        persona, rubric = library.personas.get(scenario.persona), library.rubrics.get(scenario.rubric)
        if persona is None or rubric is None:
            continue  # reported above as an unknown reference
        if not scenario.tests:
            print(f"NONE {scenario.id}: no tests (add a tests: list to the scenario)")
        scenario_results = run_self_tests(scenario, persona, rubric)
        for result in scenario_results:
            print(_describe(result, library))
        results += scenario_results
    failed = sum(not r.ok for r in results)
    print(f"{len(results)} test(s): {len(results) - failed} passed, {failed} failed")
    return 1 if failed or errors or not results else 0


def _scenarios_in(library: Library, targets: list[Path]) -> list[Scenario]:
    """The loaded scenarios that come from the target files, in id order."""
    chosen = {t.resolve() for t in targets}
    return [
        scenario
        for scenario_id, scenario in sorted(library.scenarios.items())
        if library.sources[("scenario", scenario_id)].resolve() in chosen
    ]


def _describe(result: SelfTestResult, library: Library) -> str:
    """``PASS id · name``, or ``path:line:col: FAIL id · name: why`` and what happened instead."""
    title = f"{result.scenario} · {result.name}"
    if result.ok:
        return f"PASS {title}"
    where = _test_location(library.sources[("scenario", result.scenario)], result.index)
    return f"{where}: FAIL {title}: {'; '.join(result.failures)}\n    this run: {result.summary()}"


def _test_location(source: Path, index: int) -> str:
    """``path:line:col`` of the ``index``-th self-test in a scenario file, for editors to jump to."""
    from roleplay.content.yamlmarks import load_marked

    doc, _ = load_marked(source)
    (line, col), _ = doc.locate(("tests", index)) if doc else ((1, 1), False)
    return f"{source}:{line}:{col}"


def _fits_the_content(args: argparse.Namespace) -> bool:
    """Whether the new file would work with the content around it; says why not, or warns.

    A scenario's persona must exist (else the file never validates). An id already used by a
    trainer's file would be a duplicate; a built-in id is allowed — the new file then replaces the
    built-in item — but the trainer should know.
    """
    from roleplay.authoring.new import new_path
    from roleplay.content.library import content_dir_problem, is_builtin, load_library

    folder = [args.dir] if content_dir_problem(args.dir) is None else []
    library = load_library([*args.content, *folder])
    if args.product and args.product not in library.products:
        known = ", ".join(sorted(library.products)) or "none"
        print(f"roleplay: unknown product {args.product!r}; known: {known} (or write it first with "
              f"`roleplay new product {args.product}`)", file=sys.stderr)  # fmt: skip
        return False
    if args.kind == "scenario" and args.persona not in library.personas:
        known = ", ".join(sorted(library.personas))
        print(f"roleplay: unknown persona {args.persona!r}; known: {known} (or write it first with "
              f"`roleplay new persona {args.persona}`)", file=sys.stderr)  # fmt: skip
        return False
    source = library.sources.get((args.kind, args.id))
    if source is not None and source.resolve() == new_path(args.kind, args.id, args.dir).resolve():
        return True  # the file itself: write_new says it exists
    if source is not None and not is_builtin(source):
        print(f"roleplay: {args.kind} id {args.id!r} is already used by {source}: choose another id or edit that file",
              file=sys.stderr)  # fmt: skip
        return False
    if source is not None:
        print(f"roleplay: warning: {args.id!r} is a built-in {args.kind}; the new file replaces it wherever "
              f"{args.dir} is used as content", file=sys.stderr)  # fmt: skip
    return True


def cmd_new(args: argparse.Namespace) -> int:
    from roleplay.authoring.from_log import LogNotUsable, pick, scenario_text
    from roleplay.authoring.new import CannotWrite, write_new
    from roleplay.content.schema import schema_filename

    if args.dir.exists() and not args.dir.is_dir():
        print(f"roleplay: --dir {args.dir} is a file, not a folder", file=sys.stderr)
        return 1
    if (args.from_log or args.log_id or args.product) and args.kind != "scenario":
        print("roleplay: --from-log, --log-id and --product make a scenario: `roleplay new scenario ID --from-log FILE`",
              file=sys.stderr)  # fmt: skip
        return 1
    if not _fits_the_content(args):
        return 1
    try:
        text = None
        if args.from_log:
            text = scenario_text(args.id, pick(args.from_log, args.log_id), args.from_log, args.persona, args.product)
        path = write_new(args.kind, args.id, args.dir, args.persona, text)
    except (ValueError, CannotWrite, LogNotUsable) as exc:
        print(f"roleplay: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    if not (args.dir / "schemas" / schema_filename(args.kind)).is_file():
        print("tip: run `roleplay schema` in this folder so editors complete and check the file")
    print(f"next: edit it, then run `roleplay validate --strict --content {args.dir} {path}`")
    if args.kind == "product":
        print(f"then name it in a scenario (product: {args.id}) or grade chat logs against it: "
              f"`roleplay grade --content {args.dir} --product {args.id} logs.jsonl`")
    return 0
