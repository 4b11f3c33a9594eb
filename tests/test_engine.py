"""The session state machine on a small scenario built for the purpose."""

from __future__ import annotations

import pytest

from roleplay.content.models import Persona, Scenario
from roleplay.engine.intents import IntentMatcher, thesaurus_for
from roleplay.engine.session import Session
from roleplay.text.analysed import Analysed
from roleplay.text.numerals import arabic

PERSONA = {
    "id": "tester",
    "name": "测试顾客",
    "archetype": "decisive",
    "traits": {"patience": 50, "interest": 40, "mood": 50, "typing_cpm": 120},
    "phrasebook": {
        "greeting": ["在吗", "在不在"],
        "slow_reply": ["太慢了"],
        "rude_reply": ["什么态度"],
        "confused": ["没听懂"],
        "leaving": ["走了"],
    },
    "reactions": [
        {"on": "slow_reply", "effects": {"patience": -20}, "say": "slow_reply"},
        {"on": "too_slow", "effects": {"patience": -60}, "say": "slow_reply"},
        {"on": "forbidden", "effects": {"patience": -30, "mood": -30}, "say": "rude_reply"},
        {"on": "fab_pitch", "effects": {"interest": 20}},
        {"on": "closing_attempt", "technique": "gift", "effects": {"interest": 30}},
        {"on": "no_progress", "effects": {"patience": -10}},
    ],
}
SCENARIO = {
    "id": "mini",
    "title": "迷你场景",
    "difficulty": "easy",
    "persona": "tester",
    "product": {
        "name": "保温杯",
        "price": 89,
        "features": [{"name": "316不锈钢内胆", "keywords": ["316", "不锈钢"]}],
        "stock": 10,
        "shipping": "48小时内发货",
        "returns": "7天无理由",
    },
    "max_turns": 4,
    "intents": {
        "keep_warm": {"label": "保温时长", "keywords": ["12小时", "保温12小时"], "examples": ["保温效果很好可以保温一整天"]},
    },
    "start": "ask",
    "nodes": {
        "ask": {
            "say": ["@greeting", ["{product}保温多久？", "这个{product}能保温多久？"]],
            "expects": ["fab"],
            "model_answer": "亲，316不锈钢内胆，保温12小时，您冬天出门也能喝上热水。",
            "transitions": [
                {"intent": "keep_warm", "to": "price", "when": {"mood_gte": 40}},
                {"signal": "fab_pitch", "to": "price"},
            ],
        },
        "price": {
            "say": ["{price}元能便宜吗？"],
            "buying_signal": True,
            "model_answer": "价格已经是活动价了，现在拍下还送您杯套。",
            "transitions": [
                {"signal": "closing:gift", "to": "won"},
                {"to": "won", "when": {"interest_gte": 90}},
            ],
        },
        "won": {"outcome": "converted", "say": ["那我拍了"]},
    },
}


@pytest.fixture
def session_factory(library):
    persona = Persona.model_validate(PERSONA)
    scenario = Scenario.model_validate(SCENARIO)
    return lambda seed=0: Session(scenario, persona, library.rubric("default"), seed)


def test_start_renders_variants_placeholders_and_typing_delay(session_factory):
    messages = session_factory(0).start()
    assert messages[0].text in {"在吗", "在不在"}
    assert messages[1].text in {"保温杯保温多久？", "这个保温杯能保温多久？"}
    assert messages[1].typing_s == pytest.approx(1.0 + len(messages[1].text) * 60 / 120, abs=0.1)


def test_seeds_replay_and_vary(session_factory):
    runs = {seed: [m.text for m in session_factory(seed).start()] for seed in range(12)}
    assert [m.text for m in session_factory(5).start()] == runs[5]
    assert len({tuple(r) for r in runs.values()}) > 1


def test_intent_with_condition_then_gift_signal_converts(session_factory):
    session = session_factory()
    session.start()
    turn = session.reply("亲，这款可以保温12小时哦。", 5)
    assert turn.intent.intent == "keep_warm" and turn.next_node == "price"
    assert [m.text for m in turn.customer] == ["89元能便宜吗？"]
    turn = session.reply("价格是活动价了，现在拍下还送您杯套。", 5)
    assert turn.ended and turn.outcome == "converted"
    assert session.report().outcome_label == "成交"


def test_fab_signal_and_reaction_raise_interest(session_factory):
    session = session_factory()
    session.start()
    turn = session.reply("这款是316不锈钢内胆，保温持久，您冬天出门也能喝上热水。", 5)
    assert "fab_pitch" in turn.score.events and turn.next_node == "price"
    assert turn.state.interest == 60


