"""Plain-text rendering of feedback and reports, shared by line-mode play, `roleplay report` and
`grade --format table`. A live report and a stored one go through the same ``review_lines``.

Evidence is marked in the trainee's own words: with ANSI colours on a terminal, with
【F:…】-style brackets otherwise (pipes, logs, NO_COLOR).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from roleplay.engine.session import CustomerState, Message, SessionReport
from roleplay.feedback import Feedback, feedback_of
from roleplay.labels import failure_reason
from roleplay.marks import reply_marks, segments
from roleplay.rubric.result import ReplyScore, SessionScore
from roleplay.text.safe import coloured, shown
from roleplay.text.width import pad

if TYPE_CHECKING:
    from roleplay.content.models import Rubric
    from roleplay.records.model import PastScore, Review, StoredSession, StoredTurn

#: ANSI colour per kind of mark: F green, A cyan, B magenta, forbidden red, closing yellow, accuracy blue.
ANSI = {"F": 2, "A": 6, "B": 5, "forbidden": 1, "closing": 3, "accuracy": 4}
UNNAMED = "（未署名）"


class ReviewedTurn(Protocol):
    """A reply in a report: a live ``Turn`` or a ``StoredTurn``."""

    @property
    def index(self) -> int: ...
    @property
    def answered(self) -> Sequence[Message]: ...
    @property
    def text(self) -> str: ...
    @property
    def score(self) -> ReplyScore: ...
    @property
    def model_answer(self) -> str: ...
    @property
    def customer(self) -> Sequence[Message]: ...


def parting_words(turns: Sequence[ReviewedTurn]) -> str:
    """What the customer said after the last reply (她的反应 to a rude reply, her goodbye); ""
    when nothing. Earlier reactions show as what the next reply answered."""
    return " / ".join(m.text for m in turns[-1].customer) if turns else ""


def use_colour(stream: TextIO | None = None) -> bool:
    """Colours for a terminal (the current stdout by default), unless NO_COLOR is set."""
    stream = stream if stream is not None else sys.stdout
    return stream.isatty() and "NO_COLOR" not in os.environ


def marked(text: str, result: dict[str, Any], colour: bool) -> str:
    """The reply with its evidence (``roleplay.marks``) in ANSI colours or 【label:…】 brackets.

    Control characters in the reply are shown first (one picture each, so the spans still fit);
    the colours are drawn by the stream that prints them (roleplay.text.safe.ShownStream)."""
    out = []
    for piece, found in segments(shown(text, lines=True), reply_marks(result)):
        if found is None:
            out.append(piece)
        elif colour:
            out.append(coloured(piece, ANSI[found.kind]))
        else:
            out.append(f"【{found.label}:{piece}】")
    return "".join(out)


def bar(score: float | None, width: int = 20) -> str:
    if score is None:
        return "·" * width + "   不适用"
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled) + f" {score:5.1f}"


def meters(state: CustomerState) -> str:
    return "  ".join(
        f"{label} {bar(value, 10)}" for label, value in (("心情", state.mood), ("耐心", state.patience), ("意向", state.interest))
    )


def reply_summary(feedback: Feedback) -> str:
    """One line: score, FAB parts, forbidden hits, closing techniques, seconds."""
    labels = feedback.labels
    parts = [
        f"本句得分 {feedback.total:.0f}",
        f"{labels['fab']} {'/'.join(feedback.fab) or '—'}",
        f"{labels['forbidden']} {'、'.join(feedback.forbidden) or '无'}",
        f"{labels['closing']} {'、'.join(feedback.closing) or '无'}",
    ]
    if feedback.seconds is not None:
        parts.append(f"用时 {feedback.seconds:.1f}s")
    return " | ".join(parts)


def advice_lines(feedback: Feedback) -> list[str]:
    """Advice of every criterion that applied and fell short, then the model answer if shown."""
    lines = [f"  · {label}：{advice}" for label, advice in feedback.advice]
    if feedback.model_answer:
        lines.append(f"  参考话术：{feedback.model_answer}")
    return lines


@dataclass(frozen=True)
class Labels:
    """The rubric's Chinese names for criteria, closing techniques and forbidden categories."""

    criteria: dict[str, str]
    techniques: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)

    def fatal_line(self, fatal: Iterable[str]) -> str:
        """一票否决 in the rubric's words: 蔑视语, not contempt."""
        return "一票否决：出现" + "、".join(self.categories.get(c, c) for c in fatal) + "（服务禁语）"


def rubric_labels(rubric: Rubric | None, names: Iterable[str] = ()) -> Labels:
    """The rubric's labels; the ids of ``names`` stand in for criteria when the rubric is gone."""
    if rubric is None:
        return Labels({name: name for name in names})
    criteria = rubric.criteria
    return Labels(
        {name: c.label for name, c in criteria.items()},
        {t: c.label for t, c in rubric.criterion("closing").techniques.items()},
        {name: c.label for name, c in rubric.criterion("forbidden").categories.items()},
    )


#: Shown where a session has no replies to review (left before the first one).
NO_REPLIES = "（没有回复可复盘：会话在第一句回复前结束。）"


def latency_detail(score: SessionScore) -> dict:
    """The session's latency figures; empty for a session without replies."""
    latency = score.of_kind("latency")
    return latency.detail if latency is not None else {}


