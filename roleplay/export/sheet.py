"""The instructor's score sheet, built once from stored sessions; each format only lays it out.

Two tables — a row per session and a summary per trainee — plus, per trainee, what the HTML
charts need. Values are rounded here so every format shows the same numbers, and rows are in a
fixed order (sessions by start time and id, trainees by name) so the same records always give
the same file. Criterion labels come from the rubrics, never from this code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean
from typing import Any

from roleplay.content.models import Rubric
from roleplay.records.model import StoredSession

TITLE = "客服情景对练成绩单"
UNNAMED = "（未署名）"


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: ``key`` into the rows, a Chinese header, and how its values are shown.

    ``kind`` is one of text, int, score (0–100, one decimal), seconds, rate (a fraction shown
    as a percentage), datetime (local time) and passed (a bool shown as 通过/未通过).
    """

    key: str
    header: str
    kind: str = "text"

    def text(self, value: Any) -> str:
        """The value as text, for CSV and HTML ('' when missing)."""
        if value is None:
            return ""
        if self.kind in ("score", "seconds"):
            return f"{value:.1f}"
        if self.kind == "rate":
            return f"{value * 100:.1f}%"
        if self.kind == "datetime":
            return value.strftime("%Y-%m-%d %H:%M")
        if self.kind == "passed":
            return "通过" if value else "未通过"
        return str(value)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: list[Column]
    rows: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    weight: float


@dataclass(frozen=True, slots=True)
class TraineeChart:
    """One trainee's criterion averages (radar) and totals over time (trend)."""

    trainee: str
    averages: list[tuple[str, float | None]]  # (label, average) in criterion order
    trend: list[tuple[datetime, float]]


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    title: str
    filters: str  # the filters applied, as shown to the reader
    criteria: list[Criterion]
    sessions: Table
    summary: Table
    charts: list[TraineeChart]
    pass_mark: float | None  # the pass mark shared by every session, if they share one
    latest: datetime  # the newest session's start: the file's own date, for reproducible output


def build_sheet(sessions: list[StoredSession], rubrics: Mapping[str, Rubric], filters: str = "") -> ScoreSheet:
    """The score sheet of ``sessions`` (not empty), labelled by the rubrics they were scored with."""
    if not sessions:
        raise ValueError("a score sheet needs at least one session")
    criteria = criteria_of(sessions, rubrics)
    ordered = sorted(sessions, key=lambda s: (s.started_at, s.id))
    by_trainee: dict[str, list[StoredSession]] = {}
    for stored in ordered:
        by_trainee.setdefault(stored.trainee, []).append(stored)
    groups = sorted(by_trainee.items())
    pass_marks = {s.pass_mark for s in sessions}
    return ScoreSheet(
        title=TITLE,
        filters=filters,
        criteria=criteria,
        sessions=Table("成绩明细", session_columns(criteria), [session_row(s, criteria) for s in ordered]),
        summary=Table("学员汇总", summary_columns(criteria), [summary_row(n, g, criteria) for n, g in groups]),
        charts=[chart(name, group, criteria) for name, group in groups],
        pass_mark=pass_marks.pop() if len(pass_marks) == 1 else None,
        latest=ordered[-1].started_at,
    )


def criteria_of(sessions: Iterable[StoredSession], rubrics: Mapping[str, Rubric]) -> list[Criterion]:
    """Every criterion scored in ``sessions``, in rubric order; ids stand in for unloaded rubrics."""
    sessions = list(sessions)
    found: dict[str, Criterion] = {}
    for rubric_id in sorted({s.rubric_id for s in sessions}):
        rubric = rubrics.get(rubric_id)
        for name, config in rubric.criteria if rubric else ():
            found.setdefault(name, Criterion(name, config.label, config.weight))
    for stored in sessions:
        for name in stored.criteria:
            found.setdefault(name, Criterion(name, name, 0.0))
    return list(found.values())


