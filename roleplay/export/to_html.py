"""HTML: one self-contained page (no scripts, fonts or images from the network) to read or print.

Its tables sort by a click on a column's header (again: the other way): trainees by name in
pinyin order, by a score or by a rate, side by side; one small inline script does it, and
without it the page reads the same (the rows come in pinyin order, newest sessions first).

The per-trainee summary table and where customers were lost (流失环节), then for each trainee a
radar of the criterion averages, the trend of session totals over time (inline SVG), what to
practise next (each criterion below the coaching mark with the scenario to assign and the
trainee's worst reply of it) and, folded away, every session's conversation: each
reply with the marks the trainee saw, its score, the advice, the model answer and any review
(trainee → session → reply, so a sheet of ten thousand sessions opens folded). Then every session
as a table. Print CSS keeps a trainee's charts on one page.

Text from records and content is escaped and shown without control characters; the tables' cells
are text as in the CSV (a cell that starts like a formula prefixed with '), so a table pasted or
opened in a spreadsheet runs nothing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from html import escape
from pathlib import Path

from roleplay.export.coaching import Focus, LossPoint
from roleplay.export.conversations import ReplyView, SessionView
from roleplay.export.sheet import ScoreSheet, Table, TraineeChart
from roleplay.text.safe import cell_text, without_controls

CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif;
       margin: 24px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; border-bottom: 2px solid #4a7ebb; padding-bottom: 4px; margin-top: 28px; }
.filters { color: #666; margin: 0 0 16px; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ccd; padding: 4px 8px; text-align: left; white-space: nowrap; }
th { background: #ddebf7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; user-select: none; }
.focus h3 { font-size: 15px; margin: 8px 0 4px; }
.focus ol { margin: 0; padding-left: 22px; font-size: 14px; }
.focus .example { color: #555; }
table.sortable th[aria-sort=ascending]::after { content: " ▲"; }
table.sortable th[aria-sort=descending]::after { content: " ▼"; }
.trainee { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.trainee figure { margin: 0; }
figcaption { font-size: 13px; color: #444; text-align: center; }
svg text { font-size: 12px; fill: #333; }
details { margin: 6px 0; }
summary { cursor: pointer; }
details.sessions > summary { font-weight: bold; }
details.session { margin-left: 16px; font-size: 14px; }
ol.replies { margin: 4px 0 12px; padding-left: 24px; }
ol.replies li { margin: 8px 0; }
.customer { color: #555; margin: 0; }
.reply { margin: 2px 0; }
.meta, .advice, .model, .review { font-size: 13px; margin: 2px 0; color: #444; }
.review { color: #8a4b00; }
mark { padding: 0 1px; border-radius: 2px; }
mark.k-F { background: #d4edda; } mark.k-A { background: #d1ecf1; } mark.k-B { background: #f3d9fa; }
mark.k-forbidden { background: #f8d7da; } mark.k-closing { background: #fff3cd; } mark.k-accuracy { background: #cfe2ff; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  .wide { overflow: visible; }
  section { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 10px; }
  th, td { white-space: normal; padding: 2px 4px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
RADAR_WIDTH, RADAR_HEIGHT, RADAR_RADIUS = 460, 320, 110  # wide: labels sit beside the axes
TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 520, 240, 40
NUMERIC = ("int", "score", "seconds", "rate")


#: Sorting a table by a click on a header (again: the other way). Figures by their data-v value,
#: empty ones last; text in pinyin order (the browser's Chinese collation). A stable sort, so rows
#: that tie keep the order they had.
SORT_SCRIPT = """
document.addEventListener("DOMContentLoaded", () => {
  const pinyin = new Intl.Collator("zh-CN-u-co-pinyin", {numeric: true});
  const value = cell => cell.classList.contains("num")
    ? (cell.dataset.v === undefined ? -Infinity : parseFloat(cell.dataset.v)) : cell.textContent;
  for (const table of document.querySelectorAll("table.sortable")) {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((head, column) => head.addEventListener("click", () => {
      const down = head.getAttribute("aria-sort") === "ascending";
      heads.forEach(other => other.removeAttribute("aria-sort"));
      head.setAttribute("aria-sort", down ? "descending" : "ascending");
      const rows = Array.from(table.tBodies[0].rows);
      rows.sort((a, b) => {
        const x = value(a.cells[column]), y = value(b.cells[column]);
        const order = typeof x === "number" ? (x > y) - (x < y) : pinyin.compare(x, y);
        return down ? -order : order;
      });
      table.tBodies[0].append(...rows);
    }));
  }
});
"""


def files(sheet: ScoreSheet, path: Path) -> dict[Path, bytes]:
    return {path: page(sheet).encode("utf-8")}


def page(sheet: ScoreSheet) -> str:
    folded = dict(sheet.conversations() if sheet.conversations else [])
    focus = sheet.focus or {}
    trainees = "\n".join(
        trainee_section(c, sheet.pass_mark, folded.get(c.trainee), focus.get(c.trainee)) for c in sheet.charts
    )
    filters = f'<p class="filters">筛选条件：{html_text(sheet.filters)}</p>' if sheet.filters else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{html_text(sheet.title)}</title>
<style>{CSS}</style>
<script>{SORT_SCRIPT}</script>
</head>
<body>
<h1>{html_text(sheet.title)}</h1>
{filters}
<h2>学员汇总</h2>
{table_html(sheet.summary, sortable=True)}
{losses_html(sheet.losses)}
{trainees}
<h2>成绩明细</h2>
{table_html(sheet.sessions, sortable=True)}
</body>
</html>
"""


