"""Feedback on a reply in the trainee's own words: F/A/B parts, forbidden phrases, closings."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from roleplay.marks import reply_marks, segments

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
    for piece, mark in segments(text, reply_marks(result)):
        if mark is None:
            out.append(piece)
        elif mark.kind in {"forbidden", "accuracy"}:
            out.append(piece, STYLES[mark.kind])
            out.append(f"〔{mark.label}〕", "red")
        else:
            out.append(piece, STYLES[mark.kind])
    return out


def summary_line(result: dict[str, Any], labels: dict[str, str], techniques: dict[str, str]) -> Text:
    """本句得分 · FAB parts · closing technique named · seconds."""
    out = Text()
    out.append(f"本句 {result['score']:.0f} 分", "bold")
    components = result["fab"].get("components") or []
    out.append(f"  {labels['fab']}：{'/'.join(components) or '—'}")
    named = "、".join(techniques.get(t, t) for t in result["closing"].get("techniques") or [])
    out.append(f"  {labels['closing']}：{named or '无'}")
    hits = result["forbidden"].get("hits") or []
    if hits:
        out.append(f"  {labels['forbidden']}：{len(hits)} 处", "bold red")
    seconds = result["latency"].get("seconds")
    if seconds is not None:
        out.append(f"  用时 {seconds:.1f}s")
    return out


def advice_text(result: dict[str, Any], labels: dict[str, str], model_answer: str = "") -> Text:
    """Advice of every criterion that fell short, then the model answer when the reply was weak."""
    out = Text()
    for name, label in labels.items():
        item = result.get(name, {})
        score = item.get("score")
        if score is not None and score < 100 and item.get("advice"):
            out.append(f"▸{label}：", "bold")
            out.append(f"{item['advice']}\n")
    if model_answer and result["score"] < 85:
        out.append("参考话术：", "bold green")
        out.append(model_answer)
    out.rstrip()
    return out


def feedback_text(
    text: str, result: dict[str, Any], labels: dict[str, str], techniques: dict[str, str], model_answer: str = ""
) -> Text:
    out = marked_reply(text, result)
    out.append("\n")
    out.append_text(summary_line(result, labels, techniques))
    advice = advice_text(result, labels, model_answer)
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
