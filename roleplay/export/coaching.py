"""What to coach next and where customers are lost: read off stored sessions, shown by the score
sheet's HTML and by `roleplay progress`.

The coaching focus is every criterion below the rubric's ``coaching_mark``, worst first, each with
the scenario that trains it most (the one with the most steps that expect it) and the trainee's own
worst reply of that criterion as the example to go through together. 流失环节 (seed 000's
询单流失率): at which step of which scenario practice customers left, and why, by the rubric's
findings on the last reply before they did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from roleplay.content.models import Scenario
from roleplay.records.model import StoredSession, StoredTurn


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    weight: float


@dataclass(frozen=True, slots=True)
class Focus:
    """A criterion to coach: its average, the scenario to assign, and the trainee's worst reply of it."""

    label: str
    average: float
    scenario: str  # the title of the scenario that trains it most ("" when none expects it)
    example: str  # #2 第1句「…」（0 分） ("" when no reply was scored on it)


def focus(
    sessions: list[StoredSession],
    criteria: list[Criterion],
    averages: Mapping[str, float | None],
    mark: float,
    scenarios: Mapping[str, Scenario],
) -> list[Focus]:
    """Every criterion averaging below ``mark`` over ``sessions``, worst first (the heavier on a tie)."""
    return [
        Focus(c.label, average, assignment(c.id, scenarios), worst_reply(sessions, c.id))
        for c in sorted(criteria, key=lambda c: (averages[c.id] if averages[c.id] is not None else 101, -c.weight))
        if (average := averages[c.id]) is not None and average < mark
    ]


def assignment(criterion: str, scenarios: Mapping[str, Scenario]) -> str:
    """The scenario with the most steps that expect ``criterion`` (by id on a tie); "" when none does."""
    counts = [
        (-sum(criterion in node.expects for node in scenario.nodes.values()), sid, scenario.title)
        for sid, scenario in scenarios.items()
    ]
    best = min((count for count in counts if count[0] < 0), default=None)
    return best[2] if best else ""


def worst_reply(sessions: list[StoredSession], criterion: str) -> str:
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
