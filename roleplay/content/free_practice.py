"""Free practice (自由对练): a conversation about any product card with any persona, no scenario file.

A training department has a few scenarios and hundreds of products. From a card and a persona
this builds an ordinary scenario graph, so the session, the rubric, the records and the reports
treat it like any other: the customer asks, in her persona's wording (``Persona.asks``), what one
of the card's features is good for (a FAB pitch moves her on), then, when the card has a FAQ, one
of its questions (each persona a different one; the card's answer is the model answer, and a reply
that misses it makes her ask again); the lively one drifts into small talk and the cold one answers
a pitch with a flat 一般吧。, and either moves on only when a question about her needs or a choice
draws her back (as seed 002 teaches for them); then she asks about the price (a buying
signal: a close is due; a close she accepts once interested enough ends in 成交), shipping and
returns; a rude reply loses her. A cart-abandoner places the order and pays only when reminded
(催付), else the session ends 拍下未付. Every line is filled from the card, every model answer
is composed from it, and the session's seeded RNG picks the wordings, so a seed replays.
"""

from __future__ import annotations

import re

from roleplay.content.models import Faq, Persona, ProductCard, Scenario

#: Interest at which a close at the price question is accepted at once.
CLOSE_AT = 70
#: A bargainer's rival shop is this much cheaper.
RIVAL_SHARE = 0.85
#: Facts of the shipping and returns terms a reply names: 48小时, 3-5天, 7天, 无理由.
TERMS = re.compile(r"\d+(?:[-~到]\d+)?\s*(?:小时|天|日)|无理由|包邮|顺丰|京东|中通|圆通|韵达|申通")
#: Figures with their unit in a FAQ answer (2cm, 60天, 6个): what a right answer must name.
FIGURES = re.compile(r"\d+(?:\.\d+)?\s*(?:[a-zA-Z]{1,3}|[\u4e00-\u9fff])")
#: Which of a card's FAQ each archetype asks (the card lists its questions most asked first).
FAQ_ORDER = ("decisive", "cold", "lively", "bargainer", "cart_abandoner")
#: After the pitch, the archetypes that must be drawn back with a question or a choice, and the
#: situation of their phrasebook they say then (a persona without it skips the step).
DRIFTS = {"lively": "small_talk", "cold": "objection"}


def free_scenario(card: ProductCard, persona: Persona, rubric: str = "default") -> Scenario:
    """The free-practice scenario of ``card`` with ``persona`` (validated like a scenario file)."""
    slots = _slots(card)
    asks = persona.asks

    def lines(templates: list[str], features: bool = False) -> list[str]:
        """Every wording, filled; a feature question once per feature of the card."""
        names = [f.name for f in card.features] or [s.name for s in card.specs] or [card.name]
        filled = [t.format_map({**slots, "feature": n}) for t in templates for n in (names if features else [""])]
        return list(dict.fromkeys(filled))

    placing = persona.archetype == "cart_abandoner"
    closed = "placed" if placing else "ordered"
    gone = {"signal": "forbidden", "to": "gone"}
    faq = _faq_of(card, persona)
    after_drift = "ask_faq" if faq else "ask_price"
    drift = DRIFTS.get(persona.archetype)
    if drift not in persona.phrasebook:
        drift = None
    after_feature = "drift" if drift else after_drift
    nodes: dict = {
        "ask_feature": {
            "say": ["@greeting", lines(asks.feature, features=True)],
            "expects": ["fab"],
            "model_answer": _pitch(card, greet=True),
            "transitions": [{"signal": "fab_pitch", "to": after_feature}, {"intent": "feature", "to": after_feature}, gone],
        },
        "ask_price": {
            "say": [lines(asks.price)],
            "buying_signal": True,
            "expects": ["closing"],
            "model_answer": _price_answer(card, haggling=persona.archetype == "bargainer"),
            "transitions": [
                {"signal": "closing_attempt", "to": closed, "when": {"interest_gte": CLOSE_AT}},
                {"intent": "price", "to": "ask_shipping"},
                {"signal": "closing_attempt", "to": "ask_shipping"},
                gone,
            ],
        },
        "ask_shipping": {
            "say": [lines(asks.shipping)],
            "buying_signal": True,
            "expects": ["closing"],
            "model_answer": f"{card.shipping}。您现在拍下，我帮您备注尽快发出～",
            "transitions": [
                {"signal": "closing_attempt", "to": closed},
                {"intent": "shipping", "to": "ask_returns"},
                gone,
            ],
        },
        "ask_returns": {
            "say": [lines(asks.returns)],
            "expects": ["closing"],
            "model_answer": f"支持{card.returns}，您放心拍，不满意也没有后顾之忧～",
            "transitions": [
                {"signal": "closing_attempt", "to": closed},
                {"intent": "returns", "to": closed},
                gone,
            ],
        },
        "ordered": {"outcome": "converted", "say": ["@ordered"]},
        "gone": {"outcome": "lost", "say": ["@leaving"]},
    }
    if drift:
        nodes["drift"] = {
            "say": [f"@{drift}"],
            "model_answer": f"哈哈明白～说回{card.name}，您平时主要是自己用，还是买来送人呢？",
            "transitions": [
                {"signal": "needs_question", "to": after_drift},
                {"signal": "closing:alternative", "to": after_drift},
                gone,
            ],
        }
    if faq:
        nodes["ask_faq"] = {
            "say": [faq.question],
            "model_answer": f"亲，{faq.answer}",
            "transitions": [{"intent": "faq", "to": "ask_price"}, gone],
        }
    if placing:
        nodes["placed"] = {
            "say": ["@ordered"],
            "expects": ["closing"],
            "model_answer": "看到您拍下了～库存给您预留到今晚12点，记得完成付款哦，付款后我马上安排发货。",
            "transitions": [
                {"signal": "closing:payment_reminder", "to": "paid"},
                gone,
                {"to": "unpaid"},
            ],
        }
        nodes["paid"] = {"outcome": "converted", "say": ["@paid"]}
        nodes["unpaid"] = {"outcome": "unpaid", "say": []}
    return Scenario.model_validate(
        {
            "id": f"free_{card.id}_{persona.id}",
            "title": f"自由对练：{card.name}",
            "difficulty": "medium",
            "persona": persona.id,
            "rubric": rubric,
            "description": f"{persona.name}来问{card.name}：讲清卖点，答准价格、发货和退换，抓住时机促成下单。",
            "product": card,
            "max_turns": 10,
            "intents": _intents(card, faq),
            "start": "ask_feature",
            "nodes": nodes,
        }
    )


