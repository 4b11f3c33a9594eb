"""Report: outcome, total and pass/fail, a bar per criterion, the radar chart, a per-turn review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from roleplay.labels import failure_reason
from roleplay.render import NO_REPLIES, latency_detail, parting_words, review_note, typing_speed
from roleplay.text.safe import shown
from roleplay.text.width import pad
from roleplay.tui.widgets.feedback import feedback_text
from roleplay.tui.widgets.radar import Radar

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp
    from roleplay.tui.report_view import ReportView

OUTCOME_STYLES = {"converted": "bold green", "unpaid": "bold yellow", "lost": "bold red", None: "bold"}


def bar(score: float | None, width: int = 20) -> Text:
    if score is None:
        return Text("·" * width + "  不适用", "grey50")
    filled = round(score / 100 * width)
    colour = "green" if score >= 80 else "yellow" if score >= 60 else "red"
    out = Text("█" * filled, colour)
    out.append("░" * (width - filled), "grey37")
    out.append(f" {score:5.1f}")
    return out


class ReportScreen(Screen):
    """Opened over the home screen after a session (h goes home) or over the history (h goes back)."""

    app: RoleplayApp

    BINDINGS = [
        Binding("r", "retry", "再练一次"),
        Binding("v", "review", "复核评分"),
        Binding("h,escape", "home", "返回首页"),
        Binding("h,escape", "back_to_history", "返回记录"),
    ]

    def __init__(
        self, view: ReportView, *, retry: dict | None = None, back_home: bool = True, notice: str = ""
    ) -> None:
        super().__init__()
        self.report = view
        self.retry = retry
        self.back_home = back_home  # False when opened from the history: going back returns there
        self.notice = notice
        self.labels = view.labels.criteria
        self.techniques = view.labels.techniques

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that work here: no retry without a scenario, "back" named for where it goes."""
        if action == "retry":
            return self.retry is not None
        if action == "review":  # an instructor's, of a stored session opened from the records (not
            # the trainee's own report just after practising)
            return not self.back_home and self.report.record_id is not None and self.app.store is not None
        if action in ("home", "back_to_history"):
            return (action == "home") == self.back_home
        return True

    def compose(self) -> ComposeResult:
        score = self.report.score
        yield Header()
        with VerticalScroll(id="report"):
            yield Static(self._headline(), id="headline")
            with Horizontal(id="report-top"):
                with Vertical(id="bars"):
                    yield Static(self._bars())
                yield Radar(
                    [(self.labels.get(n, n), r.score) for n, r in score.criteria.items() if r.score is not None],
                    id="radar",
                )
            yield Static(Text("逐句复盘", "bold underline"), id="review-title")
            for turn in self.report.turns:
                yield Static(self._turn(turn), classes="review")
            parting = parting_words(self.report.turns)
            if parting:
                yield Static(Text.assemble(("顾客最后说：", "bold cyan"), shown(parting, lines=True)), classes="review")
            if not self.report.turns:
                yield Static(Text(NO_REPLIES, "dim"), classes="review")
        yield Footer()

    def on_mount(self) -> None:
        view = self.report
        record = f"   记录 #{view.record_id}" if view.record_id is not None else ""
        self.title = shown(f"成绩报告 · {view.scenario_title}")
        self.sub_title = shown(f"学员：{view.trainee}   种子：{view.seed}{record}")

    def _headline(self) -> Text:
        report, score = self.report, self.report.score
        out = Text()
        out.append(f"结果：{report.outcome_label}", OUTCOME_STYLES[report.outcome])
        out.append(f"    总分 {score.total:.1f}", "bold")
        out.append(" / 100    ")
        out.append("通过" if score.passed else "未通过", "bold green" if score.passed else "bold red")
        out.append(f"（及格线 {score.pass_mark:g}）\n", "dim")
        if self.notice:
            out.append(self.notice + "\n", "bold yellow")
        if score.fatal:
            out.append(self.report.labels.fatal_line(score.fatal) + "\n", "bold red")
        if score.failed_outcome:
            out.append(f"未通过原因：{failure_reason(score.failed_outcome)}\n", "bold red")
        latency = latency_detail(score)
        if latency.get("average_s") is not None:
            first = latency.get("first_response_s")
            if first is not None:
                out.append(f"首次响应 {first:.1f}s  ")
            out.append(f"平均响应 {latency['average_s']:.1f}s  {typing_speed(latency)}")
        return out

    def _bars(self) -> Text:
        width = max((len(label) for label in self.labels.values()), default=0) * 2 + 2
        rows = [
            Text(pad(self.labels.get(name, name), width)) + bar(result.score)
            for name, result in self.report.score.criteria.items()
        ]
        return Text("\n").join(rows)

    def _turn(self, turn) -> Text:
        out = Text()
        out.append(f"[{turn.index + 1}] 顾客：", "bold cyan")
        out.append(shown(" / ".join(m.text for m in turn.answered)) or "—")
        out.append("\n")
        out.append_text(feedback_text(turn.text, turn.score, self.labels, self.techniques, ""))
        if turn.model_answer and turn.model_answer.strip() != turn.text.strip():
            out.append("\n参考话术：", "bold green")
            out.append(shown(turn.model_answer, lines=True))
        for review in getattr(turn, "reviews", ()):  # a stored session's instructor reviews
            out.append("\n复核：", "bold magenta")
            out.append(review_note(turn, review, self.labels.get(review.criterion, review.criterion)))
        return out

    def action_home(self) -> None:
        """Back to the home screen the session was started from (it lies below this one)."""
        self.app.pop_screen()

    def action_back_to_history(self) -> None:
        self.app.pop_screen()

    def action_review(self) -> None:
        from roleplay.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.report), self._reviewed)

    def _reviewed(self, saved: bool | None) -> None:
        """A kept review: the report again, from the records, with the review beside its score."""
        if not saved:
            return
        from roleplay.tui.report_view import view_of_stored

        stored = self.app.store.session(self.report.record_id)
        rubric = self.app.library.rubrics.get(stored.rubric_id) if self.app.library else None
        notice = "已保存复核：它与自动评分并列显示，重新评分也不会丢失。"
        self.app.switch_screen(ReportScreen(view_of_stored(stored, rubric), retry=self.retry, back_home=self.back_home, notice=notice))

    def action_retry(self) -> None:
        if not self.retry:
            return
        self.app.open_chat(replace=True, **self.retry)
