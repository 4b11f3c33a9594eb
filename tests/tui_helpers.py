"""Driving the trainee UI as a person would, with frozen clocks (shared by the UI tests)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from roleplay.tui.app import AppOptions, RoleplayApp, create_app


class FakeClock:
    """A monotonic clock the test moves by hand: replies take exactly the seconds we say."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_app(tmp_path: Path, clock: FakeClock | None = None, **overrides) -> RoleplayApp:
    options = AppOptions(
        env="",
        seed=1,
        clock=clock or FakeClock(),
        now=lambda: datetime(2026, 11, 22, 10, 0, 0),
        typing_factor=0,
        frozen=True,
        settings_path=tmp_path / "settings.json",
    )
    for key, value in overrides.items():
        setattr(options, key, value)
    return create_app(options)


async def settle(pilot) -> None:
    """Let workers (content loading, customer messages) finish and the screen refresh."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type into the focused widget as keystrokes would (the Input receives each character)."""
    focused = pilot.app.focused
    focused.insert_text_at_cursor(text)
    await pilot.pause()


async def start_scenario(pilot, scenario_id: str, trainee: str = "小李", exam: bool = False) -> None:
    """On the home screen: enter the name, choose the mode, pick the scenario card, press Enter."""
    await settle(pilot)
    home = pilot.app.screen
    await pilot.click("#trainee")
    await type_text(pilot, trainee)
    await pilot.press("enter")
    if exam:
        await pilot.press("f2")
    cards = home.query_one("#scenarios")
    ids = [card.scenario.id for card in cards.children]
    cards.index = ids.index(scenario_id)
    cards.focus()
    await pilot.press("enter")
    await settle(pilot)


async def reply(pilot, clock: FakeClock, text: str, seconds: float) -> None:
    """Wait ``seconds`` after the customer's message, type the reply and press Enter."""
    clock.advance(seconds)
    await pilot.click("#reply")
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def end_session(pilot) -> None:
    """Esc on the chat screen, then Enter to confirm: the session ends and the report opens."""
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
