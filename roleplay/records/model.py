"""What the records store returns: a stored session with its turns, ready to report or export.

Scores are stored in their JSON form (``ReplyScore.to_dict()``, ``SessionScore.to_dict()``), the
same contract `roleplay grade` prints; the functions here turn them back into the rubric's result
objects so a stored session renders through the same code as a live one.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from roleplay.content.models import LEGACY_CRITERIA
from roleplay.engine.session import CustomerState, Message
from roleplay.labels import INTERRUPTED, KINDS, MODES, OUTCOMES
from roleplay.rubric.result import CriterionResult, Evidence, ReplyScore, SessionScore

SOURCES = ("tui", "plain")
_RESULT_KEYS = ("kind", "score", "evidence", "advice")


@dataclass(frozen=True, slots=True)
class Review:
    """An instructor's score for one criterion of one reply, with the reason, who gave it and when;
    kept beside the rubric's automatic score, never in place of it."""

    index: int  # the turn (0-based)
    criterion: str
    score: float
    reason: str
    reviewer: str
    created_at: datetime


def login_name() -> str:
    """Who is reviewing, by default: the login name, when the system can tell it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


@dataclass(frozen=True, slots=True)
class StoredTurn:
    """One reply as recorded: what it answered, how long it took, its rubric result, what followed."""

    index: int
    answered: list[Message]
    text: str
    latency_s: float | None
    result: dict[str, Any]  # ReplyScore.to_dict()
    model_answer: str
    customer: list[Message]
    state: CustomerState | None  # None for real conversations
    reviews: tuple[Review, ...] = ()  # instructors' scores of its criteria, oldest first
    #: What the rubric was told besides the reply (the node's expects, a due buying signal, the
    #: typing time); empty for real conversations and for turns stored before records kept it.
    judged: dict[str, Any] = field(default_factory=dict)

    def automatic(self, criterion: str) -> float | None:
        """The rubric's score of ``criterion`` for this reply (None: it did not apply)."""
        result = self.result.get(criterion)
        return result.get("score") if isinstance(result, dict) else None

    @property
    def score(self) -> ReplyScore:
        return reply_score(self.result)


@dataclass(frozen=True, slots=True)
class PastScore:
    """A session's scores that a re-score replaced, with the rubric that gave them."""

    rubric_id: str
    rubric_version: str
    rubric_hash: str
    total: float | None
    passed: bool
    criteria: dict[str, float | None]
    replaced_at: datetime

    @property
    def rubric_label(self) -> str:
        return rubric_label(self.rubric_id, self.rubric_version, self.rubric_hash)


def rubric_label(rubric_id: str, version: str, fingerprint: str) -> str:
    """Which rubric gave a score: ``default 2.8 · 37d1ec3b65a9`` (no fingerprint before records kept it)."""
    return " · ".join(part for part in (f"{rubric_id} {version}".strip(), fingerprint) if part)


