"""The conversations behind a score sheet's numbers, for the HTML sheet's drill-down: trainee →
session → every reply with the marks the trainee saw (F/A/B, forbidden phrases, closes, wrong
facts), its score, the advice, the model answer and any instructor's review.

Built from the same feedback model as the reports (roleplay.feedback, roleplay.marks), so the sheet
says of a reply exactly what the trainee was told.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from roleplay.content.models import Rubric
from roleplay.feedback import feedback_of
from roleplay.marks import reply_marks, segments
from roleplay.records.model import StoredSession, StoredTurn
from roleplay.render import rubric_labels


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a reply: plain (``kind`` None) or marked, with the mark's label."""

    text: str
    kind: str | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class ReplyView:
    number: int
    customer: str
    pieces: list[Piece]
    total: float
    seconds: float | None
    advice: list[tuple[str, str]]
    model_answer: str
    reviews: str


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    title: str  # #3 · 2026-11-02 09:00 · 空气炸锅卖点咨询 · 流失 · 27.8 未通过
    replies: list[ReplyView]  # each with the customer's words it answered (the opening ones first)


def session_view(stored: StoredSession, rubric: Rubric | None, reviews: Callable[[StoredTurn], str]) -> SessionView:
    """One session as the drill-down shows it, labelled by the rubric that scored it (when loaded)."""
    names = rubric_labels(rubric, stored.criteria)
    labels, techniques = names.criteria, names.techniques
    when = stored.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    total = "—" if stored.total is None else f"{stored.total:.1f}"
    title = " · ".join(
        [f"#{stored.id}", when, stored.scenario_title or stored.scenario_id or "—", stored.outcome_label,
         f"{total} {'通过' if stored.passed else '未通过'}"]
    )  # fmt: skip
    replies = []
    for turn in stored.turns:
        told = feedback_of(turn.score, labels, techniques, turn.model_answer)
        pieces = [
            Piece(text, mark.kind if mark else None, mark.label if mark else "")
            for text, mark in segments(turn.text, reply_marks(turn.result))
        ]
        replies.append(
            ReplyView(
                turn.index + 1, " / ".join(m.text for m in turn.answered) or "—", pieces, told.total,
                told.seconds, told.advice, told.model_answer, reviews(turn),
            )
        )  # fmt: skip
    return SessionView(stored.id, title, replies)


def conversations(
    groups: list[tuple[str, list[StoredSession]]], rubrics: Mapping[str, Rubric], reviews: Callable[[StoredTurn], str]
) -> list[tuple[str, list[SessionView]]]:
    """Per trainee (in the sheet's order), their sessions as the drill-down shows them."""
    return [(name, [session_view(s, rubrics.get(s.rubric_id), reviews) for s in sessions]) for name, sessions in groups]
