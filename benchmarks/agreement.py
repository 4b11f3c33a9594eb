"""How far raters agree with each other, and the rubric with them, on the same replies.

    python benchmarks/agreement.py

A sample of the development part (eval/calibration/README.md) was labelled again, blind, by two
more raters who read only docs/labelling.md and the domain notes. This prints, per criterion, the
F1 and exact agreement of every pair among the writers' labels, the two raters' and the rubric's:
the raters' agreement with each other is the ceiling a figure of the rubric can be read against. The
rubric is scored as in benchmarks/cross_validate.py (its models fitted to the other folds'
categories only), so it never judges a reply its models were fitted to. Nothing here reads the
locked part.
"""

from __future__ import annotations

import json
import os
import tempfile
from itertools import combinations
from pathlib import Path

from cross_validate import DEV, fold_scorers

CALIBRATION = DEV.parent / "calibration"
RATERS = ("rater1", "rater2")


def read(path: Path) -> dict[str, dict]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {row["id"]: row for row in rows}


def rubric_labels(dev: list[dict], sample: set[str]) -> dict[str, dict]:
    """The rubric's labels of the sampled replies, each scored by models fitted without its fold."""
    from roleplay.content.library import load_library
    from roleplay.evaluate import found_labels

    library = load_library(env="")
    rubric = library.rubric("default")
    categories = list(rubric.criteria["forbidden"].categories)
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ROLEPLAY_CACHE_DIR"] = tmp  # fold models are not worth keeping
        for held_out, scorer in fold_scorers(rubric, dev, 5, Path(tmp)):
            for row in held_out:
                if row["id"] in sample:
                    score = scorer.score_text(row["text"], customer_text=row.get("customer", ""))
                    found = found_labels(score, categories)
                    out[row["id"]] = {"fab": sorted(found["F"] | found["A"] | found["B"]),
                                      "forbidden": next(iter(found["forbidden"]), None),
                                      "closing": sorted(found["closing"])}
    return out


def main() -> None:
    from roleplay.evaluate import CRITERIA, Tally, labels_of
    from roleplay.text.width import pad

    dev = read(DEV)
    labellers = {name: read(CALIBRATION / f"{name}.jsonl") for name in RATERS}
    sample = set.intersection(*(set(rows) for rows in labellers.values()))
    labellers = {"writer": {i: dev[i] for i in sample}, **labellers}
    labellers["rubric"] = rubric_labels(list(dev.values()), sample)

    def labels(row: dict) -> dict[str, frozenset[str]]:
        return labels_of(row["fab"], [row["forbidden"]] if row["forbidden"] else [], row["closing"])

    print(f"{len(sample)} development replies over {len({dev[i]['category'] for i in sample})} categories, "
          "labelled by their writers and again, blind, by two raters; the rubric's models never saw their fold")
    print(pad("pair", 20) + "".join(pad(name, 13) for name in CRITERIA))
    print(pad("", 20) + "".join(pad("F1 / agree", 13) for _ in CRITERIA))
    for first, second in combinations(labellers, 2):
        tallies = {name: Tally() for name in CRITERIA}
        for reply in sorted(sample):
            expected, found = labels(labellers[first][reply]), labels(labellers[second][reply])
            for name in CRITERIA:
                tallies[name].add(expected[name], found[name])
        cells = [f"{t.f1:.3f} {t.agree / t.replies:.2f}" for t in tallies.values()]
        print(pad(f"{first} ~ {second}", 20) + "".join(pad(cell, 13) for cell in cells))


if __name__ == "__main__":
    main()
