"""Bad input never crashes: arbitrary YAML, chat-log lines and reply texts (property-based)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roleplay.content.loader import load_model
from roleplay.grade import grade_text

CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
REPLY_TEXT = st.text(st.one_of(CHINESE, st.characters(codec="utf-8")), max_size=60)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(REPLY_TEXT, st.integers(0, 5), st.floats(0, 120))
def test_any_reply_scores_within_bounds(scorer, text, index, latency):
    score = scorer.score_text(text, index=index, latency_s=latency, customer_text=text[:5])
    assert 0 <= score.total <= 100
    for result in score.results.values():
        assert result.score is None or 0 <= result.score <= 100
        for ev in result.evidence:
            assert 0 <= ev.start < ev.end <= len(text) and text[ev.start : ev.end] == ev.text


YAML_ATOMS = st.sampled_from(
    ["id: x\n", "nodes:\n", "  a: {say: [hi]}\n", "- 1\n", "persona: [\n", "&a b\n", "*a\n", "? x\n",
     "title: !!python/name:os.system\n", "price: .nan\n", "\t\n", "start: a\n", "product: 3\n", ": :\n"]
)


@SETTINGS
@given(st.lists(YAML_ATOMS, max_size=8), st.sampled_from(["personas", "scenarios", "rubrics", "misc"]))
def test_any_yaml_gives_problems_not_exceptions(tmp_path, atoms, folder):
    path = tmp_path / folder / "f.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(atoms), encoding="utf-8")
    model, problems = load_model(path)
    assert (model is None) == bool(problems) or model is not None
    for problem in problems:
        assert problem.line >= 1 and problem.col >= 1 and problem.message


TURN = st.fixed_dictionaries(
    {"role": st.sampled_from(["customer", "agent", "bot"]), "text": REPLY_TEXT},
    optional={"at": st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=25))},
)


@SETTINGS
@given(st.lists(st.one_of(
    st.builds(lambda turns: json.dumps({"id": "t", "turns": turns}, ensure_ascii=False), st.lists(TURN, max_size=5)),
    st.text(max_size=30),
), max_size=4))
def test_any_chat_log_line_is_graded_or_reported(library, lines):
    results, errors = grade_text("\n".join(lines), library)
    assert len(results) + len(errors) == len([ln for ln in "\n".join(lines).split("\n") if ln.strip()])
    for result in results:
        assert 0 <= result["score"] <= 100
