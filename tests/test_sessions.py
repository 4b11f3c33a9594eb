"""Scripted practice sessions over the shipped content.

For every shipped scenario a skilled agent (replies a good trainee would write, answered within
5–15 s) converts the customer with a passing score, while a rude agent and a slow agent lose them.
Further tests show that the five personas behave differently, and that sessions are deterministic.
"""

from __future__ import annotations

import pytest

from roleplay.content.library import load_library
from roleplay.engine.session import Session, Turn

LIB = load_library(env="")

#: Skilled trainee replies per scenario: (reply, seconds taken). The first reply is within the
#: 10 s first-response norm, the others within 15 s.
SKILLED: dict[str, list[tuple[str, float]]] = {
    "air_fryer_fab": [
        ("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，少油也能炸得酥脆，您全家吃得更健康。", 6),
        ("容量是5L，一家三四口一餐的量完全够用。", 8),
        ("付款后48小时内发货，今天下单还送硅胶垫，您直接拍下我帮您备注优先发货。", 10),
    ],
    "water_purifier_bargain": [
        ("亲，您好！这款原价2599元，现在活动价1999元。它采用RO反渗透滤芯，能有效减少水垢和重金属，对您来说，家里老人孩子直接喝也更健康。", 8),
        ("理解您想买得划算～多出来的200元换来的是5年长效主滤芯，算下来每天才1块钱出头，光换芯就比普通净水器省下不止这个数；现在拍下还送价值199元的前置滤芯，免费上门安装。", 14),
        ("好的亲，已为您备注赠品前置滤芯。付款后48小时内发货，到货后24小时内师傅上门免费安装，您直接拍下就可以～", 11),
    ],
    "skincare_cart_recall": [
        ("亲，您好！这款是无香精无酒精配方，温和低刺激，还添加了5%神经酰胺，能修护屏障、减少泛红，让您换季也用得舒服。", 7),
        ("现在活动价169元，直降了70元，还送同款15g小样和运费险，您喜欢可以直接拍下，我帮您备注小样。", 10),
        ("完全理解您的顾虑～您可以先用随单送的15g小样试，正装不拆封7天无理由退换，我们还送了运费险，退回来也不花运费。订单还没付款，库存为您预留24小时，方便的时候记得完成支付哦～", 15),
    ],
    "snacks_coupon_stack": [
        ("亲，您好呀～这款是手提礼盒，里面30包每日坚果都是独立小包装，一次一包不易受潮，您送闺蜜体面又方便～", 7),
        ("哈哈听着就好开心～说回礼物，您闺蜜平时喜欢吃坚果吗？一盒30包，刚好吃一个月。", 9),
        ("可以叠加的亲～先算满减再用券：两盒原价合计278元，满200减30后是248元，再用满129减10的店铺券，实付238元，相当于一盒119元。您要两盒同一款，还是一盒原味一盒混合呢？", 15),
        ("好的亲～付款后48小时内发货，默认韵达3-5天送达，周末前能到。记得先领店铺券再下单，您直接拍下两盒，我帮您备注送礼不放价格单～", 12),
    ],
    "down_jacket_size": [
        ("亲，您好～为了给您推荐合适的尺码，方便告诉我您的身高和体重吗？", 6),
        ("根据您165cm、108斤，建议选M码，这款是宽松版型，里面穿厚毛衣也不紧。您要经典黑还是奶油白呢？两个颜色M码都有货～", 13),
        ("这款采用90%白鸭绒，充绒量180g，蓬松锁温，您在北方零下十度出门也暖和。", 10),
        ("那给您拍M码～您要经典黑还是奶油白呢？今天下单还送收纳袋，48小时内发货。", 8),
    ],
    "earbuds_out_of_stock": [
        ("亲，您好～非常抱歉，T3冰川白目前售罄，补货要等15天左右。同样是白色的升级款T5月光白有现货，降噪和续航都更强，您是想等T3补货，还是先看看T5呢？", 9),
        ("T5采用40dB主动降噪，地铁里的噪音能明显减少，对您来说通勤路上听歌更舒服；续航30小时，比T3多10小时，不用天天惦记充电。", 14),
        ("T5现在活动价299元，比T3贵40元，但续航长到30小时、降噪更深。月光白和曜石黑都有现货，您要白色还是黑色呢？", 12),
    ],
    "suitcase_shipping_returns": [
        ("亲，您好！这款是20寸登机尺寸，符合大部分航司随身行李要求，箱体只有3.2kg，您出差直接拎上飞机很方便，不用托运也不用等行李。", 8),
        ("来得及的～付款后24小时内发货，默认顺丰1-3天送达，周二前能到。今天下单还送行李牌，您直接拍下我帮您备注加急发出。", 10),
        ("可以的亲，7天无理由退换（商品完好、未托运使用），下单赠送运费险，退回来的运费由运费险承担；质量问题运费由我们承担。您放心拍，我帮您备注今天发出。", 13),
    ],
}

