"""The rubric against labelled replies: the corpus's figures as floors, and the regression set exactly.

The corpus (eval/) was written by people who had not read the rubric, for products roleplay ships
no scenario for, and is split by product category: rules are designed on the development part
only; the locked part measures how they carry over to products and wordings they never saw.
These tests hold the figures `roleplay eval` prints as floors, not exact values, so that a rule
that helps is never blocked and one that hurts is caught.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import labelled_replies
from roleplay.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
ROWS = labelled_replies()
IDS = [row["id"] for row in ROWS]

#: F1 floors per part and criterion (the README quotes the figures themselves).
FLOORS = {
    "dev": {"forbidden": 0.95, "closing": 0.95, "fab": 0.93, "F": 0.92, "A": 0.90, "B": 0.92},
    # the locked part grew by 12 categories in rubric 2.4's session (192 replies) and 3 in 2.5's (42):
    # floors follow it. Rubric 2.5 measured 0.867 full FAB there (2.4: 0.879 on the same replies, with
    # its models fitted to the same development part) and closing 0.909 (2.4: 0.915): losses
    # reported, not tuned away.
    # Rubric 3.0 (3120 locked replies): forbidden 0.886 and closing 0.919 hold their floors higher; full
    # FAB measured 0.862 (2.9 on the same replies: 0.861).
    # Rubric 3.1 (3232 locked replies): A 0.873 (3.0 on the same replies: 0.845) holds its floor higher.
    # Rubric 3.2 (3344 locked replies, with a batch whose full FAB scored 0.73): full FAB 0.861 (3.1
    # on the same replies: 0.860) just holds its floor.
    # Rubric 3.3 (3568 locked replies: two more batches of new writers' locked parts): full FAB 0.854,
    # where 3.2 scores 0.858 on the same replies and 0.861 on the 3344 it had (3.3 there: 0.859): the
    # floor follows the harder set; F 0.898 (3.2: 0.889) holds its floor higher.
    # Rubric 3.4 (3680 locked replies: batch D's locked part joined, on which 3.3 scored full FAB 0.69):
    # full FAB 0.850, where 3.3 scores 0.848 on the same replies: the floor follows the harder set.
    # Rubric 3.5 (4016 locked replies: batches E, F and G's locked parts joined): full FAB 0.853, F 0.897,
    # where 3.4 refitted to the same development part scores 0.854 and 0.897.
    # Rubric 3.6 (4240 locked replies: batches H and I's locked parts joined): A 0.860, where 3.5
    # refitted to the same development part scores the same: the floor follows the harder set.
    # Rubric 3.7 (4464 locked replies: batches J and K's locked parts joined): every figure within 0.001
    # of 3.6 refitted to the same development part; F 0.891 just holds its floor.
    # Rubric 3.8 (4688 locked replies: batches L and M's locked parts joined, on which 3.7 scored F 0.78
    # and 0.79): F 0.888, where 3.7 scores 0.887 on the same replies: the floor follows the harder set.
    # Rubric 3.9 (4912 locked replies: batches N and O's locked parts joined): every figure at or above
    # 3.8 refitted to the same development part (closing 0.934 -> 0.936); the floors stand.
    # Rubric 3.10 (5024 locked replies: batch P's locked part joined, on which 3.9 scored full FAB 0.62):
    # full FAB 0.849 and A 0.861, as 3.9 refitted to the same development part scores them; the floors stand.
    # Rubric 3.11 (5360 locked replies: batches Q, S and T's locked parts joined): full FAB 0.869, F 0.895,
    # forbidden 0.907; 3.10 refitted to the same development part scores within 0.001; the floors stand.
    # Rubric 3.12 (5794 locked replies: batches R, U, V and W's locked parts joined): full FAB 0.875, A 0.884,
    # forbidden 0.910, B 0.921; 3.11 refitted to the same development part scores within 0.001; the floors stand.
    # Rubric 3.13 (5906 locked replies: batch X's locked part joined): forbidden 0.915, closing 0.941, full FAB
    # 0.880, F 0.897, A 0.883, B 0.927; 3.12 refitted to the same development part scores within 0.001.
    # Rubric 3.14 (6242 locked replies: batches Z, AA and AB's locked parts joined): forbidden 0.916, closing
    # 0.939, full FAB 0.880, F 0.901, A 0.886, B 0.928; 3.13 refitted to the same development part within 0.002.
    # Rubric 3.15 (6466 locked replies: batches AD and AE's locked parts joined, on which 3.14 scored forbidden
    # 0.65 and 0.86): forbidden 0.912, closing 0.937, full FAB 0.877, F 0.901, A 0.884, B 0.924; 3.14 refitted
    # to the same development part within 0.001; the floors stand.
    # Rubric 3.16 (6914 locked replies: batches AF, AG, AH and AI's locked parts joined, on which 3.15 scored
    # forbidden 0.86, 0.78, 0.73 and 0.84): forbidden 0.912, closing 0.939, full FAB 0.882, F 0.898, A 0.884,
    # B 0.923; 3.15 refitted to the same development part scores forbidden 0.909, the rest the same; the floors stand.
    # Rubric 3.17 (7250 locked replies: batches AJ, AK and AL's locked parts joined, on which 3.16 scored
    # forbidden 1.00, 0.91 and 0.88): forbidden 0.911, closing 0.938, full FAB 0.885, F 0.900, A 0.882, B 0.925;
    # 3.16 refitted to the same development part scores F 0.897 and full FAB 0.884, the rest the same; the floors stand.
    # Rubric 3.18 (7474 locked replies: batches AM and AN's locked parts joined, on which 3.17 scored forbidden
    # 0.87 and 3.18 0.81): forbidden 0.909, closing 0.939, full FAB 0.885, F 0.900, A 0.883, B 0.924; 3.17
    # refitted to the same development part scores F 0.899, the rest within a reply; the floors stand.
    # Rubric 3.19 (7586 locked replies: batch AO's locked part joined, on which 3.19 scored forbidden 1.00):
    # forbidden 0.911, closing 0.938, full FAB 0.890, F 0.903, A 0.884, B 0.927; 3.18 refitted to the same
    # development part scores forbidden 0.910, the rest the same; the floors stand.
    # Rubric 3.20 (7810 locked replies: batches AP and AQ's locked parts joined, on which 3.19 scored forbidden
    # 0.86 and 0.92): forbidden 0.924, closing 0.940, full FAB 0.883, F 0.901, A 0.882, B 0.924; 3.19 refitted
    # to the same development part scores forbidden 0.913, the rest the same; the floors stand.
    # Rubric 3.21 (the same corpus; 百分百 read by the 100% pattern, 最欢喜 spared) scores the locked part as 3.20.
    # Rubric 3.22 (8034 locked replies: batches AS and AT's locked parts joined, on which 3.21 scored forbidden 0.92 and
    # 0.97): forbidden 0.923, closing 0.940, full FAB 0.886, F 0.899, A 0.885, B 0.929; the floors stand.
    # Rubric 3.23 (8636 locked replies: batches Y, AC, AR, AU and AV's locked parts joined, on which 3.23 scored forbidden
    # 0.98, 0.94, 0.96, 0.94 and 0.85): forbidden 0.924, closing 0.943, full FAB 0.886, F 0.901, A 0.887, B 0.924; the
    # floors stand.
    # Rubric 3.24 (8748 locked replies: batch AW's locked part joined, on which 3.23 scored forbidden 0.92): forbidden
    # 0.925, closing 0.945, full FAB 0.887, F 0.901, A 0.889, B 0.928; the floors stand.
    # Rubric 3.25 (9036 locked replies: batches AX and AY's locked parts joined, on which 3.24 scored forbidden 0.96 and
    # 0.82; 15 categories moved to the development part after a script printed one reply of each; batch BA joined whole,
    # on which 3.24 scored forbidden 0.96): forbidden 0.926, closing 0.945, full FAB 0.887, F 0.904, A 0.888, B 0.930;
    # the floors stand.
    # Rubric 3.26 (9260 locked replies: batches AZ and BC's locked parts joined, on which 3.25 scored forbidden 0.93 and
    # 0.83): forbidden 0.926, closing 0.946, full FAB 0.880, F 0.902, A 0.888, B 0.924; 3.25 refitted to the same
    # development part scores forbidden 0.924 and one closing false alarm more; the floors stand.
    # Rubric 3.27 (9484 locked replies: batches BB and BD's locked parts joined, on which 3.26 scored forbidden 0.91 and
    # 0.83): forbidden 0.927, closing 0.944, full FAB 0.884, F 0.904, A 0.889, B 0.925; 3.26 refitted to the same
    # development part scores forbidden 0.925 and closing 0.945; the floors stand.
    # Rubric 3.28 (9596 locked replies: batch BE's locked part joined, on which 3.26 and 3.27 scored forbidden 0.86):
    # forbidden 0.925, closing 0.944, full FAB 0.882, F 0.902, A 0.887, B 0.927; 3.27 refitted to the same development
    # part scores one forbidden false alarm more and one close fewer; the floors stand.
    # Rubric 3.29 (9820 locked replies: batches BF and BG's locked parts joined, on which 3.28 scored forbidden 0.93 and
    # 0.91): forbidden 0.924, closing 0.945, full FAB 0.887, F 0.900, A 0.887, B 0.927; 3.28 refitted to the same
    # development part scores two closes fewer and full FAB 0.886; the floors stand.
    # Rubric 3.30 (10156 locked replies: batches BH, BI and BJ's locked parts joined, on which 3.29 scored forbidden
    # 0.94, 0.95 and 0.94): forbidden 0.926, closing 0.945, full FAB 0.883, F 0.900, A 0.887, B 0.926; 3.29 refitted to
    # the same development part scores two absolute-claim false alarms more; the floors stand.
    # Rubric 3.31 (10492 locked replies: batches BK, BL and BM's locked parts joined, on which 3.30 scored forbidden
    # 0.96 each): forbidden 0.931, closing 0.946, full FAB 0.884, F 0.901, A 0.885, B 0.925; 3.30 refitted to the same
    # development part scores forbidden 0.930 and closing 0.945; the floors stand.
    # Rubric 3.32 (10940 locked replies: batches BN, BO, BP and BQ's locked parts joined, on which 3.31 scored forbidden
    # 0.94, 0.91 and 0.89, and 3.32's first rules 0.96 on BQ): forbidden 0.931, closing 0.948, full FAB 0.891, F 0.902,
    # A 0.885, B 0.927; 3.31 refitted to the same development part scores closing 0.947; the floors stand.
    # Rubric 3.33 (11276 locked replies: batches BR, BS and BU's locked parts joined, on which 3.32 scored forbidden
    # 0.99, 0.94 and 0.95): forbidden 0.932, closing 0.948, full FAB 0.887, F 0.901, A 0.888, B 0.925; 3.32 refitted to the
    # same development part scores forbidden 0.932 and closing 0.948 as well; the floors stand.
    # Rubric 3.34 (11388 locked replies: batch BT's locked part joined, on which 3.33 scored forbidden 0.947):
    # forbidden 0.933, closing 0.947, full FAB 0.891, F 0.901, A 0.889, B 0.928; 3.33 refitted to the same development
    # part scores full FAB 0.891, F 0.900, B 0.927; the floors stand.
    # Batch BV joined unread (11500 locked replies; 3.34 scored its locked part forbidden 0.980): 3.34 refitted to the
    # grown development part scores forbidden 0.932, closing 0.949, full FAB 0.892, F 0.906, A 0.891, B 0.927; the floors
    # stand.
    # Rubric 3.35 (the same 11500 locked replies): forbidden 0.932, closing 0.949, full FAB 0.892, F 0.906, A 0.891,
    # B 0.927; the floors stand.
    # Batches BW and BX joined unread (11724 locked replies; 3.35 scored their locked parts forbidden 0.917 and 0.756):
    # 3.35 refitted to the grown development part scores forbidden 0.931, closing 0.950, full FAB 0.897, F 0.904,
    # A 0.893, B 0.929. Rubric 3.36 (the same locked replies): forbidden 0.932, the rest the same; the floors stand.
    "locked": {"forbidden": 0.88, "closing": 0.91, "fab": 0.84, "F": 0.88, "A": 0.85, "B": 0.89},
}

def corpus(part: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / f"{part}.jsonl").read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module", params=["dev", "locked"])
def part_evaluation(request, library):
    text = (EVAL / f"{request.param}.jsonl").read_text(encoding="utf-8")
    return request.param, evaluate(text, library)


def test_corpus_figures_stay_above_their_floors(part_evaluation):
    part, evaluation = part_evaluation
    assert not evaluation.errors, evaluation.errors[:3]
    figures = {name: tally.f1 for name, tally in evaluation.tallies.items()}
    below = {name: round(f1, 3) for name, f1 in figures.items() if f1 < FLOORS[part][name]}
    assert not below, f"{part}: F1 below the floor: {below} (floors {FLOORS[part]})"


def test_the_corpus_is_split_by_product_category():
    dev, locked = corpus("dev"), corpus("locked")
    dev_categories = {row["category"] for row in dev}
    locked_categories = {row["category"] for row in locked}
    assert not dev_categories & locked_categories
    assert len(dev) + len(locked) >= 600
    assert len(dev_categories | locked_categories) >= 40
    assert len(locked_categories) * 3 >= len(dev_categories | locked_categories)
    shipped = {"air_fryer", "down_jacket", "earbuds", "skincare", "snacks", "suitcase", "water_purifier"}
    assert not (dev_categories | locked_categories) & shipped
    every = [*dev, *locked]
    assert len({row["id"] for row in every}) == len(every)
    assert all(row["customer"] for row in every), "every reply answers a shopper's message"


def test_the_eval_readme_names_the_locked_categories():
    """eval/README.md's split table is where a reader learns which products no rule was written from: it
    names every locked category, and no development one (a batch that joins must add its locked names)."""
    line = next(row for row in (EVAL / "README.md").read_text(encoding="utf-8").splitlines() if row.startswith("| locked |"))
    named = set(re.findall(r"[a-z][a-z0-9_]+", line.split("|")[3]))
    dev_categories = {row["category"] for row in corpus("dev")}
    locked_categories = {row["category"] for row in corpus("locked")}
    assert not locked_categories - named, f"locked categories the table omits: {sorted(locked_categories - named)}"
    assert not dev_categories & named, f"development categories the table calls locked: {sorted(dev_categories & named)}"


def pending_batches() -> list[Path]:
    return sorted(path for path in (EVAL / "pending").iterdir() if path.is_dir()) if (EVAL / "pending").is_dir() else []


@pytest.mark.parametrize("batch", pending_batches(), ids=lambda path: path.name)
def test_a_pending_batch_can_join_as_it_is(batch, library):
    """A batch waiting unread in eval/pending/ joins by appending its two files: so each must be valid
    labelled replies whose ids the corpus does not hold yet, and a category the corpus already holds
    must stay on its side (a development category in the locked file would put read replies there)."""
    dev, locked = corpus("dev"), corpus("locked")
    rows = {part: [json.loads(line) for line in (batch / f"{part}.jsonl").read_text(encoding="utf-8").splitlines() if line]
            for part in ("dev", "locked")}
    for part in rows:
        assert not evaluate((batch / f"{part}.jsonl").read_text(encoding="utf-8"), library).errors
    ids = [row["id"] for row in [*dev, *locked, *rows["dev"], *rows["locked"]]]
    assert len(set(ids)) == len(ids), "an id the corpus or the batch already holds"
    on_side = {"dev": {row["category"] for row in dev}, "locked": {row["category"] for row in locked}}
    for part, other in (("dev", "locked"), ("locked", "dev")):
        crossing = {row["category"] for row in rows[part]} & (on_side[other] | {row["category"] for row in rows[other]})
        assert not crossing, f"{batch.name}/{part}.jsonl holds {other} categories: {sorted(crossing)}"


def test_the_corpus_covers_every_label():
    every = corpus("dev") + corpus("locked")
    assert {row["forbidden"] for row in every} >= {
        None, "contempt", "impatience", "denial", "confrontation", "curt", "absolute_claim"
    }
    techniques = {t for row in every for t in row["closing"]}
    assert techniques == {"alternative", "scarcity", "urgency", "gift", "trial", "direct_ask", "payment_reminder"}
    assert sum(row["fab"] == ["F", "A", "B"] for row in every) >= 100


# The regression set: the team's shared examples and the traps found in earlier rounds, whose
# forbidden-language and closing labels must come out exactly; FAB is held to figures (one
# reply's parts are a matter of degree: A款更轻便 is an advantage the old label did not count).


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_forbidden_category(scorer, row):
    hits = scorer.score_text(row["text"]).results["forbidden"].detail["hits"]
    expected = {row["forbidden"]} if row["forbidden"] else set()
    assert {h["category"] for h in hits} == expected, (row["text"], hits)
    for hit in hits:
        start, end = hit["span"]
        assert row["text"][start:end] == hit["phrase"]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_closing_techniques(scorer, row):
    techniques = scorer.score_text(row["text"]).results["closing"].detail["techniques"]
    assert sorted(techniques) == sorted(row["closing"]), row["text"]


def test_fab_on_the_regression_set(library):
    text = "\n".join(json.dumps(row, ensure_ascii=False) for row in ROWS)
    evaluation = evaluate(text, library)
    for name in ("fab", "F", "A", "B"):
        assert evaluation.tallies[name].f1 >= 0.9, (name, evaluation.tallies[name].to_dict())


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_fab_evidence_points_at_the_reply(scorer, row):
    result = scorer.score_text(row["text"]).results["fab"]
    for ev in result.evidence:
        assert row["text"][ev.start : ev.end] == ev.text
        assert ev.label in result.detail["components"]