@dataclass(frozen=True)
class StoredSession:
    """A practice session or a graded real conversation, with everything its report needs.

    Its criterion scores, score detail and opening messages are kept as the JSON they are stored
    as and read on first use: a list of ten thousand sessions (`roleplay history`) shows none of them.
    """

    id: int
    kind: str  # "practice" | "real"
    trainee: str
    cohort: str
    scenario_id: str
    scenario_title: str
    persona_id: str
    persona_name: str
    mode: str  # "practice" | "exam" ("" for real conversations)
    source: str  # "tui" | "plain" | "grade"
    source_file: str
    transcript_id: str
    seed: int | None
    rubric_id: str
    rubric_version: str
    rubric_hash: str  # roleplay.rubric.fingerprint of the rubric it was scored with ('' before records kept it)
    pass_mark: float | None
    started_at: datetime
    ended_at: datetime | None
    finished: bool
    outcome: str | None  # None while unfinished, when quit early, and for real conversations
    total: float | None
    passed: bool
    criteria_json: str  # {criterion: score or null}: read through ``criteria``
    score_detail_json: str  # SessionScore.to_dict() plus failed_outcome: read through ``score_detail``
    first_response_s: float | None
    average_s: float | None
    forbidden_count: int
    closing_attempts: int
    opening_json: str  # the customer's opening messages: read through ``opening``
    turns: list[StoredTurn]
    product_id: str = ""  # the product card its replies were checked against, when it has an id
    history: tuple[PastScore, ...] = ()  # scores re-scores replaced, oldest first

    @property
    def outcome_label(self) -> str:
        """成交 / 流失 / … ; a session that never reached its end is marked as interrupted."""
        if self.kind == "real":
            return "—"
        return OUTCOMES[self.outcome] + ("" if self.finished else INTERRUPTED)

    @cached_property
    def criteria(self) -> dict[str, float | None]:
        return stored_json(self.criteria_json)

    @cached_property
    def score_detail(self) -> dict[str, Any]:
        return stored_json(self.score_detail_json)

    @cached_property
    def opening(self) -> list[Message]:
        return [message(m) for m in stored_json(self.opening_json)]

    @property
    def rubric_label(self) -> str:
        """Which rubric gave the scores: ``default 2.8 · 37d1ec3b65a9``."""
        return rubric_label(self.rubric_id, self.rubric_version, self.rubric_hash)

    @property
    def mode_label(self) -> str:
        return KINDS["real"] if self.kind == "real" else MODES.get(self.mode, self.mode)

    def session_score(self) -> SessionScore:
        """The session's scores as the rubric's result object (for the shared report renderer)."""
        details = self.score_detail.get("criteria_detail", {})
        criteria = {
            name: criterion_result(name, details.get(name) or {"score": score})
            for name, score in self.criteria.items()
        }
        return SessionScore(
            criteria,
            self.total or 0.0,
            self.passed,
            list(self.score_detail.get("fatal", [])),
            self.pass_mark,  # type: ignore[arg-type]  # unknown for some graded logs
            self.score_detail.get("failed_outcome"),
        )


def criterion_result(name: str, data: dict[str, Any]) -> CriterionResult:
    """Inverse of ``CriterionResult.to_dict()``."""
    evidence = [Evidence(e["span"][0], e["span"][1], e["text"], e["label"]) for e in data.get("evidence", [])]
    detail = {key: value for key, value in data.items() if key not in _RESULT_KEYS}
    return CriterionResult(name, data.get("score"), data.get("advice", ""), evidence, detail, stored_kind(name, data))


def stored_kind(name: str, data: dict[str, Any]) -> str:
    """The kind of a criterion's stored result; records from before criteria had kinds name them
    by the seven ids of rubric 2.x (greeting and needs are cues)."""
    return data.get("kind") or LEGACY_CRITERIA.get(name, {}).get("kind", name)


def reply_score(data: dict[str, Any]) -> ReplyScore:
    """Inverse of ``ReplyScore.to_dict()`` (rubric events are not stored: they drove the customer)."""
    results = {name: criterion_result(name, value) for name, value in data.items() if isinstance(value, dict)}
    score = ReplyScore(data.get("text", ""), results, data.get("score") or 0.0, [], [])
    forbidden = score.of_kind("forbidden")
    score.fatal = list(forbidden.detail.get("fatal", [])) if forbidden else []
    return score


def stored_json(text: str) -> Any:
    """Stored JSON, with NaN and ±Infinity read as null.

    Older versions let ``--latency nan`` through and stored such numbers; a report or an export
    must not fail, or write invalid JSON, over them.
    """
    return json.loads(text, parse_constant=lambda _constant: None)


def message_dict(message: Message) -> dict[str, Any]:
    return {"role": message.role, "text": message.text, "typing_s": message.typing_s}


def message(data: dict[str, Any]) -> Message:
    return Message(data["role"], data["text"], data.get("typing_s", 0.0))
