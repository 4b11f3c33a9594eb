"""Instructors' reviews: a turn's criterion score overridden with a reason, kept beside the
automatic score, shown on the report and the sheets, and refused when it names nothing real."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from records_helpers import SKILLED, Ticker, record

from roleplay.cli import main
from roleplay.records import Store


@pytest.fixture
def stored(library, records_db) -> int:
    with Store.open(records_db, clock=Ticker()) as store:
        return record(store, library, SKILLED, trainee="小李")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_review_is_kept_beside_the_automatic_score_and_shown(stored, records_db, capsys, tmp_path):
    with Store.open(records_db) as store:
        automatic = store.session(stored).turns[1].automatic("fab")
    code, out, _ = run(capsys, "review", str(stored), "--turn", "2", "--criterion", "fab", "--score", "90",
                       "--reason", "顾客只问容量，答准即可", "--by", "张老师", "--db", str(records_db))  # fmt: skip
    assert code == 0 and f"第2句 FAB话术 90（自动评分 {automatic:g}）· 张老师" in out and "顾客只问容量" in out
    with Store.open(records_db) as store:
        turn = store.session(stored).turns[1]
    assert turn.automatic("fab") == automatic  # the rubric's score is not replaced
    [review] = turn.reviews
    assert (review.criterion, review.score, review.reviewer) == ("fab", 90, "张老师") and review.index == 1
    assert isinstance(review.created_at, datetime) and review.created_at.tzinfo == timezone.utc
    _, listing, _ = run(capsys, "review", str(stored), "--db", str(records_db))
    assert listing.strip().startswith(f"记录 #{stored} 第2句 FAB话术 90")
    _, report, _ = run(capsys, "report", str(stored), "--db", str(records_db))
    assert "· 复核：FAB话术 90" in report and "评分标准：default " in report
    sheet = tmp_path / "s.csv"
    assert run(capsys, "export", "-o", str(sheet), "--turns", "--db", str(records_db))[0] == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.turns.csv").read_text(encoding="utf-8-sig"))))
    [review] = [r["复核"] for r in rows if r["复核"]]  # as the report says it
    assert review.startswith(f"FAB话术 90（自动评分 {automatic:g}）· 张老师 · ") and review.endswith(" · 理由：顾客只问容量，答准即可")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--turn", "9", "--criterion", "fab", "--score", "80", "--reason", "x"], "没有第 9 句"),
        (["--turn", "1", "--criterion", "fob", "--score", "80", "--reason", "x"], "没有评分项 'fob'"),
        (["--turn", "1", "--criterion", "fab", "--score", "180", "--reason", "x"], "0 到 100"),
        (["--turn", "1", "--criterion", "fab", "--score", "80", "--reason", "  "], "请写明复核理由"),
        (["--turn", "1", "--criterion", "fab"], "要一起给出"),
    ],
)
def test_a_review_that_names_nothing_real_is_refused_in_one_line(stored, records_db, capsys, args, message):
    code, _, err = run(capsys, "review", str(stored), *args, "--db", str(records_db))
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with Store.open(records_db) as store:
        assert not [r for t in store.session(stored).turns for r in t.reviews]


async def test_an_instructor_reviews_a_reply_from_the_apps_report(stored, records_db, tmp_path):
    """F5, the session, v: the dialog says what the records refuse and stays open; a kept review
    shows on the report beside the automatic score."""
    from tui_helpers import make_app, settle, type_text

    from roleplay.tui.screens.report import ReportScreen
    from roleplay.tui.screens.review import ReviewScreen

    app = make_app(tmp_path, db=records_db)
    async with app.run_test(size=(120, 45)) as pilot:
        await settle(pilot)
        await pilot.click("#trainee")
        await type_text(pilot, "小李")
        await pilot.press("enter", "f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen) and "复核：" not in _report_text(app.screen)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReviewScreen)
        for field, text in (("#review-turn", "99"), ("#review-score", "80"), ("#review-reason", "卖点讲到了顾客的场景")):
            await pilot.click(field)
            await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请选择要复核的评分项" in str(dialog.query_one("#review-error").render())
        dialog.query_one("#review-criterion").value = "fab"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "没有第 99 句" in str(dialog.query_one("#review-error").render())
        dialog.query_one("#review-turn").value = "1"
        dialog.query_one("#review-by").value = "张老师"
        await pilot.click("#review-save")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ReportScreen) and "已保存复核" in _report_text(report)
        assert "复核：FAB话术 80（自动评分" in _report_text(report) and "张老师" in _report_text(report)
    with Store.open(records_db) as store:
        [review] = store.session(stored).turns[0].reviews
    assert (review.criterion, review.score, review.reviewer) == ("fab", 80, "张老师")


def _report_text(screen) -> str:
    return "\n".join(str(static.render()) for static in screen.query("Static"))
