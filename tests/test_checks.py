"""Semantic checks (`roleplay validate`): files broken on purpose, each problem at its line:col.

Every test starts from a small scenario that is clean even under ``--strict`` and breaks one thing.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.authoring.checks import check_library
from roleplay.content.library import builtin_dir, load_library
from roleplay.content.yamlmarks import Problem

SCENARIO = """\
id: cups
title: 杯子咨询
difficulty: easy
persona: decisive
product:
  name: 保温杯
  price: 99
  stock: 5
  shipping: 48小时内发货
  returns: 7天无理由
intents:
  material:
    label: 讲材质
    keywords: [不锈钢]
    examples: [内胆是316不锈钢]
  confirm:
    label: 确认下单
    keywords: [拍下]
    examples: [您直接拍下就可以]
start: opening
nodes:
  opening:
    say: ["@greeting", 这个杯子什么材质？]
    model_answer: 亲，您好！内胆是316不锈钢，保温12小时，您冬天出门也能喝上热水。
    transitions:
      - {intent: material, to: ready}
  ready:
    say: [行。]
    model_answer: 您直接拍下就可以。
    expects: [closing]
    transitions:
      - {intent: confirm, to: ordered}
      - {to: gone}
  ordered:
    outcome: converted
    say: ["@ordered"]
  gone:
    outcome: lost
    say: ["@leaving"]
tests:
  - name: 成交
    replies: [内胆是316不锈钢, 您直接拍下就可以]
    path: [opening, ready, ordered]
    outcome: converted
"""


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str, relative: str = "scenarios/cups.yaml") -> list[Problem]:
    """The check problems of one file, loaded with the built-in content (for its persona)."""
    path = write(tmp_path, relative, text)
    library = load_library([tmp_path], env="")
    assert [p for p in library.problems if p.path == str(path)] == [], "the file itself must load"
    return [p for p in check_library(library) if p.path == str(path)]


def found(problems: list[Problem]) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.col, p.severity, p.message) for p in problems]


def at(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, col) where the ``occurrence``-th ``needle`` starts in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def before_tests(text: str, insert: str) -> str:
    return edit(text, "tests:\n", insert + "tests:\n")


def test_the_starting_scenario_is_clean(tmp_path):
    assert problems_of(tmp_path, SCENARIO) == []


def test_shipped_content_is_clean():
    assert check_library(load_library(env="")) == []


# -- the graph ---------------------------------------------------------------------------------


def test_unreachable_node_is_a_warning_at_its_key(tmp_path):
    orphan = "  orphan:\n    say: [嗯？]\n    model_answer: 在的。\n    transitions:\n      - {to: gone}\n"
    text = before_tests(SCENARIO, orphan)
    [problem] = problems_of(tmp_path, text)
    assert (problem.line, problem.col, problem.severity) == (*at(text, "orphan:"), "warning")
    assert problem.message == "node 'orphan' is never reached: no path from the start 'opening' goes here"
    line, col = at(text, "orphan:")
    assert str(problem) == f"{tmp_path / 'scenarios/cups.yaml'}:{line}:{col}: warning: {problem.message}"


def test_dead_end_node_without_outcome(tmp_path):
    text = edit(SCENARIO, "    transitions:\n      - {intent: confirm, to: ordered}\n      - {to: gone}\n", "")
    problems = found(problems_of(tmp_path, text))
    message = (
        "node 'ready' is a dead end: it has no transitions and no outcome, so the customer repeats "
        "themselves until they leave; add transitions or an outcome"
    )
    assert (*at(text, "ready:"), "warning", message) in problems
    # What it used to lead to is now unreachable, and the confirm intent unused.
    assert (*at(text, "ordered:"), "warning", "node 'ordered' is never reached: no path from the start "
            "'opening' goes here") in problems
    assert (*at(text, "confirm:"), "warning", "intent 'confirm' is declared but no transition uses it") in problems


def test_loop_with_no_way_to_an_outcome(tmp_path):
    text = edit(SCENARIO, "      - {intent: confirm, to: ordered}\n      - {to: gone}\n", "      - {to: opening}\n")
    problems = found(problems_of(tmp_path, text))
    for node in ("opening", "ready"):
        message = (
            f"no path from node {node!r} leads to an outcome: the session can only end by the customer "
            "losing patience or after max_turns"
        )
        assert (*at(text, f"{node}:"), "warning", message) in problems


def test_no_converted_outcome(tmp_path):
    text = edit(SCENARIO, "    outcome: converted\n    say", "    outcome: unpaid\n    say")
    text = edit(text, "    outcome: converted\n", "    outcome: unpaid\n")
    assert found(problems_of(tmp_path, text)) == [
        (*at(text, "nodes:"), "warning", "no node has outcome: converted, so the trainee can never make the sale")
    ]


def test_default_after_an_unconditional_default_is_never_taken(tmp_path):
    shadowed = "{to: ordered, when: {interest_gte: 90}}"
    text = edit(SCENARIO, "      - {to: gone}\n", f"      - {{to: gone}}\n      - {shadowed}\n")
    assert found(problems_of(tmp_path, text)) == [
        (*at(text, shadowed), "warning", "this default transition is never taken: transitions[1] is taken first")
    ]


# -- intents -----------------------------------------------------------------------------------


def test_intent_never_used(tmp_path):
    text = edit(SCENARIO, "start: opening", "  thanks:\n    label: 致谢\n    keywords: [谢谢]\nstart: opening")
    assert found(problems_of(tmp_path, text)) == [
        (*at(text, "thanks:"), "warning", "intent 'thanks' is declared but no transition uses it")
    ]


def test_example_that_does_not_match_its_own_intent(tmp_path):
    """Fillers and punctuation carry no meaning: the engine cannot recognise such an example."""
    text = edit(SCENARIO, "examples: [您直接拍下就可以]", "examples: [您直接拍下就可以, 哈哈，亲～]")
    [(line, col, severity, message)] = found(problems_of(tmp_path, text))
    assert (line, col, severity) == (*at(text, "哈哈，亲～"), "warning")
    assert message.startswith(
        "example '哈哈，亲～' does not match its own intent 'confirm' (similarity 0 < threshold 70)"
    )


def test_ambiguous_example_that_another_intent_would_take(tmp_path):
    """At `ready` the `material` transition is listed first; `confirm`'s example also contains 不锈钢."""
    text = edit(SCENARIO, "examples: [您直接拍下就可以]", "examples: [不锈钢的，您直接拍下就可以]")
    text = edit(text, "      - {intent: confirm, to: ordered}\n",
                "      - {intent: material, to: gone}\n      - {intent: confirm, to: ordered}\n")
    [(line, col, severity, message)] = found(problems_of(tmp_path, text))
    assert (line, col, severity) == (*at(text, "不锈钢的"), "warning")
    assert message.startswith(
        "ambiguous example: it also matches intent 'material' (via '不锈钢'), and at node 'ready' that "
        "transition would be taken instead of 'confirm''s"
    )


