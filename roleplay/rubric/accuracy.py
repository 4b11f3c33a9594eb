"""Claims that contradict the product card: a wrong price or sum, a wrong number for a spec or the
stock, and shipping, delivery or returns promises the card does not make.

Only numbers that are clearly claims about the card are checked: a number with 元 in a clause
that talks about the price (for the units the clause names: 两件538元 is checked against what two
cost with the card's bundle, 满减 and coupon), a number with a spec's unit in a clause naming that
spec, units in a clause about stock, and promises written as the rubric's promise patterns say.
The card's own shipping and returns text is read with those same patterns. Value-splitting
arithmetic (日均0.5元), gift values (价值59元) and differences (直降600元, 续航多10小时) are not
claims about the card.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from roleplay.content.models import AccuracyCriterion, Product, PromiseKind, Variant, number_regex
from roleplay.rubric.base import CriterionScorer, per_object
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.lexicon import matcher
from roleplay.rubric.result import CriterionResult, Evidence
from roleplay.text.analysed import Analysed
from roleplay.text.gates import Scans, compile_patterns
from roleplay.text.numerals import arabic
from roleplay.text.prefilter import PREFILTER

NUMBER = r"(\d+(?:\.\d+)?)"
AMOUNT = re.compile(NUMBER)
DIGIT = re.compile(r"\d|[两二三四五六七八九十]")
#: The most prices a message lists (a card with many offers has many correct sums).
LISTED_MAX = 4


class Wrong(NamedTuple):
    """A claim that disagrees with the card: its span in the reply and what the card says."""

    start: int
    end: int
    what: str


class Accuracy(CriterionScorer[AccuracyCriterion]):

    def __init__(self, config: AccuracyCriterion, name: str) -> None:
        super().__init__(config, name)
        self.price_cues = matcher(config.price_cues)
        self.not_claims = matcher(config.not_claims)
        self.currency = matcher(config.currency)
        self.stock = re.compile(number_regex(config.stock)) if config.stock else None
        self.quantity = re.compile(number_regex(config.quantity))
        # per kind, its rules' patterns as one list of scans, each behind the cheap test the gates module
        # derives from it (most replies promise nothing), and each rule's (each, value)
        self.promises: dict[PromiseKind, tuple[Scans, list[tuple[float | None, float | None]]]] = {
            kind: (
                compile_patterns([number_regex(rule.pattern) for rule in rules]),
                [(rule.each, rule.value) for rule in rules],
            )
            for kind, rules in config.promises.items()
        }
        self._terms: dict[int, tuple[Product, dict[PromiseKind, tuple[float, str]]]] = {}

    def _same(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.config.tolerance * max(abs(b), 1.0)

    def _difference(self, clause: str, start: int) -> bool:
        """A number right after 多/降/省… states a difference, not the card's value."""
        return start > 0 and clause[start - 1] in self.config.difference_marks

    def check(self, reply: Analysed, product: Product) -> tuple[int, list[Wrong]]:
        """How many claims were checked, and each that disagrees with the card."""
        checked, wrong = self._promises(reply.norm, product)
        norm = reply.norm
        if not DIGIT.search(norm):  # no number, no price, spec or stock to check (most replies)
            return checked, wrong
        for start, end in reply.clauses:
            clause = norm[start:end]
            if not DIGIT.search(clause) or self.not_claims.search(clause, within=norm):
                continue
            for found, errors in (
                self._prices(clause, product, norm),
                self._specs(clause, product),
                self._stock(clause, product),
            ):
                checked += found
                wrong += [Wrong(start + s, start + e, what) for s, e, what in errors]
        return checked, wrong

    def _prices(self, clause: str, product: Product, norm: str) -> tuple[int, list[Wrong]]:
        """Prices in a clause (of the reply ``norm``) about the price, for one unit or for the units
        the clause names, of the model it names (a variant with a price of its own) or of the card."""
        if not self.price_cues.search(clause, within=norm):
            return 0, []
        variant = next((v for v in product.variants if v.named_in(clause)), None)
        checked, wrong = 0, []
        for hit in self.currency.find(clause, within=norm):
            if self._difference(clause, hit.start):
                continue
            checked += 1
            value = float(AMOUNT.search(hit.text).group(1))  # type: ignore[union-attr]
            allowed, message = self._allowed(product, variant, self._units(clause[: hit.start]))
            if not any(self._same(value, p) for p in allowed):
                wrong.append(Wrong(hit.start, hit.end, message))
        return checked, wrong

    def _allowed(self, product: Product, variant: Variant | None, units: int) -> tuple[list[float], str]:
        """The prices a reply may quote for ``units`` of ``variant`` (None: the card's own), and
        what to say when it quotes another."""
        one = product.variant_prices(variant) if variant else product.quotable_prices
        if units > 1:
            totals = product.totals(units, variant.price if variant else None)
            return totals + [t / units for t in totals] + one, self.config.messages["total"].format(
                units=units, prices=_listed(totals)
            )
        return one, self.config.messages["price"].format(prices=_listed(one))

    def _units(self, before: str) -> int:
        """The units of the order a price is given for: the last quantity before it (1: none named)."""
        found = list(self.quantity.finditer(before))
        if not found:
            return 1
        number = _number(found[-1].group("n"))
        return int(number) if number and number == int(number) and number <= 99 else 1

    def _specs(self, clause: str, product: Product) -> tuple[int, list[Wrong]]:
        """Numbers with a spec's unit in a clause naming that spec."""
        checked, wrong = 0, []
        for spec in product.specs:
            if not any(k in clause for k in (spec.name, *spec.keywords)):
                continue
            for m in re.finditer(NUMBER + r"\s*" + re.escape(spec.unit.lower()), clause):
                if self._difference(clause, m.start()):
                    continue
                checked += 1
                if not self._same(float(m.group(1)), spec.value):
                    what = self.config.messages["spec"].format(spec=spec.name, value=f"{spec.value:g}{spec.unit}")
                    wrong.append(Wrong(m.start(), m.end(), what))
        return checked, wrong

    def _stock(self, clause: str, product: Product) -> tuple[int, list[Wrong]]:
        """Units claimed in stock (只剩3台 when the card holds 35 is a false scarcity)."""
        if self.stock is None:
            return 0, []
        checked, wrong = 0, []
        for m in self.stock.finditer(clause):
            number = _number(m.group("n"))
            if number is None:
                continue
            checked += 1
            if number != product.stock:
                wrong.append(Wrong(m.start(), m.end(), self.config.messages["stock"].format(stock=product.stock)))
        return checked, wrong

    def _promises(self, norm: str, product: Product) -> tuple[int, list[Wrong]]:
        """Shipping and delivery promises sooner than the card's, and a returns period other than it."""
        checked, wrong = 0, []
        for kind, (card_value, card_words) in self._card_terms(product).items():
            for start, end, promised in self._read(kind, norm):
                checked += 1
                contradicts = not self._same(promised, card_value) if kind == "returns" else promised < card_value
                if contradicts:
                    wrong.append(Wrong(start, end, self.config.messages[kind].format(card=card_words)))
        return checked, wrong

    def _card_terms(self, product: Product) -> dict[PromiseKind, tuple[float, str]]:
        """What the card promises, read from its shipping and returns text with the reply's own
        patterns: per kind, the soonest shipping or delivery (the returns period) and the card's
        clause that says it."""
        def read() -> dict[PromiseKind, tuple[float, str]]:
            terms: dict[PromiseKind, tuple[float, str]] = {}
            for kind in self.promises:
                card = Analysed.of(product.returns if kind == "returns" else product.shipping)
                found = self._read(kind, card.norm)
                if found:
                    start, _, value = min(found, key=lambda f: f[2])
                    clause_start, clause_end = card.clauses[card.clause_of(start)]
                    terms[kind] = (value, card.text[clause_start:clause_end])
            return terms

        return per_object(self._terms, product, read)

    def _read(self, kind: PromiseKind, text: str) -> list[tuple[int, int, float]]:
        """(start, end, value) of each promise of ``kind`` in ``text`` (normalised)."""
        if (promises := self.promises.get(kind)) is None:
            return []
        scans, rules = promises
        found = []
        for index in scans.candidates(PREFILTER.passing(text)):
            scan, (each, value) = scans.scans[index], rules[index]
            start = scan.start(text)
            if start is None:  # the gate rules it out (most replies promise nothing)
                continue
            for m in scan.regex.finditer(text, start):
                number = _number(m.group("n")) if each is not None else value
                if number is not None:
                    found.append((m.start(), m.end(), number * each if each is not None else number))
        return found

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        if ctx.product is None:
            return CriterionResult(self.name, None, detail={"contradictions": []})
        checked, wrong = self.check(ctx.reply, ctx.product)
        if not checked:
            return CriterionResult(self.name, None, detail={"contradictions": []})
        if not wrong:
            return CriterionResult(self.name, 100.0, self.advice("ok"), detail={"contradictions": []})
        text = ctx.reply.text
        ev = [Evidence(w.start, w.end, text[w.start : w.end], w.what) for w in wrong]
        detail = {"contradictions": [w.what for w in wrong]}
        return CriterionResult(self.name, 0.0, self.advice("wrong"), ev, detail)

    def events(self, result: CriterionResult, ctx: ReplyContext) -> list[str]:
        """A claim the card contradicts costs the shopper's trust."""
        return ["wrong_fact"] if result.detail.get("contradictions") else []


def _number(written: str) -> float | None:
    """A number written in digits or as a Chinese numeral (两 → 2, 十二 → 12); None if it is neither."""
    converted = arabic(written + "个")[:-1]  # a measure word after it: a lone 两 is a number here
    try:
        return float(converted)
    except ValueError:
        return None


def _listed(prices: list[float]) -> str:
    """A few of the card's prices for a message (all of them when few)."""
    shown = "、".join(f"{p:g}元" for p in prices[:LISTED_MAX])
    return shown + ("…" if len(prices) > LISTED_MAX else "")