def skilled_self_test(scenario_id: str) -> list[tuple[str, float]]:
    """The replies of a scenario's first self-test that converts, as a skilled agent's script
    (6 s for the first, 8–14 s after): the ten later scenarios were written with one, by other
    writers than the first seven's scripts."""
    test = next(t for t in LIB.scenario(scenario_id).tests if t.outcome == "converted")
    texts = [reply if isinstance(reply, str) else reply.text for reply in test.replies]
    return [(text, 6 if i == 0 else 8 + 2 * (i % 4)) for i, text in enumerate(texts)]


SKILLED.update(
    {
        scenario_id: skilled_self_test(scenario_id)
        for scenario_id in (
            "robot_vacuum_compare", "perfume_authenticity", "car_seat_fit", "yoga_mat_bundle", "mooncake_presale",
            "bedding_rush_shipping", "laptop_invoice_warranty", "coffee_repeat_order", "running_watch_silent",
            "stroller_win_back",
        )
    }
)

#: A rude agent: contempt, impatience and confrontation (服务禁语), answered quickly.
RUDE: list[tuple[str, float]] = [
    ("你自己看详情页，问这么多干嘛。", 5),
    ("爱买不买，嫌贵就别买。", 5),
    ("我都说了，你自己没看清楚。", 5),
    ("随便你，你去投诉吧。", 5),
]


def run(scenario_id: str, replies: list[tuple[str, float]], seed: int = 0) -> tuple[Session, list[Turn]]:
    """Play ``replies`` until the session ends; return the session and its turns."""
    scenario = LIB.scenario(scenario_id)
    session = Session(scenario, LIB.persona(scenario.persona), LIB.rubric(scenario.rubric), seed=seed)
    session.start()
    turns = []
    for text, latency in replies:
        if session.ended:
            break
        turns.append(session.reply(text, latency))
    return session, turns


def play(scenario_id: str, replies: list[tuple[str, float]], seed: int = 0, persona: str | None = None):
    """Like :func:`run`, optionally with another persona; return the session report too."""
    scenario = LIB.scenario(scenario_id)
    chosen = LIB.persona(persona or scenario.persona)
    session = Session(scenario, chosen, LIB.rubric(scenario.rubric), seed=seed)
    opening = session.start()
    turns = []
    for text, latency in replies:
        if session.ended:
            break
        turns.append(session.reply(text, latency))
    return session, opening, turns


# -- every shipped scenario --------------------------------------------------------------------


def test_every_shipped_scenario_has_scripts() -> None:
    assert set(SKILLED) == set(LIB.scenarios)


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("scenario_id", sorted(SKILLED))
def test_skilled_agent_converts_with_passing_score(scenario_id: str, seed: int) -> None:
    replies = SKILLED[scenario_id]
    assert all(5 <= latency <= 15 for _, latency in replies)
    session, turns = run(scenario_id, replies, seed=seed)
    assert session.ended, f"still at node {session.node_id!r} after the skilled script"
    assert session.outcome == "converted"
    assert len(turns) == len(replies), "the customer converted before the script was used up"
    report = session.report()
    assert report.score.passed, f"score {report.score.total:.0f} below {report.score.pass_mark}"
    assert report.score.fatal == []
    assert all("forbidden" not in t.score.events for t in turns)
    assert all("over_pushing" not in t.score.events for t in turns)


