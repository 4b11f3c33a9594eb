"""The shape every criterion shares, and helpers for compiling word lists."""

from __future__ import annotations

from statistics import fmean
from typing import Generic, TypeVar

from roleplay.content.models import Criterion, Lexicon
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.result import CriterionResult, Evidence
from roleplay.text.match import Hit, PhraseMatcher

C = TypeVar("C", bound=Criterion)


def matcher(lexicon: Lexicon) -> PhraseMatcher:
    return PhraseMatcher(lexicon.phrases, lexicon.patterns, lexicon.exceptions)


def evidence(hits: list[Hit], text: str, label: str) -> list[Evidence]:
    """Evidence in the trainee's own characters (normalisation keeps spans aligned)."""
    return [Evidence(h.start, h.end, text[h.start : h.end], label) for h in hits]


class CriterionScorer(Generic[C]):
    """Scores one criterion. Subclasses compile their word lists once in ``__init__``."""

    name: str = ""

    def __init__(self, config: C) -> None:
        self.config = config

    def advice(self, key: str) -> str:
        return self.config.advice.get(key, "")

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        raise NotImplementedError

    def session(self, results: list[CriterionResult]) -> CriterionResult:
        """By default the mean of the replies where the criterion applied."""
        scores = [r.score for r in results if r.score is not None]
        if not scores:
            return CriterionResult(self.name, None)
        worst = min((r for r in results if r.score is not None), key=lambda r: r.score)
        return CriterionResult(self.name, fmean(scores), worst.advice)
