"""Chat: the shop's customer-service client, with the simulated customer on the left."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.message import Message
from textual.widgets import Footer, Header, Static, TextArea

from roleplay.labels import OUTCOMES
from roleplay.render import rubric_labels
from roleplay.text.safe import shown
from roleplay.tui.widgets.feedback import feedback_text, legend
from roleplay.tui.widgets.panels import QUICK_KEYS, Meters, ReplyTimer, product_text, quick_keys, quick_text

if TYPE_CHECKING:
    from roleplay.content.models import Scenario
    from roleplay.engine.session import Message as CustomerMessage, Session, Turn
    from roleplay.records.store import SessionRecorder
    from roleplay.tui.app import RoleplayApp

#: Pause before the report opens, so the customer's last words can be read: this long, plus
#: her last messages at a reading pace (characters per second), at most ``END_PAUSE_MAX_S`` in
#: all (however long a content file's last line). Enter opens the report at once.
END_PAUSE_S = 3.0
READING_CPS = 6.0
END_PAUSE_MAX_S = 20.0


def reading_pause(last_words: list[str]) -> float:
    """Seconds the customer's last words stay in view before the report opens."""
    return min(END_PAUSE_MAX_S, END_PAUSE_S + sum(map(len, last_words)) / READING_CPS)


class Bubble(Static):
    """One chat message; customers on the left, the trainee on the right."""

    def __init__(self, who: str, when: str, body: Text | str, side: str) -> None:
        header = Text(f"{shown(who)}  ", "bold")
        header.append(when, "dim")
        content = Text("\n").join([header, body if isinstance(body, Text) else Text(shown(body, lines=True))])
        super().__init__(content, classes=f"bubble {side}")


