"""Confirm: a yes/no question over the current screen (ending a session must not be one stray Esc)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Enter confirms, Esc (or n) cancels; the answer is the screen's result."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", "确定"),
        Binding("escape,n", "answer(False)", "取消"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, id="question")
            yield Static("Enter 确定    Esc 取消", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
