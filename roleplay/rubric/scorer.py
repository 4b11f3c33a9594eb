"""Combine the criteria: score one reply, then a whole session, against one rubric."""

from __future__ import annotations

from collections.abc import Sequence

from roleplay.content.models import Product, Rubric
from roleplay.rubric.accuracy import Accuracy
from roleplay.rubric.base import CriterionScorer, matcher
from roleplay.rubric.closing import Closing
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.cues import Greeting, Needs
from roleplay.rubric.fab import Fab
from roleplay.rubric.forbidden import Forbidden
from roleplay.rubric.latency import Latency
from roleplay.rubric.result import ReplyScore, SessionScore, weighted_total
from roleplay.text.analysed import Analysed

#: ``SessionScore.failed_outcome`` of a practice session that was left before it ended.
UNFINISHED = "unfinished"

SCORERS: dict[str, type[CriterionScorer]] = {
    "fab": Fab,
    "latency": Latency,
    "forbidden": Forbidden,
    "closing": Closing,
    "greeting": Greeting,
    "needs": Needs,
    "accuracy": Accuracy,
}


class Scorer:
    """A rubric compiled for fast scoring (build once, score many replies)."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.criteria: dict[str, CriterionScorer] = {
            name: SCORERS[name](config) for name, config in rubric.criteria
        }
        self.weights = {name: config.weight for name, config in rubric.criteria}
        self.labels = {name: config.label for name, config in rubric.criteria}
        self.questions = matcher(rubric.questions)

    @property
    def latency(self) -> Latency:
        return self.criteria["latency"]  # type: ignore[return-value]

    def score_reply(self, ctx: ReplyContext) -> ReplyScore:
        ctx.questions = self.questions
        # Forbidden language first: a clause that insults the shopper is no part of a pitch.
        first = {"forbidden": self.criteria["forbidden"].reply(ctx)} if "forbidden" in self.criteria else {}
        if first:
            ctx.insulting_clauses = self.criteria["forbidden"].insulting_clauses(ctx, first["forbidden"])
        results = {name: first.get(name) or criterion.reply(ctx) for name, criterion in self.criteria.items()}
        total = weighted_total({n: r.score for n, r in results.items()}, self.weights)
        fatal = results["forbidden"].detail.get("fatal", [])
        return ReplyScore(ctx.reply.text, results, total, events(results, ctx), list(fatal))

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
    ) -> ReplyScore:
        """Score a reply given as plain text (the common entry point)."""
        ctx = ReplyContext(
            Analysed.of(text),
            index=index,
            latency_s=latency_s,
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
        total = weighted_total({n: r.score for n, r in criteria.items()}, self.weights)
        fatal = sorted({cat for r in replies for cat in r.fatal})
        failing = self.rubric.fail_outcomes if fail_outcomes is None else fail_outcomes
        failed_outcome = outcome if outcome in failing else None
        if not finished:
            failed_outcome = UNFINISHED
        passed = bool(replies) and total >= self.rubric.pass_mark and not fatal and not failed_outcome
        return SessionScore(criteria, total, passed, fatal, self.rubric.pass_mark, failed_outcome)


def events(results: dict, ctx: ReplyContext) -> list[str]:
    """The rubric events the simulated customer reacts to (see ``models.Event``)."""
    out: list[str] = []
    band = results["latency"].detail.get("band")
    if band:
        out.append({"good": "fast_reply", "slow": "slow_reply", "too_slow": "too_slow"}[band])
    if results["forbidden"].detail.get("offends"):
        out.append("forbidden")
    components = results["fab"].detail.get("components", [])
    if len(components) >= 2:
        out.append("fab_pitch")
    elif "fab" in ctx.expects and not components:
        out.append("vague_reply")
    if results["needs"].detail.get("found"):
        out.append("needs_question")
    closing = results["closing"].detail
    if closing.get("techniques"):
        out.append("closing_attempt")
    if closing.get("over_pushing"):
        out.append("over_pushing")
    return out


_compiled: dict[int, tuple[Rubric, Scorer]] = {}


def scorer_for(rubric: Rubric) -> Scorer:
    """One compiled scorer per rubric object: compiling word lists is done once, not per reply."""
    cached = _compiled.get(id(rubric))
    if cached is None or cached[0] is not rubric:
        cached = _compiled[id(rubric)] = (rubric, Scorer(rubric))
    return cached[1]
