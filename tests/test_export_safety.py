"""Text from trainees, chat logs and content is harmless wherever roleplay puts it: every cell of
every export is text (no control characters, no formula), figures stay figures, the workbook is
what openpyxl itself would write; an argument that is not UTF-8 is refused before any work; and
escape codes in stored records are shown, not obeyed, in every terminal view and in the app."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from records_helpers import EVIL
from tui_helpers import make_app, settle

from roleplay.cli import main
from roleplay.export import to_csv, to_html, to_json, to_xlsx
from roleplay.export.sheet import Column, ScoreSheet, Table, build_sheet
from roleplay.records import Store

ROOT = Path(__file__).resolve().parent.parent
LABEL = '=HYPERLINK("http://evil.example","点我")'


def controls(text: str) -> list[str]:
    """The control characters in ``text`` but line breaks and tabs (and XML's non-characters)."""
    return [ch for ch in text if (ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F or ch in "\ufffe\uffff"]


def workbook_cells(path: Path) -> list[openpyxl.cell.Cell]:
    return [cell for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for cell in row]


# -- formulas: text in every format, marked the format's own way ---------------------------------


def test_a_label_or_a_name_that_looks_like_a_formula_is_marked_as_text_in_every_format(records, library, tmp_path):
    """A rubric label starting with = and a trainee named like a formula: the CSV and the page's
    tables prefix them with ', the workbook keeps them as text with Excel's quote prefix (as if
    typed with a leading '), the JSON keeps them exactly."""
    rubric = library.rubric("default")
    criteria = {**rubric.criteria, "fab": rubric.criteria["fab"].model_copy(update={"label": LABEL})}
    with Store.open(records) as store:
        sessions = store.sessions(with_turns=True)
    sheet = build_sheet(sessions, {"default": rubric.model_copy(update={"criteria": criteria})}, turns=True)

    data = to_csv.files(sheet, tmp_path / "s.csv")[tmp_path / "s.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert "'" + LABEL in rows[0] and "'" + EVIL in [row[1] for row in rows]

    xlsx = tmp_path / "s.xlsx"
    xlsx.write_bytes(to_xlsx.files(sheet, xlsx)[xlsx])
    cells = workbook_cells(xlsx)
    marked = [cell for cell in cells if cell.value in (LABEL, EVIL)]
    assert {cell.value for cell in marked} == {LABEL, EVIL} and len(marked) > 6  # header of every sheet, every row
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in marked)
    assert not [cell for cell in cells if cell.data_type == "f"]
    # the label, the name, its replies and its cohort; a summary that lists the label first starts with it
    formula_like = (LABEL, EVIL, "@SUM(A1)", "-1+2", "+1")
    assert not [cell for cell in cells if cell.quotePrefix and not str(cell.value).startswith(formula_like)]

    page = to_html.files(sheet, tmp_path / "s.html")[tmp_path / "s.html"].decode("utf-8")
    assert "<th>&#x27;=HYPERLINK(&quot;" in page and "<td>&#x27;=HYPERLINK(&quot;" in page
    document = json.loads(to_json.files(sheet, tmp_path / "s.json")[tmp_path / "s.json"])
    assert EVIL in [row["trainee"] for row in document["sessions"]]


def figures_sheet(rows: list[dict]) -> ScoreSheet:
    """A sheet of one table with a column of every kind (the summary: its first row)."""
    columns = [
        Column("id", "编号", "int"), Column("name", "学员"), Column("date", "日期", "datetime"),
        Column("total", "总分", "score"), Column("rate", "通过率", "rate"), Column("passed", "是否通过", "passed"),
        Column("reply", "回复"),
    ]  # fmt: skip
    table = Table("成绩明细", columns, rows)
    return ScoreSheet("成绩单", "", [], table, Table("学员汇总", columns, rows[:1]), [], None, datetime(2026, 11, 1, 9))


ROWS = [
    {"id": 1, "name": "小李", "date": datetime(2026, 11, 1, 9, 30).astimezone(), "total": -1.5, "rate": 0.75,
     "passed": True, "reply": "  前后有空格  "},
    {"id": 2, "name": "-1+2", "date": None, "total": None, "rate": None, "passed": False,
     "reply": "a & b <c> \"d\"\n第二行\t制表"},
    {"id": 3, "name": "＝1＋1", "date": datetime(2026, 1, 2, 0, 0).astimezone(), "total": 100.0, "rate": 0.0,
     "passed": True, "reply": "x" * 40_000},
    {"id": 4, "name": "", "date": datetime(2026, 2, 3, 23, 59).astimezone(), "total": 0.0, "rate": 1.0, "passed": False,
     "reply": "\n@cmd"},
]  # fmt: skip


def test_figures_stay_figures_and_text_is_text():
    """A negative figure is a number in CSV, not a disguised formula; text that starts like one is."""
    data = to_csv.files(figures_sheet(ROWS), Path("s.csv"))[Path("s.csv")].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[1][3] == "-1.5" and rows[2][1] == "'-1+2" and rows[3][1] == "'＝1＋1" and rows[4][6] == "'\n@cmd"


def test_the_workbook_holds_the_cells_openpyxl_itself_would_write(tmp_path):
    """The rows are written straight as XML for speed: read back, every cell is what openpyxl's own
    writer gives for the same values (value, type, number format, quote prefix), and a text longer
    than an Excel cell holds is cut at the limit with …"""
    sheet = figures_sheet(ROWS)
    fast = tmp_path / "fast.xlsx"
    fast.write_bytes(to_xlsx.files(sheet, fast)[fast])
    reference = tmp_path / "reference.xlsx"
    openpyxl_workbook(sheet).save(reference)
    for ours, theirs in zip(openpyxl.load_workbook(fast), openpyxl.load_workbook(reference), strict=True):
        assert ours.title == theirs.title
        assert ours.freeze_panes == "A2" and ours.auto_filter.ref == ours.dimensions == theirs.dimensions
        described = [[describe(cell) for cell in row] for row in ours.iter_rows()]
        assert described == [[describe(cell) for cell in row] for row in theirs.iter_rows()]
    cut = openpyxl.load_workbook(fast)["成绩明细"]["G4"].value
    assert len(cut) == to_xlsx.MAX_CELL and cut.endswith("…")


def openpyxl_workbook(sheet: ScoreSheet) -> openpyxl.Workbook:
    """The sheet written cell by cell through openpyxl's usual API, as the workbook was before."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in (sheet.sessions, sheet.summary):
        ws = workbook.create_sheet(table.name)
        ws.append([c.header for c in table.columns])
        for row in table.rows:
            ws.append([None] * len(table.columns))
            for index, column in enumerate(table.columns, start=1):
                cell, raw = ws.cell(ws.max_row, index), row[column.key]
                if column.kind in to_xlsx.NUMBER_FORMATS:
                    cell.value = raw.replace(tzinfo=None) if column.kind == "datetime" and raw else raw
                    cell.number_format = to_xlsx.NUMBER_FORMATS[column.kind]
                elif text := column.text(raw):
                    cell.value = text if len(text) <= to_xlsx.MAX_CELL else text[: to_xlsx.MAX_CELL - 1] + "…"
                    cell.data_type = "s"
                    cell.quotePrefix = text.lstrip().startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠"))
    return workbook


def describe(cell: openpyxl.cell.Cell) -> tuple:
    if cell.value is None:
        return (cell.coordinate, None)
    number_format = cell.number_format if cell.data_type in "nd" and cell.row > 1 else ""
    return (cell.coordinate, cell.value, cell.data_type, number_format, bool(cell.quotePrefix))


# -- control characters: dropped from every document ---------------------------------------------

HOSTILE_LOG = {
    "id": "c\x1b]0;ID\x07",
    "scenario": "air_fryer_fab",
    "turns": [
        {"role": "customer", "text": "在吗\x1b]0;ASK\x07", "at": 0},
        {"role": "agent", "text": "亲，在的\x1b[2J您好\x00\uffff", "at": 4},
        {"role": "customer", "text": "再见\x1b]0;BYE\x07\n（第二行）", "at": 9},
    ],
}
HOSTILE_NAME = "小\x1b]0;TITLE\x07李\n9999  伪造的一行"


@pytest.fixture
def graded(tmp_path: Path, capsys) -> Path:
    """A chat log whose id, customer and agent lines carry escape codes, graded and saved under a
    name that carries them too (``roleplay grade --save``)."""
    logs = tmp_path / "logs.jsonl"
    logs.write_text(json.dumps(HOSTILE_LOG, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["grade", "--save", "--trainee", HOSTILE_NAME, str(logs)]) == 0
    capsys.readouterr()
    return logs


def test_no_control_character_reaches_a_sheet_or_a_page(graded, tmp_path, capsys):
    for fmt in ("csv", "xlsx", "html"):
        assert main(["export", "--turns", "-o", str(tmp_path / f"s.{fmt}")]) == 0, capsys.readouterr().err
    texts = [path.read_text(encoding="utf-8-sig") for path in tmp_path.glob("s*.csv")] + [
        (tmp_path / "s.html").read_text(encoding="utf-8")
    ]
    assert len(texts) == 4 and not [controls(text) for text in texts if controls(text)]
    assert "亲，在的[2J您好" in texts[-1] and "小]0;TITLE李" in texts[-1]
    values = [str(cell.value) for cell in workbook_cells(tmp_path / "s.xlsx") if cell.value is not None]
    assert "亲，在的[2J您好" in values and not [controls(value) for value in values if controls(value)]


# -- the terminal: stored text with escape codes is shown, not obeyed ------------------------------


def terminal_safe(out: str) -> None:
    """No control character but line breaks reaches the terminal, and the name forges no line."""
    assert not [ch for ch in out if (ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F], repr(out)
    assert "\n9999" not in out


def test_a_graded_log_with_escape_codes_is_shown_not_obeyed_in_every_terminal_view(graded, capsys):
    for args in (["history"], ["report", "1"], ["progress"], ["history", "--trainee", HOSTILE_NAME]):
        assert main(args) == 0, args
        out = capsys.readouterr().out
        terminal_safe(out)
        assert "小␛]0;TITLE␇李␊9999" in out, args
    assert main(["report", "1"]) == 0
    assert "再见␛]0;BYE␇" in capsys.readouterr().out


def test_an_argument_error_shows_what_was_given_harmlessly(capsys):
    """argparse quotes a bad --content folder in its error: the escape code is shown, not obeyed."""
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--content", "\x1b]0;TITLE\x07"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "\x1b" not in err and "␛]0;TITLE␇" in err


async def test_the_apps_report_of_a_graded_log_shows_its_escape_codes_harmlessly(graded, tmp_path, records_db):
    """Opened from the app's history (F5), the report of a saved chat log draws no escape code:
    not in its title, nor in the customer's last words."""
    from roleplay.tui.screens.report import ReportScreen

    app = make_app(tmp_path, db=records_db)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        app.screen.query_one("#trainee").value = HOSTILE_NAME
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        screen = app.export_screenshot()
        assert "再见␛]0;BYE␇" in screen and "\x1b" not in screen and "\x07" not in screen


# -- arguments that are not UTF-8 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ([b"grade", b"--save", b"--trainee", b"\xd5\xc5", b"logs.jsonl"], "--trainee"),
        ([b"grade", b"--save", b"--cohort=\xd5\xc5", b"logs.jsonl"], "--cohort"),
        ([b"export", b"-o", b"\xd5\xc5.csv"], "--output"),
    ],
)
def test_an_argument_that_is_not_utf8_is_refused_before_any_work(tmp_path, args, named):
    """GBK bytes from an old terminal: one line that names the option and says to use UTF-8; nothing
    graded, saved or written (``grade --save`` used to grade, then fail to store, losing it all)."""
    (tmp_path / "logs.jsonl").write_text(json.dumps(HOSTILE_LOG, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "records.db"
    environment = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "ROLEPLAY_DB": str(db)}
    command = [sys.executable.encode(), b"-m", b"roleplay", *args]
    result = subprocess.run(command, capture_output=True, cwd=tmp_path, env=environment, timeout=120)
    err = result.stderr.decode("utf-8")
    assert (result.returncode, result.stdout, err.count("\n")) == (2, b"", 1), err
    assert err.startswith(f"roleplay: {named} 不是 UTF-8 文本（收到 ") and "\\xd5\\xc5" in err and "iconv" in err
    assert not db.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["logs.jsonl"]