class ReplyBox(TextArea):
    """The reply box, as chat clients have it: Enter sends, Shift+Enter or Ctrl+J breaks the
    line, and the box grows to a few lines as the reply does (CSS max-height), so a long reply
    is seen whole. It knows when the reply's first key was pressed, and whether part of it was
    pasted or a quick reply (then there is no typing speed to measure)."""

    #: Keys that break the line (terminals send Ctrl+J for a newline; few report Shift+Enter).
    NEWLINE_KEYS = frozenset({"shift+enter", "ctrl+j", "alt+enter"})

    @dataclass
    class Submitted(Message):
        """Enter was pressed: the reply as it stands."""

        box: ReplyBox
        value: str

    def __init__(self, placeholder: str = "", **kwargs) -> None:
        super().__init__(placeholder=placeholder, soft_wrap=True, highlight_cursor_line=False, **kwargs)
        self.first_key_at: float | None = None
        self.not_typed = False

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
        elif event.key in self.NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
        else:
            await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste keeps its lines, without the blank ones and trailing spaces a copy brings along."""
        event.prevent_default()
        event.stop()
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        if lines:
            self.not_typed = True
            self.insert("\n".join(lines))

    def insert_text_at_cursor(self, text: str) -> None:
        """Insert at the cursor, as typing would (quick replies, and the tests' typing)."""
        self.insert(text)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """The first key of a reply starts its typing time; an emptied box starts over."""
        if not self.text:
            self.first_key_at, self.not_typed = None, False
        elif self.first_key_at is None:
            self.first_key_at = self.app.options.clock()

    def typing_seconds(self, clock: float) -> float | None:
        """Seconds from the first key to now; None when part of the reply was not typed."""
        if self.not_typed or self.first_key_at is None:
            return None
        return clock - self.first_key_at


@dataclass(frozen=True, slots=True)
class QueuedReply:
    """A reply sent while the customer was still typing, as it stood at Enter."""

    text: str
    latency: float
    clock: float
    typing: float | None


class ChatScreen(Screen):
    app: RoleplayApp

    BINDINGS = [
        Binding("escape", "finish_asked", "结束并评分"),
        Binding("ctrl+t", "toggle_card", "商品卡"),
        *[Binding(key, f"quick({i})", f"快捷短语{i + 1}", show=False) for i, key in enumerate(QUICK_KEYS)],
    ]

    def __init__(
        self, scenario: Scenario, *, trainee: str, mode: str, time_limit_min: int = 0, seed: int | None = None
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.trainee = trainee
        self.mode = mode
        self.time_limit_s = time_limit_min * 60
        self.session: Session = self._new_session(seed)
        self.last_customer_at: float | None = None
        self.started_at = self.app.options.clock()
        self.last_sent_at: float | None = None
        self.delivering = False  # the customer's messages are still arriving
        #: A reply sent while she was still typing, sent when her messages are shown.
        self.queued: QueuedReply | None = None
        #: This round's seconds in which she typed a further message after her first unanswered
        #: one (the reply could not answer it yet), and when the follow-up she is typing began.
        self.excused = 0.0
        self.follow_up_since: float | None = None
        self.time_up = False
        self.closing = False
        self.recorder: SessionRecorder | None = None

    def _new_session(self, seed: int | None) -> Session:
        """A session with the given seed, else the app's, else a new one (shown on the report)."""
        from roleplay.engine.session import Session

        library = self.app.library
        seed = seed if seed is not None else self.app.options.seed
        if seed is None:
            seed = int(self.app.options.now().timestamp()) % 100000
        persona = library.persona(self.scenario.persona)
        return Session(self.scenario, persona, library.rubric(self.scenario.rubric), seed)

    # -- layout ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        latency = self.session.rubric.criterion("latency")
        yield Header()
        with Horizontal(id="chat-main"):
            with Vertical(id="chat-col"):
                yield VerticalScroll(id="log")
                yield Static("", id="typing")
                # the quick replies in reach whatever the side panel shows (hidden when narrow)
                yield Static(quick_text(self.app.quick_replies), id="quick")
                with Horizontal(id="input-row"):
                    yield ReplyBox(placeholder=self._placeholder(), id="reply")
                    yield ReplyTimer(latency.good_s, latency.first_reply_s, latency.hard_limit_s, id="timer")
                    if self.time_limit_s:
                        yield Static("", id="countdown")
            with VerticalScroll(id="side"):
                yield Static(product_text(self.scenario.product), id="card", classes="panel")
                if self.mode == "practice":
                    yield Meters(id="meters", classes="panel")
                    yield Static(legend(), id="legend", classes="panel")
        yield Footer()

    def _placeholder(self) -> str:
        keys = quick_keys(len(self.app.quick_replies))
        return f"输入回复，Enter 发送，Ctrl+J 换行（{keys} 插入快捷短语）" if keys else "输入回复，Enter 发送，Ctrl+J 换行"

    def on_mount(self) -> None:
        mode = "练习模式" if self.mode == "practice" else "考试模式"
        self.title = f"{self.scenario.title} · {mode}"
        self.sub_title = shown(f"学员：{self.trainee}   顾客：{self.session.persona.name}")
        reply = self.query_one("#reply", ReplyBox)
        if self.app.options.frozen:
            reply.cursor_blink = False
        else:
            self.set_interval(0.2, self._tick)
        if self.mode == "practice":
            self.query_one(Meters).show(self.session.state)
        reply.focus()
        opening = self.session.start()
        self._record(self._start_recording, opening)
        self.deliver(opening)

    # -- the customer ------------------------------------------------------------------------------

    @work(exclusive=True, group="deliver")
    async def deliver(self, messages: list[CustomerMessage]) -> None:
        """Show the customer's messages one by one, each after its 'typing…' delay.

        The trainee cannot send until they are all shown: the reply answers what they say.
        """
        typing = self.query_one("#typing", Static)
        name = self.session.persona.name
        self.delivering = bool(messages)
        for message in messages:
            delay = message.typing_s * self.app.options.typing_factor
            if delay > 0:
                typing.update(Text(f"{name} 正在输入…", "italic dim"))
                if self.last_customer_at is not None:  # a follow-up: the trainee waits on her
                    self.follow_up_since = self.app.options.clock()
                await asyncio.sleep(delay)
                self._follow_up_done()
            typing.update("")
            self._append(Bubble(name, self._now(), message.text, "customer"))
            if self.last_customer_at is None:  # latency counts from the round's first message
                self.last_customer_at = self.app.options.clock()
        self.delivering = False
        if self.session.ended:
            await self._end_of_session()
        elif self.queued is not None:
            self.call_later(self._send_queued)

    async def _end_of_session(self) -> None:
        """The customer's last words stay in view (a rude reply's reaction, her goodbye) before the
        report opens; Enter opens it at once."""
        ended = Text(f"—— 会话结束：{OUTCOMES[self.session.outcome]} ——", "bold")
        ended.append("  按 Enter 查看成绩报告", "dim")
        self._append(Static(ended, classes="system"))
        self.query_one("#reply", ReplyBox).disabled = True
        last = self.session.turns[-1].customer if self.session.turns else []
        await asyncio.sleep(reading_pause([m.text for m in last]) * self.app.options.typing_factor)
        self.action_finish()

    def on_key(self, event: events.Key) -> None:
        """Enter after the end of the session: the report now, without waiting."""
        if event.key == "enter" and self.session.ended and not self.closing:
            event.stop()
            self.action_finish()

    # -- the trainee -------------------------------------------------------------------------------

    def on_reply_box_submitted(self, event: ReplyBox.Submitted) -> None:
        """Enter sends the reply, and is never lost: sent while the customer is still typing, the
        reply is timed at Enter and goes out as soon as her messages are shown (it answers them)."""
        text = event.value.strip()
        if not text or self.session.ended or self.closing:
            return
        clock = self.app.options.clock()
        typing = event.box.typing_seconds(clock)
        event.box.value = ""
        latency = self.waited(clock)
        if self.delivering:
            if self.queued is not None:  # a second Enter before she has finished: one reply
                before = self.queued.typing
                text, latency = f"{self.queued.text}\n{text}", self.queued.latency
                typing = before + typing if before is not None and typing is not None else None
            self.queued = QueuedReply(text, latency, clock, typing)
            notice = f"已收到你的回复（用时 {latency:.1f}s，计时停在按回车时），顾客这条消息显示完就发出。"
            self._append(Static(Text(notice, "dim"), classes="system"))
            return
        self._send(QueuedReply(text, latency, clock, typing))

    def _send_queued(self) -> None:
        queued, self.queued = self.queued, None
        if queued is not None and not self.session.ended and not self.closing:
            self._send(queued)

    def _send(self, reply: QueuedReply) -> None:
        """Score the reply, show it and the feedback, record it, and let the customer answer."""
        turn = self.session.reply(reply.text, reply.latency, typing_s=reply.typing, typing_measured=True)
        self.last_customer_at = None
        self.last_sent_at = reply.clock
        self.excused, self.follow_up_since = 0.0, None
        self.query_one(ReplyTimer).is_first = False
        self.query_one(ReplyTimer).seconds = None
        self._show_reply(turn)
        if self.recorder is not None:  # written before anything else can end the session (~1 ms)
            self._record(self.recorder.turn, turn)
        self.deliver(turn.customer)

    def _follow_up_done(self) -> None:
        if self.follow_up_since is not None:
            self.excused += self.app.options.clock() - self.follow_up_since
            self.follow_up_since = None

    def waited(self, clock: float) -> float:
        """The reply's latency so far, as the platforms time it (from the customer's first
        unanswered message), less the time she spent typing a further message: the trainee could
        not answer what was not said yet. The live timer and the report show this same figure."""
        typing_now = clock - self.follow_up_since if self.follow_up_since is not None else 0.0
        return max(0.0, clock - self._waiting_since() - self.excused - typing_now)

    def _waiting_since(self) -> float:
        """Latency counts from the customer's first unanswered message; a second reply in a row
        (the customer said nothing back) counts from the trainee's previous one."""
        for moment in (self.last_customer_at, self.last_sent_at):
            if moment is not None:
                return moment
        return self.started_at

    def _show_reply(self, turn: Turn) -> None:
        if self.mode == "practice":
            names = rubric_labels(self.session.rubric)
            body = feedback_text(turn.text, turn.score, names.criteria, names.techniques, turn.model_answer)
            self._append(Bubble(self.trainee, self._now(), body, "agent"))
            self.query_one(Meters).show(turn.state)
        else:
            self._append(Bubble(self.trainee, self._now(), turn.text, "agent"))

    # -- records -----------------------------------------------------------------------------------

    def _start_recording(self, opening: list[CustomerMessage]) -> None:
        store = self.app.store
        if store is None:
            return
        self.recorder = store.start_session(
            self.session, trainee=self.trainee, mode=self.mode, source="tui", cohort=self.app.options.cohort
        )
        self.recorder.customer(opening)

    def _record(self, call, *args):
        """Use the records; on failure warn once, carry on without recording (or with the recorder,
        when it keeps the writes for a server that went away) and return None."""
        from roleplay.records.store import RecordError

        try:
            return call(*args)
        except RecordError as exc:
            if not exc.recording_goes_on:
                self.recorder = None
            self.notify(exc.warning(), severity="warning", timeout=10)
            return None

    def _append(self, widget: Static) -> None:
        log = self.query_one("#log", VerticalScroll)
        log.mount(widget)
        # once the new message is laid out: scrolling at once may stop short of its last line
        self.call_after_refresh(log.scroll_end, animate=False)

    def on_resize(self) -> None:
        """The newest messages stay in view when the terminal is resized."""
        self.query_one("#log", VerticalScroll).scroll_end(animate=False)

    def _now(self) -> str:
        return self.app.options.now().strftime("%H:%M:%S")

    def _tick(self) -> None:
        clock = self.app.options.clock()
        if self.last_customer_at is not None and not self.session.ended:
            waited = self.waited(clock)
            self.query_one(ReplyTimer).seconds = waited
            if not self.delivering and not self.closing:
                nudge = self.session.nudge(waited)  # 人呢？ past the hard limit, once per round
                if nudge:
                    self.deliver(nudge)
        if self.time_limit_s:
            left = max(0, int(self.time_limit_s - (clock - self.started_at)))
            countdown = self.query_one("#countdown", Static)
            countdown.update(f"剩余\n{left // 60:02d}:{left % 60:02d}")
            countdown.set_class(left <= 60, "ending")
            if left <= 0 and not self.closing:
                self.time_up = True
                self.action_finish()

    # -- actions -----------------------------------------------------------------------------------

    def action_quick(self, index: int) -> None:
        if index < len(self.app.quick_replies):
            reply = self.query_one(ReplyBox)
            reply.not_typed = True  # a quick reply is not typed: no typing speed for this reply
            reply.insert_text_at_cursor(self.scenario.product.fill(self.app.quick_replies[index].text))
            reply.focus()

    def action_toggle_card(self) -> None:
        """Narrow terminals: show the side panel over the chat; wide ones: hide it for room."""
        self.query_one("#side").toggle_class("shown" if self.has_class("-narrow") else "hidden")

    def action_finish_asked(self) -> None:
        """Esc: close the card overlay if it is open, else ask before ending the session."""
        side = self.query_one("#side")
        if side.has_class("shown"):
            side.remove_class("shown")
            return
        if self.closing or self.session.ended:
            return
        from roleplay.tui.screens.confirm import ConfirmScreen

        replies = len(self.session.turns)
        question = f"结束本次{'练习' if self.mode == 'practice' else '考试'}并查看成绩？（已回复 {replies} 句）"
        self.app.push_screen(ConfirmScreen(question), lambda yes: self.action_finish() if yes else None)

    def action_finish(self) -> None:
        """End the session (early or at its outcome) and open the report."""
        if self.closing:
            return
        self.closing = True
        if self.app.screen is not self:  # time ran out while a question was open over the chat
            self.app.pop_screen()
        from roleplay.tui.report_view import view_of_live, view_of_stored

        report = self.session.report()
        view = view_of_live(report, self.trainee)
        recorder = self.recorder
        if recorder is not None:
            self._record(recorder.finish, report)
            # The report is read back from the records, as `roleplay report` shows it.
            stored = self._record(self.app.store.session, recorder.id) if self.recorder else None
            if stored is not None:
                view = view_of_stored(stored, report.rubric)
        notice = "考试时间到，本场按已作答的部分评分。" if self.time_up else ""
        self.app.open_report(view, replace=True, retry=self._retry_args(), notice=notice)

    def _retry_args(self) -> dict:
        """Retrying replays the same customer: same scenario, mode and seed."""
        return {
            "scenario": self.scenario,
            "trainee": self.trainee,
            "mode": self.mode,
            "time_limit_min": self.time_limit_s // 60,
            "seed": self.session.seed,
        }