def test_overlap_that_cannot_change_the_branch_is_not_reported(tmp_path):
    """Listed first, the example's own intent wins the tie: the engine takes the intended branch."""
    text = edit(SCENARIO, "examples: [您直接拍下就可以]", "examples: [不锈钢的，您直接拍下就可以]")
    text = edit(text, "      - {intent: confirm, to: ordered}\n",
                "      - {intent: confirm, to: ordered}\n      - {intent: material, to: gone}\n")
    assert problems_of(tmp_path, text) == []


# -- names that do not exist -------------------------------------------------------------------

TECHNIQUES = "alternative, scarcity, urgency, gift, trial, direct_ask, payment_reminder"


def test_unknown_and_missing_phrasebook_situations_are_errors(tmp_path):
    text = edit(SCENARIO, '"@greeting", 这个杯子什么材质？', '"@greting", [这个杯子什么材质？, "@small_talk"]')
    [unknown, missing] = found(problems_of(tmp_path, text))
    assert unknown[:3] == (*at(text, '"@greting"'), "error")
    assert unknown[3].startswith("unknown situation '@greting'; situations: greeting, question,")
    assert missing == (
        *at(text, '"@small_talk"'), "error",
        "persona 'decisive' has no 'small_talk' lines, so the customer would say nothing here: "
        "add phrasebook.small_talk to the persona or change this line",
    )


def test_unknown_nodes_and_techniques_in_transitions_and_tests(tmp_path):
    text = edit(SCENARIO, "      - {to: gone}\n", "      - {to: gone, when: {visited: [openning]}}\n")
    text = edit(text, "{intent: confirm, to: ordered}", '{intent: confirm, signal: "closing:bribe", to: ordered}')
    text = edit(text, "path: [opening, ready, ordered]", "path: [opening, redy, ordered]")
    known = "known nodes: opening, ready, ordered, gone"
    assert found(problems_of(tmp_path, text)) == [
        (*at(text, '"closing:bribe"'), "error", f"unknown closing technique 'bribe'; techniques: {TECHNIQUES}"),
        (*at(text, "openning"), "error", f"unknown node 'openning'; {known}"),
        (*at(text, "redy"), "error", f"unknown node 'redy'; {known}"),
    ]


def test_a_node_may_expect_any_step_the_rubric_judges_but_no_other(tmp_path):
    text = edit(SCENARIO, "    expects: [closing]\n", "    expects: [closing, confirm_order, farewel]\n")
    expectable = "fab, closing, greeting, needs, confirm_order, farewell"
    told = "核实订单: 成交后核对收货地址和电话，例如：亲，跟您核对一下收货信息：…，没问题的话今天就给您发出。"
    assert found(problems_of(tmp_path, text)) == [
        # the model answer itself skips the step the node now expects
        (*at(text, "您直接拍下就可以。"), "warning", f"node 'ready': graded here, the model answer itself would be told: "
         f"{told}; rewrite it, or say what the node expects (expects, buying_signal)"),
        (*at(text, "farewel]"), "error", f"unknown criterion 'farewel' in expects: rubric 'default' has {expectable}"),
    ]


