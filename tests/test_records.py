"""Session records: written turn by turn, migrated forward, safe with a killed app and many writers —
the tests taking ``any_db`` on SQLite and on PostgreSQL (conftest.py says how to give them a server)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from records_helpers import RUDE, SKILLED, Ticker, record

from roleplay.cli import main
from roleplay.engine.session import Session
from roleplay.grade import grade_text
from roleplay.plain import PlainPlayer
from roleplay.records import RecordError, Store, default_db_path
from roleplay.records.schema import MIGRATIONS, VERSION
from roleplay.render import report_lines, stored_report_lines
from roleplay.rubric.fingerprint import fingerprint

ROOT = Path(__file__).resolve().parent.parent


def new_session(library, scenario_id: str = "air_fryer_fab") -> Session:
    scenario = library.scenario(scenario_id)
    return Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed=1)


def roleplay(*args: str, stdin: str = "", db: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "ROLEPLAY_PATH": ""}
    if db:
        env["ROLEPLAY_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "roleplay", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120, env=env, cwd=ROOT,
    )  # fmt: skip


# -- writing and reading -------------------------------------------------------------------------


def test_every_call_is_committed_at_once(library, any_db):
    session = new_session(library)
    with Store.open() as writer, Store.open() as reader:
        recorder = writer.start_session(session, trainee="小李", mode="practice", source="plain", cohort="一班")
        stored = reader.session(recorder.id)
        assert (stored.finished, stored.outcome, stored.turns) == (False, None, [])
        opening = session.start()
        recorder.customer(opening)
        assert reader.session(recorder.id).opening == opening
        turn = session.reply(SKILLED[0], 6.5)
        recorder.turn(turn)
        stored = reader.session(recorder.id)
        assert [t.text for t in stored.turns] == [SKILLED[0]]
        assert stored.outcome_label == "未完成（中断）" and stored.total is not None and not stored.passed
        # the recorder keeps the session's own running score, it does not score again
        assert stored.total == round(turn.running.total, 1)
        assert stored.criteria == {name: round(c.score, 1) if c.score is not None else None for name, c in turn.running.criteria.items()}


def test_a_finished_session_holds_everything_its_report_needs(any_db, library):
    session = new_session(library)
    clock = Ticker(datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc))
    with Store.open(clock=clock) as store:
        recorder = store.start_session(session, trainee="小李", mode="exam", source="plain", cohort="一班")
        recorder.customer(session.start())
        turns = [session.reply(text, 6 + i) for i, text in enumerate(SKILLED)]
        for turn in turns:
            recorder.turn(turn)
        report = session.report()
        recorder.finish(report)
        stored = store.session(recorder.id)
    assert (stored.kind, stored.trainee, stored.cohort) == ("practice", "小李", "一班")
    assert (stored.mode, stored.source) == ("exam", "plain")
    assert (stored.scenario_id, stored.scenario_title) == ("air_fryer_fab", library.scenario("air_fryer_fab").title)
    assert (stored.persona_id, stored.seed) == ("decisive", 1)
    assert (stored.rubric_id, stored.rubric_version) == ("default", library.rubric("default").version)
    assert stored.rubric_hash == fingerprint(library.rubric("default"))  # what it was, not only its name
    assert stored.started_at == datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc) < stored.ended_at
    assert stored.finished and stored.outcome == "converted" and stored.outcome_label == "成交"
    assert stored.total == round(report.score.total, 1) and stored.passed
    assert stored.criteria == report.score.to_dict()["criteria"]
    assert (stored.first_response_s, stored.average_s) == (6.0, 7.0)
    assert (stored.forbidden_count, stored.closing_attempts) == (0, 1)
    for live, kept in zip(turns, stored.turns, strict=True):
        assert (kept.index, kept.text, kept.latency_s) == (live.index, live.text, live.latency_s)
        assert kept.model_answer == live.model_answer
        assert (kept.answered, kept.customer, kept.state) == (live.answered, live.customer, live.state)
        assert kept.result == json.loads(json.dumps(live.score.to_dict(), ensure_ascii=False))


def test_stored_report_reads_like_the_live_one(any_db, library):
    session = new_session(library)
    with Store.open() as store:
        recorder = store.start_session(session, trainee="小李", mode="practice", source="tui")
        recorder.customer(session.start())
        for text in RUDE:
            if not session.ended:
                recorder.turn(session.reply(text, 5))
        recorder.finish(session.report())
        stored = store.session(str(recorder.id))
    live = report_lines(session.report(), colour=False)
    kept = stored_report_lines(stored, library.rubric("default"), colour=False)
    assert kept[0] == live[0] and kept[1].startswith(f"记录 #{stored.id}   学员：小李")
    rubric = f"评分标准：default {stored.rubric_version} · {stored.rubric_hash}"
    assert rubric in kept  # which rubric gave these scores
    kept.remove(rubric)
    assert kept[2:] == live[1:]  # same scores, bars, fatal phrases and per-turn review


def test_unknown_session_ids_are_a_lookup_error(any_db):
    with Store.open() as store:
        with pytest.raises(LookupError, match="没有编号为 42 的练习记录"):
            store.session(42)
        with pytest.raises(LookupError, match="编号应为数字"):
            store.session("abc")


def test_mode_and_source_are_checked(any_db, library):
    with Store.open() as store, pytest.raises(ValueError, match="mode must be one of"):
        store.start_session(new_session(library), trainee="", mode="drill", source="plain")


def test_filters(any_db, library):
    clock = Ticker()
    with Store.open(clock=clock) as store:
        plan = [
            ("小李", "一班", "air_fryer_fab", datetime(2026, 11, 1, 3, 0)),
            ("小李", "一班", "water_purifier_bargain", datetime(2026, 11, 2, 23, 30)),
            ("王芳", "二班", "air_fryer_fab", datetime(2026, 11, 3, 1, 0)),
        ]
        for trainee, cohort, scenario_id, local in plan:
            clock.now = local.astimezone()  # local wall-clock time, as the trainee saw it
            record(store, library, SKILLED[:1], trainee=trainee, cohort=cohort, scenario_id=scenario_id)

        def ids(**filters):
            return [s.id for s in store.sessions(**filters)]

        assert ids() == [1, 2, 3]
        assert ids(trainee="小李") == [1, 2] and ids(trainee="nobody") == []
        assert ids(cohort="二班") == [3]
        assert ids(scenario="air_fryer_fab") == [1, 3]
        assert ids(trainee="小李", scenario="air_fryer_fab") == [1]
        assert ids(since=date(2026, 11, 2)) == [2, 3]
        assert ids(until=date(2026, 11, 2)) == [1, 2]  # a date means the whole day
        assert ids(since=date(2026, 11, 2), until=date(2026, 11, 2)) == [2]
        assert ids(until=datetime(2026, 11, 2, 23, 0)) == [1]  # a time is exact
        assert all(s.turns == [] for s in store.sessions(with_turns=False))


def test_save_graded_keeps_a_real_conversation(any_db, library):
    log = {"id": "c1", "scenario": "air_fryer_fab", "turns": [
        {"role": "customer", "text": "在吗？", "at": 0},
        {"role": "customer", "text": "这个炸锅好在哪？", "at": 2},
        {"role": "agent", "text": "亲，您好！这款采用360°热风循环技术，您全家吃得更健康。", "at": 9},
        {"role": "customer", "text": "好的", "at": 20},
    ]}  # fmt: skip
    [result], errors = grade_text(json.dumps(log, ensure_ascii=False), library)
    assert errors == []
    with Store.open() as store:
        session_id = store.save_graded(result, trainee="小李", source_file="logs.jsonl", pass_mark=60)
        stored = store.session(session_id)
    assert (stored.kind, stored.mode_label, stored.outcome, stored.outcome_label) == ("real", "真实对话", None, "—")
    assert (stored.transcript_id, stored.source_file, stored.source) == ("c1", "logs.jsonl", "grade")
    assert stored.total == result["score"] and stored.criteria == result["criteria"]
    assert [m.text for m in stored.opening] == ["在吗？", "这个炸锅好在哪？"]
    [turn] = stored.turns
    assert [m.text for m in turn.answered] == ["在吗？", "这个炸锅好在哪？"]
    assert [m.text for m in turn.customer] == ["好的"]
    assert turn.latency_s == 9 and turn.state is None
    assert turn.result == {k: v for k, v in result["turns"][2].items() if k not in ("role", "at")}
    lines = stored_report_lines(stored, library.rubric("default"), colour=False)
    assert "来源：logs.jsonl #c1" in lines[2] and "[1] 顾客：在吗？ / 这个炸锅好在哪？" in lines


# -- the database file ---------------------------------------------------------------------------


def test_default_path_follows_roleplay_db(monkeypatch, tmp_path):
    monkeypatch.setenv("ROLEPLAY_DB", str(tmp_path / "mine.db"))
    assert default_db_path() == tmp_path / "mine.db"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG data folder is the Linux rule")
def test_default_path_is_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ROLEPLAY_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "roleplay" / "roleplay.db"


def test_open_creates_folders_in_wal_mode(tmp_path):
    path = tmp_path / "a" / "b" / "records.db"
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert path.exists()


def test_unusable_path_is_a_record_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(RecordError, match="无法打开记录数据库"):
        Store.open(blocker / "records.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RecordError, match="garbage.db"):
        Store.open(garbage)


def test_migrates_a_version_1_database_with_its_data(tmp_path, library):
    """A database written by the first release (schema 1) opens with its sessions intact."""
    path = tmp_path / "old.db"
    session = new_session(library)
    session.start()
    turns = [session.reply(text, 4 + 2 * i) for i, text in enumerate(RUDE) if not session.ended]
    score = session.report().score.to_dict()
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sessions (trainee, scenario_id, persona_id, seed, rubric_id, rubric_version, pass_mark, "
        "started_at, ended_at, outcome, total, passed, criteria) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ("老张", "air_fryer_fab", "decisive", 1, "default", "1.0", 60, "2025-03-01T02:00:00+00:00",
         "2025-03-01T02:05:00+00:00", "lost", score["score"], 0, json.dumps(score["criteria"])),
    )  # fmt: skip
    conn.execute(
        "INSERT INTO sessions (trainee, scenario_id, persona_id, started_at) VALUES ('小周', 'air_fryer_fab', "
        "'decisive', '2025-03-02T02:00:00+00:00')"
    )
    for turn in turns:
        conn.execute(
            "INSERT INTO turns (session_id, idx, answered, text, latency_s, result, model_answer, customer, state) "
            "VALUES (1, ?, '[]', ?, ?, ?, ?, '[]', ?)",
            (turn.index, turn.text, turn.latency_s, json.dumps(turn.score.to_dict(), ensure_ascii=False),
             turn.model_answer, json.dumps({"mood": 1, "patience": 2, "interest": 3})),
        )  # fmt: skip
    conn.commit()
    conn.close()

    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
        old, unfinished = store.sessions()
        # new rows get ids after the old ones
        new_id = record(store, library, SKILLED, trainee="小李")
    assert (old.id, old.trainee, old.outcome, old.total, old.passed) == (1, "老张", "lost", score["score"], False)
    assert old.criteria == score["criteria"] and old.started_at == datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)
    assert (old.kind, old.mode, old.finished, old.outcome_label) == ("practice", "practice", True, "流失")
    assert [t.text for t in old.turns] == [t.text for t in turns] and old.turns[0].state.patience == 2
    # summary figures backfilled from the stored turns
    assert old.first_response_s == 4 and old.average_s == round(sum(t.latency_s for t in turns) / len(turns), 2)
    assert old.forbidden_count == sum(len(t.score.results["forbidden"].detail["hits"]) for t in turns) > 0
    assert old.closing_attempts == 0
    assert (unfinished.finished, unfinished.outcome_label, unfinished.turns) == (False, "未完成（中断）", [])
    assert new_id == 3
    report = stored_report_lines(old, library.rubric("default"), colour=False)
    assert "结果：流失" in report and any("未通过" in line for line in report)


def test_a_newer_database_is_refused(any_db):
    with Store.open() as store:
        store._write(lambda db: db.set_version(VERSION + 1))
    for opener in (Store.open, Store.open_for_reading):
        with pytest.raises(RecordError, match=f"的版本 {VERSION + 1} 比本程序支持的 {VERSION} 新，请升级 roleplay"):
            opener()


# -- line-mode play records ----------------------------------------------------------------------


def test_play_records_the_session(any_db):
    result = roleplay("play", "--plain", "--scenario", "air_fryer_fab", "--trainee", "小李", "--cohort", "一班",
                      stdin="\n".join(SKILLED) + "\n")  # fmt: skip
    assert result.returncode == 0 and result.stderr == ""
    with Store.open() as store:
        [stored] = store.sessions()
    assert (stored.trainee, stored.cohort, stored.outcome) == ("小李", "一班", "converted")
    assert (stored.source, stored.mode) == ("plain", "practice")
    assert [t.text for t in stored.turns] == SKILLED and {t.latency_s for t in stored.turns} == {8.0}


def test_a_killed_app_loses_nothing_already_sent(any_db, capsys):
    """Kill `play` mid-session: the replies sent so far are stored and the session is unfinished."""
    process = subprocess.Popen(
        [sys.executable, "-m", "roleplay", "play", "--plain", "--scenario", "air_fryer_fab", "--trainee", "小张"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "ROLEPLAY_PATH": ""},
    )  # fmt: skip
    try:
        process.stdin.write(("\n".join(SKILLED[:2]) + "\n").encode())
        process.stdin.flush()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Store.open() as store:
                sessions = store.sessions()
            if sessions and len(sessions[0].turns) == 2:
                break
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait(timeout=30)
    with Store.open() as store:
        [stored] = store.sessions()
    assert (stored.finished, stored.outcome, stored.outcome_label) == (False, None, "未完成（中断）")
    assert [t.text for t in stored.turns] == SKILLED[:2] and stored.turns[1].customer
    assert main(["history", "--trainee", "小张"]) == 0
    assert "未完成（中断）" in capsys.readouterr().out
    assert main(["report", str(stored.id)]) == 0
    report = capsys.readouterr().out
    assert "结果：未完成（中断）" in report and "[2] 顾客：" in report


WRITER = """
import sys, time
from pathlib import Path
from roleplay.content.library import load_library
from roleplay.engine.session import Session
from roleplay.records.backend import location
from roleplay.records.store import Store

