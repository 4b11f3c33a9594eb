"""Scripted practice sessions over the shipped content.

For every shipped scenario a skilled agent (replies a good trainee would write, answered within
5–15 s) converts the customer with a passing score, while a rude agent and a slow agent lose them.
Further tests show that the five personas behave differently, and that sessions are deterministic.
"""

from __future__ import annotations

import pytest

from roleplay.content.library import load_library
from roleplay.engine.session import Session, Turn

LIB = load_library()

#: Skilled trainee replies per scenario: (reply, seconds taken). The first reply is within the
#: 10 s first-response norm, the others within 15 s.
SKILLED: dict[str, list[tuple[str, float]]] = {
    "air_fryer_fab": [
        ("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，少油也能炸得酥脆，您全家吃得更健康。", 6),
        ("容量是5L，一家三四口一餐的量完全够用。", 8),
        ("付款后48小时内发货，今天下单还送硅胶垫，您直接拍下我帮您备注优先发货。", 10),
    ],
    "water_purifier_bargain": [
        ("亲，您好！这款现在活动价1999元，比原价直降600元。它采用RO反渗透滤芯，能滤除水垢和重金属，您家里老人孩子直接喝也放心。", 8),
        ("理解您想买得划算～多出来的200元换来的是5年长效主滤芯，算下来每天才1块钱出头，光换芯就比普通净水器省下不止这个数；现在拍下还送价值199元的前置滤芯，免费上门安装。", 14),
        ("好的亲，已为您备注赠品前置滤芯。付款后48小时内发货，到货后24小时内师傅上门免费安装，您直接拍下就可以～", 11),
    ],
    "skincare_cart_recall": [
        ("亲，您好！这款是无香精无酒精配方，温和低刺激，还添加了5%神经酰胺修护屏障，您换季泛红的时候用着也安心。", 7),
        ("现在活动价169元，比原价直降70元，还送同款15g小样和运费险，您喜欢可以直接拍下，我帮您备注小样。", 10),
        ("完全理解您的顾虑～您可以先用随单送的15g小样试，正装不拆封7天无理由退换，我们还送了运费险，退回来也不花运费。订单还没付款，库存为您预留24小时，方便的时候记得完成支付哦～", 15),
    ],
    "snacks_coupon_stack": [
        ("亲，您好呀～这款是手提礼盒包装，里面30包每日坚果都是独立小包装，不受潮也方便分享，您闺蜜拆开就很有仪式感～", 7),
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
        ("T5采用40dB主动降噪，地铁里的噪音能明显减少，您通勤路上也能安静听歌；续航30小时，比T3多10小时，不用天天惦记充电。", 14),
        ("T5现在活动价299元，比T3贵40元，但续航多10小时、降噪更深。月光白和曜石黑都有现货，您要白色还是黑色呢？", 12),
    ],
    "suitcase_shipping_returns": [
        ("亲，您好！这款是20寸登机尺寸，符合大部分航司随身行李要求，箱体只有3.2kg，您出差直接拎上飞机，不用托运也不用等行李，很方便。", 8),
        ("来得及的～付款后24小时内发货，默认顺丰1-3天送达，周二前能到。今天下单还送行李牌，您直接拍下我帮您备注加急发出。", 10),
        ("可以的亲，7天无理由退换（商品完好、未托运使用），下单赠送运费险，退回来的运费由运费险承担；质量问题运费由我们承担。您放心拍，我帮您备注今天发出。", 13),
    ],
}

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
