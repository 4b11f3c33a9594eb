"""Bad input never crashes: arbitrary YAML, chat-log lines and reply texts (property-based)."""

from __future__ import annotations

import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli_helpers import FITTING, LOG, chat_logs, err, out, rp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roleplay.content.loader import load_model
from roleplay.grade import grade_text
from roleplay.records.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parent.parent
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


def saved_sessions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]


def test_grade_save_into_a_closed_pipe_keeps_the_records(tmp_path):
    chat_logs(tmp_path, 200)
    command = f"'{sys.executable}' -m roleplay grade logs.jsonl --save | head -c 1"
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, timeout=120, cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "ROLEPLAY_PATH": "", "ROLEPLAY_DB": str(tmp_path / "records.db")},
    )  # fmt: skip
    assert result.stdout == b"["
    assert err(result).startswith("已保存 200 条真实对话记录")
    assert saved_sessions(tmp_path / "records.db") == 200


@pytest.mark.parametrize("output", ["missing/out.json", "."])
def test_grade_save_to_an_unwritable_output_keeps_the_records(tmp_path, output):
    chat_logs(tmp_path)
    result = rp("grade", "logs.jsonl", "--save", "-o", output, cwd=tmp_path)
    assert result.returncode == 1
    assert f"roleplay: cannot write {output}: " in err(result)
    assert saved_sessions(tmp_path / "records.db") == 1


def test_grade_refuses_to_overwrite_its_input_or_the_records(tmp_path):
    logs = chat_logs(tmp_path)
    before = logs.read_bytes()
    result = rp("grade", "logs.jsonl", "-o", "./logs.jsonl", cwd=tmp_path)
    assert result.returncode == 2 and "-o logs.jsonl is the file being graded" in err(result)
    assert logs.read_bytes() == before
    assert rp("grade", "logs.jsonl", "--save", cwd=tmp_path).returncode == 0
    for target in ("records.db", "records.db-wal"):
        result = rp("grade", "logs.jsonl", "-o", target, cwd=tmp_path)
        assert result.returncode == 2 and f"-o {target} is the records database" in err(result)
    assert saved_sessions(tmp_path / "records.db") == 1


def test_export_refuses_to_overwrite_the_records(tmp_path):
    chat_logs(tmp_path)
    assert rp("grade", "logs.jsonl", "--save", cwd=tmp_path).returncode == 0
    (tmp_path / "link.json").symlink_to(tmp_path / "records.db")
    for target in ("records.db", "link.json"):
        result = rp("export", "--format", "json", "-o", target, cwd=tmp_path)
        assert result.returncode == 2 and "是记录数据库" in err(result)
    assert saved_sessions(tmp_path / "records.db") == 1


@pytest.mark.parametrize("latency", ["nan", "inf", "-50", "abc"])
def test_play_refuses_a_latency_that_is_not_a_finite_number_of_seconds(tmp_path, latency):
    result = rp("play", "--plain", "--scenario", "air_fryer_fab", "--latency", latency, cwd=tmp_path, stdin="x\n")
    assert result.returncode == 2
    assert "argument --latency:" in err(result)
    assert not (tmp_path / "records.db").exists()


