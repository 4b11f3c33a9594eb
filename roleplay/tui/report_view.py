"""What the report screen shows, from a session just played or from the records: one model for both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roleplay.render import Labels, rubric_labels

if TYPE_CHECKING:
    from roleplay.content.models import Rubric
    from roleplay.engine.session import SessionReport
    from roleplay.records.model import StoredSession
    from roleplay.render import ReviewedTurn
    from roleplay.rubric.result import SessionScore


@dataclass(frozen=True)
class ReportView:
    """What the report shows, from a live session or from the records."""

    scenario_title: str
    trainee: str
    seed: int | None
    outcome: str | None
    outcome_label: str
    score: SessionScore
    turns: Sequence[ReviewedTurn]
    labels: Labels
    record_id: int | None = None


def view_of_live(report: SessionReport, trainee: str) -> ReportView:
    return ReportView(
        report.scenario.title, trainee, report.seed, report.outcome, report.outcome_label,
        report.score, report.turns, rubric_labels(report.rubric),
    )  # fmt: skip


def view_of_stored(stored: StoredSession, rubric: Rubric | None) -> ReportView:
    return ReportView(
        stored.scenario_title, stored.trainee, stored.seed, stored.outcome, stored.outcome_label,
        stored.session_score(), stored.turns, rubric_labels(rubric, stored.criteria), stored.id,
    )  # fmt: skip