def feedback(turn: ReviewedTurn, labels: dict[str, str], technique_labels: dict[str, str], colour: bool) -> list[str]:
    told = feedback_of(turn.score, labels, technique_labels, turn.model_answer)
    return ["  " + marked(turn.text, turn.score.to_dict(), colour), "  " + reply_summary(told), *advice_lines(told)]


def score_lines(score: SessionScore, labels: Labels) -> list[str]:
    width = max((len(label) for label in labels.criteria.values()), default=0) * 2 + 2
    pass_mark = f"（及格线 {score.pass_mark:g}）" if score.pass_mark is not None else ""
    lines = [f"总分 {score.total:.1f} / 100   {'通过' if score.passed else '未通过'}{pass_mark}"]
    if score.fatal:
        lines.append(labels.fatal_line(score.fatal))
    if score.failed_outcome:
        lines.append(f"未通过原因：{failure_reason(score.failed_outcome)}")
    for name, result in score.criteria.items():
        lines.append(f"  {pad(labels.criteria.get(name, name), width)}{bar(result.score)}")
    latency = latency_detail(score)
    if latency.get("average_s") is not None:
        first = latency.get("first_response_s")
        first_text = f"首次响应 {first:.1f}s，" if first is not None else ""
        lines.append(f"  {first_text}平均响应 {latency['average_s']:.1f}s，{typing_speed(latency)}")
    return lines


def typing_speed(latency: dict) -> str:
    """打字速度 as measured from keystrokes, an estimate from latencies (chat logs, line mode,
    labelled so), or — when nothing was typed to measure (pastes, quick replies)."""
    cpm = latency.get("typing_cpm")
    if not cpm:
        return "打字速度 —"
    return f"打字速度{'（估算）' if latency.get('typing_cpm_estimated', True) else ''}约 {cpm} 字/分钟"


def review_lines(
    header: list[str],
    score: SessionScore,
    turns: Sequence[ReviewedTurn],
    labels: Labels,
    colour: bool,
    notes: Callable[[Any], list[str]] = lambda turn: [],
) -> list[str]:
    """A final report: header lines, the scores, then every reply reviewed (and ``notes`` on it:
    an instructor's reviews of a stored one)."""
    lines = ["=" * 60, *header, *score_lines(score, labels), "-" * 60, "逐句复盘："]
    for turn in turns:
        lines.append(f"[{turn.index + 1}] 顾客：{' / '.join(m.text for m in turn.answered) or '—'}")
        lines.extend(feedback(turn, labels.criteria, labels.techniques, colour))
        lines.extend(notes(turn))
    if parting_words(turns):
        lines.append(f"顾客最后说：{parting_words(turns)}")
    if not turns:
        lines.append(NO_REPLIES)
    return lines


def report_lines(report: SessionReport, colour: bool) -> list[str]:
    """The report at the end of a live session."""
    header = [f"场景：{report.scenario.title}   顾客：{report.persona.name}", f"结果：{report.outcome_label}"]
    return review_lines(header, report.score, report.turns, rubric_labels(report.rubric), colour)


def stored_report_lines(stored: StoredSession, rubric: Rubric | None, colour: bool) -> list[str]:
    """The report of a stored session (`roleplay report`), in the style of the live one.

    ``rubric`` supplies the labels (the session's rubric as loaded now, if it still is).
    """
    when = stored.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    cohort = f"   班组：{shown(stored.cohort)}" if stored.cohort else ""
    trainee = shown(stored.trainee) or UNNAMED  # one line, whatever the name holds
    header = [f"记录 #{stored.id}   学员：{trainee}{cohort}   时间：{when}   {stored.mode_label}"]
    title = stored.scenario_title or stored.scenario_id or "—"
    if stored.kind == "real":
        header.append(f"场景：{title}   来源：{stored.source_file} #{stored.transcript_id}")
    else:
        header += [f"场景：{title}   顾客：{stored.persona_name}", f"结果：{stored.outcome_label}"]
    labels = rubric_labels(rubric, stored.criteria)
    if stored.rubric_hash:
        header.append(f"评分标准：{stored.rubric_label}")
    header += [f"原评分：{past_score(past)}" for past in stored.history]

    def notes(turn: StoredTurn) -> list[str]:
        return [f"  · 复核：{review_note(turn, r, labels.criteria.get(r.criterion, r.criterion))}" for r in turn.reviews]

    return review_lines(header, stored.session_score(), stored.turns, labels, colour, notes)


def past_score(past: PastScore) -> str:
    """Scores a re-score replaced: 83.0 通过（default 2.7 · 1a2b3c4d5e6f，2026-12-02 20:30 重评）."""
    total = "—" if past.total is None else f"{past.total:.1f}"
    when = past.replaced_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{total} {'通过' if past.passed else '未通过'}（{past.rubric_label}，{when} 重评）"


def review_note(turn: StoredTurn, review: Review, label: str, numbered: bool = False) -> str:
    """An instructor's review of a criterion (``label``: its name) beside the automatic score, as the
    report, the score sheets and `roleplay review` show it: [第2句 ]FAB话术 80（自动评分 35）· 张老师 · 时间 · 理由."""
    automatic = turn.automatic(review.criterion)
    was = "不适用" if automatic is None else f"{automatic:g}"
    when = review.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    who = shown(review.reviewer) or "（未署名）"
    place = f"第{turn.index + 1}句 " if numbered else ""
    return f"{place}{label} {review.score:g}（自动评分 {was}）· {who} · {when} · 理由：{shown(review.reason)}"
