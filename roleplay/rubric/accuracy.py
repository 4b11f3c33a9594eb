"""Claims that contradict the product card: a wrong price or a wrong number for a spec.

Only numbers that are clearly claims about the card are checked: a number with 元 in a clause
that talks about the price, or a number with a spec's unit in a clause naming that spec.
Value-splitting arithmetic (日均0.5元), gift values (价值59元) and differences (直降600元,
续航多10小时) are not claims about the card.
"""

from __future__ import annotations

import re

from roleplay.content.models import AccuracyCriterion, Product
from roleplay.rubric.base import CriterionScorer, matcher
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.result import CriterionResult, Evidence
from roleplay.text.analysed import Analysed

NUMBER = r"(\d+(?:\.\d+)?)"
AMOUNT = re.compile(NUMBER)
DIGIT = re.compile(r"\d")


class Accuracy(CriterionScorer[AccuracyCriterion]):

    def __init__(self, config: AccuracyCriterion, name: str) -> None:
        super().__init__(config, name)
        self.price_cues = matcher(config.price_cues)
        self.not_claims = matcher(config.not_claims)
        self.currency = matcher(config.currency)

    def _same(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.config.tolerance * max(abs(b), 1.0)

    def _difference(self, clause: str, start: int) -> bool:
        """A number right after 多/降/省… states a difference, not the card's value."""
        return start > 0 and clause[start - 1] in self.config.difference_marks

    def check(self, reply: Analysed, product: Product) -> tuple[int, list[tuple[int, int, str]]]:
        """How many claims were checked, and (start, end, what) for each that disagrees with the card."""
        checked, wrong = 0, []
        prices = product.quotable_prices
        norm = reply.norm
        if not DIGIT.search(norm):  # no number, no claim to check (most replies)
            return checked, wrong
        for start, end in reply.clauses:
            clause = norm[start:end]
            if not DIGIT.search(clause) or self.not_claims.search(clause):
                continue
            if self.price_cues.search(clause):
                for hit in self.currency.find(clause):
                    if self._difference(clause, hit.start):
                        continue
                    checked += 1
                    value = float(AMOUNT.search(hit.text).group(1))  # type: ignore[union-attr]
                    if not any(self._same(value, p) for p in prices):
                        quoted = "、".join(f"{p:g}元" for p in prices)
                        wrong.append((start + hit.start, start + hit.end, self.config.messages["price"].format(prices=quoted)))
            for spec in product.specs:
                if not any(k in clause for k in (spec.name, *spec.keywords)):
                    continue
                for m in re.finditer(NUMBER + r"\s*" + re.escape(spec.unit.lower()), clause):
                    if self._difference(clause, m.start()):
                        continue
                    checked += 1
                    if not self._same(float(m.group(1)), spec.value):
                        what = self.config.messages["spec"].format(spec=spec.name, value=f"{spec.value:g}{spec.unit}")
                        wrong.append((start + m.start(), start + m.end(), what))
        return checked, wrong

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        if ctx.product is None:
            return CriterionResult(self.name, None, detail={"contradictions": []})
        checked, wrong = self.check(ctx.reply, ctx.product)
        if not checked:
            return CriterionResult(self.name, None, detail={"contradictions": []})
        if not wrong:
            return CriterionResult(self.name, 100.0, self.advice("ok"), detail={"contradictions": []})
        text = ctx.reply.text
        ev = [Evidence(s, e, text[s:e], what) for s, e, what in wrong]
        detail = {"contradictions": [what for _, _, what in wrong]}
        return CriterionResult(self.name, 0.0, self.advice("wrong"), ev, detail)
