"""What a trainee is told about one reply, whatever draws it.

The line-mode player and the reports (``roleplay.render``, plain text and ANSI) and the app
(``roleplay.tui.widgets.feedback``, Rich) are two thin skins of this one model: what a reply
scored, which FAB parts, forbidden phrases and closing techniques were found, how long it took,
the advice of every criterion that fell short and, for a weak reply, the scenario's model answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from roleplay.rubric.result import ReplyScore

#: A reply scoring below this is shown the scenario's model answer (参考话术).
MODEL_ANSWER_BELOW = 85


@dataclass(frozen=True)
class Feedback:
    """One reply's feedback, in the rubric's words."""

    total: float
    #: The rubric's names of its fab, forbidden and closing criteria, by kind (FAB话术, 服务禁语…).
    labels: dict[str, str]
    #: The FAB parts found, in order (F, A, B).
    fab: list[str]
    #: The phrases flagged as 服务禁语, in the trainee's own characters.
    forbidden: list[str]
    #: The closing techniques used, by the rubric's names (二选一…).
    closing: list[str]
    #: The reply's latency, when known.
    seconds: float | None
    #: (criterion name, advice) of every criterion that applied and fell short, in rubric order.
    advice: list[tuple[str, str]]
    #: The model answer to show ("" when the reply was good enough or the node has none).
    model_answer: str = ""


def feedback_of(
    score: ReplyScore, labels: dict[str, str], techniques: dict[str, str], model_answer: str = ""
) -> Feedback:
    """The feedback on a scored reply; ``labels`` and ``techniques`` are the rubric's names."""
    results = score.results
    latency = score.of_kind("latency")
    ids = {result.kind: name for name, result in results.items()}
    return Feedback(
        total=score.total,
        labels={kind: labels.get(ids.get(kind, kind), kind) for kind in ("fab", "forbidden", "closing")},
        fab=score.found("fab", "components"),
        forbidden=[hit["phrase"] for hit in score.found("forbidden", "hits")],
        closing=[techniques.get(t, t) for t in score.found("closing", "techniques")],
        seconds=latency.detail.get("seconds") if latency else None,
        advice=[
            (labels.get(name, name), result.advice)
            for name, result in results.items()
            if result.score is not None and result.score < 100 and result.advice
        ],
        model_answer=model_answer if score.total < MODEL_ANSWER_BELOW else "",
    )
