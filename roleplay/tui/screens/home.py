"""Home: the trainee's name, practice or exam mode, and the scenario cards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, ListItem, ListView, RadioButton, RadioSet, Select, Static

from roleplay.labels import DIFFICULTIES, shopper_name

if TYPE_CHECKING:
    from roleplay.content.models import Persona, Scenario
    from roleplay.tui.app import RoleplayApp

TIME_LIMITS = [("不限时", 0), ("3 分钟", 3), ("5 分钟", 5), ("10 分钟", 10)]


def card_text(scenario: Scenario, persona: Persona | None) -> Text:
    """A scenario card: title and difficulty, then customer and product."""
    who = shopper_name(persona.name, persona.archetype) if persona is not None else scenario.persona
    text = Text()
    text.append(scenario.title, "bold")
    text.append(f"  [{DIFFICULTIES[scenario.difficulty]}]\n", "yellow")
    text.append(f"顾客：{who}\n", "cyan")
    text.append(f"商品：{scenario.product.name}  ¥{scenario.product.price:g}", "dim")
    return text


class ScenarioCard(ListItem):
    def __init__(self, scenario: Scenario, persona: Persona | None) -> None:
        super().__init__(Static(card_text(scenario, persona)))
        self.scenario = scenario


class ScenarioList(ListView):
    """The scenario cards; Enter starts the highlighted one (and says so in the footer)."""

    BINDINGS = [Binding("enter", "select_cursor", "开始练习")]


class HomeScreen(Screen):
    app: RoleplayApp

    # F2, not Ctrl+E: the name box keeps Ctrl+E for "end of line".
    BINDINGS = [
        Binding("f2", "toggle_mode", "练习/考试"),
        Binding("f5", "history", "练习记录"),
        Binding("f6", "free_practice", "自由对练"),
        # from the name box (which has no use for them), ↑ ↓ go to the cards as Tab would
        Binding("down,up", "to_cards", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            with Horizontal(id="home-top"):
                with Vertical(id="who"):
                    yield Label("学员姓名")
                    yield Input(placeholder="请输入你的名字", id="trainee")
                with Vertical(id="mode-box"):
                    yield Label("模式")
                    with RadioSet(id="mode"):
                        yield RadioButton("练习模式（实时点评）", id="practice", value=True)
                        yield RadioButton("考试模式（结束后评分）", id="exam")
                with Vertical(id="limit-box"):
                    yield Label("考试限时")
                    yield Select(TIME_LIMITS, value=0, allow_blank=False, id="limit")
            yield Static("正在加载题库和分词词典…", id="status")
            yield ScenarioList(id="scenarios")
        yield Footer()

    def on_mount(self) -> None:
        settings = self.app.settings
        self.query_one("#trainee", Input).value = self.app.options.trainee or settings.trainee
        self.query_one("#exam", RadioButton).value = settings.mode == "exam"
        self.query_one("#limit", Select).value = settings.time_limit_min if settings.time_limit_min in {v for _, v in TIME_LIMITS} else 0
        trainee = self.query_one("#trainee", Input)
        if self.app.options.frozen:
            trainee.cursor_blink = False
        # A new trainee types their name while the scenarios load; a known one goes to the cards.
        (self.query_one("#scenarios", ListView) if trainee.value else trainee).focus()
        self._limit_for_mode()
        self.watch(self.app, "ready", self._show_scenarios)

    def action_to_cards(self) -> None:
        self.query_one("#scenarios", ListView).focus()

    def on_screen_resume(self) -> None:
        """Back home: the highlighted card is in view, so Enter starts the card the trainee sees."""
        cards = self.query_one("#scenarios", ListView)
        if cards.highlighted_child is not None:
            cards.scroll_to_widget(cards.highlighted_child, animate=False)

    def on_radio_set_changed(self) -> None:
        self._limit_for_mode()

    def _limit_for_mode(self) -> None:
        """The time limit applies to exams only."""
        self.query_one("#limit", Select).disabled = not self.query_one("#exam", RadioButton).value

    def _show_scenarios(self, ready: bool) -> None:
        if not ready:
            return
        status = self.query_one("#status", Static)
        if self.app.load_error or self.app.library is None:
            status.update(Text(f"题库加载失败：{self.app.load_error}", "bold red"))
            return
        library = self.app.library
    
        order = list(DIFFICULTIES)
        playable = [s for s in library.scenarios.values() if s.persona in library.personas and s.rubric in library.rubrics]
        scenarios = sorted(playable, key=lambda s: (order.index(s.difficulty), s.id))
        cards = self.query_one("#scenarios", ListView)
        cards.clear()
        cards.extend(ScenarioCard(s, library.personas.get(s.persona)) for s in scenarios)
        wanted = self.app.options.scenario
        found = next((i for i, s in enumerate(scenarios) if s.id == wanted), None)
        cards.index = found or 0
        message = f"题库已就绪：{len(scenarios)} 个场景。选择场景后按 Enter 开始。"
        if wanted and found is None:
            message = f"没有 ID 为 {wanted} 的场景（roleplay list 列出全部）。" + message
        if not scenarios:
            message = "没有可练习的场景：检查内容文件夹（--content / ROLEPLAY_PATH），运行 roleplay validate 查看问题。"
        if self.app.load_problems:
            message += f"（{len(self.app.load_problems)} 个内容文件有问题：{_file_names(self.app.load_problems)}，运行 roleplay validate 查看）"
        status.update(Text(message))  # file names are not markup
        if self.query_one("#trainee", Input).value and not self.query_one("#trainee", Input).has_focus:
            cards.focus()
        if found is not None and self.app.options.trainee and not self.app.started_named:
            # `roleplay play --scenario ID --trainee NAME`: straight into that conversation, once
            self.app.started_named = True
            self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "trainee":
            self.query_one("#scenarios", ListView).focus()

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        self.action_start()

    def action_toggle_mode(self) -> None:
        exam = self.query_one("#exam", RadioButton)
        (self.query_one("#practice", RadioButton) if exam.value else exam).value = True

    def action_history(self) -> None:
        trainee = self.query_one("#trainee", Input).value.strip()
        if not self.app.ready:
            self.notify("正在加载，请稍候…")
            return
        self.app.open_history(trainee)

    def action_start(self) -> None:
        cards = self.query_one("#scenarios", ListView)
        card = cards.highlighted_child
        if self._ready_to_start() and isinstance(card, ScenarioCard):
            self._open(card.scenario)

    def action_free_practice(self) -> None:
        """F6: 自由对练 — a product card and a customer of the trainee's choice."""
        from roleplay.tui.screens.free import FreePracticeScreen

        if not self._ready_to_start():
            return
        library = self.app.library
        if not library.products:
            self.notify("没有商品卡：在内容文件夹的 products/ 里添加（roleplay new product ID）", severity="warning")
            return

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                self._open(library.free_practice(*choice))

        self.app.push_screen(FreePracticeScreen(library), chosen)

    def _ready_to_start(self) -> bool:
        """Content loaded and a name typed; else the trainee is told what is missing."""
        if not self.app.ready or self.app.library is None:
            self.notify("题库还在加载，请稍候…")
            return False
        if not self.query_one("#trainee", Input).value.strip():
            self.notify("请先输入学员姓名", severity="warning")
            self.query_one("#trainee", Input).focus()
            return False
        return True

    def _open(self, scenario: Scenario) -> None:
        """The chat of ``scenario`` in the chosen mode; the name, mode and limit are remembered."""
        trainee = self.query_one("#trainee", Input).value.strip()
        mode = "exam" if self.query_one("#exam", RadioButton).value else "practice"
        chosen = int(self.query_one("#limit", Select).value or 0)  # remembered in practice too
        self.app.remember(trainee=trainee, mode=mode, time_limit_min=chosen)
        limit = chosen if mode == "exam" else 0
        self.app.open_chat(scenario=scenario, trainee=trainee, mode=mode, time_limit_min=limit)


def _file_names(paths: list[str], shown: int = 3) -> str:
    """The names of the first few content files with problems, so the trainer knows which to mend."""
    names = "、".join(Path(path).name for path in paths[:shown])
    return names + (" 等" if len(paths) > shown else "")
