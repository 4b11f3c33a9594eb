"""Content loading: every error of a file at once, each as path:line:col, and safe YAML only."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from roleplay.cli import main
from roleplay.content.library import builtin_dir, load_library
from roleplay.content.loader import load_model
from roleplay.content.models import ForbiddenCriterion

SCENARIO = """\
id: tiny
title: 小场景
difficulty: easy
persona: decisive
product:
  name: 杯子
  price: 39
  stock: 5
  shipping: 48小时内发货
  returns: 7天无理由
intents:
  yes_intent:
    label: 同意
    keywords: [好的]
start: a
nodes:
  a:
    say: [在吗]
    model_answer: 在的亲
    transitions:
      - {intent: yes_intent, to: done}
  done:
    outcome: converted
    say: [好]
"""


def write(tmp_path: Path, relative: str, text: str) -> Path:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def edited_default_rubric(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped rubric with its first ``old`` replaced by ``new``, written as a user's content."""
    rubric = (Path(builtin_dir()) / "rubrics" / "default.yaml").read_text(encoding="utf-8")
    assert old in rubric
    return write(tmp_path, "rubrics/default.yaml", rubric.replace(old, new, 1))


def messages(path: Path) -> list[str]:
    _, problems = load_model(path)
    return [str(p) for p in problems]


def test_valid_file_has_no_problems(tmp_path):
    path = write(tmp_path, "scenarios/tiny.yaml", SCENARIO)
    model, problems = load_model(path)
    assert problems == [] and model.id == "tiny"


def test_all_errors_of_a_file_are_reported_with_line_and_column(tmp_path):
    broken = SCENARIO.replace("difficulty: easy", "difficulty: extreme").replace(
        "  price: 39", "  price: cheap\n  colour: red"
    )
    path = write(tmp_path, "scenarios/tiny.yaml", broken)
    found = messages(path)
    assert f"{path}:3:13: difficulty: Input should be 'easy', 'medium' or 'hard' (got 'extreme')" in found
    assert any(m.startswith(f"{path}:7:10: product.price:") for m in found)
    assert f"{path}:8:3: unknown key 'colour': check its spelling or remove it" in found
    assert len(found) == 3


def test_unknown_transition_target_points_at_the_to_value(tmp_path):
    path = write(tmp_path, "scenarios/tiny.yaml", SCENARIO.replace("to: done}", "to: nowhere}"))
    [message] = messages(path)
    assert message.startswith(f"{path}:21:34: unknown node 'nowhere'; known nodes: a, done")


def test_undeclared_intent_and_missing_start(tmp_path):
    text = SCENARIO.replace("intent: yes_intent", "intent: maybe").replace("start: a", "start: b")
    path = write(tmp_path, "scenarios/tiny.yaml", text)
    found = messages(path)
    assert f"{path}:15:8: start node 'b' is not defined under nodes" in found
    assert f"{path}:21:18: intent 'maybe' is not declared under intents" in found


def test_missing_required_key_points_at_its_parent(tmp_path):
    path = write(tmp_path, "scenarios/tiny.yaml", SCENARIO.replace("  stock: 5\n", ""))
    assert messages(path) == [f"{path}:6:3: missing required key 'stock'"]


def test_yaml_syntax_error_has_a_position(tmp_path):
    path = write(tmp_path, "scenarios/tiny.yaml", "id: x\ntitle: [unclosed\n")
    [message] = messages(path)
    assert message.startswith(f"{path}:3:1: YAML syntax error")


def test_duplicate_keys_are_reported(tmp_path):
    path = write(tmp_path, "scenarios/tiny.yaml", SCENARIO.replace("title: 小场景", "title: 小场景\ntitle: 又一个"))
    assert f"{path}:3:1: duplicate key 'title'; keep only one" in messages(path)


def test_unsafe_yaml_tags_are_refused(tmp_path):
    path = write(tmp_path, "scenarios/evil.yaml", "id: !!python/object/apply:os.system ['echo pwned']\n")
    [message] = messages(path)
    assert "YAML syntax error" in message and "python/object" in message


