"""The instructor's score sheet, built once from stored sessions; each format only lays it out.

Two tables — a row per session and a summary per trainee — plus, per trainee, what the HTML
charts need, and, when the turns are loaded, a third: a row per reply (逐句明细) with what the
rubric found in it, so that a spreadsheet user can filter and sort every reply by a finding.
Values are rounded here so every format shows the same numbers, and rows are in a
fixed order (sessions by start time and id, trainees by name) so the same records always give
the same file. Trainees are in pinyin order (王芳 before 小李). Criterion labels come from the rubrics,
never from this code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from statistics import fmean
from typing import Any

from roleplay.content.models import Rubric, Scenario
from roleplay.export.coaching import Criterion, Focus, LossPoint, focus, losses
from roleplay.export.conversations import SessionView, conversations
from roleplay.records.model import StoredSession, StoredTurn
from roleplay.render import past_score, review_note
from roleplay.text.collation import name_key
from roleplay.text.safe import cell_text

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

    def cell(self, value: Any) -> str:
        """The value as a CSV or HTML cell: figures as they are, text made harmless (no control
        characters; a formula-like start marked with ', see roleplay.text.safe.cell_text)."""
        return cell_text(self.text(value)) if self.kind == "text" else self.text(value)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: list[Column]
    rows: list[dict[str, Any]]


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
    turns: Table | None = None  # a row per reply, when the sessions were loaded with their turns
    #: Per trainee, every session's conversation (the HTML drill-down), when loaded with their turns;
    #: built on demand, as only the page shows them (half the sheet's cost at 10k sessions).
    conversations: Callable[[], list[tuple[str, list[SessionView]]]] | None = None
    #: Per trainee (as named on the sheet), what to coach next: every criterion below the coaching
    #: mark with the scenario to assign and the trainee's worst reply of it.
    focus: Mapping[str, list[Focus]] | None = None
    #: Where practice customers were lost, and why, most lost first.
    losses: list[LossPoint] | None = None


def build_sheet(
    sessions: list[StoredSession],
    rubrics: Mapping[str, Rubric],
    filters: str = "",
    turns: bool = False,
    scenarios: Mapping[str, Scenario] | None = None,
) -> ScoreSheet:
    """The score sheet of ``sessions`` (not empty), labelled by the rubrics they were scored with;
    with ``turns``, the replies of the sessions (loaded with their turns) as a table of their own,
    and (when the ``scenarios`` to assign are given) what each trainee should practise next, with
    their own worst reply as the example, and where customers were lost."""
    if not sessions:
        raise ValueError("a score sheet needs at least one session")
    criteria = criteria_of(sessions, rubrics)
    ordered = sorted(sessions, key=lambda s: (s.started_at, s.id))
    by_trainee: dict[str, list[StoredSession]] = {}
    for stored in ordered:
        by_trainee.setdefault(stored.trainee, []).append(stored)
    groups = sorted(by_trainee.items(), key=lambda group: name_key(group[0]))
    pass_marks = {s.pass_mark for s in sessions}
    mark = coaching_mark(sessions, rubrics)
    averages = {name: criterion_averages(group, criteria) for name, group in groups}
    return ScoreSheet(
        title=TITLE,
        filters=filters,
        criteria=criteria,
        sessions=table("成绩明细", session_fields(criteria), ordered),
        summary=table(
            "学员汇总",
            summary_fields(criteria, mark),
            (TraineeGroup(name, group, averages[name]) for name, group in groups),
        ),
        charts=[chart(name, group, criteria) for name, group in groups],
        pass_mark=pass_marks.pop() if len(pass_marks) == 1 else None,
        latest=ordered[-1].started_at,
        turns=table("逐句明细", turn_fields(criteria), ((s, t) for s in ordered for t in s.turns)) if turns else None,
        conversations=(
            partial(conversations, [(n or UNNAMED, g) for n, g in groups], rubrics, lambda t: reviews(t, criteria))
            if turns
            else None
        ),
        focus=(
            {name or UNNAMED: focus(group, criteria, averages[name], mark, scenarios) for name, group in groups}
            if turns and scenarios is not None
            else None
        ),
        losses=losses(sessions) if turns else None,
    )


def criteria_of(sessions: Iterable[StoredSession], rubrics: Mapping[str, Rubric]) -> list[Criterion]:
    """Every criterion scored in ``sessions``, in rubric order; ids stand in for unloaded rubrics."""
    sessions = list(sessions)
    found: dict[str, Criterion] = {}
    for rubric_id in sorted({s.rubric_id for s in sessions}):
        rubric = rubrics.get(rubric_id)
        for name, config in (rubric.criteria.items() if rubric else ()):
            found.setdefault(name, Criterion(name, config.label, config.weight))
    for stored in sessions:
        for name in stored.criteria:
            found.setdefault(name, Criterion(name, name, 0.0))
    return list(found.values())


#: A column and how to get its value from the row's source (a session, or a trainee's sessions).
Field = tuple[Column, Callable[[Any], Any]]


def session_fields(criteria: list[Criterion]) -> list[Field]:
    """The 成绩明细 table, declared once: each column with its value."""
    return [
        (Column("id", "编号", "int"), lambda s: s.id),
        (Column("trainee", "学员"), lambda s: s.trainee or UNNAMED),
        (Column("cohort", "班组"), lambda s: s.cohort),
        (Column("date", "日期", "datetime"), lambda s: s.started_at.astimezone()),
        (Column("scenario", "场景"), lambda s: s.scenario_title or s.scenario_id or "—"),
        (Column("persona", "顾客"), lambda s: s.persona_name or "—"),
        (Column("mode", "模式"), lambda s: s.mode_label),
        (Column("outcome", "结果"), lambda s: s.outcome_label),
        (Column("total", "总分", "score"), lambda s: _round(s.total)),
        (Column("passed", "是否通过", "passed"), lambda s: s.passed),
        *(
            (Column(f"criteria.{c.id}", c.label, "score"), lambda s, c=c: _round(s.criteria.get(c.id)))
            for c in criteria
        ),
        (Column("first_response_s", "首次响应(秒)", "seconds"), lambda s: _round(s.first_response_s)),
        (Column("average_s", "平均响应(秒)", "seconds"), lambda s: _round(s.average_s)),
        (Column("forbidden_count", "禁语次数", "int"), lambda s: s.forbidden_count),
        (Column("closing_attempts", "促成次数", "int"), lambda s: s.closing_attempts),
        (Column("rubric", "评分标准"), lambda s: s.rubric_label),
        (Column("past", "原评分"), lambda s: "；".join(past_score(p) for p in s.history)),
    ]


def turn_fields(criteria: list[Criterion]) -> list[Field]:
    """The 逐句明细 table, declared once: each reply (a session and one of its turns) with what it
    answered, how long it took, its scores, the rubric's findings and the model answer."""
    return [
        (Column("session", "编号", "int"), lambda st: st[0].id),
        (Column("trainee", "学员"), lambda st: st[0].trainee or UNNAMED),
        (Column("scenario", "场景"), lambda st: st[0].scenario_title or st[0].scenario_id or "—"),
        (Column("turn", "轮次", "int"), lambda st: st[1].index + 1),
        (Column("customer", "顾客说"), lambda st: " / ".join(m.text for m in st[1].answered)),
        (Column("reply", "回复"), lambda st: st[1].text),
        (Column("latency_s", "用时(秒)", "seconds"), lambda st: _round(st[1].latency_s)),
        (Column("score", "本句得分", "score"), lambda st: _round(st[1].result.get("score"))),
        *(
            (Column(f"criteria.{c.id}", c.label, "score"), lambda st, c=c: _round(_result(st[1], c.id).get("score")))
            for c in criteria
        ),
        (Column("findings", "发现"), lambda st: findings(st[1], criteria)),
        (Column("reviews", "复核"), lambda st: reviews(st[1], criteria)),
        (Column("model_answer", "参考答案"), lambda st: st[1].model_answer),
    ]


def findings(turn: StoredTurn, criteria: list[Criterion]) -> str:
    """What the rubric found in a reply, criterion by criterion: 蔑视语「爱买不买」；F「纯棉」…"""
    return "；".join(
        f"{e['label']}「{e['text']}」" for c in criteria for e in _result(turn, c.id).get("evidence", [])
    )


def reviews(turn: StoredTurn, criteria: list[Criterion]) -> str:
    """Instructors' scores of the reply beside the automatic ones, as the report shows them."""
    labels = {c.id: c.label for c in criteria}
    return "；".join(review_note(turn, r, labels.get(r.criterion, r.criterion)) for r in turn.reviews)


def _result(turn: StoredTurn, criterion: str) -> dict[str, Any]:
    value = turn.result.get(criterion)
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class TraineeGroup:
    """One trainee's sessions, with the figures the summary row needs computed once."""

    trainee: str
    sessions: list[StoredSession]
    averages: dict[str, float | None]

    @property
    def totals(self) -> Course:
        return course("总分", (s.total for s in self.sessions))

    @property
    def practice(self) -> list[StoredSession]:
        return [s for s in self.sessions if s.kind == "practice"]


def coaching_mark(sessions: Iterable[StoredSession], rubrics: Mapping[str, Rubric]) -> float:
    """The mark below which a criterion needs coaching: the sessions' rubric's (the lowest, when
    they were scored by several), else the rubric model's default."""
    marks = [rubrics[r].coaching_mark for r in {s.rubric_id for s in sessions} if r in rubrics]
    return min(marks) if marks else Rubric.model_fields["coaching_mark"].default


def summary_fields(criteria: list[Criterion], mark: float) -> list[Field]:
    """The 学员汇总 table, declared once. 询单转化率 counts practice sessions only: real logs have no outcome."""
    return [
        (Column("trainee", "学员"), lambda g: g.trainee or UNNAMED),
        (Column("cohort", "班组"), lambda g: "、".join(sorted({s.cohort for s in g.sessions if s.cohort}))),
        (Column("sessions", "场次", "int"), lambda g: len(g.sessions)),
        (Column("pass_rate", "通过率", "rate"), lambda g: round(sum(s.passed for s in g.sessions) / len(g.sessions), 4)),
        (Column("conversion_rate", "模拟询单转化率", "rate"), _conversion_rate),
        (Column("total", "平均总分", "score"), lambda g: _mean(s.total for s in g.sessions)),
        (Column("first_total", "首次总分", "score"), lambda g: g.totals.first),
        (Column("best_total", "最好总分", "score"), lambda g: g.totals.best),
        (Column("latest_total", "最近总分", "score"), lambda g: g.totals.latest),
        (Column("first_response_s", "平均首次响应(秒)", "seconds"), lambda g: _mean(s.first_response_s for s in g.sessions)),
        (Column("average_s", "平均响应(秒)", "seconds"), lambda g: _mean(s.average_s for s in g.sessions)),
        *((Column(f"criteria.{c.id}", c.label, "score"), lambda g, c=c: g.averages[c.id]) for c in criteria),
        (Column("coaching", "优先辅导"), lambda g: coaching(g.averages, criteria, mark)),
    ]


def _conversion_rate(group: TraineeGroup) -> float | None:
    practice = group.practice
    return round(sum(s.outcome == "converted" for s in practice) / len(practice), 4) if practice else None


def table(name: str, fields: list[Field], sources: Iterable[Any]) -> Table:
    """A table whose rows are the fields' values for each source."""
    return Table(
        name, [column for column, _ in fields], [{column.key: get(src) for column, get in fields} for src in sources]
    )


def criterion_averages(sessions: list[StoredSession], criteria: list[Criterion]) -> dict[str, float | None]:
    return {c.id: _mean(s.criteria.get(c.id) for s in sessions) for c in criteria}


def coaching(averages: dict[str, float | None], criteria: list[Criterion], mark: float) -> str:
    """Every criterion whose average is below ``mark``, worst first (the heavier weight on a tie),
    with its average: 促成交易 0、FAB话术 35. Not one of them is left out for another at 0."""
    below = sorted(
        (average, -c.weight, index, c.label)
        for index, c in enumerate(criteria)
        if (average := averages[c.id]) is not None and average < mark
    )
    return "、".join(f"{label} {average:.0f}" for average, _, _, label in below)


def chart(trainee: str, sessions: list[StoredSession], criteria: list[Criterion]) -> TraineeChart:
    averages = criterion_averages(sessions, criteria)
    return TraineeChart(
        trainee or UNNAMED,
        [(c.label, averages[c.id]) for c in criteria],
        [(s.started_at.astimezone(), round(s.total, 1)) for s in sessions if s.total is not None],
    )


@dataclass(frozen=True, slots=True)
class Course:
    """One figure over a trainee's sessions: the first, the best and the latest (None: never applied)."""

    label: str
    first: float | None
    best: float | None
    latest: float | None


def course(label: str, scores: Iterable[float | None]) -> Course:
    """A figure's first, best and latest over sessions in time order (those without one left out)."""
    present = [round(s, 1) for s in scores if s is not None]
    return Course(label, present[0], max(present), present[-1]) if present else Course(label, None, None, None)


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(fmean(present), 1) if present else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