@pytest.mark.parametrize("scenario_id", sorted(SKILLED))
def test_rude_agent_loses_the_customer(scenario_id: str) -> None:
    session, turns = run(scenario_id, RUDE)
    assert session.outcome == "lost"
    assert turns[0].state.patience < LIB.persona(session.persona.id).traits.patience
    assert "forbidden" in turns[0].score.events
    report = session.report()
    assert not report.score.passed
    assert "contempt" in report.score.fatal or report.score.criteria["forbidden"].score == 0


@pytest.mark.parametrize("scenario_id", sorted(SKILLED))
def test_slow_agent_loses_the_customer(scenario_id: str) -> None:
    # The skilled replies, but every one of them takes 35 s or more.
    slow = [(text, 35 + 5 * i) for i, (text, _) in enumerate(SKILLED[scenario_id])]
    session, turns = run(scenario_id, slow)
    assert session.outcome == "lost"
    assert all("too_slow" in t.score.events for t in turns)
    report = session.report()
    assert report.score.criteria["latency"].score == 0
    assert not report.score.passed and report.score.failed_outcome == "lost"


# -- personas behave differently ---------------------------------------------------------------

PURIFIER_PRICE = SKILLED["water_purifier_bargain"][0]
FLAT_REFUSAL = ("亲，这个价格已经是活动价了，我们是正品，质量有保障的。", 9)


def test_bargainer_does_not_convert_on_flat_refusals() -> None:
    session, _, turns = play("water_purifier_bargain", [PURIFIER_PRICE, FLAT_REFUSAL, FLAT_REFUSAL, FLAT_REFUSAL])
    assert session.outcome == "lost"
    assert [t.next_node for t in turns] == ["objection", "still_haggling", "lost_to_rival"]
    assert all("forbidden" not in t.score.events for t in turns), "the refusal itself was polite"


def test_bargainer_can_be_won_back_with_value_splitting_and_a_gift() -> None:
    recovery = (
        "亲，帮您算笔账：主滤芯5年才换一次，摊下来每天1块钱左右；我再帮您申请赠送一支价值199元的前置滤芯，您看可以吗？",
        12,
    )
    confirm = ("好的亲，赠品已经帮您备注好了，您直接拍下，到货后24小时内师傅上门安装。", 10)
    session, _, turns = play("water_purifier_bargain", [PURIFIER_PRICE, FLAT_REFUSAL, recovery, confirm])
    assert [t.next_node for t in turns] == ["objection", "still_haggling", "deal", "ordered"]
    assert session.outcome == "converted"


def test_bargainer_gift_raises_interest_more_than_a_plain_push() -> None:
    bargainer = LIB.persona("bargainer")
    gift = ("现在拍下还送价值199元的前置滤芯，免费上门安装。", 10)
    push = ("亲，您可以直接拍下，我帮您备注优先安装。", 10)
    _, _, with_gift = play("water_purifier_bargain", [PURIFIER_PRICE, gift])
    _, _, with_push = play("water_purifier_bargain", [PURIFIER_PRICE, push])
    assert with_gift[-1].next_node == "gift_heard"
    assert with_push[-1].next_node == "still_haggling"
    assert with_gift[-1].state.interest > with_push[-1].state.interest >= bargainer.traits.interest - 10


def test_contempt_costs_the_bargainer_almost_all_patience() -> None:
    session, _, turns = play("water_purifier_bargain", [("嫌贵就别买，穷就别买。", 5)])
    assert session.outcome == "lost"
    assert turns[0].customer[-1].text in LIB.persona("bargainer").phrasebook["leaving"]


CART_START = SKILLED["skincare_cart_recall"][:2]
REASSURE_ONLY = ("完全理解您的顾虑～您先用随单送的15g小样试，正装不拆封7天无理由退换，还有运费险，退回来也不花运费。", 12)
REMINDER = ("亲，订单还没付款，库存为您预留24小时，方便的时候记得完成支付哦～", 9)
THANKS = ("好的亲，感谢您的支持，有问题随时联系我们～", 8)


