"""Criteria met by cue words: a greeting in the first reply, needs-discovery questions, and any
step of the service process a trainer adds in YAML (confirming the order, a farewell…).

The greeting and needs discovery come from the seeds' seven-step SOP (打招呼, then understand the
need before recommending) and weigh less than FAB, latency, forbidden language and closing.
"""

from __future__ import annotations

from roleplay.content.models import CueCriterion
from roleplay.rubric.base import CriterionScorer, evidence
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.lexicon import matcher
from roleplay.rubric.result import CriterionResult
from roleplay.text.match import Hit


class Cue(CriterionScorer[CueCriterion]):
    """Met by its cues, where ``when`` says they count.

    A reply holding them scores ``scores.met`` (100); one it applies to without them scores
    ``scores.missing`` (0: the first reply for a greeting, a reply whose node expects the
    criterion); elsewhere it does not apply. A question
    cue must sit in a clause that asks (seed 002: 提问的技巧): 平时 in "这款平时穿很百搭呢" tells.
    """

    def __init__(self, config: CueCriterion, name: str) -> None:
        super().__init__(config, name)
        self.cues = matcher(config.cues)

    def hits(self, ctx: ReplyContext) -> list[Hit]:
        cues = ctx.reply.plausible(self.cues.find(ctx.reply.norm))
        if cues and self.config.when == "question":
            asked = ctx.question_clauses
            return [h for h in cues if ctx.reply.clause_of(h.start) in asked]
        return cues

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        if self.config.when == "first_reply" and not ctx.is_first:
            return CriterionResult(self.name, None, detail={"found": None})
        hits = self.hits(ctx)
        if hits:
            ev = evidence(hits, ctx.reply.text, self.config.label)
            return CriterionResult(self.name, float(self.config.scores["met"]), self.advice("ok"), ev, {"found": True})
        if self.config.when == "first_reply" or self.name in ctx.expects:
            return self.missing()
        return CriterionResult(self.name, None, detail={"found": False})

    def missing(self) -> CriterionResult:
        return CriterionResult(self.name, float(self.config.scores["missing"]), self.advice("missing"), detail={"found": False})

    def session(self, results: list[CriterionResult]) -> CriterionResult:
        """Met at least once: ``scores.met``. Never met: ``scores.missing`` where it applied, else n/a."""
        if any(r.detail.get("found") for r in results):
            return CriterionResult(self.name, float(self.config.scores["met"]), self.advice("ok"))
        if any(r.score is not None for r in results):
            return self.missing()
        return CriterionResult(self.name, None)

    def events(self, result: CriterionResult, ctx: ReplyContext) -> list[str]:
        return [self.config.event] if self.config.event and result.detail.get("found") else []

    def signals(self, result: CriterionResult) -> set[str]:
        return {self.config.event} if self.config.event and result.detail.get("found") else set()
