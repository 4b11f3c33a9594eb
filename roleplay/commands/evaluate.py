"""`roleplay eval`: compare the rubric with a person's labels (docs/labelling.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from roleplay.commands.core import number_in

if TYPE_CHECKING:
    from roleplay.evaluate import Evaluation

#: Names shown in the table, by criterion.
TITLES = {
    "forbidden": "服务禁语 forbidden",
    "closing": "促成交易 closing",
    "fab": "完整FAB fab",
    "F": "特性 F",
    "A": "优势 A",
    "B": "利益 B",
}


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    evaluate = commands.add_parser(
        "eval",
        parents=[common],
        help="measure the rubric against labelled replies (precision, recall, F1)",
        description="Score labelled replies (JSON Lines, see docs/labelling.md) and compare the rubric's "
        "forbidden-language, closing and FAB judgements with the labels.",
    )
    evaluate.add_argument("file", metavar="FILE.jsonl", help="labelled replies, one per line ('-' for stdin)")
    evaluate.add_argument("--rubric", metavar="ID", help="rubric id (default: default)")
    evaluate.add_argument("--format", choices=["table", "json"], default="table")
    evaluate.add_argument(
        "--min-f1", type=number_in(float, 0, 1), metavar="X", help="exit with status 1 when a criterion's F1 is below X (0–1)"
    )
    evaluate.add_argument(
        "--quiet", action="store_true", help="table format: the figures only, not every disagreement"
    )
    evaluate.add_argument(
        "--wordings", type=number_in(int, 1, 100000), nargs="?", const=20, metavar="N",
        help="also list the N wordings (default 20) the rubric found in several replies that the labels most often "
        "do not share: where raters split, or the rubric reads a wording its own way",
    )
    evaluate.set_defaults(handler=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    from roleplay.commands.core import _library, _read_logs
    from roleplay.evaluate import evaluate

    text = _read_logs(args.file)
    if text is None:
        return 1
    library = _library(args, quiet=True)
    evaluation = evaluate(text, library, args.rubric)
    for error in evaluation.errors:
        print(error.located(args.file), file=sys.stderr)
    if not evaluation.replies:
        print(f"roleplay: {args.file} has no labelled replies to evaluate (expected one JSON object per line)",
              file=sys.stderr)
        return 1
    if args.format == "json":
        out = evaluation.to_dict()
        if args.wordings:
            out["wordings"] = evaluation.split_wordings()[: args.wordings]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(render_table(evaluation, disagreements=not args.quiet, wordings=args.wordings or 0))
    if evaluation.errors:
        print(f"{len(evaluation.errors)} line(s) could not be read; {evaluation.replies} evaluated", file=sys.stderr)
    below = evaluation.below(args.min_f1) if args.min_f1 is not None else []
    if below:
        print(f"F1 below {args.min_f1:g}: {', '.join(below)}", file=sys.stderr)
    return 1 if below or evaluation.errors else 0


def render_table(evaluation: Evaluation, disagreements: bool = True, wordings: int = 0) -> str:
    """The figures per criterion, then (``wordings``) the wordings the labels most often do not
    share, then each disagreement with the evidence the rubric used."""
    from roleplay.text.width import pad

    rubric = evaluation.rubric
    lines = [f"{evaluation.replies} labelled replies · rubric {rubric.id} v{rubric.version}", ""]
    header = (pad("criterion", 22) + "".join(pad(h, 11) for h in ("precision", "recall", "F1"))
              + pad("F1 95%", 15) + "".join(pad(h, 11) for h in ("agreement", "support")))
    lines += [header, "-" * len(header)]
    for name, tally in evaluation.tallies.items():
        figures = tally.to_dict()
        cells = [_figure(figures[k]) for k in ("precision", "recall", "f1")]
        lines.append(pad(TITLES[name], 22) + "".join(pad(c, 11) for c in cells) + pad(interval_text(evaluation, name), 15)
                     + pad(_figure(figures["agreement"]), 11) + str(figures["support"]))
    lines += ["", "F1 95%: how far the F1 could move on another file of the same make (a 95 % bootstrap interval, "
              "resampling whole product categories where the file names them)"]
    if wordings:
        lines += ["", *wording_lines(evaluation.split_wordings()[:wordings])]
    if disagreements and evaluation.disagreements:
        lines += ["", f"disagreements ({len(evaluation.disagreements)}):"]
        lines += [line for item in evaluation.disagreements for line in _disagreement_lines(item)]
    return "\n".join(lines)


def interval_text(evaluation: Evaluation, name: str) -> str:
    """Criterion ``name``'s F1 interval as the tables show it (0.924–0.941; — when there is none)."""
    interval = evaluation.interval(name)
    return f"{interval[0]:.3f}–{interval[1]:.3f}" if interval else "—"


def wording_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The wordings table: what the rubric found, in how many replies, and how many the labels share."""
    from roleplay.evaluate import WORDING_MIN
    from roleplay.text.safe import shown as safe
    from roleplay.text.width import pad

    if not rows:
        return ["wordings: the labels share every finding of each wording the rubric found in "
                f"{WORDING_MIN} replies or more"]
    header = (pad("criterion", 11) + pad("label", 18) + pad("found", 7) + pad("labelled so", 14) + pad("wording", 22)
              + "labelled instead")
    out = [f"wordings the labels most often do not share (found in {WORDING_MIN} replies or more):", header,
           "-" * len(header)]
    for row in rows:
        share = f"{row['labelled']} ({row['share']:.0%})"
        instead = ", ".join(f"{label} {count}" for label, count in row["instead"].items())
        out.append(pad(row["criterion"], 11) + pad(row["label"], 18) + pad(str(row["found"]), 7) + pad(share, 14)
                   + pad(safe(row["wording"]), 22) + instead)
        out.append(" " * 11 + "e.g. " + ", ".join(safe(str(example)) for example in row["examples"]))
    return out


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _disagreement_lines(item: dict[str, Any]) -> list[str]:
    """``id (line N) text``, then per differing criterion: expected → found, then the evidence."""
    from roleplay.text.safe import shown as safe

    out = [f"  {safe(str(item['id']))} (line {item['line']}): {safe(item['text'])}"]
    if item["customer"]:
        out.append(f"      customer: {safe(item['customer'])}")
    for name in item["criteria"]:
        expected, found = item["expected"][name], item["found"][name]
        out.append(f"      {name}: expected {_labels(expected)}, found {_labels(found)}")
    if item["evidence"]:
        shown = "  ".join(f"{e['label']}「{safe(e['text'])}」" for e in item["evidence"])
        out.append(f"      evidence: {shown}")
    return out


def _labels(value: Any) -> str:
    if value is None or value == []:
        return "none"
    return value if isinstance(value, str) else " ".join(value)