def test_cart_abandoner_stays_unpaid_without_reassurance_or_reminder() -> None:
    session, _, turns = play("skincare_cart_recall", [*CART_START, THANKS, THANKS])
    assert turns[1].next_node == "placed", "she orders after the price answer"
    assert session.outcome == "unpaid"


def test_cart_abandoner_stays_unpaid_without_a_payment_reminder() -> None:
    session, _, turns = play("skincare_cart_recall", [*CART_START, REASSURE_ONLY, THANKS])
    assert [t.next_node for t in turns[2:]] == ["reassured", "unpaid"]
    assert session.outcome == "unpaid"


def test_cart_abandoner_pays_after_reassurance_then_reminder() -> None:
    session, _, turns = play("skincare_cart_recall", [*CART_START, REASSURE_ONLY, REMINDER])
    assert [t.next_node for t in turns[2:]] == ["reassured", "paid"]
    assert session.outcome == "converted"
    assert "payment_reminder" in turns[-1].score.results["closing"].detail["techniques"]


def test_cart_abandoner_pays_after_reminder_then_reassurance() -> None:
    session, _, turns = play("skincare_cart_recall", [*CART_START, REMINDER, REASSURE_ONLY])
    assert [t.next_node for t in turns[2:]] == ["reminded", "paid"]
    assert session.outcome == "converted"


def test_cold_customer_warms_up_after_a_needs_question() -> None:
    cold = LIB.persona("cold")
    question = ("亲，您好～为了给您推荐合适的尺码，方便告诉我您的身高和体重吗？", 6)
    statement = ("亲，您好，这款M码和L码都有货的。", 6)
    _, _, asked = play("down_jacket_size", [question])
    _, _, told = play("down_jacket_size", [statement])
    assert "needs_question" in asked[0].score.events
    assert asked[0].state.interest > cold.traits.interest
    assert asked[0].state.interest > told[0].state.interest
    assert asked[0].next_node == "measurements"
    assert told[0].next_node == "guessed", "recommending a size without asking does not impress her"


def test_a_needs_question_warms_the_cold_persona_but_not_the_decisive_one() -> None:
    # Same scenario, same reply, only the persona differs.
    question = ("亲，您好～方便告诉我您的身高和体重吗？平时里面穿厚毛衣多吗？", 6)
    gain = {}
    for persona in ("cold", "decisive"):
        _, _, turns = play("down_jacket_size", [question], persona=persona)
        assert "needs_question" in turns[0].score.events
        assert turns[0].next_node == "measurements"
        gain[persona] = turns[0].state.interest - LIB.persona(persona).traits.interest
    assert gain["cold"] > gain["decisive"] >= 0


def test_cold_customer_warms_up_on_a_choice_but_not_on_a_bare_push() -> None:
    jacket = SKILLED["down_jacket_size"]
    choice = jacket[1]
    no_choice = ("根据您165cm、108斤，建议选M码，这款是宽松版型，里面穿厚毛衣也不紧，您直接拍下就可以。", 13)
    _, _, with_choice = play("down_jacket_size", [jacket[0], choice])
    _, _, without = play("down_jacket_size", [jacket[0], no_choice])
    assert with_choice[-1].state.interest > without[-1].state.interest


def test_cold_customer_leaves_when_only_told_it_is_sold_out() -> None:
    sold_out = ("亲，您好，T3白色已经卖完了，暂时没货。", 7)
    okay = ("好的亲，有需要再联系我们～", 8)
    session, _, turns = play("earbuds_out_of_stock", [sold_out, okay])
    assert [t.next_node for t in turns] == ["bare_no", "lost_quiet"]
    assert session.outcome == "lost"


def test_lively_tolerates_a_slow_reply_better_than_decisive() -> None:
    slow = ("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，少油也能炸得酥脆，您全家吃得更健康。", 25)
    lost = {}
    for persona in ("lively", "decisive"):
        _, _, turns = play("air_fryer_fab", [slow], persona=persona)
        assert "slow_reply" in turns[0].score.events
        lost[persona] = LIB.persona(persona).traits.patience - turns[0].state.patience
    assert 0 < lost["lively"] < lost["decisive"]


