"""`roleplay progress`: each trainee's first, best and latest scores, and what to coach next."""

from __future__ import annotations

import pytest
from records_helpers import EVIL

from roleplay.cli import main
from roleplay.export.progress import progress
from roleplay.records import Store


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_first_best_and_latest_per_criterion_and_the_focus_with_an_assignment_and_an_example(records, library):
    with Store.open(records) as store:
        sessions = store.sessions()
    people = {p.trainee: p for p in progress(sessions, library.rubrics, library.scenarios)}
    assert [name for name in people if name != EVIL] == ["王芳", "小李"]  # pinyin order
    li = people["小李"]
    totals = [s.total for s in sessions if s.trainee == "小李"]
    assert (li.total.first, li.total.best, li.total.latest) == (totals[0], max(totals), totals[-1])
    assert (li.sessions, li.pass_rate, li.conversion_rate) == (4, 0.75, pytest.approx(2 / 3))
    mark = library.rubric("default").coaching_mark
    assert li.focus and all(f.average < mark for f in li.focus)
    assert [f.average for f in li.focus] == sorted(f.average for f in li.focus)  # worst first
    forbidden = next(f for f in li.focus if f.label == "服务禁语")
    assert forbidden.example.startswith("#2 第1句「你自己看详情页") and forbidden.example.endswith("分）")
    fab = next(f for f in li.focus if f.label == "FAB话术")  # the scenario with the most steps that expect a pitch
    steps = {sid: sum("fab" in n.expects for n in s.nodes.values()) for sid, s in library.scenarios.items()}
    most = min(sid for sid, n in steps.items() if n == max(steps.values()))
    assert fab.scenario == library.scenario(most).title and fab.example.startswith("#")


def test_the_terminal_view_and_its_order_by_score(records, capsys):
    code, out = run(capsys, "progress", "--db", str(records))
    assert code == 0
    blocks = [b for b in out.strip().split("\n\n") if b]  # a block per trainee, then where customers were lost
    assert len(blocks) == 4 and blocks[1].startswith("王芳（二班） · 2 场") and blocks[2].startswith("小李（一班） · 4 场")
    assert blocks[3].startswith("流失环节")
    assert "首次    最好    最近" in out and "  优先辅导：" in out and "例：#" in out
    code, out = run(capsys, "progress", "--by", "score", "--cohort", "一班", "--db", str(records))
    assert code == 0 and out.startswith("小李（一班）")
    code, out = run(capsys, "progress", "--trainee", "没有这个人", "--db", str(records))
    assert code == 0 and "没有符合条件的练习记录" in out


def test_where_customers_are_lost_and_why(records, library, capsys):
    """流失环节: the step of the last reply before each lost customer left, and what that reply did wrong."""
    from roleplay.export.coaching import losses

    with Store.open(records) as store:
        sessions = store.sessions()
    points = losses(sessions)
    lost = [s for s in sessions if s.outcome == "lost"]
    assert sum(p.lost for p in points) == len(lost) == 3
    rude = next(p for p in points if ("服务禁语", 1) in p.reasons)
    first_step = library.scenario("air_fryer_fab").start
    assert rude.scenario == "空气炸锅卖点咨询" and rude.step.startswith(f"{first_step}「")
    _, out = run(capsys, "progress", "--db", str(records))
    assert "流失环节（3 场流失）：" in out and f"· 空气炸锅卖点咨询 · {first_step}「" in out
