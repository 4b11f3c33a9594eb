"""Review: an instructor scores one criterion of one reply of a stored session again, with a reason.

The same review `roleplay review ID --turn N --criterion C --score S --reason …` keeps: it stands
beside the automatic score on the report and the sheets and survives rescoring. What the records
refuse (no such reply, a criterion that reply was not scored on, a score outside 0–100, no reason)
is said in the dialog, which stays open to be corrected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from roleplay.records.model import login_name
from roleplay.records.store import RecordError

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp
    from roleplay.tui.report_view import ReportView


class ReviewScreen(ModalScreen[bool]):
    """Ctrl+S (or 保存) keeps the review and answers True; Esc (or 取消) answers False."""

    app: RoleplayApp

    BINDINGS = [
        Binding("ctrl+s", "save", "保存复核"),
        Binding("escape", "cancel", "取消"),
    ]

    DEFAULT_CSS = """
    ReviewScreen { align: center middle; }
    #review-dialog { width: 72; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    #review-dialog Input, #review-dialog Select { margin-bottom: 1; }
    #review-error { color: $error; height: auto; }
    #review-buttons { height: auto; align-horizontal: right; }
    #review-buttons Button { margin-left: 2; }
    """

    def __init__(self, view: ReportView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        criteria = [(label, name) for name, label in self.view.labels.criteria.items() if name in self.view.score.criteria]
        with Vertical(id="review-dialog"):
            yield Static(Text(f"复核评分 · 记录 #{self.view.record_id}", "bold"))
            yield Label("第几句回复")
            yield Input(placeholder=f"1–{len(self.view.turns)}", type="integer", id="review-turn")
            yield Label("评分项")
            yield Select(criteria, prompt="选择评分项", id="review-criterion")
            yield Label("复核分数（0–100）")
            yield Input(placeholder="例如 80", type="number", id="review-score")
            yield Label("理由")
            yield Input(placeholder="学员和其他老师要看得懂为什么改分", id="review-reason")
            yield Label("复核人")
            yield Input(value=login_name(), id="review-by")
            yield Static(id="review-error")
            with Horizontal(id="review-buttons"):
                yield Button("保存", variant="primary", id="review-save")
                yield Button("取消", id="review-cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save() if event.button.id == "review-save" else self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it saves."""
        event.stop()
        if event.input.id == "review-by":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        error = self._saved()
        if error:
            self.query_one("#review-error", Static).update(Text(error))
        else:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def _saved(self) -> str | None:
        """Keep the review; what is wrong with it, if the records refuse it."""
        turn, score = self.query_one("#review-turn", Input).value, self.query_one("#review-score", Input).value
        criterion = self.query_one("#review-criterion", Select).value
        if not turn.strip().isdigit():
            return f"请填第几句回复（1–{len(self.view.turns)}）"
        if criterion is Select.NULL:
            return "请选择要复核的评分项"
        try:
            number = float(score)
        except ValueError:
            return "请填复核分数（0–100）"
        if self.app.store is None:
            return "记录数据库不可用，无法保存复核"
        reason, reviewer = self.query_one("#review-reason", Input).value, self.query_one("#review-by", Input).value
        try:
            self.app.store.add_review(self.view.record_id, int(turn), str(criterion), number, reason, reviewer.strip())
        except RecordError as exc:
            return str(exc)
        return None

