"""Free practice (自由对练): any product card with any persona, no scenario file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tui_helpers import FakeClock, make_app, reply, settle

from roleplay.content.library import load_library
from roleplay.content.loader import load_model
from roleplay.engine.session import Session
from roleplay.text.segment import cache_dir
from roleplay.tui.screens.chat import ChatScreen
from roleplay.tui.widgets.panels import product_text

LIBRARY = load_library(env="")
PAIRS = [(card, persona) for card in sorted(LIBRARY.products) for persona in sorted(LIBRARY.personas)]

#: This process's cache, where the rubric's models are already fitted (a command with an empty
#: cache would fit them again: many seconds).
WARM_CACHE = str(cache_dir())


def session_of(card: str, persona: str, seed: int = 1) -> Session:
    library = load_library(env="")
    scenario = library.free_practice(card, persona)
    return Session(scenario, library.persona(persona), library.rubric(scenario.rubric), seed)


def play(session: Session, answer) -> Session:
    """Reply until the end (or ten replies) with ``answer(node)``."""
    session.start()
    for _ in range(10):
        if session.ended:
            break
        session.reply(answer(session.node), 6)
    return session


@pytest.mark.parametrize(("card", "persona"), PAIRS)
def test_the_cards_own_answers_make_the_sale_and_every_line_is_filled(card, persona):
    session = play(session_of(card, persona), lambda node: node.model_answer)
    assert session.outcome == "converted"
    if persona == "cart_abandoner":
        assert "placed" in session.visited and "paid" in session.visited  # she paid once reminded
    said = [m.text for m in session.transcript if m.role == "customer"]
    assert said and not [line for line in said if "{" in line or "}" in line]
    name = LIBRARY.product(card).name
    features = [f.name for f in LIBRARY.product(card).features]
    assert any(f in " ".join(said) for f in features) or name in " ".join(said)  # she asks about this card


@pytest.mark.parametrize(
    ("card", "sums"),
    [("nut_gift_box", ["到手价129元", "两件到手价238元"]), ("mooncake_presale_box", ["到手价178元"]),
     ("coffee_beans_500g", ["到手价88元"]), ("yoga_mat_tpe", [])],
)
def test_the_price_answer_quotes_what_the_offers_make_it_cost(card, sums):
    """到手价 is worked out from the card's terms (a coupon, 满减, a presale deposit), only where they
    lower the price; the bargainer is told the price holds and the offers are how to pay less."""
    plain = session_of(card, "decisive").scenario.nodes["ask_price"].model_answer
    haggled = session_of(card, "bargainer")
    answer = haggled.scenario.nodes["ask_price"].model_answer
    assert all(s in plain for s in sums) if sums else "到手价" not in plain
    assert answer.startswith("亲，价格是统一的") and all(s in answer for s in sums)
    results = haggled.scorer.score_text(answer, product=haggled.scenario.product, customer_text="能便宜点不").results
    assert results["accuracy"].detail["contradictions"] == [] and "direct_ask" in results["closing"].detail["techniques"]


def test_the_price_answer_names_each_models_price():
    """The car seat's page sells two models: the model answer to 多少钱 quotes both, and passes the card."""
    session = session_of("car_seat_isofix", "decisive")
    answer = session.scenario.nodes["ask_price"].model_answer
    assert "899元" in answer and "旋转款（0-4岁）1299元" in answer
    results = session.scorer.score_text(answer, product=session.scenario.product).results
    assert results["accuracy"].detail["contradictions"] == []


@pytest.mark.parametrize("persona", sorted(LIBRARY.personas))
def test_a_rude_reply_loses_her(persona):
    session = play(session_of("air_fryer_5l", persona), lambda node: "爱买不买")
    assert session.outcome == "lost"


