"""The content shipped with the package: it loads cleanly and every scenario is well-formed."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from roleplay.content.library import load_library
from roleplay.content.models import REQUIRED_SITUATIONS
from roleplay.engine.session import Session

LIB = load_library(env="")
ARCHETYPES = {"decisive", "cold", "lively", "bargainer", "cart_abandoner"}
SCENARIOS = sorted(LIB.scenarios)


def reachable(scenario_id: str) -> set[str]:
    scenario = LIB.scenario(scenario_id)
    seen, queue = {scenario.start}, deque([scenario.start])
    while queue:
        for transition in scenario.nodes[queue.popleft()].transitions:
            if transition.to not in seen:
                seen.add(transition.to)
                queue.append(transition.to)
    return seen


def situations_used(scenario_id: str) -> set[str]:
    used = set()
    for node in LIB.scenario(scenario_id).nodes.values():
        for line in node.say:
            for variant in line if isinstance(line, list) else [line]:
                if variant.startswith("@"):
                    used.add(variant[1:])
    return used


def test_all_shipped_content_loads_without_problems() -> None:
    assert LIB.problems == []
    assert "default" in LIB.rubrics


def test_all_five_archetypes_are_shipped() -> None:
    assert {p.archetype for p in LIB.personas.values()} >= ARCHETYPES
    assert set(LIB.personas) >= ARCHETYPES


def test_at_least_sixteen_scenarios_over_every_persona_and_difficulty() -> None:
    assert len(LIB.scenarios) >= 16
    assert {s.persona for s in LIB.scenarios.values()} >= ARCHETYPES
    assert {s.difficulty for s in LIB.scenarios.values()} == {"easy", "medium", "hard"}
    # each on a card of its own
    assert len({s.product.id for s in LIB.scenarios.values()}) == len(LIB.scenarios)


@pytest.mark.parametrize("kind", ["personas", "scenarios"])
def test_files_are_named_after_their_ids_and_start_with_a_comment(kind: str) -> None:
    table = LIB.personas if kind == "personas" else LIB.scenarios
    for item_id in table:
        path = LIB.sources[(kind[:-1], item_id)]
        assert path.stem == item_id
        schema_line, first = Path(path).read_text(encoding="utf-8").splitlines()[:2]
        assert schema_line.startswith("# yaml-language-server: $schema=../schemas/"), path.name
        assert first.startswith("# ") and len(first) > 10, f"{path.name}: the second line should describe the file"


@pytest.mark.parametrize("persona_id", sorted(LIB.personas))
def test_persona_has_required_lines_and_reacts_to_rudeness_and_slowness(persona_id: str) -> None:
    persona = LIB.persona(persona_id)
    assert set(REQUIRED_SITUATIONS) <= set(persona.phrasebook)
    for event in ("forbidden", "slow_reply", "too_slow"):
        costs = [r.effects.patience for r in persona.reactions if r.on == event]
        assert costs and min(costs) < 0, f"{event} must cost patience"
    for reaction in persona.reactions:
        if reaction.say:
            assert reaction.say in persona.phrasebook


def test_personas_differ() -> None:
    traits = {p.archetype: p.traits for p in LIB.personas.values()}
    assert traits["lively"].patience > traits["decisive"].patience > traits["cold"].patience
    assert traits["cold"].interest < min(t.interest for a, t in traits.items() if a != "cold")
    assert traits["bargainer"].price_sensitivity == max(t.price_sensitivity for t in traits.values())
    books = [frozenset(line for lines in p.phrasebook.values() for line in lines) for p in LIB.personas.values()]
    assert len(set(books)) == len(books)
    assert "small_talk" in LIB.persona("lively").phrasebook


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_is_well_formed(scenario_id: str) -> None:
    scenario = LIB.scenario(scenario_id)
    persona = LIB.persona(scenario.persona)
    assert scenario.start in scenario.nodes
    for node_id, node in scenario.nodes.items():
        assert node.say, f"{node_id}: the customer says nothing"
        for transition in node.transitions:
            assert transition.to in scenario.nodes, f"{node_id} -> unknown node {transition.to}"
            assert transition.intent is None or transition.intent in scenario.intents
            for name in (*transition.when.visited, *transition.when.not_visited):
                assert name in scenario.nodes
        if node.outcome is None:
            assert node.model_answer.strip(), f"{node_id} has no model_answer"
            assert node.transitions, f"{node_id} is a dead end without an outcome"
    assert situations_used(scenario_id) <= set(persona.phrasebook)
    for intent_id, intent in scenario.intents.items():
        assert intent.keywords and intent.examples, f"{intent_id}: give keywords and example phrases"
    assert any(n.outcome == "converted" for n in scenario.nodes.values())


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_node_is_reachable_from_start(scenario_id: str) -> None:
    assert reachable(scenario_id) == set(LIB.scenario(scenario_id).nodes)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_product_card_is_complete(scenario_id: str) -> None:
    product = LIB.scenario(scenario_id).product
    assert product.features and all(f.keywords and f.advantage and f.benefit for f in product.features)
    assert product.specs and all(s.unit for s in product.specs)
    assert product.promotions and product.shipping and product.returns
    assert product.original_price is None or product.original_price > product.price


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_model_answers_are_clean_and_lead_forward(scenario_id: str) -> None:
    """Each 参考话术, said at its node, is compliant, matches the card and moves the conversation on."""
    scenario = LIB.scenario(scenario_id)
    for node_id, node in scenario.nodes.items():
        if node.outcome:
            continue
        session = Session(scenario, LIB.persona(scenario.persona), LIB.rubric(scenario.rubric), seed=0)
        session.start()
        session.node_id = node_id  # jump straight to the node under test
        turn = session.reply(node.model_answer, 8)
        results = turn.score.results
        assert not results["forbidden"].detail["hits"], f"{node_id}: {results['forbidden'].detail['hits']}"
        assert not results["accuracy"].detail["contradictions"], f"{node_id}: {results['accuracy'].detail}"
        assert turn.next_node != node_id, f"{node_id}: the model answer does not move the conversation on"
        if "closing" in node.expects:
            assert "closing_attempt" in turn.score.events or turn.intent is not None, node_id


def test_the_shipped_scenarios_name_their_cards_in_products():
    import yaml

    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "scenarios").glob("*.yaml")):
        named = yaml.safe_load(path.read_text(encoding="utf-8"))["product"]
        assert isinstance(named, str) and (root / "products" / f"{named}.yaml").is_file(), path.name
