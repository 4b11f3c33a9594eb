"""Authoring commands: `graph`, `test` (scenario self-tests), `new`, and `play --watch`.

Most tests start from the file `roleplay new scenario` writes: it must validate strictly and pass
its own self-tests, so it is also a convenient small scenario to break on purpose.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.authoring.graph import render
from roleplay.authoring.new import write_new
from roleplay.authoring.selftest import run_self_tests
from roleplay.cli import main
from roleplay.content.library import load_library
from roleplay.content.watch import ContentWatcher

ROOT = Path(__file__).resolve().parent.parent
LIB = load_library(env="")


@pytest.fixture(autouse=True)
def _no_user_content(monkeypatch):
    monkeypatch.setenv("ROLEPLAY_PATH", "")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder holding the starting scenario `cups` (customer: the built-in decisive)."""
    write_new("scenario", "cups", tmp_path)
    return tmp_path


def scenario_file(content: Path) -> Path:
    return content / "scenarios" / "cups.yaml"


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.replace(old, new)


def position(text: str, needle: str) -> str:
    """``line:col`` where ``needle`` starts in ``text``."""
    index = text.index(needle)
    return f"{text.count(chr(10), 0, index) + 1}:{index - text.rfind(chr(10), 0, index)}"


# -- roleplay new --------------------------------------------------------------------------------


