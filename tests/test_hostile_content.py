"""Content as an attack surface (issue 14): what a trainer writes must not freeze scoring, keep the
trainee waiting, pass a yes/no as a number, or stop the app from starting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.content.library import builtin_dir, load_library
from roleplay.content.models import NEVER, TYPING_MAX_S
from roleplay.engine.session import Session
from roleplay.text.backtracking import REPEAT_MAX, Backtracking, check_pattern
from roleplay.tui.settings import Settings

#: The default rubric, its example files named where they are (it is copied to a trainer's folder).
DEFAULT_RUBRIC = (
    (Path(builtin_dir()) / "rubrics" / "default.yaml")
    .read_text(encoding="utf-8")
    .replace("../eval/", f"{Path(builtin_dir()).as_posix()}/eval/")
)
#: The rubric's first list of patterns (what makes a clause a question): scanned on every reply.
QUESTIONS = "  patterns: ['呀"


def rubric_with(tmp_path: Path, *patterns: str) -> Path:
    """The default rubric in a trainer's folder, with ``patterns`` first in its questions' patterns."""
    quoted = "".join(f"'{p}', " for p in patterns)
    path = tmp_path / "rubrics" / "default.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DEFAULT_RUBRIC.replace(QUESTIONS, f"  patterns: [{quoted}'呀", 1), encoding="utf-8")
    return path


def position(path: Path, needle: str) -> str:
    """``line:col`` of ``needle``'s opening quote in ``path``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return f"{number}:{line.index(needle) + 1}"
    raise AssertionError(needle)


# -- regular expressions that backtrack -------------------------------------------------------


def test_the_copied_rubric_is_clean(tmp_path, capsys):
    assert main(["validate", str(rubric_with(tmp_path))]) == 0, capsys.readouterr().out


def test_validate_refuses_patterns_that_backtrack_catastrophically_at_the_pattern(tmp_path, capsys):
    """``(a|a)*$`` took 74 s on a 28-letter reply and validate said OK."""
    path = rubric_with(tmp_path, "(a|a)*$", "(a+)+$")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.count(str(path)) == 2  # those two, and nothing else
    first, second = position(path, "'(a|a)*$'"), position(path, "'(a+)+$'")
    assert f"{path}:{first}: questions.patterns[0]: refused regular expression '(a|a)*$': " \
        "alternatives inside a repetition can go on with the same character" in out
    assert f"{path}:{second}: questions.patterns[1]: refused regular expression '(a+)+$': " \
        "a repetition inside another one can stop where it could go on" in out


