"""Which characters of a reply to mark, and how: shared by every view of feedback.

Works on the dict form of a reply's result (``ReplyScore.to_dict()``), which is what a live
session, a stored session and a graded chat log all have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The kinds of criteria whose evidence is shown inside the trainee's text, in this order of precedence.
MARKED = ("forbidden", "fab", "closing", "accuracy")


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    label: str  # F / A / B, a forbidden category label, a closing technique label…
    kind: str  # "F", "A", "B", "forbidden", "closing", "accuracy"


def reply_marks(result: dict[str, Any]) -> list[Mark]:
    """Non-overlapping marks in text order; forbidden phrases win over other findings."""
    marks: list[Mark] = []
    criteria = [(name, value) for name, value in result.items() if isinstance(value, dict)]
    for criterion in MARKED:
        # a result names its kind; one stored before kinds existed is named by it
        evidence = [ev for name, value in criteria if value.get("kind", name) == criterion for ev in value.get("evidence", [])]
        for ev in evidence:
            start, end = ev["span"]
            kind = ev["label"] if criterion == "fab" else criterion
            if not any(start < m.end and m.start < end for m in marks):
                marks.append(Mark(start, end, ev["label"], kind))
    return sorted(marks, key=lambda m: m.start)


def segments(text: str, marks: list[Mark]) -> list[tuple[str, Mark | None]]:
    """The text cut into plain and marked pieces, for any renderer."""
    pieces: list[tuple[str, Mark | None]] = []
    position = 0
    for mark in marks:
        if mark.start > position:
            pieces.append((text[position : mark.start], None))
        pieces.append((text[mark.start : mark.end], mark))
        position = mark.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
