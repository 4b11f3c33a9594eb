"""Bad input never crashes: arbitrary YAML, chat-log lines and reply texts (property-based)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

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


# -- hostile and mistaken input, as a user meets it on the command line ----------------------------


def rp(*args: str, cwd: Path, stdin: str | bytes = "", timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """``python -m roleplay ARGS`` in ``cwd`` with its own records database and config folder."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "NO_COLOR": "1",
        "ROLEPLAY_PATH": "",
        "ROLEPLAY_DB": str(cwd / "records.db"),
        "ROLEPLAY_CONFIG_DIR": str(cwd / "config"),
        "XDG_CACHE_HOME": str(cwd / "cache"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "roleplay", *args],
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        capture_output=True, timeout=timeout, cwd=cwd, env=environment,
    )  # fmt: skip


def out(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8")


def err(result: subprocess.CompletedProcess) -> str:
    """stderr, which must never hold a Python traceback."""
    text = result.stderr.decode("utf-8")
    assert "Traceback" not in text, text
    return text


def persona_file(cwd: Path, text: str, name: str = "rec.yaml") -> Path:
    path = cwd / "c" / "personas" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_recursive_alias_is_an_error_not_a_hang(tmp_path):
    persona_file(tmp_path, "id: rec\nname: &a [*a]\n")
    result = rp("validate", "--content", "c", cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    assert "c/personas/rec.yaml:2:11: YAML error: recursive alias *a" in out(result)
    err(result)


def test_a_billion_laughs_file_is_refused_quickly(tmp_path):
    lines = ["id: lol", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    persona_file(tmp_path, "\n".join([*lines, "name: *a8", ""]))
    started = time.monotonic()
    result = rp("validate", "--content", "c", cwd=tmp_path, timeout=30)
    assert time.monotonic() - started < 15
    assert result.returncode == 1
    assert "c/personas/rec.yaml:6:5: YAML error: this value expands to more than 100,000 values" in out(result)
    err(result)


def test_shared_aliases_are_fine_and_deep_nesting_is_an_error(tmp_path):
    path = persona_file(tmp_path, "id: x\nname: &n 小王\ndescription: *n\n")
    model, problems = load_model(path)
    assert not any("YAML" in p.message for p in problems)
    deep = persona_file(tmp_path, "id: x\nname: " + "[" * 3000 + "]" * 3000 + "\n")
    [problem] = load_model(deep)[1]
    assert problem.line == 2 and "nested too deeply" in problem.message
