"""The console entry points as a user runs them: `python -m roleplay`, piped replies, list."""

from __future__ import annotations

import os
import subprocess
import sys

SKILLED = "\n".join(
    [
        "亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，少油也能炸得酥脆，您全家吃得更健康。",
        "容量是5L，一家三四口完全够用。",
        "付款后48小时内发货，今天下单还送硅胶垫，您直接拍下我帮您备注优先发货。",
    ]
)


def run(args, stdin="", cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "roleplay", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=cwd,
        env={"PATH": "", "NO_COLOR": "1", "ROLEPLAY_PATH": "", "ROLEPLAY_DB": os.environ["ROLEPLAY_DB"]},
    )


def test_play_plain_with_piped_replies(tmp_path):
    result = run(["play", "--plain", "--scenario", "air_fryer_fab", "--seed", "3", "--trainee", "小李"], SKILLED, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "学员：小李" in out
    assert "你：亲，您好！" in out
    assert "【F:采用360°热风循环技术】" in out and "【B:全家吃得更健康】" in out
    assert "用时 8.0s" in out  # the --latency default for piped input
    assert "结果：成交" in out and "通过" in out
    assert result.stderr == ""


def test_play_ends_as_unfinished_when_input_runs_out(tmp_path):
    result = run(["play", "--plain", "--scenario", "air_fryer_fab", "--latency", "3"], "亲，在的\n", tmp_path)
    assert result.returncode == 0
    assert "结果：未完成" in result.stdout and "用时 3.0s" in result.stdout


def test_same_seed_replays_the_same_session(tmp_path):
    first = run(["play", "--plain", "--scenario", "air_fryer_fab", "--seed", "11"], SKILLED, tmp_path)
    second = run(["play", "--plain", "--scenario", "air_fryer_fab", "--seed", "11"], SKILLED, tmp_path)
    assert first.stdout == second.stdout


def test_unknown_scenario(tmp_path):
    result = run(["play", "--plain", "--scenario", "nope"], "", tmp_path)
    assert result.returncode == 2
    assert "unknown scenario 'nope'; available:" in result.stderr and "Traceback" not in result.stderr


def test_list_shows_personas_and_scenarios(tmp_path):
    result = run(["list"], cwd=tmp_path)
    assert result.returncode == 0
    for expected in ("decisive", "air_fryer_fab", "default", "干脆型"):
        assert expected in result.stdout


def test_validate_all_shipped_content(tmp_path):
    result = run(["validate"], cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("OK:")


def test_help_and_version(tmp_path):
    assert "play" in run(["--help"], cwd=tmp_path).stdout
    assert run(["--version"], cwd=tmp_path).stdout.startswith("roleplay ")


def test_play_on_a_terminal_hands_every_option_to_the_app(monkeypatch, tmp_path):
    import roleplay.tui.run as run
    from roleplay.cli import main

    seen = {}
    monkeypatch.setattr(run, "wants_ui", lambda: True)
    monkeypatch.setattr(run, "run_tui", lambda content, **options: seen.update(options) or 0)
    argv = ["play", "--scenario", "air_fryer_fab", "--seed", "4", "--trainee", "小李", "--cohort", "一班",
            "--db", str(tmp_path / "r.db")]
    assert main(argv) == 0
    assert seen == {"scenario": "air_fryer_fab", "seed": 4, "trainee": "小李", "cohort": "一班", "db": tmp_path / "r.db",
                    "free": None}
    assert main(["play", "--product", "earbuds_t5", "--persona", "cold"]) == 0  # free practice in the app
    assert seen["free"] == ("earbuds_t5", "cold")


def test_the_line_mode_report_keeps_her_last_words(tmp_path):
    result = run(["play", "--plain", "--scenario", "air_fryer_fab", "--seed", "1", "--db", str(tmp_path / "r.db")],
                 stdin="爱买不买\n")
    assert result.returncode == 0, result.stderr
    report = result.stdout[result.stdout.index("逐句复盘"):]
    assert "顾客最后说：" in report and "不买了" in report.split("顾客最后说：")[1]


def test_list_shows_the_product_cards():
    result = run(["list"])
    assert result.returncode == 0
    cards = result.stdout[result.stdout.index("商品卡 products:"):]
    assert "air_fryer_5l" in cards and "小熊空气炸锅5L" in cards


def test_a_content_folder_before_the_command_counts_for_the_command(tmp_path, capsys):
    """`roleplay --content shop list` used to ignore the shop's own cards without a word."""
    from roleplay.cli import main

    shop = tmp_path / "shop"
    assert main(["new", "product", "kids_cup", "--dir", str(shop)]) == 0
    capsys.readouterr()
    for args in (["--content", str(shop), "list"], ["list", "--content", str(shop)]):
        assert main(args) == 0
        assert "kids_cup" in capsys.readouterr().out, args
