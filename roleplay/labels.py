"""The Chinese words the product shows for its own codes, in one place: how a session ended, a
scenario's difficulty, a shopper's type, a record's mode and kind.

The rubric's own labels (criteria, forbidden categories, closing techniques) are the rubric's
data, in its YAML; these are the words for the codes of the file formats and the records.
"""

from __future__ import annotations

#: How a session ended (None: it was left before an outcome).
OUTCOMES: dict[str | None, str] = {"converted": "成交", "lost": "流失", "unpaid": "拍下未付", None: "未完成"}
#: Why a session failed whatever its score, beyond a lost shopper: left before its end.
FAILURES: dict[str, str] = {"unfinished": "会话未完成"}
#: A scenario's difficulty, in the order the home screen and `roleplay list` sort by.
DIFFICULTIES: dict[str, str] = {"easy": "入门", "medium": "进阶", "hard": "困难"}
#: The shopper types of the training material (seed 002).
ARCHETYPES: dict[str, str] = {
    "decisive": "干脆型",
    "cold": "冷漠型",
    "lively": "活泼型",
    "bargainer": "讲价型",
    "cart_abandoner": "拍下不买型",
}
#: A practice session's mode.
MODES: dict[str, str] = {"practice": "练习", "exam": "考试"}
#: A record's kind: a practice session or a graded real chat log.
KINDS: dict[str, str] = {"practice": "练习", "real": "真实对话"}
#: Added to the outcome of a session that was left before its end.
INTERRUPTED = "（中断）"


def shopper_name(name: str, archetype: str) -> str:
    """A persona as the trainee sees her: 讲价型·张大姐, or 小周（冷漠型） when her name does not say her type."""
    kind = ARCHETYPES[archetype]
    return name if kind in name else f"{name}（{kind}）"


def failure_reason(failed_outcome: str) -> str:
    """Why a session failed whatever its score: 顾客流失, or 会话未完成 for one left early."""
    return FAILURES.get(failed_outcome) or f"顾客{OUTCOMES[failed_outcome]}"