@pytest.mark.parametrize("persona", sorted(LIBRARY.personas))
def test_a_price_the_card_contradicts_costs_her_trust_and_she_says_so(persona):
    """The same answer with the card's price and with a wrong one: the wrong one costs patience,
    mood and interest, and she questions it in her own words."""

    def after(price: str) -> Session:
        session = session_of("air_fryer_5l", persona)
        session.start()
        session.reply(f"亲，这款现在活动价只要{price}元，还送硅胶垫哦～", 6)
        return session

    right, wrong = after("299"), after("199")
    assert "wrong_fact" in wrong.turns[-1].score.events and "wrong_fact" not in right.turns[-1].score.events
    assert wrong.state.patience < right.state.patience and wrong.state.interest < right.state.interest
    lines = LIBRARY.persona(persona).phrasebook["wrong_fact"]
    said = [m.text for m in wrong.turns[-1].customer]
    card = LIBRARY.product("air_fryer_5l")
    assert any(card.fill(line) in said for line in lines), said


def test_she_asks_a_question_of_the_cards_faq_and_a_reply_that_misses_it_makes_her_ask_again():
    card = LIBRARY.product("robot_vacuum_x7")
    asked = {}
    for persona in ("decisive", "cart_abandoner"):
        session = session_of(card.id, persona)
        session.start()
        session.reply(session.node.model_answer, 6)  # the pitch: now the FAQ question
        assert session.node_id == "ask_faq"
        question = session.node.say[0]
        asked[persona] = question
        entry = next(e for e in card.faq if e.question == question)
        assert question in [m.text for m in session.turns[-1].customer]
        session.reply("亲，这款用的人很多，口碑不错的～", 6)  # no answer to her question
        assert session.node_id == "ask_faq"
        session.reply(f"亲，{entry.answer}", 6)
        assert session.node_id == "ask_price"
    assert asked["decisive"] != asked["cart_abandoner"]  # each persona asks another of the card's questions


@pytest.mark.parametrize("persona", ["lively", "cold"])
def test_the_lively_one_drifts_and_the_cold_one_goes_flat_until_a_question_draws_her_back(persona):
    session = session_of("air_fryer_5l", persona)
    session.start()
    session.reply(session.node.model_answer, 6)  # a good pitch: now small talk, or a flat 一般吧。
    assert session.node_id == "drift"
    said = [m.text for m in session.turns[-1].customer]
    assert set(said) & set(LIBRARY.persona(persona).phrasebook[{"lively": "small_talk", "cold": "objection"}[persona]])
    session.reply("哈哈是的呢～", 6)  # chatting along, or nodding along, leads nowhere
    assert session.node_id == "drift"
    session.reply("说回空气炸锅，您平时主要是自己用，还是买来送人呢？", 6)  # a question about her needs
    assert session.node_id == "ask_price"


def test_the_card_the_trainee_reads_shows_its_faq():
    card = LIBRARY.product("robot_vacuum_x7")
    shown = product_text(card).plain
    assert all(e.question in shown and e.answer in shown for e in card.faq)


def test_a_cart_abandoner_who_is_not_reminded_leaves_the_order_unpaid():
    def answer(node):
        # every answer of the card but the reminder to pay (the placed node's model answer)
        return "好的亲，有问题随时找我～" if "记得完成付款" in node.model_answer else node.model_answer

    session = play(session_of("earbuds_t5", "cart_abandoner"), answer)
    assert session.outcome == "unpaid"


def test_personas_differ_the_decisive_one_buys_at_the_price_the_bargainer_wants_more():
    decisive = play(session_of("ceramide_cream_50g", "decisive"), lambda node: node.model_answer)
    bargainer = play(session_of("ceramide_cream_50g", "bargainer"), lambda node: node.model_answer)
    assert len(decisive.turns) < len(bargainer.turns)
    said = " ".join(m.text for m in bargainer.transcript if m.role == "customer")
    assert "别家才" in said or "太贵了" in said  # her own objection, with a rival's figure


def test_a_seed_replays_and_another_seed_varies():
    def transcript(seed):
        session = play(session_of("nut_gift_box", "lively", seed), lambda node: node.model_answer)
        return [m.text for m in session.transcript]

    assert transcript(3) == transcript(3)
    assert len({tuple(transcript(seed)) for seed in range(6)}) > 1