def test_lively_needs_steering_back_to_the_purchase() -> None:
    opening = SKILLED["snacks_coupon_stack"][0]
    chat = ("哈哈是呀，重庆的小吃真的太好吃了，我也好想去～", 8)
    session, _, turns = play("snacks_coupon_stack", [opening, *[chat] * 12])
    assert all(t.next_node in {"small_talk", "chat_more"} for t in turns)
    assert turns[1].state.mood >= LIB.persona("lively").traits.mood, "she enjoys the chat"
    assert session.outcome == "lost", "chatting along never gets to the sale"
    assert len(turns) == LIB.scenario("snacks_coupon_stack").max_turns


def test_lively_gets_the_exact_price_after_a_vague_stacking_answer() -> None:
    script = SKILLED["snacks_coupon_stack"]
    vague = ("可以一起用的亲～", 8)
    exact = ("帮您算好啦：两盒合计278元，先满200减30是248元，再用满129减10的店铺券，实付238元，一盒才119元～", 12)
    session, _, turns = play("snacks_coupon_stack", [*script[:2], vague, exact, script[3]])
    assert [t.next_node for t in turns[2:]] == ["coupon_detail", "decided", "ordered"]
    assert session.outcome == "converted"
    assert session.report().score.criteria["accuracy"].score == 100


def test_decisive_leaves_on_vague_answers() -> None:
    vague = ("亲，您好，这款很好用的，很多人买。", 6)
    session, _, turns = play("air_fryer_fab", [vague, vague, vague])
    assert "vague_reply" in turns[0].score.events
    assert session.outcome == "lost"
    assert len(turns) <= 2


@pytest.mark.parametrize("persona_id", ["decisive", "cold", "lively", "bargainer", "cart_abandoner"])
def test_rudeness_and_slowness_cost_every_persona_patience(persona_id: str) -> None:
    start = LIB.persona(persona_id).traits.patience
    pitch = SKILLED["air_fryer_fab"][0][0]
    # The same good pitch, once with contempt tacked on and once 40 s late: only that differs.
    _, _, rude = play("air_fryer_fab", [(pitch + "爱买不买。", 6)], persona=persona_id)
    _, _, slow = play("air_fryer_fab", [(pitch, 40)], persona=persona_id)
    assert rude[0].score.events.count("forbidden") == 1 and "fab_pitch" in rude[0].score.events
    assert rude[0].state.patience <= start - 40
    assert slow[0].state.patience <= start - 40


# -- determinism -------------------------------------------------------------------------------


def _messages(seed: int, scenario_id: str = "snacks_coupon_stack") -> list[tuple[str, float]]:
    session, opening, turns = play(scenario_id, SKILLED[scenario_id], seed=seed)
    return [(m.text, m.typing_s) for m in [*opening, *(m for t in turns for m in t.customer)]]


def test_same_seed_and_replies_give_identical_customer_messages() -> None:
    for scenario_id in SKILLED:
        session_a, opening_a, turns_a = play(scenario_id, SKILLED[scenario_id], seed=42)
        session_b, opening_b, turns_b = play(scenario_id, SKILLED[scenario_id], seed=42)
        assert opening_a == opening_b
        assert [t.customer for t in turns_a] == [t.customer for t in turns_b]
        assert [t.state for t in turns_a] == [t.state for t in turns_b]
        assert session_a.outcome == session_b.outcome


def test_different_seeds_can_pick_different_variants() -> None:
    transcripts = {tuple(_messages(seed)) for seed in range(12)}
    assert len(transcripts) > 1
    # Only the wording varies: every seed still converts with the skilled script.
    for seed in range(12):
        session, _, _ = play("snacks_coupon_stack", SKILLED["snacks_coupon_stack"], seed=seed)
        assert session.outcome == "converted"


# -- what the customer minds ------------------------------------------------------------------