@pytest.mark.parametrize("at", ["Infinity", "-Infinity", "NaN", "1e400", "-5", "true", '"12"', "1" + "0" * 400])
def test_grade_refuses_non_finite_negative_or_odd_times(tmp_path, at):
    path = tmp_path / "logs.jsonl"
    path.write_text('{"id": 1, "turns": [{"role": "agent", "text": "您好", "at": %s}]}\n' % at, encoding="utf-8")
    result = rp("grade", "logs.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(out(result)) == []
    assert err(result).startswith("logs.jsonl:1: turns[0].at: ")


def test_reports_and_exports_read_non_finite_numbers_stored_by_older_versions(tmp_path):
    """Versions that let ``--latency nan`` through stored NaN and Infinity in the records."""
    assert rp("play", "--plain", "--scenario", "air_fryer_fab", cwd=tmp_path, stdin="x\n").returncode == 0
    with sqlite3.connect(tmp_path / "records.db") as conn:
        conn.execute(
            "UPDATE turns SET latency_s = 9e999, result = replace(result, '\"seconds\": 8.0', '\"seconds\": NaN')"
        )
        conn.execute("UPDATE sessions SET criteria = replace(criteria, '\"latency\": 100.0', '\"latency\": NaN')")
        assert conn.execute("SELECT count(*) FROM sessions WHERE criteria LIKE '%NaN%'").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM turns WHERE result LIKE '%NaN%'").fetchone() == (1,)
    report = rp("report", "1", cwd=tmp_path)
    assert report.returncode == 0 and "响应时效" in out(report)
    err(report)
    exported = rp("export", "-o", "scores.json", cwd=tmp_path)
    assert exported.returncode == 0, err(exported)
    document = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"), parse_constant=pytest.fail)
    assert document["sessions"][0]["criteria"]["latency"] is None


def test_gbk_piped_into_play_is_named_not_a_traceback(tmp_path):
    result = rp("play", "--plain", "--scenario", "air_fryer_fab", cwd=tmp_path, stdin="亲，您好\n".encode("gbk"))
    assert result.returncode == 1
    assert err(result) == (
        "roleplay: standard input is not UTF-8 (GBK?) text: convert it first, e.g. iconv -f GBK -t UTF-8\n"
    )


def test_a_gbk_content_file_is_located_and_explained(tmp_path):
    path = tmp_path / "c" / "personas" / "gbk.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes("id: gbk\nname: 王先生\n".encode("gbk"))
    result = rp("validate", "c/personas/gbk.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert out(result) == "c/personas/gbk.yaml:2:7: not UTF-8 text (saved as GBK?): save the file as UTF-8\n"
    err(result)


def test_grade_reads_a_byte_order_mark_and_names_gbk(tmp_path):
    line = json.dumps(LOG, ensure_ascii=False) + "\n"
    (tmp_path / "bom.jsonl").write_bytes(line.encode("utf-8-sig"))
    result = rp("grade", "bom.jsonl", cwd=tmp_path)
    assert result.returncode == 0, err(result)
    assert [r["id"] for r in json.loads(out(result))] == ["c1"]
    piped = rp("grade", "-", cwd=tmp_path, stdin=line.encode("utf-8-sig"))
    assert piped.returncode == 0 and json.loads(out(piped))[0]["id"] == "c1"
    (tmp_path / "gbk.jsonl").write_bytes(line.encode("gbk"))
    result = rp("grade", "gbk.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert err(result).startswith("gbk.jsonl:1:")
    assert err(result).endswith(": not UTF-8 text (saved as GBK?): save the file as UTF-8\n")
    piped = rp("grade", "-", cwd=tmp_path, stdin=line.encode("gbk"))
    assert piped.returncode == 1 and "standard input is not UTF-8 (GBK?) text" in err(piped)


def test_wrong_content_folders_are_errors_not_ignored(tmp_path):
    persona_file(tmp_path, (ROOT / "personas" / "decisive.yaml").read_text(encoding="utf-8"), "decisive.yaml")
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    cases = {
        "missing": "argument --content: no such folder: missing",
        "notes.md": "argument --content: not a folder: notes.md",
        "c/personas": "argument --content: c/personas is not a content folder: it has none of personas/, "
        "scenarios/, rubrics/, quick_replies/; did you mean the parent folder `c`?",
        "empty": "argument --content: empty is not a content folder",
    }
    for folder, message in cases.items():
        result = rp("validate", "--content", folder, cwd=tmp_path)
        assert result.returncode == 2 and message in err(result), folder
    assert rp("validate", "--content", "c", cwd=tmp_path).returncode == 0


def test_validate_of_a_folder_without_yaml_files_fails(tmp_path):
    (tmp_path / "empty").mkdir()
    for command in ("validate", "test"):
        result = rp(command, "empty", cwd=tmp_path)
        assert result.returncode == 1
        assert err(result) == "empty: no YAML files found (content files end in .yaml or .yml)\n"


def test_wrong_folders_in_roleplay_path_are_warned_about(tmp_path):
    persona_file(tmp_path, (ROOT / "personas" / "decisive.yaml").read_text(encoding="utf-8"), "decisive.yaml")
    result = rp("list", cwd=tmp_path, ROLEPLAY_PATH=os.pathsep.join(["missing", "c/personas", "c"]))
    assert result.returncode == 0 and "decisive" in out(result)
    assert err(result).splitlines() == [
        "roleplay: warning: ROLEPLAY_PATH: no such folder: missing",
        "roleplay: warning: ROLEPLAY_PATH: c/personas is not a content folder: it has none of personas/, "
        "scenarios/, rubrics/, quick_replies/; did you mean the parent folder `c`?",
    ]


def scenario_file(cwd: Path, name: str, item_id: str) -> Path:
    text = (ROOT / "scenarios" / "air_fryer_fab.yaml").read_text(encoding="utf-8")
    path = cwd / "c" / "scenarios" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("\nid: air_fryer_fab\n", f"\nid: {item_id}\n"), encoding="utf-8")
    return path


def test_two_of_the_trainers_files_with_one_id_are_an_error_naming_both(tmp_path):
    scenario_file(tmp_path, "mine.yaml", "mine")
    scenario_file(tmp_path, "mine_copy.yaml", "mine")
    result = rp("validate", "--content", "c", cwd=tmp_path)
    assert result.returncode == 1
    shipped = (ROOT / "scenarios" / "air_fryer_fab.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(shipped, 1) if text.startswith("id:"))
    assert out(result).splitlines() == [
        f"c/scenarios/mine_copy.yaml:{line}:5: duplicate scenario id 'mine': c/scenarios/mine.yaml:{line}:5 already "
        "has it; give each file its own id (only a built-in item can be replaced by using its id)"
    ]
    tested = rp("test", "--content", "c", cwd=tmp_path)
    assert tested.returncode == 1 and "duplicate scenario id 'mine'" in out(tested)


def test_replacing_a_built_in_item_stays_allowed_and_a_misnamed_file_is_a_warning(tmp_path):
    scenario_file(tmp_path, "air_fryer_fab.yaml", "air_fryer_fab")
    result = rp("validate", "--content", "c", cwd=tmp_path)
    assert result.returncode == 0 and out(result).startswith("OK:"), out(result)
    scenario_file(tmp_path, "fryer.yaml", "mine")
    result = rp("validate", "--content", "c", cwd=tmp_path)
    assert result.returncode == 0
    assert "c/scenarios/fryer.yaml:" in out(result)
    assert "warning: the file is named fryer.yaml but its id is 'mine': name it mine.yaml" in out(result)


def test_out_of_range_seed_and_session_id_are_one_line_errors(tmp_path):
    for value in ("99999999999999999999999", "-1"):
        result = rp("play", "--plain", "--scenario", "air_fryer_fab", "--seed", value, cwd=tmp_path, stdin="x\n")
        assert result.returncode == 2 and "argument --seed: must be from 0 to 9223372036854775807" in err(result)
    assert rp("play", "--plain", "--seed", str(2**63 - 1), cwd=tmp_path, stdin="x\n").returncode == 0
    result = rp("report", "99999999999999999999999", cwd=tmp_path)
    assert result.returncode == 2
    assert err(result) == "roleplay: 没有编号为 99999999999999999999999 的练习记录：编号最大为 9223372036854775807\n"
    result = rp("report", "²", cwd=tmp_path)
    assert result.returncode == 2 and err(result) == "roleplay: 练习记录编号应为数字，收到 '²'\n"


def test_export_dates_at_the_calendars_edges_and_reversed_ranges(tmp_path):
    assert rp("play", "--plain", "--scenario", "air_fryer_fab", cwd=tmp_path, stdin="x\n").returncode == 0
    for dates in (["--until", "9999-12-31"], ["--since", "0001-01-01"], ["--since", "0001-01-01T00:00+08:00"]):
        result = rp("export", "-o", "e.csv", *dates, cwd=tmp_path)
        assert result.returncode == 0 and out(result).startswith("已导出 1 场记录"), err(result)
    for dates in (["--since", "9999-12-31"], ["--until", "0001-01-01"]):
        result = rp("export", "-o", "e.csv", *dates, cwd=tmp_path)
        assert result.returncode == 1 and "没有符合条件的练习记录" in err(result)
    result = rp("export", "-o", "e.csv", "--since", "2026-12-01", "--until", "2026-11-01", cwd=tmp_path)
    assert result.returncode == 2
    assert err(result) == "roleplay: --since 2026-12-01 晚于 --until 2026-11-01：日期范围颠倒了，请交换两者\n"


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Files and folders nobody may write, for the length of the block (root: the immutable flag)."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in paths}
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", *paths], capture_output=True).returncode:
        pytest.skip("running as root on a file system without the immutable flag: nothing is read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *paths], check=True)


def test_read_commands_read_a_read_only_database(tmp_path):
    played = rp("play", "--plain", "--scenario", "air_fryer_fab", "--trainee", "小李", cwd=tmp_path, stdin="x\n")
    assert played.returncode == 0
    folder = tmp_path / "shared"
    folder.mkdir()
    (tmp_path / "records.db").rename(folder / "records.db")
    for leftover in tmp_path.glob("records.db-*"):
        leftover.unlink()
    with read_only(folder / "records.db", folder):
        env = {"ROLEPLAY_DB": str(folder / "records.db")}
        history = rp("history", cwd=tmp_path, **env)
        assert history.returncode == 0 and "小李" in out(history), err(history)
        report = rp("report", "1", cwd=tmp_path, **env)
        assert report.returncode == 0 and "学员：小李" in out(report), err(report)
        export = rp("export", "-o", "scores.csv", cwd=tmp_path, **env)
        assert export.returncode == 0, err(export)
    assert sorted(p.name for p in folder.iterdir()) == ["records.db"]


def test_read_commands_create_nothing_for_a_mistyped_database(tmp_path):
    for command in (["history"], ["report", "1"], ["export", "-o", "x.csv"]):
        result = rp(*command, "--db", "typo/dir/recs.db", cwd=tmp_path)
        assert result.returncode == 1
        assert err(result).startswith("roleplay: 没有这个记录数据库：typo/dir/recs.db（no such database；")
    assert not (tmp_path / "typo").exists() and not (tmp_path / "x.csv").exists()
    (tmp_path / "empty.db").touch()
    result = rp("history", "--db", "empty.db", cwd=tmp_path)
    assert result.returncode == 1 and "empty.db 不是记录数据库" in err(result)
    assert (tmp_path / "empty.db").stat().st_size == 0


def test_an_old_database_is_migrated_by_a_read_command_only_when_it_can_be_written(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    with sqlite3.connect(folder / "records.db") as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute("INSERT INTO sessions (trainee, started_at) VALUES ('老王', '2026-11-01T00:00:00+00:00')")
        conn.execute("PRAGMA user_version = 1")
    env = {"ROLEPLAY_DB": str(folder / "records.db")}
    with read_only(folder / "records.db", folder):
        result = rp("history", cwd=tmp_path, **env)
        assert result.returncode == 1
        assert "是旧版本（1），需要升级后才能读取，但现在无法写入" in err(result)
    result = rp("history", cwd=tmp_path, **env)
    assert result.returncode == 0 and "老王" in out(result)


PITCH = "亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，您全家吃得更健康。\n"


def test_jiebas_cache_lives_in_the_users_cache_folder_not_in_shared_tmp(tmp_path):
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    result = rp(
        "play", "--plain", "--scenario", "air_fryer_fab", cwd=tmp_path, stdin=PITCH, TMPDIR=str(shared_tmp),
        ROLEPLAY_CACHE_DIR="", timeout=FITTING,
    )
    assert result.returncode == 0 and "【F:采用360°热风循环技术】" in out(result)
    assert err(result) == ""
    assert list(shared_tmp.iterdir()) == []
    assert (tmp_path / "cache" / "roleplay" / "jieba.cache").is_file()
    elsewhere = tmp_path / "elsewhere"
    result = rp(
        "play", "--plain", "--scenario", "air_fryer_fab", cwd=tmp_path, stdin=PITCH, ROLEPLAY_CACHE_DIR=str(elsewhere),
        timeout=FITTING,
    )
    assert result.returncode == 0 and (elsewhere / "jieba.cache").is_file()


def test_an_unwritable_cache_is_silent_and_segmentation_still_works(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    with read_only(cache):
        result = rp(
            "play", "--plain", "--scenario", "air_fryer_fab", cwd=tmp_path, stdin=PITCH, ROLEPLAY_CACHE_DIR="",
            timeout=FITTING,
        )
    assert result.returncode == 0 and "【F:采用360°热风循环技术】" in out(result)
    assert err(result) == ""
    assert list(cache.iterdir()) == []


def test_ctrl_d_at_the_scenario_question_leaves_quietly(tmp_path):
    """On a terminal `play --plain` asks which scenario; Ctrl-D there is a way out, not a traceback."""
    main_end, terminal = pty.openpty()
    environment = {"PATH": os.environ["PATH"], "NO_COLOR": "1", "ROLEPLAY_PATH": "",
                   "ROLEPLAY_DB": str(tmp_path / "records.db"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "roleplay", "play", "--plain"], stdin=terminal, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, cwd=tmp_path, env=environment,
    )  # fmt: skip
    os.close(terminal)
    try:
        time.sleep(1)  # let it ask the question before answering with Ctrl-D
        os.write(main_end, b"\x04")
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(main_end)
    assert process.returncode == 0
    assert "选择场景" in stdout.decode("utf-8")
    assert stderr.decode("utf-8") == ""
    assert not (tmp_path / "records.db").exists()


def test_file_system_errors_of_new_schema_and_export_are_one_line(tmp_path):
    (tmp_path / "a_file").write_text("", encoding="utf-8")
    (tmp_path / "a_folder").mkdir()
    long_id = "a" + "b" * 300
    cases = [
        (["new", "scenario", "s2", "--dir", "a_file"], 1, "roleplay: --dir a_file is a file, not a folder\n"),
        (["new", "scenario", long_id, "--dir", "mine"], 1, f"roleplay: cannot write mine/scenarios/{long_id}.yaml: "),
        (["schema", "--out", "a_file"], 1, "roleplay: --out a_file is a file, not a folder\n"),
        (["schema", "--out", "schemas", "--reference", "a_folder"], 1, "roleplay: cannot write a_folder: "),
        (["export", "-o", "", "--format", "csv"], 2, "roleplay: -o 需要一个文件名（收到 '.'），例如 -o 成绩.xlsx\n"),
        (["export", "-o", "a_folder", "--format", "csv"], 2, "roleplay: -o 需要一个文件名（收到 'a_folder'）"),
    ]
    for args, code, message in cases:
        result = rp(*args, cwd=tmp_path)
        assert result.returncode == code, args
        assert err(result).startswith(message) and err(result).count("\n") == 1, err(result)


def test_new_into_an_unwritable_folder_is_one_line(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    with read_only(folder):
        result = rp("new", "scenario", "s2", "--dir", "shared", cwd=tmp_path)
    assert result.returncode == 1
    assert err(result).startswith("roleplay: cannot write shared/scenarios/s2.yaml: ")


def test_new_files_for_yaml_keyword_ids_still_validate(tmp_path):
    for item_id in ("true", "null", "false"):
        assert rp("new", "persona", item_id, "--dir", "mine", cwd=tmp_path).returncode == 0
    assert rp("new", "scenario", "yes", "--persona", "null", "--dir", "mine", cwd=tmp_path).returncode == 0
    result = rp("validate", "--strict", "--content", "mine", "mine", cwd=tmp_path)
    assert result.returncode == 0 and out(result).startswith("OK: 4 file(s) checked"), out(result)


def test_new_refuses_an_unknown_persona_and_a_used_id_and_warns_about_a_built_in_one(tmp_path):
    result = rp("new", "scenario", "cups", "--persona", "nosuch", "--dir", "mine", cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "mine").exists()
    assert err(result).startswith("roleplay: unknown persona 'nosuch'; known: bargainer, cart_abandoner, cold, ")
    assert rp("new", "scenario", "cups", "--dir", "mine", cwd=tmp_path).returncode == 0
    result = rp("new", "scenario", "cups", "--dir", "other", "--content", "mine", cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "other").exists()
    assert err(result) == (
        "roleplay: scenario id 'cups' is already used by mine/scenarios/cups.yaml: choose another id or edit that file\n"
    )
    result = rp("new", "persona", "decisive", "--dir", "mine", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "mine" / "personas" / "decisive.yaml").is_file()
    assert err(result) == (
        "roleplay: warning: 'decisive' is a built-in persona; the new file replaces it wherever mine is used as content\n"
    )


def test_grade_ids_are_strings_or_integers_and_deep_lines_are_errors(tmp_path):
    agent = '"turns": [{"role": "agent", "text": "您好"}]'
    lines = [
        '{"id": true, %s}' % agent,
        '{"id": 2.0, %s}' % agent,
        '{"id": 3, %s, "x": %s}' % (agent, "[" * 100_000 + "]" * 100_000),
        '{"id": 1%s, %s}' % ("0" * 5000, agent),
        '{"id": "ok", %s}' % agent,
    ]
    (tmp_path / "logs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = rp("grade", "logs.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert [r["id"] for r in json.loads(out(result))] == ["ok"]
    assert err(result).splitlines() == [
        "logs.jsonl:1: id: must be a string or an integer (got true)",
        "logs.jsonl:2: id: must be a string or an integer (got 2.0)",
        "logs.jsonl:3: nested too deeply to read: a transcript is an object with a list of turns",
        "logs.jsonl:4: not valid JSON: Exceeds the limit (4300 digits) for integer string conversion",
        "4 line(s) could not be graded; 1 graded",
    ]


# -- text that would command the terminal -----------------------------------------------------------

HOSTILE_NAME = "小\x1b]0;TITLE\x07李\n9999  伪造的一行"
HOSTILE_REPLY = "亲\x1b[2J在的\x1b[1;31m您好"


def _terminal_safe(out: str) -> None:
    """No control character but line breaks reaches the terminal (capsys is no terminal: no colours either)."""
    assert not [ch for ch in out if (ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F], repr(out)


def test_names_and_replies_with_escape_codes_are_shown_not_obeyed(tmp_path, capsys, library):
    from records_helpers import record

    from roleplay.cli import main
    from roleplay.records import Store

    db = tmp_path / "r.db"
    with Store.open(db) as store:
        session_id = record(store, library, [HOSTILE_REPLY, "这款是纯棉的"], trainee=HOSTILE_NAME)
    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    _terminal_safe(out)
    assert "小␛]0;TITLE␇李␊9999  伪造的一行" in out
    assert len(out.splitlines()) == 3  # header, the one session, the footer: the name forged no row
    assert main(["report", str(session_id), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    _terminal_safe(out)
    assert "学员：小␛]0;TITLE␇李␊9999  伪造的一行" in out
    assert "亲␛[" in out and "在的␛[" in out  # (2J and 31m are marked as figures with units: no matter)


def test_play_plain_shows_a_pasted_escape_code(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "roleplay", "play", "--plain", "--scenario", "air_fryer_fab", "--seed", "1"],
        input=HOSTILE_REPLY + "\n/quit\n", capture_output=True, text=True, env={**os.environ, "ROLEPLAY_DB": str(tmp_path / "r.db")},
        timeout=120,
    )
    _terminal_safe(out.stdout + out.stderr)
    assert "亲␛[2J在的" in out.stdout


def test_an_escape_code_in_content_is_a_located_error(tmp_path):
    persona = (ROOT / "personas" / "cold.yaml").read_text(encoding="utf-8")
    name_line = next(line for line in persona.splitlines() if line.startswith("name:"))
    path = tmp_path / "personas" / "cold.yaml"
    path.parent.mkdir()
    path.write_text(persona.replace(name_line, 'name: "冷淡\\e[2J型"'), encoding="utf-8")
    _, problems = load_model(path)
    line = persona.splitlines().index(name_line) + 1
    assert [str(p) for p in problems] == [
        f"{path}:{line}:7: name: holds the control character '\\x1b', which is no text a terminal can show; "
        "remove it (got '冷淡\\x1b[2J型')"
    ]


@pytest.mark.parametrize("args", [["play", "--plain", "--scenario", ""], ["play", "--plain", "--product", " "],
                                  ["grade", "logs.jsonl", "--rubric", ""]])  # fmt: skip
def test_an_empty_id_is_refused_not_read_as_the_default(tmp_path, args):
    chat_logs(tmp_path)
    result = rp(*args, cwd=tmp_path, stdin="亲\n")
    assert result.returncode == 2 and "an empty id" in err(result) and out(result) == ""