def session_columns(criteria: list[Criterion]) -> list[Column]:
    return [
        Column("id", "编号", "int"),
        Column("trainee", "学员"),
        Column("cohort", "班组"),
        Column("date", "日期", "datetime"),
        Column("scenario", "场景"),
        Column("persona", "顾客"),
        Column("mode", "模式"),
        Column("outcome", "结果"),
        Column("total", "总分", "score"),
        Column("passed", "是否通过", "passed"),
        *(Column(f"criteria.{c.id}", c.label, "score") for c in criteria),
        Column("first_response_s", "首次响应(秒)", "seconds"),
        Column("average_s", "平均响应(秒)", "seconds"),
        Column("forbidden_count", "禁语次数", "int"),
        Column("closing_attempts", "促成次数", "int"),
    ]


def session_row(stored: StoredSession, criteria: list[Criterion]) -> dict[str, Any]:
    return {
        "id": stored.id,
        "trainee": stored.trainee or UNNAMED,
        "cohort": stored.cohort,
        "date": stored.started_at.astimezone(),
        "scenario": stored.scenario_title or stored.scenario_id or "—",
        "persona": stored.persona_name or "—",
        "mode": stored.mode_label,
        "outcome": stored.outcome_label,
        "total": _round(stored.total),
        "passed": stored.passed,
        **{f"criteria.{c.id}": _round(stored.criteria.get(c.id)) for c in criteria},
        "first_response_s": _round(stored.first_response_s),
        "average_s": _round(stored.average_s),
        "forbidden_count": stored.forbidden_count,
        "closing_attempts": stored.closing_attempts,
    }


def summary_columns(criteria: list[Criterion]) -> list[Column]:
    return [
        Column("trainee", "学员"),
        Column("cohort", "班组"),
        Column("sessions", "场次", "int"),
        Column("pass_rate", "通过率", "rate"),
        Column("conversion_rate", "模拟询单转化率", "rate"),
        Column("total", "平均总分", "score"),
        Column("first_response_s", "平均首次响应(秒)", "seconds"),
        Column("average_s", "平均响应(秒)", "seconds"),
        *(Column(f"criteria.{c.id}", c.label, "score") for c in criteria),
        Column("weakest", "优先辅导"),
    ]


def summary_row(trainee: str, sessions: list[StoredSession], criteria: list[Criterion]) -> dict[str, Any]:
    """One trainee's figures. 询单转化率 counts practice sessions only: real logs have no outcome."""
    practice = [s for s in sessions if s.kind == "practice"]
    averages = criterion_averages(sessions, criteria)
    return {
        "trainee": trainee or UNNAMED,
        "cohort": "、".join(sorted({s.cohort for s in sessions if s.cohort})),
        "sessions": len(sessions),
        "pass_rate": round(sum(s.passed for s in sessions) / len(sessions), 4),
        "conversion_rate": (
            round(sum(s.outcome == "converted" for s in practice) / len(practice), 4) if practice else None
        ),
        "total": _mean(s.total for s in sessions),
        "first_response_s": _mean(s.first_response_s for s in sessions),
        "average_s": _mean(s.average_s for s in sessions),
        **{f"criteria.{c.id}": averages[c.id] for c in criteria},
        "weakest": weakest(averages, criteria),
    }


def criterion_averages(sessions: list[StoredSession], criteria: list[Criterion]) -> dict[str, float | None]:
    return {c.id: _mean(s.criteria.get(c.id) for s in sessions) for c in criteria}


def weakest(averages: dict[str, float | None], criteria: list[Criterion]) -> str:
    """The criterion to coach next: the lowest average, the heavier weight on a tie."""
    scored = [
        (averages[c.id], -c.weight, index, c.label)
        for index, c in enumerate(criteria)
        if averages[c.id] is not None
    ]
    return min(scored)[3] if scored else ""


def chart(trainee: str, sessions: list[StoredSession], criteria: list[Criterion]) -> TraineeChart:
    averages = criterion_averages(sessions, criteria)
    return TraineeChart(
        trainee or UNNAMED,
        [(c.label, averages[c.id]) for c in criteria],
        [(s.started_at.astimezone(), round(s.total, 1)) for s in sessions if s.total is not None],
    )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(fmean(present), 1) if present else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