def html_text(value: str) -> str:
    """Text from records or content as the page shows it: escaped, without control characters."""
    return escape(without_controls(value))


def table_html(table: Table, sortable: bool = False) -> str:
    """A table whose cells are harmless text (figures as they are): pasted or opened in a
    spreadsheet, no cell is a formula. ``sortable``: a click on a header sorts by that column (a
    figure's cell carries its value, so 9.5 sorts before 10 and an empty cell last)."""
    head = "".join(f"<th>{escape(cell_text(c.header))}</th>" for c in table.columns)
    body = "\n".join(
        "<tr>" + "".join(_cell_html(c.kind, row[c.key], c.cell(row[c.key]), sortable) for c in table.columns) + "</tr>"
        for row in table.rows
    )
    classes = ' class="sortable"' if sortable else ""
    return f'<div class="wide"><table{classes}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>'


def _cell_html(kind: str, value: object, text: str, sortable: bool) -> str:
    if kind not in NUMERIC:
        return f"<td>{escape(text)}</td>"
    number = f' data-v="{value}"' if sortable and isinstance(value, int | float) and not isinstance(value, bool) else ""
    return f"<td class=num{number}>{escape(text)}</td>"


def trainee_section(
    chart: TraineeChart,
    pass_mark: float | None,
    sessions: list[SessionView] | None = None,
    focus: list[Focus] | None = None,
) -> str:
    folded = (
        f'<details class="sessions"><summary>逐场复盘（{len(sessions)} 场）</summary>\n'
        + "\n".join(session_html(s) for s in sessions)
        + "\n</details>"
        if sessions
        else ""
    )
    return f"""<section>
<h2>{html_text(chart.trainee)}</h2>
<div class="trainee">
<figure>{radar_svg(chart.averages)}<figcaption>各项平均分（满分100）</figcaption></figure>
<figure>{trend_svg(chart.trend, pass_mark)}<figcaption>总分趋势</figcaption></figure>
</div>
{focus_html(focus)}
{folded}
</section>"""


def focus_html(focus: list[Focus] | None) -> str:
    """What the trainee should practise next: each criterion below the coaching mark, worst first,
    with the scenario to assign and the trainee's own worst reply of it."""
    if focus is None:
        return ""
    if not focus:
        return '<p class="focus">下一步：各项都已达到辅导线，保持练习。</p>'
    items = "\n".join(
        f"<li><b>{html_text(f.label)} {f.average:.0f}</b>"
        + (f" → 建议练「{html_text(f.scenario)}」" if f.scenario else "")
        + (f"<br><span class=example>例：{html_text(f.example)}</span>" if f.example else "")
        + "</li>"
        for f in focus
    )
    return f'<div class="focus"><h3>下一步练习（优先辅导）</h3>\n<ol>\n{items}\n</ol></div>'


def losses_html(points: list[LossPoint] | None) -> str:
    """流失环节: where practice customers left, and why, most lost first."""
    if not points:
        return ""
    rows = "\n".join(
        f"<tr><td>{escape(cell_text(p.scenario))}</td><td>{escape(cell_text(p.step))}</td><td class=num>{p.lost}</td>"
        f"<td>{escape('，'.join(f'{reason} {n}' for reason, n in p.reasons))}</td></tr>"
        for p in points
    )
    lost = sum(p.lost for p in points)
    return (
        f"<h2>流失环节（{lost} 场流失）</h2>\n"
        '<div class="wide"><table>\n<thead><tr><th>场景</th><th>环节（顾客刚说）</th><th>流失场次</th><th>原因</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table></div>"
    )


def session_html(session: SessionView) -> str:
    """One session, folded: its title, then every reply with the customer's words it answered."""
    replies = "\n".join(reply_html(r) for r in session.replies) or "<li>（没有回复）</li>"
    return f'<details class="session"><summary>{html_text(session.title)}</summary><ol class="replies">\n{replies}\n</ol></details>'



def reply_html(reply: ReplyView) -> str:
    """A reply as the trainee saw it: marked, scored, advised, with the model answer and reviews."""
    marked = "".join(
        f'<mark class="k-{escape(p.kind)}" title="{html_text(p.label)}">{html_text(p.text)}</mark>'
        if p.kind
        else html_text(p.text)
        for p in reply.pieces
    )
    seconds = f" · 用时 {reply.seconds:.1f} 秒" if reply.seconds is not None else ""
    advice = "".join(f'<p class="advice">· {html_text(name)}：{html_text(said)}</p>' for name, said in reply.advice)
    model = f'<p class="model">参考话术：{html_text(reply.model_answer)}</p>' if reply.model_answer else ""
    review = f'<p class="review">复核：{html_text(reply.reviews)}</p>' if reply.reviews else ""
    return (
        f'<li value="{reply.number}"><p class="customer">顾客：{html_text(reply.customer)}</p>'
        f'<p class="reply">{marked}</p><p class="meta">本句得分 {reply.total:.0f}{seconds}</p>{advice}{model}{review}</li>'
    )


