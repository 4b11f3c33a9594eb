"""Combine the criteria: score one reply, then a whole session, against one rubric."""

from __future__ import annotations

from collections.abc import Sequence

from roleplay.content.models import Product, Rubric
from roleplay.rubric.accuracy import Accuracy
from roleplay.rubric.base import CriterionScorer, per_object
from roleplay.rubric.closing import Closing
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.cues import Cue
from roleplay.rubric.fab import Fab
from roleplay.rubric.forbidden import Forbidden
from roleplay.rubric.latency import Latency
from roleplay.rubric.learned import fit_ahead, stacked
from roleplay.rubric.lexicon import matcher
from roleplay.rubric.result import CriterionResult, ReplyScore, SessionScore, weighted_total
from roleplay.text.analysed import Analysed

#: ``SessionScore.failed_outcome`` of a practice session that was left before it ended.
UNFINISHED = "unfinished"

#: The scorer of each criterion kind: a new kind is a scorer module and a line here; a new
#: criterion of an existing kind (a cue: 核实订单, 道别) is YAML only.
SCORERS: dict[str, type[CriterionScorer]] = {
    "fab": Fab,
    "latency": Latency,
    "forbidden": Forbidden,
    "closing": Closing,
    "cue": Cue,
    "accuracy": Accuracy,
}


class Scorer:
    """A rubric compiled for fast scoring (build once, score many replies)."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        fit_ahead([f for config in rubric.criteria.values() for f in SCORERS[config.kind].fittings(config)])
        self.criteria: dict[str, CriterionScorer] = {
            name: SCORERS[config.kind](config, name) for name, config in rubric.criteria.items()
        }
        self.weights = {name: config.weight for name, config in rubric.criteria.items()}
        self.labels = {name: config.label for name, config in rubric.criteria.items()}
        self.kinds = {name: config.kind for name, config in rubric.criteria.items()}
        self.questions = matcher(rubric.questions)
        self.models = stacked({name: criterion.models() for name, criterion in self.criteria.items()})
        self._forbidden: Forbidden = self.criteria[rubric.criterion_id("forbidden")]  # type: ignore[assignment]
        self._closing_id: str = rubric.criterion_id("closing")  # type: ignore[assignment]

    @property
    def latency(self) -> Latency:
        return self.criteria[self.rubric.criterion_id("latency")]  # type: ignore[return-value,index]

    def score_reply(self, ctx: ReplyContext) -> ReplyScore:
        ctx.questions, ctx.models = self.questions, self.models
        # Forbidden language first: a clause that insults the shopper is no part of a pitch.
        forbidden = self._forbidden
        first = forbidden.reply(ctx)
        ctx.insulting_clauses = forbidden.insulting_clauses(ctx, first)
        results = {
            name: first if criterion is forbidden else criterion.reply(ctx) for name, criterion in self.criteria.items()
        }
        self._stamp(results)
        total = weighted_total({n: r.score for n, r in results.items()}, self.weights)
        events = [event for name, criterion in self.criteria.items() for event in criterion.events(results[name], ctx)]
        return ReplyScore(ctx.reply.text, results, total, events, list(first.detail.get("fatal", [])))

    def _stamp(self, results: dict[str, CriterionResult]) -> None:
        """Each result says its criterion's kind, for the views and records that read it."""
        for name, result in results.items():
            result.kind = self.kinds[name]

    def signals(self, score: ReplyScore) -> set[str]:
        """The signals a scored reply gives scenario transitions (``models.Signal``), from every criterion."""
        return {signal for name, criterion in self.criteria.items() for signal in criterion.signals(score.results[name])}

    def pushed(self, score: ReplyScore) -> bool:
        """Whether a scored reply pushed for the sale (what ``ReplyContext.prior_pushes`` holds)."""
        return Closing.pushed(score.results[self._closing_id])

    def score_text(
        self,
        text: str,
        *,
        index: int = 0,
        latency_s: float | None = None,
        customer_text: str = "",
        product: Product | None = None,
        prior_pushes: Sequence[bool] = (),
        expects: Sequence[str] = (),
        buying_signal: bool = False,
        typing_s: float | None = None,
        typing_measured: bool = False,
    ) -> ReplyScore:
        """Score a reply given as plain text (the common entry point)."""
        ctx = ReplyContext(
            Analysed.of(text),
            index=index,
            latency_s=latency_s,
            typing_s=typing_s,
            typing_measured=typing_measured,
            customer_text=customer_text,
            buying_signal=buying_signal,
            expects=tuple(expects),
            product=product,
            prior_pushes=list(prior_pushes),
        )
        return self.score_reply(ctx)

    def score_session(
        self,
        replies: Sequence[ReplyScore],
        outcome: str | None = None,
        *,
        finished: bool = True,
        fail_outcomes: Sequence[str] | None = None,
    ) -> SessionScore:
        """Per-criterion session scores, the weighted total and pass/fail.

        A fatal forbidden phrase fails the session, and so does an outcome listed in
        ``fail_outcomes`` (the scenario's, else the rubric's: a lost customer) or a practice
        session left before its end (``finished=False``: failed as "unfinished"); chat logs have
        no outcome and are finished.
        """
        criteria = {
            name: criterion.session([r.results[name] for r in replies])
            for name, criterion in self.criteria.items()
        }
        self._stamp(criteria)
        total = weighted_total({n: r.score for n, r in criteria.items()}, self.weights)
        fatal = sorted({cat for r in replies for cat in r.fatal})
        failing = self.rubric.fail_outcomes if fail_outcomes is None else fail_outcomes
        failed_outcome = outcome if outcome in failing else None
        if not finished:
            failed_outcome = UNFINISHED
        passed = bool(replies) and total >= self.rubric.pass_mark and not fatal and not failed_outcome
        return SessionScore(criteria, total, passed, fatal, self.rubric.pass_mark, failed_outcome)


_compiled: dict[int, tuple[Rubric, Scorer]] = {}


def scorer_for(rubric: Rubric) -> Scorer:
    """One compiled scorer per rubric object: compiling word lists is done once, not per reply."""
    return per_object(_compiled, rubric, lambda: Scorer(rubric))
