"""Side-panel widgets of the chat: product card, customer meters, quick replies, reply timer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

if TYPE_CHECKING:
    from roleplay.content.models import Product
    from roleplay.content.models import QuickReply
    from roleplay.engine.session import CustomerState

QUICK_KEYS = [f"f{n}" for n in range(2, 10)]


def product_text(product: Product) -> Text:
    """Everything on the card a trainee may need to answer: specs, price, promotions, stock…"""
    out = Text()
    out.append(f"{product.name}\n", "bold")
    out.append(f"¥{product.price:g}", "bold red")
    if product.original_price:
        out.append(f"  原价 ¥{product.original_price:g}", "dim strike")
    out.append(f"   库存 {product.stock}\n")
    for feature in product.features:
        out.append(f"◆{feature.name}", "bold cyan")
        if feature.advantage:
            out.append(f"：{feature.advantage}")
        if feature.benefit:
            out.append(f"（{feature.benefit}）", "dim")
        out.append("\n")
    for spec in product.specs:
        out.append(f"·{spec.name} {spec.value:g}{spec.unit}\n")
    for promotion in product.promotion_texts:
        out.append("优惠 ", "bold magenta")
        out.append(f"{promotion}\n")
    out.append("发货 ", "bold")
    out.append(f"{product.shipping}\n")
    out.append("退换 ", "bold")
    out.append(product.returns)
    for entry in product.faq:
        out.append("\n问 ", "bold")
        out.append(f"{entry.question}\n")
        out.append("答 ", "bold")
        out.append(entry.answer, "dim")
    return out


def meter(label: str, value: int, width: int = 12) -> Text:
    filled = round(value / 100 * width)
    colour = "green" if value >= 60 else "yellow" if value >= 30 else "red"
    out = Text(f"{label} ")
    out.append("█" * filled, colour)
    out.append("░" * (width - filled), "grey37")
    out.append(f" {value:3d}")
    return out


class Meters(Static):
    """The customer's mood, patience and interest (practice mode)."""

    def show(self, state: CustomerState) -> None:
        rows = [meter("心情", state.mood), meter("耐心", state.patience), meter("意向", state.interest)]
        self.update(Text("\n").join(rows))


def quick_keys(count: int) -> str:
    """The keys of the first ``count`` quick replies, as the help and the reply box name them:
    F2, F2–F8 ("" when there are none; one key each, from F2 up to F9)."""
    count = min(count, len(QUICK_KEYS))
    if not count:
        return ""
    return QUICK_KEYS[0].upper() + (f"–{QUICK_KEYS[count - 1].upper()}" if count > 1 else "")


def quick_text(quick: list[QuickReply]) -> Text:
    """The quick replies as one bar of keys and labels (F2 问候  F3 稍等 …), wrapping between
    entries, never inside one, when the chat column is narrow."""
    entries = []
    for key, phrase in zip(QUICK_KEYS, quick):
        entry = Text()
        entry.append(key.upper(), "bold reverse")
        entry.append(f" {phrase.label}".replace(" ", "\u00a0"))
        entries.append(entry)
    return Text("  ").join(entries)


class ReplyTimer(Static):
    """Seconds since the customer's last message, coloured at the rubric's latency norms."""

    seconds: reactive[float | None] = reactive(None)

    def __init__(self, good: float, first: float, hard: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.good, self.first, self.hard = good, first, hard
        self.is_first = True

    def band(self, seconds: float) -> str:
        norm = self.first if self.is_first else self.good
        return "good" if seconds <= norm else "slow" if seconds <= self.hard else "too-slow"

    def watch_seconds(self, seconds: float | None) -> None:
        self.remove_class("good", "slow", "too-slow")
        if seconds is None:
            self.update("⏱  --")
            return
        self.add_class(self.band(seconds))
        self.update(f"⏱ {seconds:4.0f}s")