db, go, trainee, count = location(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
library = load_library(env="")
scenario = library.scenario("air_fryer_fab")


def new(seed):
    return Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed)


warm = new(0)
warm.start()
warm.reply("亲，在的", 3)  # rubric and jieba loaded before the start line, so the writers race
with Store.open(db) as store:
    (go.parent / f"ready-{trainee}").touch()
    while not go.exists():
        time.sleep(0.005)
    written = sessions = 0
    while written < count:
        session = new(sessions)
        sessions += 1
        recorder = store.start_session(session, trainee=trainee, mode="practice", source="plain")
        recorder.customer(session.start())
        while not session.ended and written < count:
            recorder.turn(session.reply(f"亲，在的（{trainee}-{written}）", 3))
            written += 1
        recorder.finish(session.report())
print(sessions)
"""

WRITERS, TURNS_EACH = 8, 200


def test_many_writers_at_once_lose_and_duplicate_no_turn(tmp_path, any_db):
    """Eight processes write 200 turns each, turn by turn, into one database at the same moment:
    every turn is there exactly once, in its own writer's sessions."""
    go = tmp_path / "go"
    names = [f"学员{n}" for n in range(WRITERS)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(any_db), str(go), name, str(TURNS_EACH)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        for name in names
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"ready-{name}").exists() for name in names) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # all have the database open: off they go
    outputs = [w.communicate(timeout=300) for w in writers]
    assert [w.returncode for w in writers] == [0] * WRITERS, [err for _, err in outputs]
    with Store.open() as store:
        if isinstance(any_db, Path):
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.db.execute("SELECT count(*) AS n FROM turns").fetchone()["n"] == WRITERS * TURNS_EACH
        spans = []
        for name, (out, _) in zip(names, outputs):
            sessions = store.sessions(trainee=name)
            assert len(sessions) == int(out) and all(s.finished for s in sessions)
            texts = [t.text for s in sessions for t in s.turns]
            assert sorted(texts) == sorted(f"亲，在的（{name}-{n}）" for n in range(TURNS_EACH))
            spans.append((sessions[0].id, sessions[-1].id))
    # the writers overlapped: each wrote a session before another had written its last
    assert all(any(a[0] < b[1] and b[0] < a[1] for b in spans if b is not a) for a in spans), spans


