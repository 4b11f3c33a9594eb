"""`roleplay grade` at volume: streamed in bounded memory, on several processes in input order,
JSON Lines out, size limits per line and per message, batched saving and a progress bar."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import LOG, chat_logs, err, out, rp

from roleplay import grade as grading
from roleplay.cli import main
from roleplay.commands import grade as grade_command
from roleplay.grade import MAX_LINE_BYTES, MAX_TEXT_CHARS, grade_lines


def varied_logs(cwd: Path, count: int) -> Path:
    """``count`` conversations that differ (replies of the corpus), so that order mistakes show."""
    corpus = (Path(__file__).parent / "data" / "replies.dev.jsonl").read_text(encoding="utf-8").splitlines()
    replies = [json.loads(line)["text"] for line in corpus if line.strip()]
    path = cwd / "logs.jsonl"
    with path.open("w", encoding="utf-8") as logs:
        for number in range(count):
            reply = replies[number % len(replies)] + "~" * (number // len(replies))
            turns = [{"role": "customer", "text": "这个怎么样?", "at": 0}, {"role": "agent", "text": reply, "at": number % 50}]
            logs.write(json.dumps({"id": number, "scenario": "air_fryer_fab", "turns": turns}, ensure_ascii=False) + "\n")
    return path


def test_jsonl_is_one_result_per_line_and_any_number_of_jobs_gives_the_same_bytes(tmp_path):
    varied_logs(tmp_path, 120)
    one = rp("grade", "logs.jsonl", "--format", "jsonl", "--jobs", "1", cwd=tmp_path, timeout=180)
    two = rp("grade", "logs.jsonl", "--format", "jsonl", "--jobs", "2", cwd=tmp_path, timeout=180)
    assert one.returncode == two.returncode == 0, err(one) + err(two)
    assert one.stdout == two.stdout
    lines = out(one).splitlines()
    assert [json.loads(line)["id"] for line in lines] == list(range(120))
    array = rp("grade", "logs.jsonl", "--jobs", "2", cwd=tmp_path, timeout=180)
    assert json.loads(out(array)) == [json.loads(line) for line in lines]


def test_pretty_is_the_indented_array_and_only_for_json(tmp_path):
    chat_logs(tmp_path, 2)
    compact = json.loads(out(rp("grade", "logs.jsonl", cwd=tmp_path)))
    pretty = rp("grade", "logs.jsonl", "--pretty", cwd=tmp_path)
    assert out(pretty) == json.dumps(compact, ensure_ascii=False, indent=2) + "\n"
    refused = rp("grade", "logs.jsonl", "--format", "jsonl", "--pretty", cwd=tmp_path)
    assert refused.returncode == 2 and "--pretty indents --format json" in err(refused)
    assert rp("grade", "logs.jsonl", "--jobs", "0", cwd=tmp_path).returncode == 2


def test_grading_pulls_only_a_bounded_window_of_lines_ahead(library):
    """Constant memory: while the first results come out, only the batches in flight have been read."""
    line = json.dumps(LOG, ensure_ascii=False)
    pulled = 0

    def endless():
        nonlocal pulled
        for number in range(1, 10**9):
            pulled += 1
            yield number, line

    graded = grade_lines(endless(), library, jobs=2)
    for _ in range(100):
        number, result = next(graded)
        assert result["id"] == "c1"
    graded.close()
    assert pulled <= 100 + (2 * 4 + 3) * grading.BATCH


def test_an_over_long_line_or_message_is_an_error_for_its_line_and_the_rest_is_graded(tmp_path):
    huge = json.dumps({**LOG, "id": "huge", "pad": "x" * MAX_LINE_BYTES})
    long_reply = {**LOG, "id": "long", "turns": [{"role": "agent", "text": "好" * (MAX_TEXT_CHARS + 1), "at": 1}]}
    lines = [json.dumps(LOG), huge, json.dumps(long_reply, ensure_ascii=False), json.dumps({**LOG, "id": "c2"})]
    (tmp_path / "logs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = rp("grade", "logs.jsonl", "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert [json.loads(line)["id"] for line in out(result).splitlines()] == ["c1", "c2"]
    messages = err(result).splitlines()
    assert messages[0].startswith(f"logs.jsonl:2: the line is {len(huge) + 1:,} bytes, over the limit of {MAX_LINE_BYTES:,}")
    assert messages[1].startswith("logs.jsonl:3: turns[0].text: a message of 5,001 characters is over the limit of 5,000")
    assert messages[2] == "2 line(s) could not be graded; 2 graded"


def test_a_line_that_is_not_utf8_is_located_and_the_rest_is_graded(tmp_path):
    good = json.dumps(LOG, ensure_ascii=False)
    bad = json.dumps({**LOG, "id": "gbk"}, ensure_ascii=False).encode("gbk")
    (tmp_path / "logs.jsonl").write_bytes(good.encode() + b"\n" + bad + b"\n" + good.encode() + b"\n")
    result = rp("grade", "logs.jsonl", "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 1 and len(out(result).splitlines()) == 2
    line, col = err(result).split(":")[1:3]
    first_gbk = next(i for i, byte in enumerate(bad) if byte > 0x7F)
    assert (line, col) == ("2", str(len(bad[:first_gbk].decode()) + 1))
    assert "not UTF-8 text (saved as GBK?)" in err(result)


def test_save_commits_in_batches_and_ctrl_c_keeps_what_was_graded(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROLEPLAY_DB", str(tmp_path / "records.db"))
    monkeypatch.setattr(grade_command, "SAVE_BATCH", 10)
    chat_logs(tmp_path, 35)
    commits = []
    from roleplay.records.store import Store

    original = Store.save_graded_batch
    monkeypatch.setattr(Store, "save_graded_batch", lambda self, graded, **kw: commits.append(len(graded)) or original(self, graded, **kw))
    taken = 0
    real_take = grade_command.Run.take

    def interrupted(self, item):
        nonlocal taken
        taken += 1
        if taken == 26:
            raise KeyboardInterrupt
        real_take(self, item)

    monkeypatch.setattr(grade_command.Run, "take", interrupted)
    assert main(["grade", str(tmp_path / "logs.jsonl"), "--save", "--format", "jsonl"]) == 130
    captured = capsys.readouterr()
    assert commits == [10, 10, 5]
    assert "已保存 25 条真实对话记录" in captured.err and "已中断" in captured.err
    assert len(captured.out.splitlines()) == 25
    with sqlite3.connect(tmp_path / "records.db") as db:
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 25


def test_a_progress_bar_on_a_terminal_and_none_when_piped(tmp_path):
    chat_logs(tmp_path, 600)
    command = [sys.executable, "-m", "roleplay", "grade", "logs.jsonl", "--jobs", "1", "-o", "out.json"]
    environment = {"PATH": os.environ["PATH"], "ROLEPLAY_PATH": "", "TERM": "xterm", "COLUMNS": "100",
                   "ROLEPLAY_CACHE_DIR": os.environ.get("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))}  # fmt: skip
    main_end, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=terminal, cwd=tmp_path, env=environment)
    os.close(terminal)
    shown = b""
    try:
        while chunk := _read(main_end):
            shown += chunk
    finally:
        os.close(main_end)
    assert process.wait(timeout=120) == 0
    assert "评分中".encode() in shown and "已评".encode() in shown
    assert len(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))) == 600
    piped = subprocess.run(command, capture_output=True, cwd=tmp_path, env=environment, timeout=120)
    assert piped.returncode == 0 and piped.stderr == b""


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal's other end closed (Linux says EIO)
        return b""


@pytest.mark.parametrize("output", ["-", "out.jsonl"])
def test_nothing_to_grade_writes_nothing(tmp_path, output):
    (tmp_path / "logs.jsonl").write_text("\n\n", encoding="utf-8")
    extra = [] if output == "-" else ["-o", output]
    result = rp("grade", "logs.jsonl", *extra, cwd=tmp_path)
    assert result.returncode == 1 and out(result) == ""
    assert "has no transcripts to grade" in err(result)
    assert not (tmp_path / "out.jsonl").exists()


def test_json_output_escapes_what_a_terminal_could_obey_and_keeps_the_text(tmp_path):
    hostile = "亲\x1b]0;TITLE\x07在的\x9b2J\u202e反向\u2028"
    log = {**LOG, "turns": [LOG["turns"][0], {"role": "agent", "text": hostile, "at": 3}]}
    (tmp_path / "logs.jsonl").write_text(json.dumps(log) + "\n", encoding="utf-8")
    for format in ("json", "jsonl"):
        result = rp("grade", "logs.jsonl", "--format", format, cwd=tmp_path)
        assert result.returncode == 0, err(result)
        assert not any(0x7F <= byte <= 0x9F or byte < 0x20 and byte != 0x0A for byte in out(result).encode("latin-1", "ignore"))
        assert "\u202e" not in out(result) and "\\u202e" in out(result) and "\\u009b" in out(result)
        graded = json.loads(out(result))
        agent = (graded[0] if format == "json" else graded)["turns"][1]
        assert agent["text"] == hostile
