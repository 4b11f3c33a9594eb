"""An open rubric: criteria by id, each with a kind; a new step of the service process is YAML
only, its event moves a persona and a scenario can wait for it; rubric 2.x files keep loading."""

from __future__ import annotations

import re
from pathlib import Path

from roleplay.authoring.checks import check_library
from roleplay.content.library import builtin_dir, load_library
from roleplay.engine.session import Session
from roleplay.rubric.scorer import Scorer
from test_checks import SCENARIO, at, edit, write

RUBRIC = (builtin_dir() / "rubrics" / "default.yaml").read_text(encoding="utf-8")
EXAMPLES = str((builtin_dir() / "eval" / "dev.jsonl").resolve())


def custom_rubric(folder: Path, text: str) -> Path:
    """The default rubric under another id, its example paths made absolute."""
    text = text.replace("id: default", "id: custom", 1).replace("../eval/dev.jsonl", EXAMPLES)
    return write(folder, "rubrics/custom.yaml", text)


def test_a_rubric_of_version_2_loads_without_kinds_and_scores_the_same(tmp_path):
    # rubric 2.x had seven fixed criteria and no `kind`; their ids say it
    old = re.sub(r"\n    (?:kind|when|event): [a-z_]+(?=\n)", "", RUBRIC)
    old = old[: old.index("  # The seeds' fifth and sixth steps")] + old[old.index("  accuracy:\n") :]
    assert "kind:" not in old
    custom_rubric(tmp_path, old)
    library = load_library([tmp_path], env="")
    assert [p for p in library.problems if "custom" in p.path] == []
    custom, default = library.rubric("custom"), library.rubric("default")
    assert {k: c.kind for k, c in custom.criteria.items()} == {
        "fab": "fab", "latency": "latency", "forbidden": "forbidden", "closing": "closing",
        "greeting": "cue", "needs": "cue", "accuracy": "accuracy",
    }  # fmt: skip
    for text in ["亲，您好！请问是自己用还是送人呀？", "这款是纯棉的，吸汗透气，您夏天穿着不闷", "说了八百遍了"]:
        assert Scorer(custom).score_text(text).total == Scorer(default).score_text(text).total


def test_a_step_of_the_service_process_is_a_cue_criterion_in_yaml():
    """核实订单 and 道别 (seed 003's fifth and sixth steps) are YAML in the default rubric: no code."""
    library = load_library(env="")
    scorer = Scorer(library.rubric("default"))
    confirmed = scorer.score_text("好的亲，跟您核对一下收货地址：西湖区文三路，电话尾号1234，没问题吧？", index=3)
    assert confirmed.results["confirm_order"].score == 100 and "order_confirmed" in confirmed.events
    assert [e.text for e in confirmed.results["confirm_order"].evidence] == ["核对一下收货地址"]
    goodbye = scorer.score_text("感谢您的支持，有问题随时找我，欢迎下次光临～", index=4)
    assert goodbye.results["farewell"].score == 100 and "farewell" in goodbye.events
    plain = scorer.score_text("这款是纯棉的", index=2)
    assert plain.results["confirm_order"].score is None and plain.results["farewell"].score is None


def test_a_persona_reacts_to_a_cue_criterions_event_in_yaml():
    """The decisive shopper likes her order checked (personas/decisive.yaml: on: order_confirmed)."""
    library = load_library(env="")
    scenario = next(s for s in library.scenarios.values() if s.persona == "decisive")

    def mood_after(reply: str) -> int:
        session = Session(scenario, library.persona("decisive"), library.rubric(scenario.rubric), seed=1)
        session.start()
        return session.reply(reply, 60.0).state.mood  # slow on purpose: no fast_reply bonus

    assert mood_after("跟您核对一下收货地址，没问题吧") == mood_after("跟您说一下发货时间，没问题吧") + 5


def test_a_scenario_can_wait_for_a_cue_criterions_event(tmp_path):
    text = edit(SCENARIO, "      - {intent: material, to: ready}", "      - {signal: order_confirmed, to: ready}\n      - {intent: material, to: ready}")
    write(tmp_path, "scenarios/cups.yaml", text)
    library = load_library([tmp_path], env="")
    scenario = library.scenario("cups")
    session = Session(scenario, library.persona("decisive"), library.rubric("default"), seed=0)
    session.start()
    assert session.reply("先跟您核对一下收货地址", 5.0).next_node == "ready"


