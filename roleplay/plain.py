"""Line-mode practice in any terminal (`roleplay play --plain`), or with replies piped on stdin.

On a terminal the latency of a reply is the time from the customer's last message to Enter.
With piped input there is no one typing, so each reply takes the ``--latency`` default.
With a recorder, the session is written to the records database as it goes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from roleplay.engine.session import Message, Session
from roleplay.labels import DIFFICULTIES
from roleplay.records.store import RecordError, SessionRecorder
from roleplay.render import feedback, meters, report_lines, rubric_labels


class PlainPlayer:
    """Drives one session over text streams."""

    def __init__(
        self,
        session: Session,
        out: TextIO,
        read_line: Callable[[str], str | None],
        *,
        timed: bool,
        default_latency: float,
        colour: bool,
        clock: Callable[[], float] = time.monotonic,
        recorder: SessionRecorder | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.session = session
        self.out = out
        self.read_line = read_line
        self.timed = timed
        self.default_latency = default_latency
        self.colour = colour
        self.clock = clock
        self.recorder = recorder
        self.err = err or sys.stderr  # looked up now: the command's stream, which shows control characters
        labels = rubric_labels(session.rubric)
        self.labels, self.techniques = labels.criteria, labels.techniques

    def say(self, line: str = "") -> None:
        print(line, file=self.out, flush=True)

    def record(self, write: Callable[..., None], *args: object) -> None:
        """``write(recorder, *args)``; on the first failure warn once and practise on without recording
        (or, when the recorder keeps the writes for a server that went away, with it)."""
        if self.recorder is None:
            return
        try:
            write(self.recorder, *args)
        except RecordError as exc:
            if not exc.recording_goes_on:
                self.recorder = None
            print(exc.warning(), file=self.err, flush=True)

    def show_customer(self, messages: list[Message]) -> None:
        name = self.session.persona.name
        for message in messages:
            self.say(f"{name}：{message.text}")

    def intro(self) -> None:
        scenario, product = self.session.scenario, self.session.scenario.product
        self.say(f"【{scenario.title}】难度：{DIFFICULTIES[scenario.difficulty]}   顾客：{self.session.persona.name}")
        if scenario.description:
            self.say(scenario.description)
        price = f"{product.price:g}元" + (f"（原价{product.original_price:g}元）" if product.original_price else "")
        self.say(f"商品：{product.name}  价格：{price}  库存：{product.stock}")
        for feature in product.features:
            self.say(f"  · {feature.name}：{feature.advantage}")
        for promotion in product.promotion_texts:
            self.say(f"  · 优惠：{promotion}")
        self.say(f"  · 发货：{product.shipping}")
        self.say(f"  · 退换：{product.returns}")
        for entry in product.faq:
            self.say(f"  · 问：{entry.question}  答：{entry.answer}")
        self.say("输入回复后回车发送；输入 /quit 结束。")
        self.say("-" * 60)

    def run(self) -> int:
        """Play until the session ends or input runs out; print the report. Returns an exit code."""
        self.intro()
        opening = self.session.start()
        self.record(SessionRecorder.customer, opening)
        self.show_customer(opening)
        asked_at = self.clock()  # the customer has spoken: the clock runs until a reply is sent
        while not self.session.ended:
            line = self.read_line("你：" if self.timed else "")
            if line is None or line.strip() == "/quit":
                break
            text = line.strip()
            if not text:  # an empty Enter sends nothing and does not restart the clock
                continue
            latency = self.clock() - asked_at if self.timed else self.default_latency
            turn = self.session.reply(text, latency)
            self.record(SessionRecorder.turn, turn)
            if not self.timed:
                self.say(f"你：{text}")
            for row in feedback(turn, self.labels, self.techniques, self.colour):
                self.say(row)
            self.say("  " + meters(turn.state))
            self.show_customer(turn.customer)
            asked_at = self.clock()
        report = self.session.report()
        self.record(SessionRecorder.finish, report)
        for row in report_lines(report, self.colour):
            self.say(row)
        return 0
