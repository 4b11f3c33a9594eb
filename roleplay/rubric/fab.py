"""FAB: does the reply connect a Feature to its Advantage and to the shopper's Benefit?

Seeds 000/003/004: a bare "这件衬衣是纯棉的" is the flat reply to avoid; "纯棉(F)，吸汗透气(A)，
夏天穿着清爽(B)" is the model. Detection works per clause: comparative words only count as A
after a feature, and benefit words only count as B when they address the shopper.
"""

from __future__ import annotations

from roleplay.content.models import FabCriterion, Product
from roleplay.rubric.base import CriterionScorer, evidence, matcher
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.result import CriterionResult
from roleplay.text.match import Hit, PhraseMatcher, drop_overlaps

class Fab(CriterionScorer[FabCriterion]):
    name = "fab"

    def __init__(self, config: FabCriterion) -> None:
        super().__init__(config)
        self.feature = matcher(config.feature)
        self.advantage = matcher(config.advantage)
        self.advantage_weak = matcher(config.advantage_weak)
        self.benefit = matcher(config.benefit)
        self.benefit_strong = matcher(config.benefit_strong)
        self.person = matcher(config.person)
        self.asks = matcher(config.asks)
        self._product_features: dict[int, PhraseMatcher] = {}

    def _card_features(self, product: Product | None) -> PhraseMatcher | None:
        """Keywords of the product card's features count as F (compiled once per product)."""
        if product is None:
            return None
        key = id(product)
        if key not in self._product_features:
            words = [w for f in product.features for w in (f.name, *f.keywords)]
            self._product_features[key] = PhraseMatcher(words)
        return self._product_features[key]

    def components(self, ctx: ReplyContext) -> dict[str, list[Hit]]:
        """The F, A and B hits of a reply."""
        reply = ctx.reply
        norm = reply.norm
        features = self.feature.find(norm)
        card = self._card_features(ctx.product)
        if card:
            features += card.find(norm)
        features = reply.plausible(features)
        advantages = reply.plausible(self.advantage.find(norm))
        if features:
            first_feature = min(h.start for h in features)
            weak = reply.plausible(self.advantage_weak.find(norm))
            advantages += [h for h in weak if h.start >= first_feature]
        benefits = self._benefits(ctx)
        return {"F": drop_overlaps(features), "A": drop_overlaps(advantages), "B": drop_overlaps(benefits)}

    def _benefits(self, ctx: ReplyContext) -> list[Hit]:
        """Strong benefit cues, and benefit words in a clause that addresses the shopper."""
        reply = ctx.reply
        found = reply.plausible(self.benefit_strong.find(reply.norm))
        people = reply.plausible(self.person.find(reply.norm))
        if people:
            # "您喜欢哪种?" asks about the shopper; a benefit is stated, not asked.
            addressed = {reply.clause_of(h.start) for h in people} - ctx.question_clauses
            benefits = reply.plausible(self.benefit.find(reply.norm))
            found += [h for h in benefits if reply.clause_of(h.start) in addressed]
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