def test_default_transition_waits_for_its_condition(session_factory):
    session = session_factory()
    session.start()
    session.reply("这款是316不锈钢内胆，保温持久，您冬天出门也能喝上热水。", 5)  # interest 60
    turn = session.reply("价格已经很实惠了。", 5)
    assert not turn.ended and turn.next_node == "price"


def test_no_progress_costs_patience_and_repeats_the_question(session_factory):
    session = session_factory()
    session.start()
    turn = session.reply("您好", 5)
    assert turn.next_node == "ask" and turn.intent is None
    assert turn.customer[0].text == "没听懂"
    assert turn.state.patience == 40


def test_rude_reply_costs_patience_and_the_condition_blocks_the_intent(session_factory):
    session = session_factory()
    session.start()
    turn = session.reply("爱买不买，12小时", 5)
    assert turn.customer[0].text == "什么态度"
    assert turn.state.mood == 20
    assert turn.state.patience == 10  # -30 for the forbidden phrase, -10 for no progress
    assert turn.next_node == "ask"  # mood below 40 blocks the keep_warm transition


def test_too_slow_empties_patience_and_the_customer_leaves(session_factory):
    session = session_factory()
    session.start()
    turn = session.reply("亲，这款可以保温12小时哦。", 45)
    assert turn.ended and turn.outcome == "lost"
    assert [m.text for m in turn.customer] == ["太慢了", "走了"]
    with pytest.raises(RuntimeError):
        session.reply("还在吗", 1)


def test_customer_leaves_after_max_turns(library):
    patient = Persona.model_validate({**PERSONA, "traits": {**PERSONA["traits"], "stall_limit": 10}})
    session = Session(Scenario.model_validate(SCENARIO), patient, library.rubric("default"))
    session.start()
    turns = [session.reply(f"第{i}句无关的话", 2) for i in range(4)]
    assert turns[-1].ended and turns[-1].outcome == "lost"
    assert turns[-1].customer[-1].text == "走了"


def test_a_stuck_trainee_is_asked_again_in_other_words_then_told_then_left(library):
    """Replies that lead nowhere: she asks again in another variant of her question, then says she
    is losing patience (without repeating herself), then leaves at her persona's stall_limit."""
    impatient = {**PERSONA, "phrasebook": {**PERSONA["phrasebook"], "impatient": ["我问第二遍了"]},
                 "traits": {**PERSONA["traits"], "patience": 100}}
    session = Session(Scenario.model_validate(SCENARIO), Persona.model_validate(impatient), library.rubric("default"))
    asked = session.start()[-1].text
    said = [[m.text for m in session.reply("好的亲，我看一下哦", 5).customer] for _ in range(3)]
    other = ({"保温杯保温多久？", "这个保温杯能保温多久？"} - {asked}).pop()
    assert said == [["没听懂", other], ["我问第二遍了"], ["走了"]]
    assert session.outcome == "lost"


@pytest.mark.parametrize("scenario_id", ["snacks_coupon_stack", "air_fryer_fab", "water_purifier_bargain",
                                         "skincare_cart_recall", "down_jacket_size", "earbuds_out_of_stock",
                                         "suitcase_shipping_returns"])
def test_no_shipped_customer_loops_on_a_line(library, scenario_id):
    """The shipped customers, with a trainee who never answers: no line said twice while her
    phrasebook or the scenario has another, and she is gone within her stall_limit."""
    scenario = library.scenario(scenario_id)
    persona = library.persona(scenario.persona)
    session = Session(scenario, persona, library.rubric(scenario.rubric), seed=1)
    session.start()
    replies = 0
    while not session.ended:
        session.reply("好的亲，我看一下哦", 5)
        replies += 1
    assert session.outcome == "lost" and replies <= persona.traits.stall_limit
    lines = [m.text for m in session.transcript if m.role == "customer"]
    single = {line for options in persona.phrasebook.values() if len(options) == 1 for line in options}
    repeated = {line for line in lines if lines.count(line) > 1}
    assert repeated <= single, repeated  # only a line with no alternative may come back


def test_report_before_the_end_is_unfinished(session_factory):
    session = session_factory()
    session.start()
    session.reply("亲，这款可以保温12小时哦。", 5)
    report = session.report()
    assert report.outcome is None and report.outcome_label == "未完成"
    assert len(report.turns) == 1 and report.turns[0].answered[-1].text.endswith("保温多久？")


def test_intent_examples_match_paraphrases_without_keywords():
    matcher = IntentMatcher(Scenario.model_validate(SCENARIO).intents)
    paraphrase = Analysed.of("亲，保温效果非常好，可以保温一整天呢")
    unrelated = Analysed.of("我们周末不发货")
    assert matcher.matches("keep_warm", paraphrase) is not None
    assert matcher.matches("keep_warm", unrelated) is None
    # A near-miss spelling of a keyword still counts (rapidfuzz), not only exact substrings.
    variant = matcher.matches("keep_warm", Analysed.of("能保温12个小时"))
    assert variant is not None and variant.via == "保温12小时"


