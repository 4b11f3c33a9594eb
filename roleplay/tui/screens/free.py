"""自由对练: pick a product card and a customer, over the home screen; no scenario file needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from roleplay.labels import shopper_name

if TYPE_CHECKING:
    from roleplay.content.library import Library

#: What the screen returns: (product card id, persona id), or None when cancelled.
Choice = tuple[str, str] | None


class FreePracticeScreen(ModalScreen[Choice]):
    """Two lists (the card, the customer) and a start button; F6 starts too, Esc goes back.

    Enter belongs to the lists (it opens and picks), so starting is the button or F6."""

    BINDINGS = [
        Binding("f6", "start", "开始对练"),
        Binding("escape", "cancel", "返回"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        cards = sorted(self.library.products.values(), key=lambda c: c.id)
        personas = sorted(self.library.personas.values(), key=lambda p: p.id)
        with Vertical(id="free"):
            yield Static("自由对练：任选一张商品卡和一位顾客", id="free-title")
            yield Label("商品")
            yield Select([(f"{c.name}  ¥{c.price:g}", c.id) for c in cards], allow_blank=False, id="free-product")
            yield Label("顾客")
            yield Select(
                [(shopper_name(p.name, p.archetype), p.id) for p in personas], allow_blank=False, id="free-persona"
            )
            yield Button("开始对练 (F6)", variant="primary", id="free-start")
            yield Static("Tab 切换    Enter 选择    F6 开始    Esc 返回", id="free-keys")

    def on_mount(self) -> None:
        self.query_one("#free-product", Select).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        product, persona = self.query_one("#free-product", Select), self.query_one("#free-persona", Select)
        self.dismiss((str(product.value), str(persona.value)))

    def action_cancel(self) -> None:
        self.dismiss(None)
