"""Each trainee's progress, for the instructor's terminal (`roleplay progress`): where they started,
their best and where they are now, per criterion and overall, and what to coach next (see
roleplay.export.coaching, which also says where customers are lost)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from roleplay.content.models import Rubric, Scenario
from roleplay.export.coaching import Criterion, Focus, focus
from roleplay.export.sheet import UNNAMED, Course, coaching_mark, course, criteria_of, criterion_averages
from roleplay.records.model import StoredSession
from roleplay.text.collation import name_key


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
    return Progress(
        trainee=name or UNNAMED,
        cohort="、".join(sorted({s.cohort for s in sessions if s.cohort})),
        sessions=len(sessions),
        pass_rate=sum(s.passed for s in sessions) / len(sessions),
        conversion_rate=sum(s.outcome == "converted" for s in practice) / len(practice) if practice else None,
        first_response_s=round(sum(firsts) / len(firsts), 1) if firsts else None,
        total=course("总分", (s.total for s in sessions)),
        criteria=[course(c.label, (s.criteria.get(c.id) for s in sessions)) for c in criteria],
        focus=focus(sessions, criteria, averages, mark, scenarios),
    )


