"""Feedback on a reply in the trainee's own words: F/A/B parts, forbidden phrases, closings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from roleplay.feedback import Feedback, feedback_of
from roleplay.marks import reply_marks, segments
from roleplay.text.safe import shown

if TYPE_CHECKING:
    from roleplay.rubric.result import ReplyScore

STYLES = {
    "F": "bold green",
    "A": "bold cyan",
    "B": "bold magenta",
    "forbidden": "bold white on red",
    "closing": "bold yellow underline",
    "accuracy": "bold red underline",
}
LEGEND = [("F 特性", "F"), ("A 优势", "A"), ("B 利益", "B"), ("禁语", "forbidden"), ("促单", "closing")]


def marked_reply(text: str, result: dict[str, Any]) -> Text:
    """The reply with every finding highlighted; forbidden and accuracy marks carry their label."""
    out = Text()
    for piece, mark in segments(shown(text, lines=True), reply_marks(result)):
        if mark is None:
            out.append(piece)
        elif mark.kind in {"forbidden", "accuracy"}:
            out.append(piece, STYLES[mark.kind])
            out.append(f"〔{mark.label}〕", "red")
        else:
            out.append(piece, STYLES[mark.kind])
    return out


def summary_line(feedback: Feedback) -> Text:
    """本句得分 · FAB parts · closing technique named · forbidden count · seconds."""
    labels = feedback.labels
    out = Text()
    out.append(f"本句 {feedback.total:.0f} 分", "bold")
    out.append(f"  {labels['fab']}：{'/'.join(feedback.fab) or '—'}")
    out.append(f"  {labels['closing']}：{'、'.join(feedback.closing) or '无'}")
    if feedback.forbidden:
        out.append(f"  {labels['forbidden']}：{len(feedback.forbidden)} 处", "bold red")
    if feedback.seconds is not None:
        out.append(f"  用时 {feedback.seconds:.1f}s")
    return out


def advice_text(feedback: Feedback) -> Text:
    """Advice of every criterion that fell short, then the model answer when the reply was weak."""
    out = Text()
    for label, advice in feedback.advice:
        out.append(f"▸{label}：", "bold")
        out.append(f"{advice}\n")
    if feedback.model_answer:
        out.append("参考话术：", "bold green")
        out.append(feedback.model_answer)
    out.rstrip()
    return out


def feedback_text(
    text: str, score: ReplyScore, labels: dict[str, str], techniques: dict[str, str], model_answer: str = ""
) -> Text:
    """The reply marked, its summary and its advice (the model answer too, for a weak reply)."""
    told = feedback_of(score, labels, techniques, model_answer)
    out = marked_reply(text, score.to_dict())
    out.append("\n")
    out.append_text(summary_line(told))
    advice = advice_text(told)
    if advice.plain:
        out.append("\n")
        out.append_text(advice)
    return out


def legend() -> Text:
    out = Text()
    for label, kind in LEGEND:
        out.append(f" {label} ", STYLES[kind])
        out.append(" ")
    return out
