"""Plain-text rendering of feedback and reports, shared by line-mode play and `grade --format table`.

Evidence is marked in the trainee's own words: with ANSI colours on a terminal, with
【F:…】-style brackets otherwise (pipes, logs, NO_COLOR).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from roleplay.engine.session import OUTCOME_LABELS, CustomerState, SessionReport, Turn
from roleplay.rubric.result import Evidence, ReplyScore, SessionScore
from roleplay.text.width import pad

COLOURS = {"F": "32", "A": "36", "B": "35"}
FORBIDDEN_COLOUR, CLOSING_COLOUR, OTHER_COLOUR = "31", "33", "34"
SHOWN = ("fab", "forbidden", "closing", "accuracy")


def use_colour(stream: TextIO = sys.stdout) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def mark(text: str, marks: Iterable[tuple[Evidence, str]], colour: bool) -> str:
    """``text`` with each evidence span wrapped (overlapping spans: the first wins)."""
    out, position = [], 0
    for ev, code in sorted(marks, key=lambda m: (m[0].start, -m[0].end)):
        if ev.start < position:
            continue
        out.append(text[position : ev.start])
        inner = text[ev.start : ev.end]
        out.append(f"\x1b[1;{code}m{inner}\x1b[0m" if colour else f"【{ev.label}:{inner}】")
        position = ev.end
    out.append(text[position:])
    return "".join(out)


def reply_marks(score: ReplyScore) -> list[tuple[Evidence, str]]:
    """Evidence of the criteria a trainee should see in their own text, with colour codes."""
    marks: list[tuple[Evidence, str]] = []
    for name in SHOWN:
        for ev in score.results[name].evidence:
            code = {"fab": COLOURS.get(ev.label, OTHER_COLOUR), "forbidden": FORBIDDEN_COLOUR}.get(
                name, CLOSING_COLOUR if name == "closing" else OTHER_COLOUR
            )
            marks.append((ev, code))
    return marks


def bar(score: float | None, width: int = 20) -> str:
    if score is None:
        return "·" * width + "   不适用"
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled) + f" {score:5.1f}"


def meters(state: CustomerState) -> str:
    return "  ".join(
        f"{label} {bar(value, 10)}" for label, value in (("心情", state.mood), ("耐心", state.patience), ("意向", state.interest))
    )


def reply_summary(score: ReplyScore, labels: dict[str, str], technique_labels: dict[str, str]) -> str:
    """One line: score, FAB parts, forbidden hits, closing techniques, seconds."""
    r = score.results
    parts = [f"本句得分 {score.total:.0f}"]
    components = r["fab"].detail.get("components") or []
    parts.append(f"{labels['fab']} {'/'.join(components) if components else '—'}")
    hits = r["forbidden"].detail.get("hits") or []
    parts.append(f"{labels['forbidden']} {'、'.join(h['phrase'] for h in hits) if hits else '无'}")
    techniques = r["closing"].detail.get("techniques") or []
    named = "、".join(technique_labels.get(t, t) for t in techniques)
    parts.append(f"{labels['closing']} {named or '无'}")
    seconds = r["latency"].detail.get("seconds")
    if seconds is not None:
        parts.append(f"用时 {seconds:.1f}s")
    return " | ".join(parts)


def advice_lines(score: ReplyScore, labels: dict[str, str]) -> list[str]:
    """Advice of every criterion that applied and fell short."""
    return [
        f"  · {labels[name]}：{result.advice}"
        for name, result in score.results.items()
        if result.score is not None and result.score < 100 and result.advice
    ]


def feedback(turn: Turn, labels: dict[str, str], technique_labels: dict[str, str], colour: bool) -> list[str]:
    lines = [
        "  " + mark(turn.text, reply_marks(turn.score), colour),
        "  " + reply_summary(turn.score, labels, technique_labels),
        *advice_lines(turn.score, labels),
    ]
    if turn.model_answer and turn.score.total < 85:
        lines.append(f"  参考话术：{turn.model_answer}")
    return lines


def score_lines(score: SessionScore, labels: dict[str, str]) -> list[str]:
    width = max(len(label) for label in labels.values()) * 2 + 2
    lines = [
        f"总分 {score.total:.1f} / 100   {'通过' if score.passed else '未通过'}（及格线 {score.pass_mark:g}）",
    ]
    if score.fatal:
        lines.append("一票否决：出现 " + "、".join(score.fatal) + " 类禁语")
    if score.failed_outcome:
        lines.append(f"未通过原因：顾客{OUTCOME_LABELS[score.failed_outcome]}")
    for name, result in score.criteria.items():
        lines.append(f"  {pad(labels[name], width)}{bar(result.score)}")
    latency = score.criteria["latency"].detail
    if latency.get("average_s") is not None:
        first = latency.get("first_response_s")
        first_text = f"首次响应 {first:.1f}s，" if first is not None else ""
        cpm = latency.get("typing_cpm")
        cpm_text = f"，打字速度约 {cpm} 字/分钟" if cpm else ""
        lines.append(f"  {first_text}平均响应 {latency['average_s']:.1f}s{cpm_text}")
    return lines


def report_lines(report: SessionReport, colour: bool) -> list[str]:
    labels = {name: c.label for name, c in report.rubric.criteria}
    techniques = {t: c.label for t, c in report.rubric.criteria.closing.techniques.items()}
    lines = [
        "=" * 60,
        f"场景：{report.scenario.title}   顾客：{report.persona.name}",
        f"结果：{report.outcome_label}",
        *score_lines(report.score, labels),
        "-" * 60,
        "逐句复盘：",
    ]
    for turn in report.turns:
        lines.append(f"[{turn.index + 1}] 顾客：{' / '.join(m.text for m in turn.answered) or '—'}")
        lines.extend(feedback(turn, labels, techniques, colour))
    return lines
