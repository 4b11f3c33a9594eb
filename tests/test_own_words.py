"""Trainees' own words, as the simulated customer meets them in the shipped scenarios.

The replies were written by someone who read the scenarios' cards and intents but not the rubric:
paraphrases of each intent that share no keyword with it, and for each scenario six strong pitches
(a feature of the card, what it does, what it means for this shopper, all paraphrased) and six
weak ones (a bare spec, no benefit, vague praise). ``intent_paraphrases.heldout.jsonl`` was written
after the thesaurus, by another writer, and was not read while building it. The ten later scenarios
were written by five writers, their paraphrases and pitches by three others, their intents tuned on
the paraphrases by five more, and their held-out paraphrases by one more, who saw none of the rest.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from roleplay.engine.session import Session
from roleplay.rubric.scorer import scorer_for
from roleplay.text.normalize import normalize

DATA = Path(__file__).parent / "data"


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


PARAPHRASES = rows("intent_paraphrases.jsonl")
HELD_OUT = rows("intent_paraphrases.heldout.jsonl")
PITCHES = rows("scenario_pitches.jsonl")


def reply_at(library, scenario_id: str, node: str, text: str):
    """The customer waiting at ``node`` (as after the replies that lead there) gets ``text``."""
    scenario = library.scenario(scenario_id)
    session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed=0)
    session.start()
    session.node_id = node
    return scenario.nodes[node], session.reply(text, 8.0)


def moves_as_the_intent_says(library, row: dict) -> bool:
    """The conversation goes where the node's transition on that intent leads."""
    node, turn = reply_at(library, row["scenario"], row["node"], row["text"])
    found = scorer_for(library.rubric(library.scenario(row["scenario"]).rubric)).signals(turn.score)
    targets = {t.to for t in node.transitions if t.intent == row["intent"] and (t.signal is None or t.signal in found)}
    return turn.next_node in targets


def test_every_intent_has_three_paraphrases_without_its_keywords(library):
    counts = Counter((row["scenario"], row["intent"]) for row in PARAPHRASES)
    intents = {(s.id, i) for s in library.scenarios.values() for i in s.intents}
    assert set(counts) == intents and min(counts.values()) >= 3
    for row in PARAPHRASES + HELD_OUT:
        keywords = library.scenario(row["scenario"]).intents[row["intent"]].keywords
        assert not [k for k in keywords if normalize(k) in normalize(row["text"])], row


def known_miss(row: dict, case_id: str):
    """A row as a test case; one the software is known to misjudge (``known_miss`` says why) is an
    expected failure, strictly: once it is judged right, the mark must go."""
    marks = [pytest.mark.xfail(reason=row["known_miss"], strict=True)] if "known_miss" in row else []
    return pytest.param(row, id=case_id, marks=marks)


@pytest.mark.parametrize("row", [known_miss(r, f"{r['scenario']}-{r['intent']}-{i}") for i, r in enumerate(PARAPHRASES)])
def test_a_paraphrase_moves_the_conversation_as_its_intent_says(library, row):
    assert moves_as_the_intent_says(library, row), row["text"]


#: The first seven scenarios, whose intents the thesaurus was built with; the other ten were
#: written later, their intents tuned by other writers on ``intent_paraphrases.jsonl`` alone.
FIRST_SEVEN = {
    "air_fryer_fab", "down_jacket_size", "earbuds_out_of_stock", "skincare_cart_recall",
    "snacks_coupon_stack", "suitcase_shipping_returns", "water_purifier_bargain",
}


@pytest.mark.parametrize(("first_seven", "floor"), [(True, 0.85), (False, 0.75)], ids=["first seven", "later ten"])
def test_held_out_paraphrases_are_mostly_understood(library, first_seven, floor):
    """Floors, not targets: measured 97/108 for the first seven and 84/106 for the later ten (rubrics 3.2 and
    3.3), 98/108 and 85/106 (rubric 3.4), 98/108 and 86/106 (rubric 3.6), 97/108 and 86/106 (rubric 3.7),
    97/108 and 84/106 (rubric 3.8), 97/108 and 86/106 (rubric 3.9), 98/108 and 86/106 (rubric 3.10),
    97/108 and 86/106 (rubric 3.11; 3.10 refitted to the same development part scores the same), 98/108 and
    85/106 (rubric 3.12; 3.11 refitted to the same development part scores the same), 97/108 and 85/106
    (rubric 3.13; 3.12 refitted to the same development part scores the same), 97/108 and 85/106 (rubrics 3.14
    and 3.15)."""
    rows = [row for row in HELD_OUT if (row["scenario"] in FIRST_SEVEN) is first_seven]
    understood = sum(moves_as_the_intent_says(library, row) for row in rows)
    assert rows and understood / len(rows) >= floor, f"{understood}/{len(rows)}"


@pytest.mark.parametrize(
    "row", [known_miss(r, f"{r['scenario']}-{'strong' if r['strong'] else 'weak'}-{i}") for i, r in enumerate(PITCHES)]
)
def test_own_words_pitches(library, row):
    """A strong pitch is a linked F/A/B; a weak one is not."""
    _, turn = reply_at(library, row["scenario"], row["node"], row["text"])
    fab = turn.score.results["fab"]
    assert fab.detail["linked"] is row["strong"], (row["text"], fab.detail, [(e.label, e.text) for e in fab.evidence])


def test_six_strong_and_six_weak_pitches_per_scenario(library):
    counts = Counter((row["scenario"], row["strong"]) for row in PITCHES)
    assert {s for s, _ in counts} == set(library.scenarios)
    assert min(counts.values()) >= 6
    # the rubric misjudges at most one of a scenario's pitches, and few overall
    misses = Counter(row["scenario"] for row in PITCHES if "known_miss" in row)
    assert max(misses.values(), default=0) <= 1 and sum(misses.values()) <= len(PITCHES) // 20
