"""What the rubric returns: per-criterion results with evidence, per reply and per session."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Evidence:
    """The exact characters of the reply that triggered a finding."""

    start: int
    end: int
    text: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"span": [self.start, self.end], "text": self.text, "label": self.label}


@dataclass(slots=True)
class CriterionResult:
    """One criterion's verdict on one reply (or a whole session).

    ``score`` is None when the criterion does not apply (no FAB is expected in a farewell);
    ``detail`` carries criterion-specific facts such as FAB components or forbidden hits.
    """

    criterion: str
    score: float | None
    advice: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    #: The criterion's kind (fab, cue…): what views and records read a result by, whatever its id.
    kind: str = ""

    @property
    def applies(self) -> bool:
        return self.score is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": None if self.score is None else round(self.score, 1),
            **self.detail,
            "evidence": [e.to_dict() for e in self.evidence],
            "advice": self.advice,
        }


def weighted_total(scores: dict[str, float | None], weights: dict[str, float]) -> float:
    """Weighted mean over the criteria that apply (weights renormalised to what applies)."""
    used = [(s, weights[name]) for name, s in scores.items() if s is not None and weights[name] > 0]
    total_weight = sum(w for _, w in used)
    return sum(s * w for s, w in used) / total_weight if total_weight else 0.0


@dataclass(slots=True)
class ReplyScore:
    """All criteria on one reply, plus the derived total and the events the customer reacts to."""

    text: str
    results: dict[str, CriterionResult]
    total: float
    events: list[str]
    fatal: list[str]

    def of_kind(self, kind: str) -> CriterionResult | None:
        """The result of the rubric's criterion of ``kind`` (None: the rubric has none)."""
        return next((r for r in self.results.values() if r.kind == kind), None)

    def found(self, kind: str, key: str) -> list[Any]:
        """What the criterion of ``kind`` found under ``key`` (FAB components, forbidden hits,
        closing techniques…); empty when the rubric has no such criterion."""
        result = self.of_kind(kind)
        return list(result.detail.get(key) or []) if result else []

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "score": round(self.total, 1),
            **{name: result.to_dict() for name, result in self.results.items()},
        }


@dataclass(slots=True)
class SessionScore:
    """Scores of a whole session: per criterion, total, pass/fail and why it failed."""

    criteria: dict[str, CriterionResult]
    total: float
    passed: bool
    fatal: list[str]
    pass_mark: float
    failed_outcome: str | None = None

    def of_kind(self, kind: str) -> CriterionResult | None:
        """The session result of the rubric's criterion of ``kind`` (None: the rubric has none)."""
        return next((r for r in self.criteria.values() if r.kind == kind), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.total, 1),
            "passed": self.passed,
            "fatal": self.fatal,
            "criteria": {
                name: None if r.score is None else round(r.score, 1) for name, r in self.criteria.items()
            },
            "criteria_detail": {name: r.to_dict() for name, r in self.criteria.items()},
        }