def test_a_question_template_with_an_unknown_slot_is_located(tmp_path):
    text = (Path(__file__).resolve().parent.parent / "personas" / "cold.yaml").read_text(encoding="utf-8")
    path = tmp_path / "personas" / "cold.yaml"
    path.parent.mkdir()
    path.write_text(text.replace('feature: ["{feature}？"', 'feature: ["{colour}？"'), encoding="utf-8")
    _, problems = load_model(path)
    (problem,) = problems
    assert "asks.feature" in problem.message and "unknown slot {colour}" in problem.message
    assert problem.line == text.count("\n", 0, text.index('feature: ["{feature}？"')) + 1


def test_play_free_practice_in_line_mode_and_its_record(tmp_path):
    db = tmp_path / "r.db"
    replies = "亲，您好！这款采用不粘涂层内胆，不粘锅一冲就干净，对您来说省去洗锅的麻烦。\n现在活动价299元，您直接拍下，我帮您备注优先发货。\n"
    result = subprocess.run(
        [sys.executable, "-m", "roleplay", "play", "--plain", "--product", "air_fryer_5l", "--persona", "decisive",
         "--seed", "1", "--db", str(db)],
        input=replies, capture_output=True, text=True, env={"ROLEPLAY_PATH": "", "PATH": "", "NO_COLOR": "1",
                                                             "HOME": str(tmp_path), "ROLEPLAY_CACHE_DIR": WARM_CACHE},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "自由对练：小熊空气炸锅5L" in result.stdout and "结果：成交" in result.stdout
    report = subprocess.run([sys.executable, "-m", "roleplay", "history", "--db", str(db)], capture_output=True,
                            text=True, env={"PATH": "", "HOME": str(tmp_path), "ROLEPLAY_CACHE_DIR": WARM_CACHE})
    assert "自由对练" in report.stdout


async def test_the_app_opens_free_practice_from_the_command_line(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock, free=("carry_on_20", "lively"), trainee="小周")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        chat = app.screen
        assert isinstance(chat, ChatScreen) and chat.scenario.id == "free_carry_on_20_lively"
        await reply(pilot, clock, chat.session.node.model_answer, 5)
        assert chat.session.node_id == "drift"  # the lively one's small talk
        await reply(pilot, clock, chat.session.node.model_answer, 5)
        assert chat.session.node_id == "ask_price"


def test_an_unknown_card_for_free_practice_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "roleplay", "play", "--plain", "--product", "nope", "--db", str(tmp_path / "r.db")],
        input="", capture_output=True, text=True, env={"PATH": "", "HOME": str(tmp_path), "ROLEPLAY_CACHE_DIR": WARM_CACHE},
    )  # fmt: skip
    assert result.returncode != 0 and "unknown product 'nope'" in result.stderr and "Traceback" not in result.stderr


async def open_picker(pilot) -> None:
    """On the home screen: a name, then F6 (自由对练)."""
    await settle(pilot)
    await pilot.click("#trainee")
    await pilot.press(*"xz")
    await pilot.press("f6")
    await settle(pilot)


async def test_the_home_screen_opens_free_practice_on_f6(tmp_path):
    from textual.widgets import Select

    from roleplay.tui.screens.free import FreePracticeScreen

    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_picker(pilot)
        picker = app.screen
        assert isinstance(picker, FreePracticeScreen)
        picker.query_one("#free-product", Select).value = "ro_purifier_800g"
        picker.query_one("#free-persona", Select).value = "bargainer"
        await pilot.click("#free-start")
        await settle(pilot)
        chat = app.screen
        assert isinstance(chat, ChatScreen) and chat.scenario.id == "free_ro_purifier_800g_bargainer"
        assert chat.trainee == "xz" and "自由对练" in chat.scenario.title
        await reply(pilot, clock, chat.session.node.model_answer, 6)
        assert chat.session.node_id == "ask_price"


async def test_esc_leaves_the_picker_without_starting(tmp_path):
    from roleplay.tui.screens.home import HomeScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_picker(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
