"""The Textual app: one factory shared by the CLI and the tests.

The first screen appears at once; content and jieba's dictionary load in a background thread
worker and the home screen lists the scenarios when they are ready.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from roleplay.tui.settings import Settings

if TYPE_CHECKING:
    from roleplay.content.library import Library
    from roleplay.content.models import QuickReply, Scenario
    from roleplay.records.store import Store
    from roleplay.tui.report_view import ReportView


@dataclass
class AppOptions:
    """Everything the app can be started with; tests freeze the clocks and typing delays."""

    content: list[str] = field(default_factory=list)
    env: str | None = None  # ROLEPLAY_PATH override (tests pass "")
    scenario: str | None = None  # open this scenario's card first
    seed: int | None = None  # None: a new seed per session (shown on the report)
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = datetime.now
    typing_factor: float = 1.0  # 0 shows customer messages without "typing…" delays
    settings_path: Path | None = None
    frozen: bool = False  # no blinking cursor or timers that change the screen (snapshots)
    db: Path | None = None  # records database (None: ROLEPLAY_DB or the user data dir)
    record: bool = True  # keep every session in the records database
    trainee: str = ""  # the trainee's name (else the one remembered); with scenario, the chat opens at once
    cohort: str = ""  # the trainee's cohort (班组), recorded with every session
    free: tuple[str, str] | None = None  # free practice: (product card id, persona id), opened like scenario
    remember: bool = True  # False in a training room (roleplay serve): tabs share no settings


class RoleplayApp(App):
    """电商售前客服情景对练."""

    CSS_PATH = "roleplay.tcss"
    TITLE = "客服情景对练"
    SUB_TITLE = "roleplay"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # Textual's command palette is English-only and offers nothing a trainee needs.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f1", "help", "帮助"),
        Binding("ctrl+q", "quit", "退出", priority=True),
    ]

    ready: reactive[bool] = reactive(False)

    def __init__(self, options: AppOptions | None = None) -> None:
        super().__init__()
        self.options = options or AppOptions()
        # a corrupt settings file is ignored, and the trainee told so once the app shows
        self.settings, self.settings_warning = (
            Settings.load(self.options.settings_path) if self.options.remember else (Settings(), None)
        )
        self.library: Library | None = None
        self.quick_replies: list[QuickReply] = []
        self.load_problems: list[str] = []  # content files with errors
        self.load_error: str | None = None
        self.store: Store | None = None
        #: The scenario named on the command line was opened (back home, the trainee chooses).
        self.started_named = False

    def on_mount(self) -> None:
        from roleplay.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.settings_warning:
            self.notify(self.settings_warning, severity="warning", timeout=10, markup=False)
        self.load_content()

    @work(thread=True, exclusive=True, group="load")
    def load_content(self) -> None:
        """Content, the segmenter and the rubrics' scorers, off the UI thread (a few seconds on two cores)."""
        try:
            from roleplay.content.library import load_library
            from roleplay.rubric.scorer import scorer_for
            from roleplay.text import segment

            library = load_library(self.options.content, env=self.options.env)
            segment.load()
            for rubric in library.rubrics.values():
                scorer_for(rubric)  # rules compiled and tone learned here: the first practice starts at once
        except Exception as exc:  # a broken install must show on screen, not kill the UI
            self.call_from_thread(self._failed, f"{type(exc).__name__}: {exc}")
            return
        store = self._open_store()
        # The trainee is told how many files are broken; warnings are for trainers (validate).
        broken = sorted({p.path for p in library.problems if p.severity == "error"})
        self.call_from_thread(self._loaded, library, broken, store)

    def _open_store(self) -> Store | None:
        """The records database; practice goes on without it (one warning) if it cannot be opened."""
        if not self.options.record:
            return None
        from roleplay.records.store import RecordError, Store

        try:
            return Store.open(self.options.db)
        except RecordError as exc:
            self.call_from_thread(self.notify, exc.warning(), severity="warning", timeout=10)
            return None

    def _loaded(self, library: Library, problems: list[str], store: Store | None) -> None:
        if self.options.free is not None:  # 自由对练 from the command line: its scenario joins the cards
            from roleplay.errors import NotFound

            try:
                self.options.scenario = library.free_practice(*self.options.free).id
            except NotFound as exc:
                self.notify(str(exc), severity="error", timeout=15)
        self.library, self.load_problems, self.store = library, problems, store
        self.quick_replies = library.quick_replies
        self.ready = True

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    def _failed(self, message: str) -> None:
        self.load_error = message
        self.ready = True

    def action_help(self) -> None:
        from roleplay.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # Navigation: screens ask the app to open another screen, so no screen imports another and
    # none imports the app at runtime (the app imports each screen when it is first opened).

    def open_chat(
        self,
        scenario: Scenario,
        *,
        trainee: str,
        mode: str,
        time_limit_min: int = 0,
        seed: int | None = None,
        replace: bool = False,
    ) -> None:
        """A practice or exam conversation; ``replace``: instead of the current screen (a retry
        from the report), else on top of it."""
        from roleplay.tui.screens.chat import ChatScreen

        self._show(ChatScreen(scenario, trainee=trainee, mode=mode, time_limit_min=time_limit_min, seed=seed), replace)

    def open_report(
        self, view: ReportView, *, retry: dict | None = None, back_home: bool = True, notice: str = "",
        replace: bool = False,
    ) -> None:
        """The report of a session just finished (``replace``: instead of its chat) or recorded."""
        from roleplay.tui.screens.report import ReportScreen

        self._show(ReportScreen(view, retry=retry, back_home=back_home, notice=notice), replace)

    def open_history(self, trainee: str) -> None:
        from roleplay.tui.screens.history import HistoryScreen

        self._show(HistoryScreen(trainee), replace=False)

    def _show(self, screen: Screen, replace: bool) -> None:
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def remember(self, **changes: object) -> None:
        """Update and save the settings (the trainee's name is remembered between runs; in a
        training room, where the next tab is another trainee, only for this tab)."""
        for key, value in changes.items():
            setattr(self.settings, key, value)
        if self.options.remember:
            self.settings.save(self.options.settings_path)


def create_app(options: AppOptions | None = None) -> RoleplayApp:
    return RoleplayApp(options)
