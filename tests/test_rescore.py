"""`roleplay rescore`: stored sessions scored again by the rubric as it is now, on request, with the
replaced scores kept beside the new ones; the same rubric gives the same scores, byte for byte."""

from __future__ import annotations

import csv
import io

import pytest
from records_helpers import RUDE, SKILLED, Ticker, record
from test_open_rubric import RUBRIC, custom_rubric

from roleplay.cli import main
from roleplay.content.library import load_library
from roleplay.engine.session import Session
from roleplay.records import Store
from roleplay.rescore import rescored
from roleplay.rubric.fingerprint import fingerprint


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_scenario_rescored_by_its_own_rubric_gives_the_same_scores(library, records_db):
    """What the rubric was told with each reply (the node's expects, a due buying signal, the typing
    time) is kept, so judging the stored replies again reproduces every score exactly."""
    with Store.open(records_db, clock=Ticker()) as store:
        for scenario_id in sorted(library.scenarios):
            scenario = library.scenario(scenario_id)
            session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed=3)
            recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
            recorder.customer(session.start())
            for step in range(8):
                if session.ended:
                    break
                answer = session.node.model_answer or "好的亲"
                recorder.turn(session.reply(answer, 6.5 + step, typing_s=5.0, typing_measured=step % 2 == 0))
            recorder.finish(session.report())
        for stored in store.sessions():
            scenario = library.scenario(stored.scenario_id)
            score, turns = rescored(stored, library.rubric(scenario.rubric), scenario, scenario.product)
            assert turns == [turn.result for turn in stored.turns], stored.scenario_id
            assert (score["score"], score["criteria"]) == (stored.total, stored.criteria)


@pytest.fixture
def stored(library, records_db) -> list[int]:
    with Store.open(records_db, clock=Ticker()) as store:
        return [record(store, library, SKILLED, trainee="小李"), record(store, library, RUDE, trainee="王芳")]


def test_nothing_changes_while_the_rubric_does_not(stored, records_db, capsys):
    code, out, _ = run(capsys, "rescore", "--db", str(records_db))
    assert code == 0 and "已重评 0 场；2 场已是当前评分标准" in out
    with Store.open(records_db) as store:
        assert all(not s.history for s in store.sessions())


def test_a_changed_rubric_rescores_on_request_and_keeps_the_old_scores(stored, records_db, capsys, tmp_path):
    stricter = RUBRIC.replace("pass_mark: 60", "pass_mark: 95")  # the same words, a higher pass mark
    custom_rubric(tmp_path, stricter)
    custom = load_library([tmp_path], env="").rubric("custom")
    with Store.open(records_db) as store:
        before = {s.id: s for s in store.sessions()}
        store.add_review(stored[0], 1, "fab", 100, "讲得很完整", "张老师")
    code, out, err = run(capsys, "rescore", "--content", str(tmp_path), "--rubric", "custom", "--dry-run", "--db", str(records_db))
    assert code == 0 and "将重评 2 场" in out and "未写入" in out, err
    with Store.open(records_db) as store:
        assert all(s.rubric_id == "default" and not s.history for s in store.sessions())  # a dry run stores nothing
    code, out, _ = run(capsys, "rescore", "--content", str(tmp_path), "--rubric", "custom", "--db", str(records_db))
    assert code == 0 and "已重评 2 场；原分数保留在记录里" in out
    assert f"记录 #{stored[0]}：{before[stored[0]].total:.1f}（default " in out and f"· {fingerprint(custom)}）" in out
    with Store.open(records_db) as store:
        skilled = store.session(stored[0])
    assert (skilled.rubric_id, skilled.rubric_hash, skilled.pass_mark) == ("custom", fingerprint(custom), 60)
    assert skilled.total == before[stored[0]].total and not skilled.passed  # the same replies fall short of 95
    [past] = skilled.history
    assert (past.rubric_id, past.total, past.passed) == ("default", before[stored[0]].total, True)
    assert past.rubric_hash == before[stored[0]].rubric_hash and past.criteria == before[stored[0]].criteria
    assert [r.score for r in skilled.turns[0].reviews] == [100]  # an instructor's review is never lost
    _, report, _ = run(capsys, "report", str(stored[0]), "--db", str(records_db))
    assert f"评分标准：custom {custom.version} · {fingerprint(custom)}" in report
    assert f"原评分：{past.total:.1f} 通过（default " in report
    sheet = tmp_path / "s.csv"
    assert run(capsys, "export", "-o", str(sheet), "--db", str(records_db))[0] == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    assert {r["原评分"].split("（")[1].split(" ")[0] for r in rows} == {"default"}
    code, out, _ = run(capsys, "rescore", "--content", str(tmp_path), "--rubric", "custom", "--db", str(records_db))
    assert "已重评 0 场；2 场已是当前评分标准" in out  # once is enough


def test_an_unknown_rubric_is_one_line(stored, records_db, capsys):
    code, _, err = run(capsys, "rescore", "--rubric", "nope", "--db", str(records_db))
    assert code == 2 and "没有评分标准 'nope'" in err and len(err.strip().splitlines()) == 1