def test_a_fragment_of_an_example_is_not_a_match():
    matcher = IntentMatcher(Scenario.model_validate(SCENARIO).intents)
    assert matcher.score("keep_warm", Analysed.of("很好")).score < 70


MOODY = {
    **PERSONA,
    "phrasebook": {**PERSONA["phrasebook"], "buying_question": ["怎么拍？"], "confused": ["没听懂，我是问保温多久", "没听懂"]},
    "reactions": [{"on": "fab_pitch", "effects": {"interest": 20}}, {"on": "no_progress", "effects": {"patience": -5}}],
}
CLOSE_GATED = {
    **SCENARIO,
    "max_turns": 8,
    "nodes": {
        **SCENARIO["nodes"],
        "ask": {**SCENARIO["nodes"]["ask"], "transitions": [{"signal": "fab_pitch", "to": "price"}]},
        "price": {
            "say": ["嗯，我再想想。"],
            "model_answer": "已经是活动价了，您直接拍下我帮您备注优先发货。",
            "transitions": [{"signal": "closing_attempt", "to": "won", "when": {"interest_gte": 70}}],
        },
    },
}
PITCH = "亲，这款是316不锈钢内胆，保温12小时，您冬天出门也能喝上热水。"
CLOSE = "已经是活动价了，您直接拍下我帮您备注优先发货。"


def play_as(library, replies, scenario=CLOSE_GATED, **traits):
    persona = Persona.model_validate({**MOODY, "traits": {**MOODY["traits"], **traits}})
    session = Session(Scenario.model_validate(scenario), persona, library.rubric("default"), seed=3)
    session.start()
    for text in replies:
        if not session.ended:
            session.reply(text, 5)
    return session


def test_a_customer_in_a_good_mood_asks_to_buy_and_accepts_a_close_more_readily(library):
    # the same two replies: interest 40 + 20 for the pitch = 60, short of the 70 the close needs;
    # in a good mood (90, ten above good_mood 70 → +10) she asks how to buy and takes the close
    glad = play_as(library, [PITCH, CLOSE], mood=90, good_mood=70, asks_to_buy_at=60)
    flat = play_as(library, [PITCH, CLOSE], mood=50, good_mood=70, asks_to_buy_at=60)
    glad_lines = [m.text for m in glad.transcript if m.role == "customer"]
    flat_lines = [m.text for m in flat.transcript if m.role == "customer"]
    assert "怎么拍？" in glad_lines and "怎么拍？" not in flat_lines
    assert glad.outcome == "converted" and flat.outcome is None
    # her own buying question makes the close due: the reply after it is judged as after a signal
    assert glad.turns[1].score.results["closing"].detail["buying_signal"]
    assert not flat.turns[1].score.results["closing"].detail["buying_signal"]


def test_a_customer_short_of_patience_answers_shorter_and_leaves_sooner(library):
    stuck = ["好的亲，我看一下哦"] * 4
    patient = play_as(library, stuck, patience=90)
    short = play_as(library, stuck, patience=20, low_patience=30)
    assert len(short.turns) == short.persona.traits.stall_limit - 1 < len(patient.turns)
    assert short.outcome == patient.outcome == "lost"
    # of her two wordings of 没听懂, the one short of patience says the shorter
    assert "没听懂" in [m.text for m in short.turns[0].customer]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("两百九十九", "299"),
        ("三五天", "3-5天"),
        ("一起", "一起"),  # a lone numeral before no measure stays a word
        ("百分之六的税", "6%的税"),
        ("1万1397元", "11397元"),  # digits and 万 mixed, as agents type them
        ("1万2", "12000"),  # the spoken 一万二
        ("1.5万", "15000"),
        ("12.34567万", "123456.7"),
        ("3999一台", "3999 1台"),  # not 39991台
        ("三十六千克", "36千克"),  # a kilogram is no thousand
        ("吸力六千帕", "吸力6000帕"),  # six kilopascals are 6000 pascals either way
        ("一千九百九十九", "1999"),
    ],
)
def test_the_customer_reads_numbers_written_either_way(text, digits):
    assert arabic(text) == digits


def test_a_synonym_running_across_two_words_is_left_alone(library):
    """立减 is 直降, but not in 独立减震 (独立 + 减震): the thesaurus reads words, not characters."""
    canonical = thesaurus_for(library.rubric("default"))
    assert canonical("现在立减200") == "现在直降200"
    assert canonical("独立减震") == "独立减震"