def _slots(card: ProductCard) -> dict[str, str]:
    return {
        "product": card.name,
        "spec": card.specs[0].name if card.specs else card.name,
        "price": f"{card.price:g}",
        "rival_price": f"{round(card.price * RIVAL_SHARE):g}",
        "promotion": card.promotion_texts[0] if card.promotions else "优惠",
        "shipping": card.shipping,
        "returns": card.returns,
    }


def _pitch(card: ProductCard, greet: bool) -> str:
    """The card's first feature as F, A and B (亲，您好！这款…，…，对您来说…。)."""
    opening = "亲，您好！" if greet else ""
    if not card.features:
        return f"{opening}这款{card.name}品质有保障。"
    f = card.features[0]
    parts = [f"这款采用{f.name}", f.advantage, f"对您来说，{f.benefit}" if f.benefit else ""]
    return opening + "，".join(p for p in parts if p) + "。"


def _price_answer(card: ProductCard, haggling: bool) -> str:
    """The answer to 多少钱 (to 能便宜点吗 for a bargainer: the price holds, the offers are the way to
    pay less): the price, each model's, the offers with their sums, a short pitch and a close."""
    opening = "亲，价格是统一的，不过" if haggling else ""
    return f"{opening}{_price(card)}，{_pitch(card, greet=False)}您直接拍下，我帮您备注优先发货。"


def _price(card: ProductCard) -> str:
    """The card's price, each other model's price, its first promotion, and what the offers make it
    cost (到手价): the sums an agent should quote, worked out from the card's terms."""
    models = "".join(f"，{v.name}{v.price:g}元" for v in card.variants)
    offer = f"，{card.promotion_texts[0]}" if card.promotions else ""
    return f"现在活动价{card.price:g}元{models}{offer}{_sums(card)}"


def _sums(card: ProductCard) -> str:
    """到手价 for one unit and for two when the card's offers lower them (nothing when they do not)."""
    one, two = min(card.totals(1)), min(card.totals(2))
    parts = [f"到手价{one:g}元" if one < card.price else ""]
    parts.append(f"两件到手价{two:g}元" if two < 2 * min(one, card.price) else "")
    return "".join(f"，{part}" for part in parts if part)


def _faq_of(card: ProductCard, persona: Persona) -> Faq | None:
    """The card's FAQ entry this persona asks (none when the card has no FAQ)."""
    if not card.faq:
        return None
    rank = FAQ_ORDER.index(persona.archetype) if persona.archetype in FAQ_ORDER else 0
    return card.faq[rank % len(card.faq)]


def _intents(card: ProductCard, faq: Faq | None) -> dict:
    """What replies mean, from the card's own words: its features, its price, its terms, the
    answer to its FAQ question (its figures, and the answer itself as an example)."""
    features = [w for f in card.features for w in (f.name, *f.keywords)] or [s.name for s in card.specs] or [card.name]
    intents = {
        "feature": {"label": "介绍卖点", "keywords": features},
        "price": {"label": "回答价格", "keywords": [f"{card.price:g}", *(f"{p:g}" for p in card.quotable_prices if p != card.price)]},
        "shipping": {"label": "回答发货", "keywords": TERMS.findall(card.shipping) or ["发货"]},
        "returns": {"label": "回答退换", "keywords": TERMS.findall(card.returns) or ["退换"]},
    }
    if faq:
        intents["faq"] = {"label": "回答常见问题", "keywords": FIGURES.findall(faq.answer), "examples": [faq.answer]}
    return intents
