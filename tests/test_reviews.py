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
        (["--turn", "1", "--criterion", "fab", "--score", "80", "--reason", "  "], "--reason"),
        (["--turn", "1", "--criterion", "fab"], "要一起给出"),
    ],
)
def test_a_review_that_names_nothing_real_is_refused_in_one_line(stored, records_db, capsys, args, message):
    code, _, err = run(capsys, "review", str(stored), *args, "--db", str(records_db))
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with Store.open(records_db) as store:
        assert not [r for t in store.session(stored).turns for r in t.reviews]
