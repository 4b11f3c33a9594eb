"""促成交易: which closing techniques a reply uses, and whether it closes at the right moment.

Credit for closing after the shopper's buying signal; nothing lost for not closing when there
was no signal; a penalty for pushing on too many consecutive replies (seed 002: over-pushing
drives shoppers away).
"""

from __future__ import annotations

from dataclasses import dataclass

from roleplay.content.models import ClosingCriterion
from roleplay.rubric.base import CriterionScorer, evidence
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.learned import Fitting, fitted, technique_fittings, weightiest_clause
from roleplay.rubric.lexicon import matcher, optional_matcher
from roleplay.rubric.result import CriterionResult
from roleplay.text.match import Hit, PhraseMatcher, drop_overlaps
from roleplay.text.ngram_model import NgramModel


@dataclass(frozen=True, slots=True)
class _Technique:
    """A closing technique's word lists, compiled once (grading reads each on every reply that
    holds a cue: one lookup of the technique, not one per list)."""

    label: str
    cues: PhraseMatcher
    #: Cues that close only when the shopper did not ask about them (none: every cue closes).
    unasked: PhraseMatcher | None
    #: What the shopper asks that the technique answers.
    answers: PhraseMatcher
    #: Cues of a clause that is no close (none: no such clause).
    unless: PhraseMatcher | None

    def asked(self, ctx: ReplyContext) -> bool:
        """Whether the shopper asked what this technique answers: telling her answers, it does not push."""
        return self.answers.search(ctx.customer_norm)


