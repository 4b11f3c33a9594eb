"""Each trainee's progress, for the instructor's terminal (`roleplay progress`): where they started,
their best and where they are now, per criterion and overall, and what to coach next; and where
customers are lost (流失环节): at which step of which scenario, and why.

The coaching focus is every criterion below the rubric's ``coaching_mark``, worst first, each with
the scenario that trains it most (the one with the most steps that expect it) and the trainee's own
worst reply of that criterion as the example to go through together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from roleplay.content.models import Rubric, Scenario
from roleplay.export.sheet import UNNAMED, Course, Criterion, coaching_mark, course, criteria_of, criterion_averages
from roleplay.records.model import StoredSession, StoredTurn
from roleplay.text.collation import name_key


@dataclass(frozen=True, slots=True)
class Focus:
    """A criterion to coach: its average, the scenario to assign, and the trainee's worst reply of it."""

    label: str
    average: float
    scenario: str  # the title of the scenario that trains it most ("" when none expects it)
    example: str  # #2 第1句「…」（0 分） ("" when no reply was scored on it)


@dataclass(frozen=True, slots=True)
class Progress:
    trainee: str
    cohort: str
    sessions: int
    pass_rate: float
    conversion_rate: float | None  # practice sessions that ended 成交 ÷ practice sessions
    first_response_s: float | None
    total: Course
    criteria: list[Course]
    focus: list[Focus]


def progress(
    sessions: list[StoredSession], rubrics: Mapping[str, Rubric], scenarios: Mapping[str, Scenario], by_score: bool = False
) -> list[Progress]:
    """Every trainee's progress over ``sessions`` (loaded with their turns), in pinyin order of their
    names, or best latest total first with ``by_score``."""
    criteria = criteria_of(sessions, rubrics)
    mark = coaching_mark(sessions, rubrics)
    by_trainee: dict[str, list[StoredSession]] = {}
    for stored in sorted(sessions, key=lambda s: (s.started_at, s.id)):
        by_trainee.setdefault(stored.trainee, []).append(stored)
    out = [_progress(name, group, criteria, mark, scenarios) for name, group in by_trainee.items()]
    if by_score:
        return sorted(out, key=lambda p: (-(p.total.latest or 0.0), name_key(p.trainee)))
    return sorted(out, key=lambda p: name_key(p.trainee))


def _progress(
    name: str, sessions: list[StoredSession], criteria: list[Criterion], mark: float, scenarios: Mapping[str, Scenario]
) -> Progress:
    practice = [s for s in sessions if s.kind == "practice"]
    firsts = [s.first_response_s for s in sessions if s.first_response_s is not None]
    averages = criterion_averages(sessions, criteria)
    focus = [
        Focus(c.label, average, _assignment(c.id, scenarios), _worst_reply(sessions, c.id))
        for c in sorted(criteria, key=lambda c: (averages[c.id] if averages[c.id] is not None else 101, -c.weight))
        if (average := averages[c.id]) is not None and average < mark
    ]
    return Progress(
        trainee=name or UNNAMED,
        cohort="、".join(sorted({s.cohort for s in sessions if s.cohort})),
        sessions=len(sessions),
        pass_rate=sum(s.passed for s in sessions) / len(sessions),
        conversion_rate=sum(s.outcome == "converted" for s in practice) / len(practice) if practice else None,
        first_response_s=round(sum(firsts) / len(firsts), 1) if firsts else None,
        total=course("总分", (s.total for s in sessions)),
        criteria=[course(c.label, (s.criteria.get(c.id) for s in sessions)) for c in criteria],
        focus=focus,
    )


@dataclass(frozen=True, slots=True)
class LossPoint:
    """A step of a scenario where customers were lost: how often, and why (reason → count)."""

    scenario: str
    step: str  # the node's id and what the customer had just said
    lost: int
    reasons: list[tuple[str, int]]


def losses(sessions: list[StoredSession]) -> list[LossPoint]:
    """Where practice customers were lost (the step of their last reply) and why, most lost first."""
    steps: dict[tuple[str, str], Counter[str]] = {}
    for stored in sessions:
        if stored.kind != "practice" or stored.outcome != "lost" or not stored.turns:
            continue
        last = stored.turns[-1]
        node = last.judged.get("node") or f"第{last.index + 1}句"
        said = " / ".join(m.text for m in last.answered)
        said = said if len(said) <= 24 else said[:23] + "…"
        key = (stored.scenario_title or stored.scenario_id or "—", f"{node}「{said}」" if said else node)
        steps.setdefault(key, Counter())[why_lost(last)] += 1
    points = [LossPoint(scenario, step, sum(c.values()), c.most_common()) for (scenario, step), c in steps.items()]
    return sorted(points, key=lambda p: (-p.lost, p.scenario, p.step))


def why_lost(turn: StoredTurn) -> str:
    """What the last reply before a customer left did wrong, by the rubric's findings on it."""
    results = {value.get("kind", name): value for name, value in turn.result.items() if isinstance(value, dict)}
    if results.get("forbidden", {}).get("offends"):
        return "服务禁语"
    if results.get("latency", {}).get("band") == "too_slow":
        return "回复太慢"
    if results.get("accuracy", {}).get("contradictions"):
        return "信息与商品卡不符"
    if results.get("closing", {}).get("buying_signal") and not results["closing"].get("techniques"):
        return "错过促单时机"
    fab = results.get("fab", {}).get("score")
    if fab is not None and fab < 50:
        return "卖点没讲清"
    return "没有推进，顾客失去耐心"


def _assignment(criterion: str, scenarios: Mapping[str, Scenario]) -> str:
    """The scenario with the most steps that expect ``criterion`` (by id on a tie); "" when none does."""
    counts = [
        (-sum(criterion in node.expects for node in scenario.nodes.values()), sid, scenario.title)
        for sid, scenario in scenarios.items()
    ]
    best = min((count for count in counts if count[0] < 0), default=None)
    return best[2] if best else ""


def _worst_reply(sessions: list[StoredSession], criterion: str) -> str:
    """The trainee's lowest-scored reply on ``criterion`` (the earliest of equals)."""
    scored = [
        (turn.automatic(criterion), s.id, turn.index, turn.text)
        for s in sessions
        for turn in s.turns
        if turn.automatic(criterion) is not None
    ]
    if not scored:
        return ""
    score, session_id, index, text = min(scored, key=lambda t: (t[0], t[1], t[2]))
    shown = text if len(text) <= 40 else text[:39] + "…"
    return f"#{session_id} 第{index + 1}句「{shown}」（{score:g} 分）"
