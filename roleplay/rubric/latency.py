"""Response latency: first reply within 10 s, replies within 15–20 s, 30 s the hard limit."""

from __future__ import annotations

from statistics import fmean

from roleplay.content.models import LatencyCriterion
from roleplay.rubric.base import CriterionScorer
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.result import CriterionResult


MIN_TYPING_SECONDS = 1.0


#: The event of each latency band.
BAND_EVENTS = {"good": "fast_reply", "slow": "slow_reply", "too_slow": "too_slow"}


class Latency(CriterionScorer[LatencyCriterion]):

    def norm_for(self, first: bool) -> float:
        """The 'good' norm for a reply: the first reply has the stricter one."""
        return self.config.first_reply_s if first else self.config.good_s

    def score_seconds(self, seconds: float, first: bool) -> float:
        """100 within the norm, falling linearly to ``at_hard_limit`` at the hard limit, 0 beyond it."""
        good, hard = self.norm_for(first), self.config.hard_limit_s
        if seconds <= good:
            return 100.0
        if seconds > hard:
            return 0.0
        return 100.0 - (100.0 - self.config.at_hard_limit) * (seconds - good) / (hard - good)

    def band(self, seconds: float, first: bool) -> str:
        """'good', 'slow' or 'too_slow': the band of the live timer and of the customer's reaction."""
        if seconds > self.config.hard_limit_s:
            return "too_slow"
        return "good" if seconds <= self.norm_for(first) else "slow"

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        seconds = ctx.latency_s
        if seconds is None:
            return CriterionResult(self.name, None, detail={"seconds": None, "cpm": None, "band": None})
        band = self.band(seconds, ctx.is_first)
        advice = {"good": "good", "slow": "first_slow" if ctx.is_first else "slow", "too_slow": "too_slow"}
        # Typing speed from the keystrokes when the app timed them; otherwise (a chat log, the
        # line-mode player) estimated from the latency, and marked as an estimate. Below a second no
        # one typed the reply (a paste or a quick phrase): no typing speed.
        typed = ctx.typing_s if ctx.typing_measured else seconds
        chars = len(ctx.reply.text.strip())
        cpm = round(chars * 60 / typed) if typed is not None and typed >= MIN_TYPING_SECONDS else None
        detail = {"seconds": round(seconds, 2), "cpm": cpm, "cpm_estimated": not ctx.typing_measured, "band": band,
                  "first": ctx.is_first}  # fmt: skip
        return CriterionResult(self.name, self.score_seconds(seconds, ctx.is_first), self.advice(advice[band]), detail=detail)

    def events(self, result: CriterionResult, ctx: ReplyContext) -> list[str]:
        band = result.detail.get("band")
        return [BAND_EVENTS[band]] if band else []

    def session(self, results: list[CriterionResult]) -> CriterionResult:
        summary = super().session(results)
        timed = [r.detail for r in results if r.detail.get("seconds") is not None]
        speeds = [d["cpm"] for d in timed if d.get("cpm")]
        summary.detail = {
            "first_response_s": timed[0]["seconds"] if timed and timed[0].get("first") else None,
            "average_s": round(fmean(d["seconds"] for d in timed), 2) if timed else None,
            "max_s": max((d["seconds"] for d in timed), default=None),
            "typing_cpm": round(fmean(speeds)) if speeds else None,
            # estimated from latencies when no reply's keystrokes were timed (chat logs)
            "typing_cpm_estimated": any(d.get("cpm_estimated", True) for d in timed if d.get("cpm")),
            "typing_cpm_target": self.config.typing_cpm_target,
        }
        return summary