def test_new_files_validate_strictly_and_pass_their_self_tests(tmp_path, capsys):
    assert main(["new", "persona", "picky", "--dir", str(tmp_path)]) == 0
    assert main(["new", "scenario", "picky_cups", "--persona", "picky", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'personas' / 'picky.yaml'}" in out
    assert "tip: run `roleplay schema`" in out
    assert main(["validate", "--strict", "--content", str(tmp_path), str(tmp_path)]) == 0
    assert main(["test", "--content", str(tmp_path), str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "OK: 2 file(s) checked" in out and "2 test(s): 2 passed, 0 failed" in out
    text = (tmp_path / "scenarios" / "picky_cups.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/scenario.schema.json\n")
    assert 'id: "picky_cups"' in text and 'persona: "picky"' in text and "__" not in text


def test_a_new_product_card_validates_and_grades_a_log_at_once(tmp_path, capsys):
    import json

    assert main(["new", "product", "cup500", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'products' / 'cup500.yaml'}" in out and "--product cup500" in out
    assert main(["validate", "--strict", "--content", str(tmp_path), str(tmp_path)]) == 0
    assert "1 file(s) checked" in capsys.readouterr().out
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps({"id": 1, "turns": [
        {"role": "customer", "text": "多少钱", "at": 0},
        {"role": "agent", "text": "亲，这款活动价79元，316不锈钢内胆，您泡茶也放心。", "at": 5},
    ]}, ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    assert main(["grade", "--content", str(tmp_path), "--product", "cup500", str(log)]) == 0
    [result] = json.loads(capsys.readouterr().out)
    agent = [t for t in result["turns"] if t["role"] == "agent"][0]
    assert agent["accuracy"]["contradictions"]  # the card says 99


def test_new_refuses_to_overwrite_and_bad_ids(content, capsys):
    before = scenario_file(content).read_text(encoding="utf-8")
    assert main(["new", "scenario", "cups", "--dir", str(content)]) == 1
    assert main(["new", "persona", "Picky-1", "--dir", str(content)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"roleplay: {scenario_file(content)} already exists: choose another id or edit that file",
        "roleplay: 'Picky-1' is not a valid id: use lower-case letters, digits and underscores, "
        "starting with a letter",
    ]
    assert scenario_file(content).read_text(encoding="utf-8") == before


# -- roleplay graph ------------------------------------------------------------------------------


def test_mermaid_graph_has_intents_on_edges_and_outcomes_marked():
    text = render(LIB.scenario("down_jacket_size"))
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '    __start__(("开始")) --> n_opening' in lines
    assert '    n_opening -->|"size_m 推荐M码"| n_guessed' in lines
    assert '    n_choose -->|"closing:alternative [interest≥60]"| n_ordered' in lines
    assert '    n_hesitate -->|"default"| n_lost_quiet' in lines
    assert '    n_ordered(["ordered<br/>成交"]):::converted' in lines
    assert '    n_lost_quiet(["lost_quiet<br/>流失"]):::lost' in lines
    assert '    n_measurements["measurements<br/>165，108斤。"]' in lines
    edges = [line for line in lines if "-->|" in line]
    assert len(edges) == sum(len(n.transitions) for n in LIB.scenario("down_jacket_size").nodes.values())


def test_dot_graph():
    text = render(LIB.scenario("skincare_cart_recall"), "dot")
    assert text.startswith('digraph "skincare_cart_recall" {\n')
    assert '  "placed" -> "paid" [label="reassure 打消顾虑（退换保障） + closing:payment_reminder"];' in text
    assert '  "reminded" -> "paid" [label="reassure 打消顾虑（退换保障） [interest≥70]"];' in text
    unpaid = '"unpaid" [label="unpaid\\n拍下未付", style="rounded,filled", fillcolor="#fff3cd", color="#ef6c00"];'
    assert f"  {unpaid}" in text
    assert text.rstrip().endswith("}")


def test_graph_labels_are_escaped_and_keywords_are_safe(content):
    """Quotes cannot end a label early, and a node called `end` (a Mermaid keyword) still works."""
    path = scenario_file(content)
    edit(path, "label: 介绍卖点", 'label: 讲"卖点"')
    text = edit(path, "to: ordered}", "to: end}").replace("  ordered:\n", "  end:\n")
    text = text.replace("path: [opening, capacity, ordered]", "path: [opening, capacity, end]")
    path.write_text(text, encoding="utf-8")
    scenario = load_library([content]).scenario("cups")
    mermaid, dot = render(scenario), render(scenario, "dot")
    assert '-->|"explain_feature 讲#34;卖点#34;"| n_capacity' in mermaid and "n_end([" in mermaid
    assert '[label="explain_feature 讲\\"卖点\\""]' in dot


def run(*args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ROLEPLAY_PATH": "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "roleplay", *args], input=stdin, capture_output=True, text=True,
        encoding="utf-8", timeout=120, cwd=cwd, env=env,
    )


def test_graph_command_by_id_and_by_file(content):
    by_id = run("graph", "cups", "--content", str(content))
    by_file = run("graph", str(scenario_file(content)), "--format", "dot")
    assert by_id.returncode == 0 and by_id.stdout.startswith("flowchart TD\n    %% cups: 保温杯卖点咨询\n")
    assert by_file.returncode == 0 and by_file.stdout.startswith('digraph "cups" {')


def test_graph_command_errors_are_one_line(content):
    text = edit(scenario_file(content), "- {intent: capacity", "- {intnt: capacity")
    broken = run("graph", str(scenario_file(content)))
    assert broken.returncode == 1
    where = f"{scenario_file(content)}:{position(text, 'intnt')}"
    assert broken.stderr == f"{where}: unknown key 'intnt': check its spelling or remove it\n"
    unknown = run("graph", "nope")
    assert unknown.returncode == 2 and unknown.stderr.startswith("roleplay: unknown scenario 'nope'; available:")
    missing = run("graph", "nope.yaml")
    assert (missing.returncode, missing.stderr) == (1, "nope.yaml: no such file\n")


# -- scenario self-tests -------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", sorted(LIB.scenarios))
def test_every_shipped_scenario_has_passing_self_tests(scenario_id):
    scenario = LIB.scenario(scenario_id)
    outcomes = {test.outcome for test in scenario.tests}
    assert {"converted", "lost"} <= outcomes, "a skilled path and a failing path at least"
    results = run_self_tests(scenario, LIB.persona(scenario.persona), LIB.rubric(scenario.rubric))
    assert [r.failures for r in results if not r.ok] == []


def test_test_command_runs_all_shipped_self_tests(tmp_path):
    """What CI runs: `roleplay test` on the content found, with no arguments."""
    result = run("test", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    total = sum(len(s.tests) for s in LIB.scenarios.values())
    assert result.stdout.endswith(f"{total} test(s): {total} passed, 0 failed\n")
    assert "PASS air_fryer_fab · 熟练客服：FAB讲卖点、答准容量、促单成交" in result.stdout


def test_failing_self_test_says_where_and_why(content, capsys):
    text = edit(scenario_file(content), "outcome: lost\n    passed: false", "outcome: converted\n    passed: true")
    assert main(["test", str(scenario_file(content))]) == 1
    out = capsys.readouterr().out
    where = position(text, "name: 粗鲁回复")
    assert (
        f"{scenario_file(content)}:{where}: FAIL cups · 粗鲁回复：顾客流失: outcome: expected converted, got lost; "
        "passed: expected true, got false\n    this run: opening: 流失, " in out
    )
    assert "PASS cups · 熟练客服：讲清卖点后成交" in out and out.endswith("2 test(s): 1 passed, 1 failed\n")


def test_self_test_path_is_exact_and_every_reply_must_be_used(content, capsys):
    edit(scenario_file(content), "path: [opening, capacity, ordered]", "path: [opening, ordered]")
    edit(scenario_file(content), "    replies: [爱买不买。]", "    replies: [爱买不买。, 您好～]")
    assert main(["test", str(scenario_file(content))]) == 1
    out = capsys.readouterr().out
    assert "path: expected opening → ordered, got opening → capacity → ordered" in out
    assert "the session ended (lost) after reply 1; reply 2 was never used" in out


def test_unfinished_outcome_and_a_reply_with_its_latency(content, capsys):
    tests = scenario_file(content).read_text(encoding="utf-8").index("tests:")
    extra = (
        "  - name: 只回答了一句，会话还在继续\n"
        "    replies:\n"
        "      - text: 亲，您好！这款采用316不锈钢内胆，耐腐蚀不留异味，您泡茶、装咖啡都放心。\n"
        "        latency: 4.5\n"
        "    path: [opening, capacity]\n"
        "    outcome: unfinished\n"
    )
    path = scenario_file(content)
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert tests > 0 and main(["test", str(path)]) == 0
    assert "PASS cups · 只回答了一句，会话还在继续" in capsys.readouterr().out


def test_test_command_without_tests_or_with_broken_content(content, capsys):
    path = scenario_file(content)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("tests:")], encoding="utf-8")
    assert main(["test", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "NONE cups: no tests (add a tests: list to the scenario)",
        "0 test(s): 0 passed, 0 failed",
    ]
    broken = text.replace("start: opening", "start: Opening")
    path.write_text(broken, encoding="utf-8")
    assert main(["test", str(path)]) == 1
    assert f"{path}:{position(broken, 'Opening')}: start: String should match pattern" in capsys.readouterr().out
    assert main(["test", str(content / "missing.yaml")]) == 1


# -- roleplay play --watch -----------------------------------------------------------------------


def test_content_watcher_sees_saves_additions_and_deletions(content):
    watcher = ContentWatcher([content])
    assert not watcher.changed()
    path = scenario_file(content)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert watcher.changed() and not watcher.changed()
    extra = content / "personas" / "other.yaml"
    write_new("persona", "other", content)
    assert watcher.changed()
    extra.unlink()
    assert watcher.changed() and not watcher.changed()


class ScriptedStdin:
    """Piped replies; a callable in the script runs (e.g. saves a file) before the next line is read."""

    def __init__(self, script: list) -> None:
        self.script = list(script)

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        while self.script and callable(self.script[0]):
            self.script.pop(0)()
        return self.script.pop(0) + "\n" if self.script else ""


PITCH = "亲，您好！这款采用316不锈钢内胆，耐腐蚀不留异味，您泡茶、装咖啡都放心。"
CLOSE = "容量是500ml，今天下单直降30元，您直接拍下，我帮您备注优先发货。"


def play_watching(content: Path, script: list, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", ScriptedStdin(script))
    code = main(["play", "--plain", "--watch", "--content", str(content), "--scenario", "cups"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_play_watch_restarts_with_the_saved_content(content, monkeypatch, capsys):
    def save() -> None:
        edit(scenario_file(content), "title: 保温杯卖点咨询", "title: 保温杯卖点咨询（改）")

    code, out, _ = play_watching(content, [PITCH, save, "这句不会被评分", PITCH, CLOSE], monkeypatch, capsys)
    assert code == 0
    first, second = out.split("内容已保存并重新加载，场景从头开始。\n")
    assert "【保温杯卖点咨询】" in first and "结果" not in first
    assert second.startswith("【保温杯卖点咨询（改）】")
    assert "这句不会被评分" not in out
    assert "结果：成交" in second


def test_play_watch_keeps_the_last_good_content_and_replays_after_the_end(content, monkeypatch, capsys):
    def break_it() -> None:
        edit(scenario_file(content), "start: opening", "start: nowhere")

    def fix_it() -> None:
        edit(scenario_file(content), "start: nowhere", "start: opening")

    script = [PITCH, break_it, "丢弃", PITCH, CLOSE, fix_it, "", PITCH, "/quit"]
    code, out, err = play_watching(content, script, monkeypatch, capsys)
    assert code == 0
    assert "start node 'nowhere' is not defined under nodes" in err
    assert "内容已保存，但这个场景现在无法加载（见上方错误），继续使用上一版，从头开始。" in out
    assert out.count("结果：成交") == 1
    assert "保存内容文件后按回车重新开始；输入 /quit 退出。" in out
    assert out.count("内容已保存并重新加载，场景从头开始。") == 1
    assert out.count("【保温杯卖点咨询】") == 3  # the first run, the restart on the old content, the replay


LOG = {"id": "real-7", "turns": [
    {"role": "agent", "text": "欢迎光临～", "at": 0},
    {"role": "customer", "text": "在吗", "at": 2},
    {"role": "customer", "text": "这个净水器装在厨房台下可以吗", "at": 5},
    {"role": "agent", "text": "可以的亲，台下安装，占地很小", "at": 15},
    {"role": "customer", "text": "我手机138 1234 5678，地址浙江省杭州市西湖区文三路123号5栋，能上门装吗", "at": 40},
    {"role": "agent", "text": "能的，订单号202611230000123456我给您备注上门安装", "at": 55},
    {"role": "customer", "text": "好的那我拍了", "at": 70},
]}  # fmt: skip


def test_a_scenario_from_a_real_log_validates_draws_and_masks_personal_data(tmp_path, capsys):
    import json

    log = tmp_path / "chat.jsonl"
    log.write_text(json.dumps(LOG, ensure_ascii=False) + "\n", encoding="utf-8")
    argv = ["new", "scenario", "purifier_real", "--from-log", str(log), "--persona", "bargainer",
            "--product", "ro_purifier_800g", "--dir", str(tmp_path)]
    assert main(argv) == 0
    path = tmp_path / "scenarios" / "purifier_real.yaml"
    text = path.read_text(encoding="utf-8")
    for private in ("1234", "5678", "文三路", "202611230000123456"):
        assert private not in text
    assert "[手机号]" in text and "[地址]" in text and "[订单号]" in text
    assert text.count("# DECISION") == 3 and "欢迎光临" not in text  # the greeting bot before her first message
    assert '"这个净水器装在厨房台下可以吗"' in text and 'model_answer: "可以的亲，台下安装，占地很小"' in text
    capsys.readouterr()
    assert main(["validate", "--content", str(tmp_path), str(path)]) == 0  # warnings only
    assert main(["graph", "--content", str(tmp_path), "purifier_real"]) == 0
    assert "n_n1 -->" in capsys.readouterr().out


def test_from_log_says_which_conversation_or_line_is_the_problem(tmp_path, capsys):
    import json

    two = tmp_path / "two.jsonl"
    two.write_text("".join(json.dumps({**LOG, "id": i}, ensure_ascii=False) + "\n" for i in ("a", "b")), encoding="utf-8")
    assert main(["new", "scenario", "x1", "--from-log", str(two), "--dir", str(tmp_path)]) == 1
    assert "holds 2 conversations (a, b): choose one with --log-id" in capsys.readouterr().err
    assert main(["new", "scenario", "x1", "--from-log", str(two), "--log-id", "b", "--dir", str(tmp_path)]) == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "turns": []}\n', encoding="utf-8")
    assert main(["new", "scenario", "x2", "--from-log", str(bad), "--dir", str(tmp_path)]) == 1
    assert f"{bad}:1:" in capsys.readouterr().err
    assert main(["new", "persona", "x3", "--from-log", str(two), "--dir", str(tmp_path)]) == 1
    assert "make a scenario" in capsys.readouterr().err