def test_two_players_at_once(any_db):
    """Two trainees practise on one machine at the same time: both sessions are kept whole."""
    players = [
        subprocess.Popen(
            [sys.executable, "-m", "roleplay", "play", "--plain", "--scenario", "air_fryer_fab", "--trainee", name],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "ROLEPLAY_PATH": ""},
        )  # fmt: skip
        for name in ("甲", "乙")
    ]
    errors = [p.communicate("\n".join(SKILLED) + "\n", timeout=120)[1] for p in players]
    assert errors == ["", ""]
    with Store.open() as store:
        sessions = store.sessions()
    assert sorted(s.trainee for s in sessions) == ["乙", "甲"]
    assert all(s.outcome == "converted" and len(s.turns) == 3 for s in sessions)


def test_unwritable_records_warn_once_and_practice_goes_on(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = roleplay("play", "--plain", "--scenario", "air_fryer_fab", stdin="\n".join(SKILLED) + "\n",
                      db=blocker / "records.db")  # fmt: skip
    assert result.returncode == 0 and "结果：成交" in result.stdout
    assert result.stderr.count("\n") == 1 and "警告" in result.stderr and "练习照常进行" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failure_mid_session_warns_once(any_db, library, capsys):
    import io

    session = new_session(library)
    store = Store.open()
    recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
    store.close()  # every later write fails
    replies = iter(SKILLED)
    out, err = io.StringIO(), io.StringIO()
    player = PlainPlayer(session, out, lambda _: next(replies, None), timed=False, default_latency=8,
                         colour=False, recorder=recorder, err=err)  # fmt: skip
    assert player.run() == 0
    assert "结果：成交" in out.getvalue()
    assert err.getvalue().count("警告") == 1


# -- history, report, grade --save ---------------------------------------------------------------


def test_history_and_report_commands(any_db, library, capsys):
    with Store.open() as store:
        first = record(store, library, SKILLED, trainee="小李", cohort="一班")
        record(store, library, RUDE, trainee="王芳")
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "小李" in out and "王芳" in out and "成交" in out and "流失" in out and "共 2 条" in out
    assert main(["history", "--trainee", "王芳"]) == 0
    assert "小李" not in capsys.readouterr().out
    assert main(["history", "--trainee", "nobody"]) == 0
    assert "没有符合条件的练习记录（学员：nobody）" in capsys.readouterr().out
    assert main(["report", str(first)]) == 0
    out = capsys.readouterr().out
    assert f"记录 #{first}   学员：小李   班组：一班" in out and "结果：成交" in out and "逐句复盘：" in out


def test_report_of_an_unknown_id_is_one_line(any_db, capsys):
    Store.open().close()
    assert main(["report", "99"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("roleplay: 没有编号为 99 的练习记录") and err.count("\n") == 1


def test_db_option_overrides_the_environment(tmp_path, library, capsys):
    other = tmp_path / "other.db"
    with Store.open(other) as store:
        record(store, library, SKILLED, trainee="别处")
    assert main(["history", "--db", str(other)]) == 0
    assert "别处" in capsys.readouterr().out
    Store.open().close()
    assert main(["history"]) == 0
    assert "别处" not in capsys.readouterr().out


def test_grade_save_stores_real_conversations(any_db, tmp_path, capsys):
    log = {"id": "c9", "scenario": "air_fryer_fab", "turns": [
        {"role": "customer", "text": "在吗", "at": 0},
        {"role": "agent", "text": "亲，在的，您好！", "at": 5},
    ]}  # fmt: skip
    path = tmp_path / "logs.jsonl"
    path.write_text(json.dumps(log, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["grade", str(path), "--save", "--trainee", "小李", "--cohort", "一班"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["id"] == "c9"
    assert captured.err.startswith("已保存 1 条真实对话记录（编号 1–1）")
    with Store.open() as store:
        [stored] = store.sessions(cohort="一班")
    assert (stored.kind, stored.trainee, stored.pass_mark) == ("real", "小李", 60)
    assert stored.scenario_title == "空气炸锅卖点咨询"
    assert main(["history"]) == 0
    assert "真实对话" in capsys.readouterr().out


def test_grade_save_to_an_unusable_db_fails_clearly(tmp_path, capsys):
    path = tmp_path / "logs.jsonl"
    path.write_text('{"id": 1, "turns": [{"role": "agent", "text": "您好", "at": 0}]}\n', encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["grade", str(path), "--save", "--db", str(blocker / "x.db")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("roleplay: 无法打开记录数据库") and "Traceback" not in err


def test_an_empty_enter_in_line_mode_does_not_restart_the_reply_clock(library):
    """Pressing Enter on an empty line sends nothing, and the reply is still timed from the
    customer's message."""
    import io

    scenario = library.scenario("air_fryer_fab")
    session = Session(scenario, library.persona(scenario.persona), library.rubric("default"), seed=1)
    moments = iter([100.0, 109.0] + [200.0] * 5)  # the customer asks at 100; the reply is sent at 109
    lines = iter(["", SKILLED[0], None])  # an empty Enter first
    player = PlainPlayer(session, io.StringIO(), lambda _: next(lines), timed=True, default_latency=8,
                         colour=False, clock=lambda: next(moments))  # fmt: skip
    player.run()
    assert session.turns[0].latency_s == pytest.approx(9.0)