def test_on_and_no_stay_strings(tmp_path):
    """YAML 1.1 would read `on:` as True; reactions are keyed by `on`."""
    persona = (Path(builtin_dir()) / "personas" / "decisive.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "personas/decisive.yaml", persona)
    model, problems = load_model(path)
    assert problems == [] and model.reactions[0].on == "fast_reply"


def test_rubric_weights_must_sum_to_100(tmp_path):
    path = edited_default_rubric(tmp_path, "weight: 25", "weight: 30")
    [message] = messages(path)
    assert "criteria: criterion weights sum to 105; they must sum to 100" in message
    assert message.startswith(f"{path}:")


def test_reference_to_unknown_persona_is_reported_at_the_key(tmp_path):
    write(tmp_path, "scenarios/tiny.yaml", SCENARIO.replace("persona: decisive", "persona: ghost"))
    library = load_library([tmp_path], env="")
    [problem] = [p for p in library.problems if "ghost" in p.message]
    assert (problem.line, problem.col) == (4, 10)
    assert "unknown persona 'ghost'" in problem.message


CARD = """\
id: mug
name: 马克杯
price: 39
stock: 5
shipping: 48小时内发货
returns: 7天无理由
faq:
  - question: 能进微波炉吗？
    answer: 可以的。
"""
NAMED = SCENARIO[: SCENARIO.index("product:")] + "product: mug\n" + SCENARIO[SCENARIO.index("intents:"):]


def test_a_scenario_names_its_product_card_by_id(tmp_path):
    write(tmp_path, "products/mug.yaml", CARD)
    write(tmp_path, "scenarios/tiny.yaml", NAMED)
    library = load_library([tmp_path], env="")
    assert [p for p in library.problems if str(tmp_path) in p.path] == []
    card = library.scenario("tiny").product
    assert card is library.product("mug") and card.name == "马克杯" and card.faq[0].answer == "可以的。"


def test_an_unknown_product_card_is_reported_at_the_key_and_the_scenario_left_out(tmp_path):
    write(tmp_path, "scenarios/tiny.yaml", NAMED.replace("product: mug", "product: cup"))
    library = load_library([tmp_path], env="")
    [problem] = [p for p in library.problems if "cup" in p.message]
    assert (problem.line, problem.col) == (5, 10) and problem.severity == "error"
    assert "unknown product 'cup'" in problem.message and "products/cup.yaml" in problem.message
    assert "tiny" not in library.scenarios  # nothing to play or grade against


def test_a_broken_product_card_is_located(tmp_path):
    path = write(tmp_path, "products/mug.yaml", CARD.replace("price: 39", "price: free"))
    assert any(m.startswith(f"{path}:3:8: price:") for m in messages(path))


def test_offers_with_terms_are_checked_and_located(tmp_path):
    terms = "original_price: 49\npromotions:\n  - {kind: discount, off: 20}\n  - {kind: bundle, quantity: 1, price: 70}\n"
    path = write(tmp_path, "products/mug.yaml", CARD.replace("stock: 5\n", "stock: 5\n" + terms))
    found = messages(path)
    assert f"{path}:8:30: promotions[1].quantity: Input should be greater than or equal to 2 (got 1)" in found
    fixed = write(tmp_path, "products/mug.yaml", CARD.replace("stock: 5\n", "stock: 5\n" + terms.replace("quantity: 1", "quantity: 2")))
    [wrong_sum] = messages(fixed)
    assert wrong_sum.startswith(f"{fixed}:7:3: promotions: promotions[0] takes 20 off the original_price 49, which makes 29")
    unknown = write(tmp_path, "products/mug.yaml", CARD.replace("stock: 5\n", "stock: 5\npromotions: [{kind: raffle}]\n"))
    assert messages(unknown) == [f"{unknown}:5:14: promotions[0]: a promotion is its text (限时直降100元) or an offer "
                                 "with a kind: discount, threshold, coupon, bundle, gift or deposit"]
    swollen = "promotions:\n  - {kind: deposit, deposit: 50, counts_as: 20}\n"
    deposit = write(tmp_path, "products/mug.yaml", CARD.replace("stock: 5\n", "stock: 5\n" + swollen))
    assert messages(deposit) == [f"{deposit}:6:5: promotions[0]: counts_as 20 is less than the deposit 50: a deposit "
                                 "counts at least as itself; write the larger figure of 付X抵Y as counts_as"]
    too_big = write(tmp_path, "products/mug.yaml", CARD.replace("stock: 5\n", "stock: 5\n" + swollen.replace("20", "80")))
    [message] = messages(too_big)
    assert message.startswith(f"{too_big}:6:3: promotions: promotions[0]: the deposit counts as 80, more than the price 39")


def test_yes_or_no_is_no_number(tmp_path):
    """``price: true`` used to pass as a price of 1元."""
    path = write(tmp_path, "products/mug.yaml", CARD.replace("price: 39", "price: true"))
    assert messages(path) == [f"{path}:3:8: price: expects no yes/no value here, got true: write the value itself"]


def test_validate_command_exit_codes(tmp_path, capsys):
    good = write(tmp_path, "scenarios/tiny.yaml", SCENARIO)
    assert main(["validate", str(good)]) == 0
    assert "OK" in capsys.readouterr().out
    bad = write(tmp_path, "bad/scenarios/tiny.yaml", SCENARIO.replace("price: 39", "price: -1"))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:7:10: product.price: Input should be greater than 0 (got -1)" in out


def test_user_content_dirs_from_flag_and_environment(tmp_path):
    write(tmp_path, "mine/scenarios/tiny.yaml", SCENARIO)
    assert "tiny" in load_library([tmp_path / "mine"], env="").scenarios
    assert "tiny" in load_library(env=str(tmp_path / "mine")).scenarios
    assert "tiny" not in load_library(env="").scenarios


def test_tabs_and_missing_situations_get_actionable_messages(tmp_path):
    tabbed = write(tmp_path, "scenarios/tabs.yaml", "id: s\ntitle: t\n\tbad: tab\n")
    assert messages(tabbed) == [
        f"{tabbed}:3:1: YAML syntax error: found character '\\t' that cannot start any token"
        " (indent with spaces, not tabs)"
    ]
    persona = (Path(builtin_dir()) / "personas" / "decisive.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "personas/decisive.yaml", persona.replace("  leaving:", "  leavingx:"))
    found = messages(path)
    assert any("phrasebook.leavingx: Input should be 'greeting'" in m for m in found)
    fixed = write(tmp_path, "personas/decisive.yaml", "\n".join(
        line for line in persona.splitlines() if not line.startswith("  leaving:")
    ))
    [message] = messages(fixed)
    assert "add lines for the situations the customer always needs: leaving" in message


def test_a_number_where_text_is_expected_gets_a_quoting_hint(tmp_path):
    path = write(tmp_path, "scenarios/tiny.yaml", SCENARIO.replace("keywords: [好的]", "keywords: [316]"))
    [message] = messages(path)
    assert message == (
        f"{path}:14:16: intents.yes_intent.keywords[0]: Input should be a valid string "
        "(got the number 316: YAML reads bare numbers as numbers, so quote it: '316')"
    )


def test_a_missing_or_bad_example_file_of_the_learned_tone_is_reported_at_its_key(tmp_path, capsys):
    rubric = (Path(builtin_dir()) / "rubrics" / "default.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "rubrics/default.yaml", rubric.replace("examples: [../eval/dev.jsonl]", "examples: [mine.jsonl]"))
    # (the FAB, forbidden and closing criteria learn from examples: each key is reported, each falls back to rules)
    library = load_library([tmp_path], env="")
    problems = [p for p in library.problems if "mine.jsonl" in p.message]
    lines = [n + 1 for n, line in enumerate(rubric.splitlines()) if "examples: [../eval/dev.jsonl]" in line]
    assert [(p.path, p.line) for p in problems] == [(str(path), line) for line in lines] and len(lines) == 3
    assert all("example file 'mine.jsonl' not found" in p.message and "relative to the rubric file" in p.message for p in problems)
    # the rubric still loads and scores, by its rules alone
    criteria = library.rubric("default").criteria
    assert criteria["forbidden"].learned is None and criteria["fab"].learned is None and criteria["closing"].learned is None
    write(tmp_path, "rubrics/mine.jsonl", '{"id": 1, "text": "你烦不烦", "fab": [], "forbidden": "impatience", "closing": []}\n{"id": 2\n')
    library = load_library([tmp_path], env="")
    problems = [p for p in library.problems if "mine.jsonl" in p.message]
    assert len(problems) == 3
    assert all("has lines that do not read" in p.message and "mine.jsonl:2: not valid JSON" in p.message for p in problems)
    assert main(["validate", "--content", str(tmp_path)]) == 1
    assert "mine.jsonl:2" in capsys.readouterr().out


def test_an_example_file_found_sound_is_not_read_again_until_it_changes(tmp_path, monkeypatch):
    # every start checks the rubric's example files; fifteen thousand replies read cleanly once are
    # remembered by their contents, and a file edited since (here: a bad line added) is read again
    from roleplay.content import labels

    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    examples = write(tmp_path, "mine.jsonl", '{"id": 1, "text": "亲，有货的", "fab": [], "forbidden": null, "closing": []}\n')
    reads = []
    read_jsonl = labels.read_jsonl
    monkeypatch.setattr(labels, "read_jsonl", lambda *args: reads.append(1) or read_jsonl(*args))
    assert labels.labelled_file_problems(examples) == [] and labels.labelled_file_problems(examples) == []
    assert len(reads) == 1
    examples.write_text(examples.read_text(encoding="utf-8") + '{"id": 2\n', encoding="utf-8")
    for _ in range(2):  # a file with a bad line is never remembered as sound: read, and reported, each time
        [problem] = labels.labelled_file_problems(examples)
        assert "mine.jsonl:2: not valid JSON" in problem
    assert len(reads) == 3


def test_a_quick_reply_slot_the_card_cannot_fill_is_located(tmp_path):
    path = write(tmp_path, "quick_replies/shop.yaml", """\
        id: shop
        title: 店铺短语
        phrases:
          - label: 发货
            text: 亲，{shipping}哦～
          - label: 保修
            text: 亲，{warranty}放心～
        """)
    (message,) = messages(path)
    assert message.startswith(f"{path}:7:11: phrases[1].text: ")
    assert "unknown slot {warranty}" in message and "{shipping}" in message


def _graph(node, out: list) -> list:
    """A YAML node graph as (kind, tag, line, column, scalar) in document order."""
    import yaml

    out.append((type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column,
                node.value if isinstance(node, yaml.ScalarNode) else None))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _graph(key, out)
            _graph(value, out)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _graph(item, out)
    return out


def test_libyaml_reads_every_shipped_file_as_the_python_loader_does():
    """Content is read by libyaml (ten times faster); its graph, marks and data must be the same
    as PyYAML's own loader's, or a located error would point at the wrong place."""
    from roleplay.content import yamlmarks

    if yamlmarks._FastLoader is None:
        pytest.skip("PyYAML was built without libyaml: every file is read by the Python loader")
    files = sorted(builtin_dir().glob("*/*.yaml"))
    assert len(files) > 20
    for path in files:
        source = path.read_text(encoding="utf-8")
        fast = yamlmarks._compose_and_construct(yamlmarks._FastLoader(source))
        slow = yamlmarks._compose_and_construct(yamlmarks.ContentLoader(source))
        assert fast[1] == slow[1], path
        assert _graph(fast[0], []) == _graph(slow[0], []), path


def test_a_value_inside_itself_is_refused_on_the_fast_path_too(tmp_path):
    """libyaml composes `&a [*a]` without complaint; the loader must still refuse it, located."""
    path = write(tmp_path, "personas/loop.yaml", "id: loop\nlines: &a\n  - *a\n")
    from roleplay.content.yamlmarks import load_marked

    document, problems = load_marked(path)
    assert document is None
    assert [str(p) for p in problems] == [
        f"{path}:3:5: YAML error: recursive alias *a: it refers to the value &a it is inside, so the value "
        "would contain itself; write the value out instead"
    ]


def test_a_claim_model_of_a_category_without_words_is_named():
    forbidden = load_library(env="").rubric("default").criteria["forbidden"].model_dump(by_alias=True)
    del forbidden["categories"]["absolute_claim"]
    with pytest.raises(ValidationError) as raised:
        ForbiddenCriterion.model_validate(forbidden)
    assert "learned.claims.category 'absolute_claim' has no word list: add it under categories" in str(raised.value)


def test_a_technique_ruled_out_by_itself_or_by_none_of_the_criterion_is_located(tmp_path):
    path = edited_default_rubric(tmp_path, "ruled_out_by: [payment_reminder]", "ruled_out_by: [direct_ask]")
    [message] = messages(path)
    assert "ruled_out_by names 'direct_ask': list other techniques of this criterion (alternative," in message
    # at the name itself, in the technique's own line, not at the criterion
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "ruled_out_by: [direct_ask]" in text)
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index("direct_ask]") + 1
    assert message.startswith(f"{path}:{line}:{column}:")