def test_grading_with_such_a_rubric_finishes_at_once_and_the_rest_of_it_scores(tmp_path):
    """The refused patterns match nothing; the rubric's other rules still score the reply (in a
    subprocess, so that a regression fails on the timeout instead of hanging the suite)."""
    rubric_with(tmp_path, "(a|a)*$", "(a+)+$", "(x+x+)+y", ".*a.*b.*c")
    code = (
        "import sys\n"
        "from roleplay.content.library import load_library\n"
        "from roleplay.rubric.scorer import scorer_for\n"
        f"library = load_library([{str(tmp_path)!r}], env='')\n"
        "rubric = library.rubric('default')\n"
        f"assert rubric.questions.patterns[:4] == [{NEVER!r}] * 4, rubric.questions.patterns[:4]\n"
        "scorer = scorer_for(rubric)\n"
        "for reply in ['a' * 28 + '!', 'x' * 40, 'c' + 'ab' * 1000, '爱买不买' + 'a' * 28 + '!']:\n"
        "    result = scorer.score_text(reply, index=1, latency_s=5)\n"
        "print(result.events)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "forbidden" in done.stdout  # 爱买不买 is still a 服务禁语: the rest of the rubric works


def test_every_command_that_loads_such_a_rubric_names_the_pattern_and_plays_the_rest(tmp_path, capsys, monkeypatch):
    """Not only validate: list (and the app, which shows the files with problems) say which pattern
    is left out, while the rubric and every scenario still load."""
    monkeypatch.setenv("ROLEPLAY_PATH", "")
    path = rubric_with(tmp_path, "(a|a)*$")
    assert main(["--content", str(tmp_path), "list"]) == 1
    captured = capsys.readouterr()
    at = position(path, "'(a|a)*$'")
    assert f"{path}:{at}: questions.patterns[0]: refused regular expression" in captured.err
    assert "air_fryer_fab" in captured.out and "default" in captured.out
    library = load_library([str(tmp_path)], env="")
    assert library.rubric("default").questions.patterns[0] == NEVER
    assert [p.path for p in library.problems] == [str(path)]


def test_a_huge_repeat_count_is_a_located_error_not_a_traceback(tmp_path, capsys):
    path = rubric_with(tmp_path, "a{4294967296}")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    at = position(path, "'a{4294967296}'")
    assert f"{path}:{at}: questions.patterns[0]: bad regular expression " \
        "'a{4294967296}': the repetition number is too large" in out


def test_a_repeat_count_above_the_bound_is_refused_at_the_pattern(tmp_path, capsys):
    count = REPEAT_MAX + 1
    path = rubric_with(tmp_path, f"a{{{count}}}")
    assert main(["validate", str(path)]) == 1
    assert f"a repetition count of {count} is more than {REPEAT_MAX}" in capsys.readouterr().out


def test_accuracy_patterns_are_vetted_too(tmp_path, capsys):
    """A number pattern ({n}) refused quietly keeps its {n}, and so its meaning: it reads no number."""
    path = tmp_path / "rubrics" / "default.yaml"
    path.parent.mkdir(parents=True)
    stock = "    stock: '(?:库存|只剩"
    path.write_text(DEFAULT_RUBRIC.replace(stock, "    stock: '(?:库存|库存)*{n}件'\n    #", 1), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    at = position(path, "'(?:库存|库存)*{n}件'")
    assert f"{path}:{at}: criteria.accuracy.stock: refused regular expression" in out
    assert load_library([tmp_path], env="").rubric("default").criteria["accuracy"].stock == NEVER + "{n}"


@pytest.mark.parametrize(
    "pattern",
    [
        "(a|a)*$", "(a+)+$", "(a|aa)*$", r"(\w+\s?)*$", "(.*a){20}", "(?:(?:a(?:b*)?){2,})?$", "(?=(a+)+$)",
        ".*a.*b.*c", r"\d+\s*\d+\s*\d+x", "不.*退.*换.*吗",
    ],
)
def test_patterns_that_backtrack_are_refused(pattern):
    with pytest.raises(Backtracking):
        check_pattern(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "(ab|abc)*$", r"(\d+[,，])*元", r"(?:\s\w){2,}", r"([^，]{0,4}，)+", "(?:嗯|恩|哦)+", r"\d+(?:\.\d+)?\s*(?:元|块)",
        ".*a.*b", r"\w+\s+\w+\s+\w+", ".{0,9}a.{0,9}b.{0,9}c",
    ],
)
def test_patterns_whose_repetitions_are_unambiguous_pass(pattern):
    check_pattern(pattern)


# -- numbers are numbers ----------------------------------------------------------------------

CARD = """\
id: mug
name: 马克杯
price: 39
other_prices: [29]
stock: 5
shipping: 48小时内发货
returns: 7天无理由
"""


def card(tmp_path: Path, text: str) -> Path:
    """``text`` as the product card products/mug.yaml of a trainer's folder."""
    path = tmp_path / "products" / "mug.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_yes_or_no_inside_a_list_of_numbers_is_a_located_error(tmp_path, capsys):
    """``other_prices: [true]`` passed as a price of 1元."""
    path = card(tmp_path, CARD.replace("[29]", "[29, true]"))
    assert main(["validate", str(path)]) == 1
    assert f"{path}:4:15: other_prices: expects no yes/no value at [1], got true" in capsys.readouterr().out


def test_a_yes_or_no_as_a_mapping_of_scores_is_a_located_error(tmp_path, capsys):
    """``scores: {linked: true, ...}`` passed as a score of 1."""
    path = tmp_path / "rubrics" / "default.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(DEFAULT_RUBRIC.replace("scores: {linked: 100,", "scores: {linked: true,", 1), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert "criteria.fab.scores: expects no yes/no value at [linked], got true" in capsys.readouterr().out


# -- the customer's typing --------------------------------------------------------------------

PERSONA = (Path(builtin_dir()) / "personas" / "decisive.yaml").read_text(encoding="utf-8")
LONG_LINE = "我想问一下" * 600  # 3,000 characters
SCENARIO = f"""\
id: slow
title: 慢慢打字
difficulty: easy
persona: decisive
product:
  name: 杯子
  price: 39
  stock: 5
  shipping: 48小时内发货
  returns: 7天无理由
start: a
nodes:
  a:
    say: ['{LONG_LINE}']
    transitions:
      - {{to: done}}
  done:
    outcome: converted
    say: [好]
"""


@pytest.fixture
def slow_typist(tmp_path: Path) -> Path:
    """A persona who types 10 characters a minute, in a scenario that opens with 3,000 characters."""
    (tmp_path / "personas").mkdir()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "personas" / "decisive.yaml").write_text(PERSONA.replace("typing_cpm: 240", "typing_cpm: 10"), encoding="utf-8")
    (tmp_path / "scenarios" / "slow.yaml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


def test_the_customer_types_one_message_for_at_most_the_cap(slow_typist):
    """She used to 'type' for 18,001 s while the trainee's reply clock ran."""
    library = load_library([slow_typist], env="")
    scenario = library.scenario("slow")
    session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric))
    [opening] = session.start()
    assert opening.text == LONG_LINE and opening.typing_s == TYPING_MAX_S
    replies = session.reply("亲，您好", 3).customer
    assert replies and all(0 < m.typing_s <= TYPING_MAX_S for m in replies)


def test_validate_warns_of_lines_typed_longer_than_the_cap(slow_typist, capsys):
    persona = slow_typist / "personas" / "decisive.yaml"
    scenario = slow_typist / "scenarios" / "slow.yaml"
    assert main(["validate", str(persona), str(scenario)]) == 0
    out = capsys.readouterr().out
    assert f"{persona}:13:15: warning: at 10 characters a minute, " in out
    assert f"than the {TYPING_MAX_S:g} s a customer types at most" in out
    assert f"{scenario}:14:11: warning: at persona 'decisive''s 10 characters a minute this line of 3000 characters " \
        "takes 18001 s to type" in out


# -- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saved", "warning"),
    [
        ("[1, 2]", "已损坏（不是设置项）"),
        ("null", "已损坏（不是设置项）"),
        ("{", "已损坏（不是有效的 JSON）"),
        (b"\xff\xfe{", "已损坏（不是有效的 JSON）"),
        ('{"trainee": 123, "mode": "exam", "time_limit_min": true}', "中 trainee、time_limit_min 的值无效"),
    ],
)
def test_a_corrupt_settings_file_is_ignored_with_a_warning(tmp_path, saved, warning):
    path = tmp_path / "settings.json"
    path.write_bytes(saved if isinstance(saved, bytes) else saved.encode("utf-8"))
    settings, said = Settings.load(path)
    assert said is not None and warning in said and str(path) in said
    assert settings.trainee == "" and settings.time_limit_min == 0
    assert settings.mode == ("exam" if "mode" in str(saved) else "practice")