def test_validate_names_an_event_no_rubric_emits_and_a_signal_the_rubric_never_gives(tmp_path):
    persona_text = (builtin_dir() / "personas" / "decisive.yaml").read_text(encoding="utf-8")
    persona_text = persona_text.replace("id: decisive", "id: picky", 1).replace("on: order_confirmed", "on: order_confirmd")
    persona = write(tmp_path, "personas/picky.yaml", persona_text)
    scenario_text = edit(SCENARIO, "      - {intent: material, to: ready}", "      - {signal: farewel, to: ready}")
    scenario = write(tmp_path, "scenarios/cups.yaml", scenario_text)
    problems = check_library(load_library([tmp_path], env=""))
    [unknown_event] = [p for p in problems if p.path == str(persona)]
    assert (unknown_event.line, unknown_event.col) == at(persona_text, "order_confirmd")
    assert unknown_event.message.startswith("unknown event 'order_confirmd': no rubric emits it")
    [unknown_signal] = [p for p in problems if p.path == str(scenario) and p.message.startswith("unknown signal")]
    assert (unknown_signal.line, unknown_signal.col) == at(scenario_text, "farewel")
    assert "rubric 'default' never gives it" in unknown_signal.message and "order_confirmed" in unknown_signal.message


def test_a_criterion_without_a_known_kind_is_named_with_how_to_fix_it(tmp_path):
    text = RUBRIC.replace("  farewell:\n    kind: cue\n", "  farewell:\n    kind: goodbye\n")
    path = custom_rubric(tmp_path, text)
    library = load_library([tmp_path], env="")
    [problem] = [p for p in library.problems if p.path == str(path)]
    assert (problem.line, problem.col) == at(text, "kind: goodbye")
    assert "criteria.farewell: `kind` is missing or unknown" in problem.message and "cue" in problem.message


def test_the_scorers_numbers_and_messages_are_rubric_settings():
    """The latency fall-off, what makes a pitch and accuracy's currency and messages are YAML."""
    library = load_library(env="")
    default = library.rubric("default")
    product = library.scenario("air_fryer_fab").product

    def with_settings(kind: str, **settings):
        name = default.criterion_id(kind)
        changed = default.criteria[name].model_copy(update=settings)
        return Scorer(default.model_copy(update={"criteria": {**default.criteria, name: changed}}))

    seconds = 25.0  # halfway from the good norm (20 s) to the hard limit (30 s)
    assert Scorer(default).score_text("好的", index=1, latency_s=seconds).results["latency"].score == 70
    assert with_settings("latency", at_hard_limit=0).score_text("好的", index=1, latency_s=seconds).results["latency"].score == 50
    pitch = "这款是304不锈钢的，不生锈"
    assert "fab_pitch" in Scorer(default).score_text(pitch).events
    assert "fab_pitch" not in with_settings("fab", pitch_parts=3).score_text(pitch).events
    wrong = with_settings("accuracy", messages={"price": "报价有误，应为{prices}", "spec": "{spec}是{value}"})
    [evidence] = wrong.score_text("现在只要99元", product=product).results["accuracy"].evidence
    assert evidence.label.startswith("报价有误，应为") and evidence.text == "99元"


def test_how_the_customer_reads_intents_is_a_rubric_setting():
    from roleplay.content.models import Intent, Understanding
    from roleplay.engine.intents import IntentMatcher
    from roleplay.text.analysed import Analysed

    intents = {"split": Intent(label="价值拆分", examples=["每天不到一块钱，用三年很划算"])}
    reply = Analysed.of("每天不到一块钱")  # half of the example's words
    assert IntentMatcher(intents).matches("split", reply) is not None
    strict = IntentMatcher(intents, understanding=Understanding(example_coverage=1.0))
    assert strict.score("split", reply).score < IntentMatcher(intents).score("split", reply).score


def test_a_category_written_with_one_answered_question_still_loads_and_spares_the_answer(tmp_path):
    """Rubrics before 3.32 gave `answered` one question, not a list: it loads as a list of one and still works."""
    rubric = (Path(builtin_dir()) / "rubrics" / "default.yaml").read_text(encoding="utf-8")
    start = rubric.index("        answered:\n          - asked:")
    end = rubric.index("          # she jokes, laughing", start)
    single = rubric[start:end].replace("          - asked:", "          asked:", 1)
    lines = [line[2:] if line.startswith("            ") else line for line in single.splitlines()]
    write(tmp_path, "rubrics/default.yaml", rubric[:start] + "\n".join(lines) + "\n" + rubric[rubric.index("        phrases: [不可能, 从来不会", end):])
    library = load_library(env=str(tmp_path))
    denial = library.rubric("default").criteria["forbidden"].categories["denial"]
    assert len(denial.answered) == 1
    result = Scorer(library.rubric("default")).score_text("上不了哈，安检会收", customer_text="能上飞机吗").results["forbidden"]
    assert result.detail["hits"] == []
