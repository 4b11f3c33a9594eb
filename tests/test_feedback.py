"""One feedback model, two skins: the line-mode player (plain text) and the app (Rich) tell the
trainee the same things about a reply."""

from __future__ import annotations

from roleplay.feedback import MODEL_ANSWER_BELOW, feedback_of
from roleplay.render import advice_lines, reply_summary, rubric_labels
from roleplay.tui.widgets.feedback import advice_text, summary_line


def test_both_skins_draw_the_same_feedback(scorer):
    names = rubric_labels(scorer.rubric)
    score = scorer.score_text("这款是纯棉的，您要白色还是黑色？说了八百遍了", latency_s=12.5, expects=["fab"])
    told = feedback_of(score, names.criteria, names.techniques, model_answer="亲，这款是纯棉的，吸汗透气，您夏天穿着不闷")
    assert told.fab == ["F"] and told.closing == ["二选一"] and told.forbidden == ["说了八百遍"]
    assert told.seconds == 12.5 and told.total < MODEL_ANSWER_BELOW and told.model_answer
    plain = reply_summary(told) + "\n" + "\n".join(advice_lines(told))
    rich = summary_line(told).plain + "\n" + advice_text(told).plain
    for fact in ("F", "二选一", "12.5s", told.model_answer, *(advice for _, advice in told.advice)):
        assert fact in plain and fact in rich
    assert told.advice and all(label in plain and label in rich for label, _ in told.advice)


def test_a_good_reply_is_not_shown_the_model_answer(scorer):
    names = rubric_labels(scorer.rubric)
    score = scorer.score_text("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，您全家吃得更健康。", latency_s=5, expects=["fab"])
    assert score.total >= MODEL_ANSWER_BELOW
    assert feedback_of(score, names.criteria, names.techniques, model_answer="参考").model_answer == ""
