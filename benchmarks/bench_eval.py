"""How far the rubric agrees with people, on replies it was and was not designed on.

    python benchmarks/bench_eval.py

Prints `roleplay eval`'s figures (precision, recall, F1 per criterion, and the F1's 95 % interval
resampled by product category) for the corpus's development part (rules were designed on it), its
locked part (product categories no rule was written for: the figure to trust), and the regression
set in tests/data; then how the shipped scenarios' simulated customers take trainees' own words:
paraphrases of each intent (the set the thesaurus and the intents were tuned on, and a held-out set
written after it) and strong and weak pitches.
"""

from __future__ import annotations

import json
from pathlib import Path

from roleplay.commands.evaluate import TITLES, interval_text
from roleplay.content.library import load_library
from roleplay.engine.session import Session
from roleplay.rubric.scorer import scorer_for
from roleplay.evaluate import evaluate
from roleplay.text.width import pad

ROOT = Path(__file__).resolve().parent.parent
PARTS = {
    "development (eval/dev.jsonl)": [ROOT / "eval" / "dev.jsonl"],
    "locked (eval/locked.jsonl)": [ROOT / "eval" / "locked.jsonl"],
    "regression set (tests/data)": [ROOT / "tests" / "data" / "replies.dev.jsonl", ROOT / "tests" / "data" / "replies.extra.jsonl"],
}


def figures(library) -> None:
    print(pad("part", 30) + pad("criterion", 22) + "precision  recall  F1     agree  n      F1 95%")
    for part, paths in PARTS.items():
        text = "\n".join(path.read_text(encoding="utf-8") for path in paths)
        evaluation = evaluate(text, library)
        for name, tally in evaluation.tallies.items():
            f = tally.to_dict()
            cells = [f"{f[k]:.3f}" if f[k] is not None else "—" for k in ("precision", "recall", "f1", "agreement")]
            print(pad(part, 30) + pad(TITLES[name], 22) + "".join(pad(cell, 8) for cell in cells) + pad(str(f["support"]), 7)
                  + interval_text(evaluation, name))


def rows(name: str) -> list[dict]:
    path = ROOT / "tests" / "data" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def turn_at(library, row):
    scenario = library.scenario(row["scenario"])
    session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed=0)
    session.start()
    session.node_id = row["node"]
    return scenario.nodes[row["node"]], session.reply(row["text"], 8.0)


def own_words(library) -> None:
    for name, label in (("intent_paraphrases.jsonl", "paraphrases (intents tuned on them)"),
                        ("intent_paraphrases.heldout.jsonl", "paraphrases (held out)")):
        data = rows(name)
        moved = 0
        for row in data:
            node, turn = turn_at(library, row)
            found = scorer_for(library.rubric(library.scenario(row["scenario"]).rubric)).signals(turn.score)
            targets = {t.to for t in node.transitions if t.intent == row["intent"] and (t.signal is None or t.signal in found)}
            moved += turn.next_node in targets
        print(f"{label:42} {moved}/{len(data)} move the conversation as their intent says ({moved / len(data):.0%})")
    pitches = rows("scenario_pitches.jsonl")
    for strong in (True, False):
        data = [row for row in pitches if row["strong"] is strong]
        right = sum(turn_at(library, row)[1].score.results["fab"].detail["linked"] is strong for row in data)
        kind = "strong pitches recognised as linked F/A/B" if strong else "weak pitches not taken for one"
        print(f"{kind:42} {right}/{len(data)}")


def main() -> None:
    library = load_library(env="")
    figures(library)
    print()
    own_words(library)


if __name__ == "__main__":
    main()
