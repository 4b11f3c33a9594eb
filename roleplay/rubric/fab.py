"""FAB: does the reply connect a Feature to its Advantage and to the shopper's Benefit?

Seeds 000/003/004: a bare "这件衬衣是纯棉的" is the flat reply to avoid; "纯棉(F)，吸汗透气(A)，
夏天穿着清爽(B)" is the model. Detection works per clause: comparative words only count as A
after a feature, and benefit words only count as B when they address the shopper.
"""

from __future__ import annotations

from collections.abc import Iterable

from roleplay.content.models import FabCriterion, Product
from roleplay.rubric.base import CriterionScorer, evidence, matcher
from roleplay.rubric.context import ReplyContext, clause_spans
from roleplay.rubric.result import CriterionResult
from roleplay.text.match import Hit, TaggedPhrases, drop_overlaps
from roleplay.text.normalize import normalize


class Fab(CriterionScorer[FabCriterion]):
    name = "fab"

    def __init__(self, config: FabCriterion) -> None:
        super().__init__(config)
        self.feature = matcher(config.feature)
        self.feature_weak = matcher(config.feature_weak)
        self.advantage = matcher(config.advantage)
        self.advantage_weak = matcher(config.advantage_weak)
        self.benefit = matcher(config.benefit)
        self.benefit_strong = matcher(config.benefit_strong)
        self.person = matcher(config.person)
        self.asks = matcher(config.asks)
        self._cards: dict[int, TaggedPhrases] = {}

    def _card(self, product: Product | None) -> TaggedPhrases | None:
        """The product card's own words, compiled once per product.

        A feature's name and keywords count as F; the clauses of its advantage and benefit, as
        written on the card the trainee reads (一冲就干净, 省去洗锅的麻烦), count as A and B.
        """
        if product is None:
            return None
        key = id(product)
        if key not in self._cards:
            features = product.features
            self._cards[key] = TaggedPhrases(
                {
                    "F": [w for f in features for w in (f.name, *f.keywords)],
                    "A": _clauses(f.advantage for f in features),
                    "B": _clauses(f.benefit for f in features),
                }
            )
        return self._cards[key]

    def components(self, ctx: ReplyContext) -> dict[str, list[Hit]]:
        """The F, A and B hits of a reply."""
        reply = ctx.reply
        norm = reply.norm
        features = self.feature.find(norm)
        advantages = self.advantage.find(norm)
        card = self._card(ctx.product)
        from_card = card.find(norm) if card else {}
        features += from_card.get("F", [])
        advantages += from_card.get("A", [])
        features = reply.plausible(features)
        if features:  # generic words (采用, 技术) join a concrete feature in its clause
            named = {reply.clause_of(h.start) for h in features}
            weak = reply.plausible(self.feature_weak.find(norm))
            features += [h for h in weak if reply.clause_of(h.start) in named]
        advantages = reply.plausible(advantages)
        if features:
            first_feature = min(h.start for h in features)
            weak = reply.plausible(self.advantage_weak.find(norm))
            advantages += [h for h in weak if h.start >= first_feature]
        benefits = self._benefits(ctx)
        benefits += from_card.get("B", [])
        parts = {"F": drop_overlaps(features), "A": drop_overlaps(advantages), "B": drop_overlaps(benefits)}
        return _outermost(parts)

    def _benefits(self, ctx: ReplyContext) -> list[Hit]:
        """Strong benefit cues, and benefit words in a clause that addresses the shopper."""
        reply = ctx.reply
        found = reply.plausible(self.benefit_strong.find(reply.norm))
        benefits = reply.plausible(self.benefit.find(reply.norm))
        people = reply.plausible(self.person.find(reply.norm)) if benefits else []
        addressed = {reply.clause_of(h.start) for h in people}
        benefits = [h for h in benefits if reply.clause_of(h.start) in addressed]
        if benefits:
            # "您喜欢哪种?" asks about the shopper; a benefit is stated, not asked.
            asked = ctx.question_clauses
            found += [h for h in benefits if reply.clause_of(h.start) not in asked]
        return found

    def applies(self, ctx: ReplyContext, present: list[str]) -> bool:
        """Judged when a pitch was called for (scenario node or the shopper's question) or made.

        A lone feature word in a shipping answer is not a failed pitch.
        """
        if "fab" in ctx.expects or len(present) >= 2:
            return True
        return bool(ctx.customer_text) and self.asks.search(ctx.customer_norm)

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        parts = self.components(ctx)
        present = [c for c in "FAB" if parts[c]]
        if not self.applies(ctx, present):
            return CriterionResult(self.name, None, detail={"components": present, "linked": False})
        linked = _linked(parts)
        scores = self.config.scores
        if linked:
            score, advice = scores["linked"], "linked"
        elif len(present) == 3:
            score, advice = scores["all"], "unlinked"
        else:
            score = scores[("none", "one", "two")[len(present)]]
            advice = _missing_advice(present)
        found = [e for c in "FAB" for e in evidence(parts[c], ctx.reply.text, c)]
        found.sort(key=lambda e: e.start)
        return CriterionResult(
            self.name,
            float(score),
            self.advice(advice),
            found,
            {"components": present, "linked": linked},
        )


def _outermost(parts: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """Drop hits inside a longer hit of another component: 少油 (A) inside the card's benefit
    少油也能炸得酥脆 (B) is part of that benefit, and each character is marked once."""
    every = [(c, h) for c, hits in parts.items() for h in hits]
    return {
        c: [h for h in hits if not any(o != c and h.inside(g) and g != h for o, g in every)]
        for c, hits in parts.items()
    }


def _missing_advice(present: list[str]) -> str:
    if not present:
        return "none"
    if "B" not in present:
        return "feature_only" if present == ["F"] else "missing_benefit"
    return "missing_feature"


def _linked(parts: dict[str, list[Hit]]) -> bool:
    """An F, then an A at or after it, then a B after that A."""
    if not all(parts.values()):
        return False
    first_feature = min(h.start for h in parts["F"])
    advantages = [h.start for h in parts["A"] if h.start >= first_feature]
    return bool(advantages) and any(h.start > min(advantages) for h in parts["B"])


#: Card clauses shorter than this (能用, 省心) are left to the rubric's own word lists.
CARD_CLAUSE_MIN = 4


def _clauses(texts: Iterable[str]) -> list[str]:
    """The clauses of card texts long enough to be a phrase of their own."""
    return [
        norm[start:end]
        for text in texts
        for norm in (normalize(text),)
        for start, end in clause_spans(norm)
        if end - start >= CARD_CLAUSE_MIN
    ]