class Closing(CriterionScorer[ClosingCriterion]):

    def __init__(self, config: ClosingCriterion, name: str) -> None:
        super().__init__(config, name)
        self.techniques = {
            tid: _Technique(t.label, matcher(t), optional_matcher(t.unasked), matcher(t.answers), optional_matcher(t.unless))
            for tid, t in config.techniques.items()
        }
        # Most replies close nothing: one scan over every technique's words rules that out.
        every = [*config.techniques.values(), *(t.unasked for t in config.techniques.values())]
        self.any_technique = PhraseMatcher(
            [p for t in every for p in t.phrases], [p for t in every for p in t.patterns]
        )
        self.buying_signals = matcher(config.buying_signals)
        #: Per technique, a model learned from labelled replies of whether a reply uses it (none: cues only).
        self.learned = {str(f.label): fitted(f) for f in self.fittings(config)}

    @staticmethod
    def fittings(config: ClosingCriterion) -> list[Fitting]:
        return technique_fittings(config.learned, list(config.techniques)) if config.learned else []

    def models(self) -> dict[str, NgramModel]:
        return self.learned

    def buying_signal(self, ctx: ReplyContext) -> bool:
        """The scenario says so, or the shopper's last words contain a buying signal."""
        return ctx.buying_signal or self.buying_signals.search(ctx.customer_norm)

    @staticmethod
    def _hits(technique: _Technique, ctx: ReplyContext) -> tuple[list[Hit], bool]:
        """The technique's cues, except in clauses holding one of its ``unless`` cues, and whether
        an ``unless`` cue ruled any out.

        Cues that only close unasked (今天下单今天发) count when the shopper's message did not ask
        about them (几点发货？): then they answer.
        """
        reply = ctx.reply
        hits = Closing._cues(technique, ctx, reply.norm)
        unless = technique.unless
        if not (hits and unless):
            return hits, False
        # a cue across a comma (平时主要是写作业，还是画画) holds every clause it spans
        excluded = {
            clause
            for h in unless.find(reply.norm, overlapping=True)
            for clause in range(reply.clause_of(h.start), reply.clause_of(h.end - 1) + 1)
        }
        kept = [h for h in hits if reply.clause_of(h.start) not in excluded]
        if len(kept) == len(hits):
            return kept, False
        # a cue that began in a clause ruled out may have hidden one in the next (现在拍还送一个
        # 地漏芯哈 直接拍就行: the gift's clause is no ask, 直接拍就行 is): look again past those clauses
        masked = list(reply.norm)
        for start, end in (reply.clauses[c] for c in excluded):
            masked[start:end] = "," * (end - start)
        again = Closing._cues(technique, ctx, "".join(masked))
        return [h for h in again if reply.clause_of(h.start) not in excluded], True

    @staticmethod
    def _cues(technique: _Technique, ctx: ReplyContext, norm: str) -> list[Hit]:
        """The technique's cues in ``norm`` (the reply's text, or it with some clauses blanked),
        those that only close unasked included when the shopper did not ask about them."""
        hits = technique.cues.find(norm)
        if technique.unasked and not technique.asked(ctx):
            unasked = technique.unasked.find(norm)
            if unasked:  # a matcher's own hits are in order and apart already
                hits = drop_overlaps(hits + unasked)
        # most techniques of a reply that holds some cue have none
        return ctx.reply.plausible(hits) if hits else hits

    def _checked(self, found: dict[str, list[Hit]], ruled_out: set[str], ctx: ReplyContext) -> dict[str, list[Hit]]:
        """The cues' techniques checked by the learned models: each model that is sure overrules
        the cues (measured on writers they never saw, the models find closes in words no list
        holds). A technique the shopper asked about is not added: told to her, it answers; nor
        is one whose cue an ``unless`` cue ruled out (您是自己用，还是送朋友呢？ asks about her needs:
        the trainer's list says so, and a model that reads 还是…呢 as a choice does not overrule it)."""
        learned = self.config.learned
        checked = dict(found)
        for tid, lean in ctx.leans(self.name).items():
            if tid in checked and lean < -learned.drop_margin:
                del checked[tid]
            elif (
                tid not in checked
                and tid not in ruled_out
                and lean > learned.add_margin
                and not self.techniques[tid].asked(ctx)
            ):
                clause = weightiest_clause(ctx.reply, self.learned[tid])
                if not self._unless_in(self.techniques[tid], ctx, clause):
                    checked[tid] = [clause]
        return checked

    @staticmethod
    def _unless_in(technique: _Technique, ctx: ReplyContext, clause: Hit) -> bool:
        """Whether one of the technique's ``unless`` cues lies in ``clause``: a clause the trainer's
        list rules out for its cues is ruled out for the model too (上周是店庆价 现在恢复45了 is news
        of a price that has come back, however much 恢复 and a price lean towards a deadline)."""
        unless = technique.unless
        return bool(unless and unless.search(ctx.reply.norm[clause.start : clause.end]))

    def _without_ruled_out(self, found: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
        """The techniques found less those another one found beside them rules out (a payment
        reminder's 库存先帮您留着 holds her order; it does not ask for one)."""
        rulers = self.config.techniques
        return {tid: hits for tid, hits in found.items() if not any(r in found for r in rulers[tid].ruled_out_by)}

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        norm, text = ctx.reply.norm, ctx.reply.text
        found: dict[str, list[Hit]] = {}
        ruled_out: set[str] = set()
        if self.any_technique.search(norm):
            for tid, technique in self.techniques.items():
                hits, vetoed = self._hits(technique, ctx)
                if hits:
                    found[tid] = hits
                if vetoed:
                    ruled_out.add(tid)
        if self.learned:
            found = self._checked(found, ruled_out, ctx)
        found = self._without_ruled_out(found)
        techniques = [tid for tid in self.techniques if tid in found]
        signal = self.buying_signal(ctx)
        # A gift named because the shopper asked 有送什么吗 answers them; only the rest pushes.
        pushes = any(not self.techniques[tid].asked(ctx) for tid in techniques)
        streak = 0
        for pushed_before in reversed(ctx.prior_pushes):
            if not pushed_before:
                break
            streak += 1
        over_pushing = pushes and streak + 1 >= self.config.push_streak
        if over_pushing:
            key = "over_pushing"
        elif techniques:
            # A node that expects a close says it is due, with or without a signal the rubric reads.
            key = "after_signal" if signal or self.name in ctx.expects else "unprompted"
        elif signal or self.name in ctx.expects:
            key = "missed_signal"
        else:
            return CriterionResult(
                self.name,
                None,
                detail={"techniques": [], "buying_signal": False, "over_pushing": False, "pushes": False},
            )
        ev = [e for tid, hits in found.items() for e in evidence(hits, text, self.techniques[tid].label)]
        ev.sort(key=lambda e: e.start)
        detail = {"techniques": techniques, "buying_signal": signal, "over_pushing": over_pushing, "pushes": pushes}
        return CriterionResult(self.name, float(self.config.scores[key]), self.advice(key), ev, detail)

    def events(self, result: CriterionResult, ctx: ReplyContext) -> list[str]:
        detail = result.detail
        return [event for event, happened in (("closing_attempt", detail.get("techniques")), ("over_pushing", detail.get("over_pushing"))) if happened]

    def signals(self, result: CriterionResult) -> set[str]:
        """Any close (closing_attempt), and each technique (closing:alternative…)."""
        techniques = result.detail.get("techniques", [])
        return {"closing_attempt", *(f"closing:{t}" for t in techniques)} if techniques else set()

    @staticmethod
    def pushed(result: CriterionResult) -> bool:
        """Whether a reply pushed for the sale: what ``ReplyContext.prior_pushes`` holds."""
        return bool(result.detail.get("pushes"))

    def session(self, results: list[CriterionResult]) -> CriterionResult:
        summary = super().session(results)
        summary.detail = {
            "attempts": sum(1 for r in results if r.detail.get("techniques")),
            "techniques": sorted({t for r in results for t in r.detail.get("techniques", [])}),
        }
        return summary