def test_persona_reaction_lines_and_techniques(tmp_path):
    persona = (builtin_dir() / "personas" / "decisive.yaml").read_text(encoding="utf-8")
    persona = edit(persona, "  over_pushing: [别催，我自己会拍。]\n", "")
    persona = edit(
        persona,
        "  - {on: closing_attempt, effects: {interest: 5}}",
        "  - {on: closing_attempt, technique: bribe, effects: {interest: 5}}\n"
        "  - {on: fab_pitch, technique: gift, effects: {interest: 5}}",
    )
    assert found(problems_of(tmp_path, persona, "personas/decisive.yaml")) == [
        (*at(persona, "bribe"), "error", f"unknown closing technique 'bribe'; techniques: {TECHNIQUES}"),
        (*at(persona, "gift"), "warning",
         "technique only applies to on: closing_attempt; with on: fab_pitch it is never met"),
        (*at(persona, "over_pushing}"), "error", "the phrasebook has no 'over_pushing' lines, so this reaction "
         "would say nothing: add phrasebook.over_pushing or change say"),
    ]


# -- gaps a trainee or editor will notice ------------------------------------------------------


def test_a_model_answer_that_earns_its_own_advice_is_a_warning(tmp_path):
    # a pitch node whose 参考话术 names a feature and stops: a trainee who copied it would be told to go on
    text = edit(SCENARIO, "内胆是316不锈钢，保温12小时，您冬天出门也能喝上热水。", "内胆是316不锈钢。")
    (problem,) = problems_of(tmp_path, text)
    assert (problem.line, problem.col) == at(text, "亲，您好！内胆是316不锈钢。")
    assert problem.severity == "warning"
    assert "node 'opening'" in problem.message and "只说了特性" in problem.message and "below the 85" in problem.message


def test_a_model_answer_without_the_close_its_node_expects_is_a_warning(tmp_path):
    text = edit(SCENARIO, "model_answer: 您直接拍下就可以。", "model_answer: 好的亲，有问题随时找我。")
    (problem,) = problems_of(tmp_path, text)
    assert problem.line == at(text, "好的亲，有问题随时找我")[0]
    assert "node 'ready'" in problem.message and "促成交易" in problem.message


def test_a_close_where_the_node_expects_one_is_due_not_premature(tmp_path):
    # without expects: [closing] the close would be advised to wait for a buying signal
    text = edit(SCENARIO, "    expects: [closing]\n", "")
    (problem,) = problems_of(tmp_path, text)
    assert "node 'ready'" in problem.message and "最好在顾客发出购买信号后再推进" in problem.message


def test_missing_lines_model_answers_and_tests(tmp_path):
    text = edit(SCENARIO, "    say: [行。]\n    model_answer: 您直接拍下就可以。\n", "")
    text = text[: text.index("tests:")]
    assert found(problems_of(tmp_path, text)) == [
        (1, 1, "warning", "the scenario has no tests: add a tests: list for `roleplay test` (see docs/authoring.md)"),
        (*at(text, "ready:"), "warning",
         "the customer says nothing at node 'ready': the trainee has nothing to answer"),
        (*at(text, "ready:"), "warning", "node 'ready' has no model_answer: trainees get no 参考话术 here"),
    ]


# -- the command -------------------------------------------------------------------------------


UNUSED = edit(SCENARIO, "start: opening", "  thanks:\n    label: 致谢\n    keywords: [谢谢]\nstart: opening")
UNUSED_AT = "{}:{}".format(*at(UNUSED, "thanks:"))  # the one warning of UNUSED, as line:col


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    """A scenario whose only problem is a warning: an unused intent."""
    return write(tmp_path, "scenarios/cups.yaml", UNUSED)


def test_validate_prints_warnings_and_passes(warned, capsys):
    assert main(["validate", str(warned)]) == 0
    out = capsys.readouterr().out
    assert f"{warned}:{UNUSED_AT}: warning: intent 'thanks' is declared but no transition uses it" in out
    assert out.rstrip().endswith("1 rubrics, 1 warning(s)")


def test_validate_strict_turns_warnings_into_errors(warned, capsys):
    assert main(["validate", "--strict", str(warned)]) == 1
    captured = capsys.readouterr()
    assert f"{warned}:{UNUSED_AT}: intent 'thanks' is declared but no transition uses it" in captured.out
    assert "1 error(s) in 1 file(s)" in captured.err


def test_validate_all_content_reports_check_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROLEPLAY_PATH", "")
    text = edit(SCENARIO, '"@greeting"', '"@greting"')
    path = write(tmp_path, "scenarios/cups.yaml", text)
    assert main(["validate", "--content", str(tmp_path)]) == 1
    line, col = at(text, '"@greting"')
    assert f"{path}:{line}:{col}: unknown situation '@greting'" in capsys.readouterr().out
