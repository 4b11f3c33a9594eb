"""Stored sessions judged again by another rubric (`roleplay rescore`).

A changed rubric never changes a stored score by itself: an instructor asks for the re-score, and
the replaced scores stay in the session's history beside the new ones. Each stored reply is judged
as it was the first time: the customer's words it answered, its time, the product card, and, for
practice, what the scenario's node expected and whether a buying signal was due (kept with each
turn since records schema 3). Replies stored before that, and real conversations, are judged the
way `roleplay grade` judges a chat log.
"""

from __future__ import annotations

from typing import Any

from roleplay.content.models import Product, Rubric, Scenario
from roleplay.records.model import StoredSession
from roleplay.rubric.scorer import scorer_for


def rescored(
    stored: StoredSession, rubric: Rubric, scenario: Scenario | None, product: Product | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The session's scores by ``rubric``: the session's JSON form (``SessionScore.to_dict()`` with
    its failed outcome) and each turn's result (``ReplyScore.to_dict()``)."""
    scorer = scorer_for(rubric)
    replies = []
    for turn in stored.turns:
        judged = turn.judged
        replies.append(
            scorer.score_text(
                turn.text,
                index=len(replies),
                latency_s=turn.latency_s,
                customer_text="\n".join(m.text for m in turn.answered),
                product=product,
                prior_pushes=[scorer.pushed(r) for r in replies],
                expects=judged.get("expects", ()),
                buying_signal=judged.get("buying_signal", False),
                typing_s=judged.get("typing_s"),
                typing_measured=judged.get("typing_measured", False),
            )
        )
    practice = stored.kind == "practice"
    session = scorer.score_session(
        replies,
        stored.outcome if practice else None,
        finished=stored.finished if practice else True,
        fail_outcomes=scenario.fail_outcomes if scenario else None,
    )
    return {**session.to_dict(), "failed_outcome": session.failed_outcome}, [r.to_dict() for r in replies]