def radar_svg(averages: list[tuple[str, float | None]]) -> str:
    """A polygon over the criteria: one axis each, 0 at the centre, 100 on the outer ring."""
    cx, cy = RADAR_WIDTH / 2, RADAR_HEIGHT / 2
    count = max(len(averages), 3)

    def point(index: int, value: float, radius: float = RADAR_RADIUS) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return cx + radius * value / 100 * math.cos(angle), cy + radius * value / 100 * math.sin(angle)

    def points(pairs: Iterable[tuple[int, float]]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in pairs))

    rings = "".join(
        f'<polygon points="{points((i, level) for i in range(count))}" fill="none" stroke="#ccd"/>'
        for level in (20, 40, 60, 80, 100)
    )
    axes, labels = [], []
    for index, (label, average) in enumerate(averages):
        x, y = point(index, 100)
        axes.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccd"/>')
        lx, ly = point(index, 100, RADAR_RADIUS + 14)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        shown = "—" if average is None else f"{average:.0f}"
        labels.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}">{html_text(label)} {shown}</text>'
        )
    # A criterion that never applied (—) has no vertex, rather than a misleading 0.
    shape = points((i, v) for i, (_, v) in enumerate(averages) if v is not None)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{RADAR_WIDTH}" height="{RADAR_HEIGHT}" '
        f'viewBox="0 0 {RADAR_WIDTH} {RADAR_HEIGHT}" role="img" aria-label="各项平均分雷达图">'
        f'{rings}{"".join(axes)}'
        f'<polygon points="{shape}" fill="#4a7ebb" fill-opacity="0.35" stroke="#2f5d95" stroke-width="2"/>'
        f'{"".join(labels)}</svg>'
    )


def trend_svg(trend: list[tuple[datetime, float]], pass_mark: float | None) -> str:
    """Session totals in time order, evenly spaced, with the pass mark dashed."""
    left, right = TREND_PAD, TREND_WIDTH - TREND_PAD / 2
    top, bottom = TREND_PAD / 2, TREND_HEIGHT - TREND_PAD
    first, last = left + TREND_PAD / 2, right - TREND_PAD / 2  # points clear of the axis labels

    def y(score: float) -> float:
        return bottom - (bottom - top) * score / 100

    def x(index: int) -> float:
        return (first + last) / 2 if len(trend) == 1 else first + (last - first) * index / (len(trend) - 1)

    grid = "".join(
        f'<line x1="{left}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" stroke="#eee"/>'
        f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>'
        for v in range(0, 101, 20)
    )
    mark = (
        f'<line x1="{left}" y1="{y(pass_mark):.1f}" x2="{right}" y2="{y(pass_mark):.1f}" '
        f'stroke="#d9534f" stroke-dasharray="6 4"/>'
        f'<text x="{right}" y="{y(pass_mark) - 4:.1f}" text-anchor="end" fill="#d9534f">及格线 {pass_mark:g}</text>'
        if pass_mark is not None
        else ""
    )
    points = [(x(i), y(total), when, total) for i, (when, total) in enumerate(trend)]
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
    dots = "".join(
        f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#2f5d95">'
        f"<title>{when:%Y-%m-%d %H:%M} {total:.1f}</title></circle>"
        f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle">{total:.0f}</text>'
        for px, py, when, total in points
    )
    days = Counter(when.date() for _, _, when, _ in points)
    dates = "".join(
        f'<text x="{px:.1f}" y="{bottom + 18}" text-anchor="middle">{_when(when, days)}</text>'
        for px, _, when, _ in (points[i] for i in _tick_indices(len(points)))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{TREND_WIDTH}" height="{TREND_HEIGHT}" '
        f'viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}" role="img" aria-label="总分趋势图">'
        f'{grid}{mark}<polyline points="{line}" fill="none" stroke="#2f5d95" stroke-width="2"/>'
        f"{dots}{dates}</svg>"
    )


def _when(when: datetime, days: Counter) -> str:
    """A point's label: its day, and its time of day where the day has more than one session
    (two sessions on 12-01 are 12-01 09:00 and 12-01 14:30, not 12-01 twice)."""
    return f"{when:%m-%d %H:%M}" if days[when.date()] > 1 else f"{when:%m-%d}"


def _tick_indices(count: int) -> list[int]:
    """Which points get a date label: all when few, else about six, always the first and last."""
    step = max(1, math.ceil(count / 6))
    indices = [*range(0, count - 1, step), count - 1]
    if len(indices) > 2 and indices[-1] - indices[-2] < step / 2:
        del indices[-2]  # too close to the last label
    return indices