def test_no_settings_file_yet_is_no_warning(tmp_path):
    assert Settings.load(tmp_path / "settings.json") == (Settings(), None)


async def test_the_app_starts_and_says_the_settings_were_ignored(tmp_path):
    from textual.widgets import Input

    from roleplay.tui.screens.home import HomeScreen
    from tui_helpers import make_app, settle

    (tmp_path / "settings.json").write_text("[1, 2]", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#trainee", Input).value == ""
        assert any("设置文件" in str(n.message) and "已改用默认设置" in str(n.message) for n in app._notifications)


def test_a_long_goodbye_holds_the_report_back_for_a_bounded_time():
    from roleplay.tui.screens.chat import END_PAUSE_MAX_S, END_PAUSE_S, reading_pause

    assert reading_pause([]) == END_PAUSE_S
    assert reading_pause(["好的，再见"]) == END_PAUSE_S + 5 / 6
    assert reading_pause(["再见" * 1500]) == END_PAUSE_MAX_S


def test_a_line_break_in_a_name_or_title_is_a_located_error_and_a_folded_one_is_fine(tmp_path, capsys):
    """A name shown as a table row or a header cannot hold a line break (it would forge a row)."""
    path = card(tmp_path, CARD.replace("name: 马克杯", 'name: "马克杯\\n| 伪造的一行"'))
    assert main(["validate", str(path)]) == 1
    assert f"{path}:2:7: name: holds a line break, but it is shown on one line" in capsys.readouterr().out
    card(tmp_path, CARD.replace("name: 马克杯", "name: >\n  马克杯\n"))
    assert main(["validate", str(path)]) == 0, capsys.readouterr().out
    assert load_library(files=[path]).product("mug").name == "马克杯"
