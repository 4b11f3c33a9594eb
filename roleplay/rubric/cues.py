"""Criteria met by cue words: a greeting in the first reply, needs-discovery questions.

Both come from the seeds' seven-step SOP (打招呼, then understand the need before
recommending) and weigh less than FAB, latency, forbidden language and closing.
"""

from __future__ import annotations

from roleplay.content.models import CueCriterion
from roleplay.rubric.base import CriterionScorer, evidence, matcher
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.result import CriterionResult
from roleplay.text.match import Hit


class _CueScorer(CriterionScorer[CueCriterion]):
    def __init__(self, config: CueCriterion) -> None:
        super().__init__(config)
        self.cues = matcher(config.cues)

    def hits(self, ctx: ReplyContext) -> list[Hit]:
        return ctx.reply.plausible(self.cues.find(ctx.reply.norm))

    def found(self, ctx: ReplyContext) -> CriterionResult:
        ev = evidence(self.hits(ctx), ctx.reply.text, self.config.label)
        return CriterionResult(self.name, 100.0, self.advice("ok"), ev, {"found": True})

    def missing(self) -> CriterionResult:
        return CriterionResult(self.name, 0.0, self.advice("missing"), detail={"found": False})

    def present(self, ctx: ReplyContext) -> bool:
        return bool(self.hits(ctx))


class Greeting(_CueScorer):
    """Applies to the first reply only: it must greet."""

    name = "greeting"

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        if not ctx.is_first:
            return CriterionResult(self.name, None, detail={"found": None})
        return self.found(ctx) if self.present(ctx) else self.missing()


class Needs(_CueScorer):
    """A question about the shopper's use, person, size or budget (seed 002: 提问的技巧).

    The cue must sit in a clause that asks: 平时 in "这款平时穿很百搭呢" tells, it does not ask.
    """

    name = "needs"

    def hits(self, ctx: ReplyContext) -> list[Hit]:
        cues = super().hits(ctx)
        if not cues:  # most replies: no need to find the questions
            return []
        asked = ctx.question_clauses
        return [h for h in cues if ctx.reply.clause_of(h.start) in asked]

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        if self.present(ctx):
            return self.found(ctx)
        if "needs" in ctx.expects:
            return self.missing()
        return CriterionResult(self.name, None, detail={"found": False})

    def session(self, results: list[CriterionResult]) -> CriterionResult:
        """Asked at least once: full marks. Never asked: 0 where a node expected it, else n/a."""
        if any(r.detail.get("found") for r in results):
            return CriterionResult(self.name, 100.0, self.advice("ok"))
        if any(r.score is not None for r in results):
            return self.missing()
        return CriterionResult(self.name, None)
