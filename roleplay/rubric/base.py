"""The shape every criterion shares, and helpers for compiling word lists."""

from __future__ import annotations

from collections.abc import Callable
from statistics import fmean
from typing import Any, Generic, TypeVar

from roleplay.content.models import Criterion
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.learned import Fitting
from roleplay.rubric.result import CriterionResult, Evidence
from roleplay.text.match import Hit
from roleplay.text.ngram_model import NgramModel

C = TypeVar("C", bound=Criterion)
T = TypeVar("T")


def per_object(cache: dict[int, tuple[Any, T]], obj: Any, make: Callable[[], T]) -> T:
    """What ``make`` builds for ``obj``, built once per object (a product card's compiled words):
    keyed by identity, and checked, so a new object that reuses a freed one's id is built anew."""
    cached = cache.get(id(obj))
    if cached is None or cached[0] is not obj:
        cached = cache[id(obj)] = (obj, make())
    return cached[1]


def evidence(hits: list[Hit], text: str, label: str) -> list[Evidence]:
    """Evidence in the trainee's own characters (normalisation keeps spans aligned)."""
    return [Evidence(h.start, h.end, text[h.start : h.end], label) for h in hits]


class CriterionScorer(Generic[C]):
    """Scores one criterion of a rubric (``name`` is its id there). Subclasses compile their word
    lists once in ``__init__``, and say which events a result emits (the simulated customer reacts
    to them) and which signals it gives (scenario transitions wait for them): the engine asks every
    criterion and names none."""

    def __init__(self, config: C, name: str) -> None:
        self.config = config
        self.name = name

    def advice(self, key: str) -> str:
        return self.config.advice.get(key, "")

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        raise NotImplementedError

    @staticmethod
    def fittings(config: C) -> list[Fitting]:
        """The models a criterion of ``config`` learns from labelled replies, to fit them all at
        once (on every core) before any criterion is compiled."""
        return []

    def models(self) -> dict[str, NgramModel]:
        """The models this criterion learned from labelled replies, by label; the scorer judges
        every criterion's at once and gives each its own (``ReplyContext.leans``)."""
        return {}

    def events(self, result: CriterionResult, ctx: ReplyContext) -> list[str]:
        """The rubric events (``models.EVENTS``, or a cue's own) this reply's result emits."""
        return []

    def signals(self, result: CriterionResult) -> set[str]:
        """The signals this reply's result gives a scenario transition (``signal:`` in a scenario)."""
        return set()

    def session(self, results: list[CriterionResult]) -> CriterionResult:
        """By default the mean of the replies where the criterion applied."""
        scores = [r.score for r in results if r.score is not None]
        if not scores:
            return CriterionResult(self.name, None)
        worst = min((r for r in results if r.score is not None), key=lambda r: r.score)
        return CriterionResult(self.name, fmean(scores), worst.advice)