def test_an_absolute_claim_is_scored_but_does_not_offend_the_customer() -> None:
    """极限词 break the 广告法, not the shopper's mood: they cost points, not the sale."""
    claim = ("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，是市面上最好的炸锅，您全家吃得更健康。", 6)
    rude = ("你自己看详情页，问这么多干嘛。", 6)
    _, _, claimed = play("air_fryer_fab", [claim])
    _, _, insulted = play("air_fryer_fab", [rude])
    hits = claimed[0].score.results["forbidden"].detail["hits"]
    assert [h["category"] for h in hits] == ["absolute_claim"]
    assert "forbidden" not in claimed[0].score.events and not claimed[0].ended
    assert "forbidden" in insulted[0].score.events and insulted[0].outcome == "lost"


def test_naming_the_gift_the_customer_asked_about_is_not_over_pushing(scorer) -> None:
    gift = "现在下单还送同款15g小样，您喜欢可以直接拍下。"
    asked = scorer.score_text(gift, customer_text="有送什么吗？", prior_pushes=[True, True]).results["closing"]
    unasked = scorer.score_text(gift, customer_text="我再看看。", prior_pushes=[True, True]).results["closing"]
    assert asked.detail["techniques"] == unasked.detail["techniques"] == ["gift", "direct_ask"]
    # The direct ask still pushes: pushing on every turn is over-pushing either way ...
    assert asked.detail["over_pushing"] and unasked.detail["over_pushing"]
    # ... but the gift alone, asked for, only answers the customer.
    answer = scorer.score_text("还送同款15g小样哦～", customer_text="有送什么吗？", prior_pushes=[True, True])
    assert not answer.results["closing"].detail["over_pushing"] and "over_pushing" not in answer.events


def test_a_customer_who_pays_does_not_complain_in_the_same_breath() -> None:
    """Pushing on a third turn annoys her, but when the reply also makes her pay, she just pays."""
    pushy = [
        ("亲，您好！这款是无香精无酒精配方，温和低刺激，您喜欢可以直接拍下哦。", 7),
        ("现在活动价169元，直降了70元，您喜欢可以直接拍下，库存不多了。", 10),
        SKILLED["skincare_cart_recall"][2],  # reassurance and a payment reminder: a third push
    ]
    session, _, turns = play("skincare_cart_recall", pushy)
    assert "over_pushing" in turns[-1].score.events and session.outcome == "converted"
    complaints = set(LIB.persona("cart_abandoner").phrasebook["over_pushing"])
    assert [m.text for m in turns[-1].customer] and not complaints & {m.text for m in turns[-1].customer}


def test_an_unpaid_order_fails_the_payment_drill_but_the_rubric_default_keeps_it() -> None:
    replies = [*SKILLED["skincare_cart_recall"][:2], ("好的亲，感谢您的支持，有问题随时联系我们～", 8)]
    session, _, _ = play("skincare_cart_recall", replies)
    report = session.report()
    assert session.outcome == "unpaid" and report.score.failed_outcome == "unpaid" and not report.score.passed
    assert LIB.scenario("skincare_cart_recall").fail_outcomes == ["lost", "unpaid"]
    assert "unpaid" not in LIB.rubric("default").fail_outcomes


def test_a_customer_kept_waiting_asks_once_and_does_not_repeat_it_on_the_reply() -> None:
    scenario = LIB.scenario("air_fryer_fab")
    session = Session(scenario, LIB.persona(scenario.persona), LIB.rubric("default"), seed=3)
    session.start()
    hard_limit = LIB.rubric("default").criterion("latency").hard_limit_s
    assert session.nudge(hard_limit - 1) == []
    nudge = session.nudge(hard_limit + 1)
    assert len(nudge) == 1 and nudge[0].text in LIB.persona("decisive").phrasebook["slow_reply"]
    assert session.nudge(hard_limit + 20) == []  # once per round
    turn = session.reply(SKILLED["air_fryer_fab"][0][0], hard_limit + 25)
    assert "too_slow" in turn.score.events and turn.answered[-1] == nudge[0]  # the reply answers it too
    slow_lines = set(LIB.persona("decisive").phrasebook["slow_reply"])
    assert not slow_lines & {m.text for m in turn.customer}  # no second 人呢？
