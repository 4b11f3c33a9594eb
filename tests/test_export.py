"""Instructor score sheets: the figures, each format read back, formula injection, filters."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
from datetime import datetime, timezone
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from records_helpers import EVIL, RUDE, SKILLED, Ticker, record

from roleplay.cli import main
from roleplay.export import to_html, to_xlsx
from roleplay.export.sheet import ScoreSheet, build_sheet
from roleplay.records import Store
from roleplay.rubric.fingerprint import fingerprint
from roleplay.text.safe import cell_text
from roleplay.text.width import cell_width

FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.fixture
def sheet(records, library) -> ScoreSheet:
    with Store.open(records) as store:
        return build_sheet(store.sessions(with_turns=False), library.rubrics, "全部记录")


def export(tmp_path: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- the figures ---------------------------------------------------------------------------------


def test_a_row_per_session_labelled_from_the_rubric(sheet, library):
    labels = [c.label for c in library.rubric("default").criteria.values()]
    headers = [c.header for c in sheet.sessions.columns]
    assert headers[:10] == ["编号", "学员", "班组", "日期", "场景", "顾客", "模式", "结果", "总分", "是否通过"]
    assert headers[10 : 10 + len(labels)] == labels
    assert headers[10 + len(labels) :] == ["首次响应(秒)", "平均响应(秒)", "禁语次数", "促成次数", "评分标准", "原评分"]
    rubric = library.rubric("default")
    assert {r["rubric"] for r in sheet.sessions.rows} == {f"default {rubric.version} · {fingerprint(rubric)}"}
    rows = sheet.sessions.rows
    assert [r["id"] for r in rows] == [1, 2, 4, 3, 5, 6, 7]  # by start time
    # rows 5 and 6: replies that lead nowhere; the customer leaves at her stall_limit (one sooner
    # when she is short of patience)
    assert [r["outcome"] for r in rows] == ["成交", "流失", "未完成（中断）", "成交", "流失", "流失", "—"]
    assert [r["mode"] for r in rows][-1] == "真实对话"
    lost = rows[1]
    assert lost["passed"] is False and lost["forbidden_count"] > 0 and lost["first_response_s"] == 12


def test_a_summary_per_trainee(sheet, library):
    summary = {row["trainee"]: row for row in sheet.summary.rows}
    assert [name for name in summary if name != EVIL] == ["王芳", "小李"]  # pinyin (wang, xiao), not code points
    li = summary["小李"]
    assert (li["cohort"], li["sessions"]) == ("一班", 4)
    totals = [r["total"] for r in sheet.sessions.rows if r["trainee"] == "小李"]  # in time order
    assert (li["first_total"], li["best_total"], li["latest_total"]) == (totals[0], max(totals), totals[-1])
    assert li["pass_rate"] == round(3 / 4, 4)  # two conversions and the real log passed; the lost one did not
    assert li["conversion_rate"] == round(2 / 3, 4)  # simulated: converted ÷ practice sessions
    rows = [r for r in sheet.sessions.rows if r["trainee"] == "小李"]
    assert li["first_response_s"] == round(sum(r["first_response_s"] for r in rows) / 4, 1)
    fab = [r["criteria.fab"] for r in rows if r["criteria.fab"] is not None]  # n/a in the real log
    assert li["criteria.fab"] == round(sum(fab) / len(fab), 1)
    averages = {c.label: li[f"criteria.{c.id}"] for c in sheet.criteria if li[f"criteria.{c.id}"] is not None}
    below = sorted((a, label) for label, a in averages.items() if a < library.rubric("default").coaching_mark)
    assert below and li["coaching"] == "、".join(f"{label} {a:.0f}" for a, label in below)  # every one, worst first
    assert (summary["王芳"]["sessions"], summary["王芳"]["conversion_rate"]) == (2, 0.0)


def test_charts_per_trainee(sheet):
    charts = {c.trainee: c for c in sheet.charts}
    li = charts["小李"]
    assert [label for label, _ in li.averages] == [c.label for c in sheet.criteria]
    assert [when.day for when, _ in li.trend] == [1, 2, 3, 6] and sheet.pass_mark == 60


# -- each format, read back ----------------------------------------------------------------------


def expected_cells(table) -> list[list[str]]:
    header = [cell_text(c.header) for c in table.columns]
    return [header] + [[cell_text(c.text(row[c.key])) for c in table.columns] for row in table.rows]


def test_csv_round_trips_with_a_bom(records, sheet, tmp_path, capsys):
    path = tmp_path / "scores.csv"
    code, out, _ = export(tmp_path, capsys, "--format", "csv", "-o", str(path))
    assert code == 0 and "已导出 7 场记录（3 名学员）" in out
    summary = tmp_path / "scores.summary.csv"
    for file, table in ((path, sheet.sessions), (summary, sheet.summary)):
        raw = file.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert rows == expected_cells(table)
    assert "小李" in path.read_text(encoding="utf-8-sig")


HOSTILE = {"trainee": "小\x1b]0;TITLE\x07王\x00", "cohort": "  ＝1+1"}


def test_control_characters_and_disguised_formulas_never_reach_a_cell(library, records_db, tmp_path, capsys):
    """One trainee's name with escape codes no longer blocks the class's workbook; a formula after
    blanks or in full-width is text."""
    with Store.open(records_db, clock=Ticker()) as store:
        record(store, library, SKILLED, **HOSTILE)
    csv_path, xlsx_path = tmp_path / "s.csv", tmp_path / "s.xlsx"
    assert export(tmp_path, capsys, "-o", str(csv_path))[0] == 0
    assert export(tmp_path, capsys, "-o", str(xlsx_path))[0] == 0
    cells = [cell for row in csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))) for cell in row]
    assert "小]0;TITLE王" in cells and "'  ＝1+1" in cells
    assert not [cell for cell in cells if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in cell)]
    workbook = openpyxl.load_workbook(xlsx_path)
    values = [cell for ws in workbook for row in ws.iter_rows() for cell in row]
    assert "小]0;TITLE王" in [cell.value for cell in values]
    assert all(cell.data_type != "f" for cell in values)
    assert cell_text("=SUM(A1)") == "'=SUM(A1)" and cell_text("\n@cmd") == "'\n@cmd" and cell_text("正常") == "正常"


def test_formula_injection_is_neutralised(records, tmp_path, capsys):
    csv_path, xlsx_path = tmp_path / "s.csv", tmp_path / "s.xlsx"
    assert export(tmp_path, capsys, "-o", str(csv_path))[0] == 0
    assert export(tmp_path, capsys, "-o", str(xlsx_path))[0] == 0
    for file in (csv_path, tmp_path / "s.summary.csv"):
        cells = [cell for row in csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig"))) for cell in row]
        assert "'" + EVIL in cells and "'+1" in cells
        assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    workbook = openpyxl.load_workbook(xlsx_path)
    for ws in workbook:
        evil = [cell for row in ws.iter_rows() for cell in row if cell.value == EVIL]
        assert evil and all(cell.data_type == "s" for cell in evil)  # text, not a formula
        assert not [cell for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


def test_xlsx_sheets_formats_and_widths(records, sheet, tmp_path, capsys):
    path = tmp_path / "scores.xlsx"
    assert export(tmp_path, capsys, "--format", "xlsx", "-o", str(path))[0] == 0
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["成绩明细", "学员汇总", "逐句明细"]
    for table in (sheet.sessions, sheet.summary):
        ws = workbook[table.name]
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == [c.header for c in table.columns]
        assert ws.max_row == len(table.rows) + 1
        for index, column in enumerate(table.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            widest = max(cell_width(column.text(r[column.key])) for r in table.rows)
            assert ws.column_dimensions[letter].width >= min(widest, 38)
            assert ws.column_dimensions[letter].width >= cell_width(column.header)
    details = workbook["成绩明细"]
    headers = [c.value for c in details[1]]
    first = {h: c for h, c in zip(headers, details[2])}
    assert first["总分"].value == sheet.sessions.rows[0]["total"] and first["总分"].number_format == "0.0"
    assert first["日期"].number_format == "yyyy-mm-dd hh:mm" and isinstance(first["日期"].value, datetime)
    assert first["场景"].value == "空气炸锅卖点咨询"
    summary = workbook["学员汇总"]
    rate = summary.cell(row=2, column=[c.value for c in summary[1]].index("通过率") + 1)
    assert rate.number_format == "0.0%" and rate.value == sheet.summary.rows[0]["pass_rate"]


def test_every_reply_is_a_row_an_instructor_can_filter_by_a_finding(records, library, tmp_path, capsys):
    """The workbook's 逐句明细: each reply with what it answered, its time, its scores, what the rubric
    found and the model answer; filters on, so the rude replies are one filter away."""
    path = tmp_path / "scores.xlsx"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    ws = openpyxl.load_workbook(path)["逐句明细"]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == ["编号", "学员", "场景", "轮次", "顾客说", "回复", "用时(秒)", "本句得分"]
    assert headers[-3:] == ["发现", "复核", "参考答案"] and "服务禁语" in headers and ws.auto_filter.ref == ws.dimensions
    rows = [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    with Store.open(records) as store:
        assert len(rows) == sum(len(s.turns) for s in store.sessions())
    rude = [r for r in rows if "烦躁语" in (r["发现"] or "")]  # the rude agent lost her at the first reply
    assert [r["回复"] for r in rude] == [RUDE[0]] and rude[0]["服务禁语"] < 100
    assert rude[0]["轮次"] == 1 and rude[0]["用时(秒)"] == 12 and rude[0]["顾客说"] and rude[0]["参考答案"]
    pitch = next(r for r in rows if r["回复"] == SKILLED[0] and r["编号"] == 1)
    assert "F「采用360°热风循环技术」" in pitch["发现"] and "B「全家吃得更健康」" in pitch["发现"] and pitch["本句得分"] > 80


def test_csv_has_the_replies_with_turns_only(records, tmp_path, capsys):
    path = tmp_path / "scores.csv"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    assert not (tmp_path / "scores.turns.csv").exists()
    code, out, _ = export(tmp_path, capsys, "-o", str(path), "--turns")
    turns = tmp_path / "scores.turns.csv"
    assert code == 0 and str(turns) in out
    rows = list(csv.DictReader(io.StringIO(turns.read_text(encoding="utf-8-sig"))))
    assert RUDE[0] in [r["回复"] for r in rows]
    assert "'@SUM(A1)" in [r["回复"] for r in rows]  # a reply that looks like a formula is text
    document = tmp_path / "scores.json"
    assert export(tmp_path, capsys, "-o", str(document), "--turns")[0] == 0
    assert len(json.loads(document.read_text(encoding="utf-8"))["turns"]) == len(rows)


def test_json_holds_both_views(records, sheet, tmp_path, capsys):
    path = tmp_path / "scores.json"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [c["label"] for c in document["criteria"]] == [c.label for c in sheet.criteria]
    assert len(document["sessions"]) == 7 and len(document["summary"]) == 3
    first = document["sessions"][0]
    assert first["criteria"]["fab"] == sheet.sessions.rows[0]["criteria.fab"]
    assert datetime.fromisoformat(first["date"]) == datetime(2026, 11, 1, 9, tzinfo=timezone.utc)


def test_html_is_self_contained(records, tmp_path, capsys):
    path = tmp_path / "scores.html"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    page = path.read_text(encoding="utf-8")
    assert page.count('aria-label="各项平均分雷达图"') == 3 and page.count('aria-label="总分趋势图"') == 3
    assert page.count("<polyline") == 3 and "@media print" in page
    assert page.count("<script") == 1 and to_html.SORT_SCRIPT in page  # the one inline script: sorting
    for external in ("<link", "src=", "url(", "@import"):
        assert external not in page
    escaped = "=HYPERLINK(&quot;http://evil.example&quot;,&quot;点我&quot;)"  # the name as text, not markup
    assert escaped in page
    assert "http" not in page.replace(escaped, "").replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_html_drills_down_from_trainee_to_session_to_each_marked_reply(records, tmp_path, capsys):
    """Folded per trainee and per session, so the page stays usable with thousands of sessions;
    unfolded, each reply with the marks the trainee saw, its score, the advice and the model answer."""
    path = tmp_path / "scores.html"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    page = path.read_text(encoding="utf-8")
    assert page.count('<details class="sessions">') == 3 and page.count('<details class="session">') == 7
    assert "<details open" not in page  # everything folded
    assert '<mark class="k-F" title="F">采用360°热风循环技术</mark>' in page
    assert '<mark class="k-forbidden" title="烦躁语">你自己看</mark>' in page
    assert "参考话术：" in page and "· 服务禁语：" in page and "本句得分 " in page
    assert "<p class=\"reply\">-1+2</p>" in page and page.count("<script") == 1  # replies as text


def test_html_says_what_each_trainee_should_practise_next_and_where_customers_were_lost(records, tmp_path, capsys):
    """The HTML sheet alone answers it: per trainee, each criterion below the coaching mark with the
    scenario to assign and their own worst reply; the steps where customers left, and why."""
    path = tmp_path / "scores.html"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    page = path.read_text(encoding="utf-8")
    assert page.count("<h3>下一步练习（优先辅导）</h3>") == 3
    assert "<li><b>促成交易 12</b> → 建议练「瑜伽垫关联推荐：配对的，不配多的」<br><span class=example>例：#4 第2句「容量是5L" in page
    assert "<h2>流失环节（3 场流失）</h2>" in page
    assert "<tr><td>空气炸锅卖点咨询</td><td>opening「在吗？ / 这个炸锅和普通的有什么区别？」</td><td class=num>1</td><td>服务禁语 1</td></tr>" in page


def chromium() -> str | None:
    return next((shutil.which(name) for name in ("chromium", "chromium-browser") if shutil.which(name)), None)


@pytest.mark.skipif(chromium() is None, reason="no chromium binary found: cannot render the HTML score sheet")
def test_html_renders_in_headless_chromium(records, tmp_path, capsys):
    path = tmp_path / "scores.html"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    png = tmp_path / "scores.png"
    subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=1200,1600",
         path.as_uri()],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 1600)
    assert len(data) > 30_000  # tables, charts and text, not a blank page


@pytest.mark.skipif(chromium() is None, reason="no chromium binary found: cannot run the HTML score sheet's sorting")
def test_html_tables_sort_by_a_click_on_a_header(records, tmp_path, capsys):
    """Trainees side by side: in pinyin order as written, by a score at a click, the other way at a
    second click; sessions by total, an empty figure last."""
    path = tmp_path / "scores.html"
    assert export(tmp_path, capsys, "-o", str(path))[0] == 0
    page = path.read_text(encoding="utf-8")
    summary, sessions = (_column_of(page, index, header) for index, header in ((0, "平均总分"), (1, "总分")))
    clicks = (
        f"document.querySelectorAll('table.sortable')[0].tHead.rows[0].cells[{summary}].click();"
        f"window.first = Array.from(document.querySelectorAll('table.sortable')[0].tBodies[0].rows, r => r.cells[0].textContent);"
        f"document.querySelectorAll('table.sortable')[0].tHead.rows[0].cells[{summary}].click();"
        f"document.querySelectorAll('table.sortable')[1].tHead.rows[0].cells[{sessions}].click();"
        "document.body.dataset.first = window.first.join('|');"
    )
    clicked = tmp_path / "clicked.html"
    clicked.write_text(page.replace("</body>", f"<script>addEventListener('load', () => {{{clicks}}});</script></body>"), encoding="utf-8")
    dom = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=2000", "--dump-dom", clicked.as_uri()],
        capture_output=True, timeout=60, check=True, text=True,
    ).stdout  # fmt: skip
    tables = re.findall(r'<table class="sortable">.*?<tbody>(.*?)</tbody>', dom, re.S)
    names = [unescape(re.findall(r"<td>(.*?)</td>", row)[0]) for row in re.findall(r"<tr>(.*?)</tr>", tables[0], re.S)]
    first = unescape(re.search(r"data-first=\"([^\"]*)\"", dom).group(1)).split("|")
    by_average = {name: _figure(row, summary) for name, row in zip(names, re.findall(r"<tr>(.*?)</tr>", tables[0], re.S))}
    assert first == sorted(by_average, key=by_average.get)  # ascending at the first click
    assert names == sorted(by_average, key=by_average.get, reverse=True)  # descending at the second
    totals = [_figure(row, sessions) for row in re.findall(r"<tr>(.*?)</tr>", tables[1], re.S)]
    assert totals == sorted(totals) and len(totals) == 7


def _column_of(page: str, table: int, header: str) -> int:
    heads = re.findall(r'<table class="sortable">\n<thead><tr>(.*?)</tr></thead>', page)[table]
    return re.findall(r"<th>(.*?)</th>", heads).index(header)


def _figure(row: str, column: int) -> float:
    cell = re.findall(r"<td[^>]*>.*?</td>", row)[column]
    found = re.search(r'data-v="([^"]+)"', cell)
    return float(found.group(1)) if found else float("-inf")


def test_same_records_give_the_same_bytes(records, tmp_path, capsys):
    for fmt in ("csv", "xlsx", "html", "json"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        assert export(tmp_path, capsys, "-o", str(first))[0] == 0
        assert export(tmp_path, capsys, "-o", str(second))[0] == 0
        assert first.read_bytes() == second.read_bytes(), fmt
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {to_xlsx.ZIP_DATE}
    properties = openpyxl.load_workbook(tmp_path / "a.xlsx").properties
    assert properties.modified == datetime(2026, 11, 6, 9, 0)  # the newest session, not "now"


# -- filters and bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (["--trainee", "小李"], [1, 2, 3, 7]),
        (["--cohort", "二班"], [4, 5]),
        (["--scenario", "water_purifier_bargain"], [5]),
        (["--since", "2026-11-03"], [3, 5, 6, 7]),
        (["--until", "2026-11-02"], [1, 2, 4]),
        (["--since", "2026-11-02T09:30+00:00", "--until", "2026-11-04"], [4, 3, 5]),
        (["--trainee", "小李", "--since", "2026-11-02", "--until", "2026-11-03"], [2, 3]),
    ],
)
def test_filters(records, tmp_path, capsys, filters, ids):
    path = tmp_path / "scores.json"
    assert export(tmp_path, capsys, "-o", str(path), *filters)[0] == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [s["id"] for s in document["sessions"]] == ids
    assert document["filters"] != "全部记录"


def test_empty_filters_write_nothing(records, tmp_path, capsys):
    path = tmp_path / "scores.xlsx"
    code, _, err = export(tmp_path, capsys, "-o", str(path), "--trainee", "nobody")
    assert code == 1 and not path.exists()
    assert err == "roleplay: 没有符合条件的练习记录（学员：nobody），未写出文件\n"


def test_bad_input_is_one_line(records, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cases = [
        (["-o", str(tmp_path / "x.csv"), "--since", "2026-13-01"], 2, "--since 的日期无效"),
        (["-o", str(tmp_path / "x.txt")], 2, "请用 --format 指定"),
        (["-o", str(tmp_path / "missing" / "x.csv")], 1, "无法写入"),
        (["-o", str(tmp_path / "x.csv"), "--db", str(blocker / "db")], 1, "没有这个记录数据库"),
    ]
    for args, expected, message in cases:
        code, _, err = export(tmp_path, capsys, *args)
        assert (code, err.count("\n")) == (expected, 1) and message in err, err


def test_sessions_on_one_day_are_told_apart_by_their_time_on_the_trend():
    """Two sessions on 12-01 used to share the label 12-01; a day with one session keeps the date."""
    from roleplay.export.to_html import trend_svg

    day = datetime(2026, 12, 1, 9, 0)
    svg = trend_svg([(day, 50.0), (day.replace(hour=14, minute=30), 70.0), (datetime(2026, 12, 2, 9), 80.0)], 60)
    assert ">12-01 09:00<" in svg and ">12-01 14:30<" in svg and ">12-02<" in svg


#: The size the README promises for the HTML sheet: about 2.5 KB per session of three replies.
HTML_BYTES_PER_SESSION = 3000


@pytest.mark.skipif(chromium() is None, reason="no chromium binary found: cannot render the HTML score sheet")
def test_an_html_sheet_of_ten_thousand_sessions_opens_folded_and_stays_small(library, tmp_path, capsys):
    from roleplay.grade import grade_text

    log = {"id": "c", "scenario": "air_fryer_fab", "turns": [
        {"role": "customer", "text": "这个好在哪?", "at": 0},
        {"role": "agent", "text": "亲，这款采用360°热风循环技术，不用翻面，您全家吃得更健康。", "at": 6},
        {"role": "customer", "text": "多大容量?", "at": 20},
        {"role": "agent", "text": "5L的，一家三四口够用，今天下单还送硅胶垫哦", "at": 31},
        {"role": "customer", "text": "能便宜点吗", "at": 40},
        {"role": "agent", "text": "爱买不买", "at": 90},
    ]}  # fmt: skip
    [result], _ = grade_text(json.dumps(log, ensure_ascii=False), library)
    db = tmp_path / "records.db"
    with Store.open(db) as store:
        for trainee in range(5):
            graded = [({**result, "id": f"c{n}"}, "空气炸锅卖点咨询", 60.0) for n in range(2000)]
            store.save_graded_batch(graded, trainee=f"学员{trainee}", cohort="一班")
    path = tmp_path / "scores.html"
    assert export(tmp_path, capsys, "--db", str(db), "-o", str(path))[0] == 0
    page = path.read_text(encoding="utf-8")
    assert page.count('<details class="session">') == 10_000 and "<details open" not in page
    assert path.stat().st_size < 10_000 * HTML_BYTES_PER_SESSION
    png = tmp_path / "scores.png"
    subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=1200,1600", path.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 30_000  # drawn, not blank
