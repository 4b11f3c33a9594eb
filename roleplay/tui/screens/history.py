"""History: the trainee's own trend (a sparkline of session totals with the first, best and latest),
then the recorded sessions, newest first; Enter opens a report from the records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from roleplay.text.safe import shown
from roleplay.text.width import fit

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp

#: A session's total as a bar on a 0–100 scale (a sparkline that an 83 beside a 73 cannot exaggerate).
BARS = "▁▂▃▄▅▆▇█"
#: The newest sessions the trend shows.
TREND_SESSIONS = 60

#: Column widths in cells: the longest shipped title (a longer one is cut with …), and 拍下未付（中断）.
TITLE_CELLS = 34
OUTCOME_CELLS = 16


class HistoryScreen(Screen):
    app: RoleplayApp

    BINDINGS = [Binding("escape,h", "app.pop_screen", "返回首页")]

    def __init__(self, trainee: str) -> None:
        super().__init__()
        self.trainee = trainee

    DEFAULT_CSS = """
    #history-trend { margin: 0 1; display: none; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="history-status")
        yield Static(id="history-trend")
        yield OptionList(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "练习记录"
        self.sub_title = shown(f"学员：{self.trainee}")
        status = self.query_one("#history-status", Static)
        store = self.app.store
        if store is None:
            status.update(Text("记录数据库不可用，无法查看历史。", "bold red"))
            return
        from roleplay.records.errors import RecordError

        try:
            found = store.sessions(trainee=self.trainee, with_turns=False)
        except RecordError as exc:  # a records server that went away: say so, not a crash
            status.update(Text(shown(f"无法读取练习记录：{exc}"), "bold red"))
            return
        sessions = sorted(found, key=lambda s: s.started_at, reverse=True)
        status.update(f"共 {len(sessions)} 场练习。选择一场按 Enter 查看报告。" if sessions else "还没有练习记录。")
        self._show_trend([(s.total, s.passed) for s in reversed(sessions) if s.total is not None])
        options = self.query_one(OptionList)
        options.add_options(Option(self._row(stored), id=str(stored.id)) for stored in sessions)
        if sessions:
            options.highlighted = 0
        options.focus()

    def _show_trend(self, sessions: list[tuple[float, bool]]) -> None:
        """The trainee's session totals, oldest to newest, one bar each on a 0–100 scale (green: passed),
        with where she started, her best and her latest."""
        if len(sessions) < 2:
            return  # one session is no trend
        totals = [total for total, _ in sessions]
        line = Text(f"总分趋势：首次 {totals[0]:.0f} · 最好 {max(totals):.0f} · 最近 {totals[-1]:.0f}（{len(totals)} 场）  ")
        for total, passed in sessions[-TREND_SESSIONS:]:
            line.append(BARS[min(len(BARS) - 1, int(max(total, 0) / 100 * len(BARS)))], "green" if passed else "red")
        trend = self.query_one("#history-trend", Static)
        trend.update(line)
        trend.display = True

    @staticmethod
    def _row(stored) -> Text:
        """One session per line, in columns measured in terminal cells (CJK is two wide)."""
        when = stored.started_at.astimezone().strftime("%m-%d %H:%M")
        total = "   —" if stored.total is None else f"{stored.total:5.1f}"
        row = Text(f"{when}  {fit(shown(stored.scenario_title or '—'), TITLE_CELLS)}  ")
        row.append(fit(stored.outcome_label, OUTCOME_CELLS), "bold")
        row.append(f"  {total} 分  ", "green" if stored.passed else "red")
        row.append(stored.mode_label, "dim")
        return row

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from roleplay.tui.report_view import view_of_stored

        stored = self.app.store.session(event.option.id)
        rubric = self.app.library.rubrics.get(stored.rubric_id) if self.app.library else None
        self.app.open_report(view_of_stored(stored, rubric), back_home=False)
