"""Helpers for the records and export tests: scripted sessions written through a recorder."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from roleplay.content.library import Library
from roleplay.engine.session import Session
from roleplay.records.store import Store

#: Replies that convert the air-fryer customer (as in test_cli.py).
SKILLED = [
    "亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，少油也能炸得酥脆，您全家吃得更健康。",
    "容量是5L，一家三四口完全够用。",
    "付款后48小时内发货，今天下单还送硅胶垫，您直接拍下我帮您备注优先发货。",
]
#: Replies that lose the customer (服务禁语).
RUDE = [
    "你自己看详情页，问这么多干嘛。",
    "爱买不买，嫌贵就别买。",
    "我都说了，你自己没看清楚。",
    "随便你，你去投诉吧。",
]


class Ticker:
    """A store clock: returns ``now`` and moves it on by ``step`` on every call."""

    def __init__(self, now: datetime = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)) -> None:
        self.now = now
        self.step = timedelta(minutes=1)

    def __call__(self) -> datetime:
        moment = self.now
        self.now += self.step
        return moment


def record(
    store: Store,
    library: Library,
    replies: list[str],
    *,
    trainee: str,
    scenario_id: str = "air_fryer_fab",
    cohort: str = "",
    latency: float = 8.0,
    finish: bool = True,
) -> int:
    """Play ``replies`` (until the customer decides) through a recorder; returns the session id."""
    scenario = library.scenario(scenario_id)
    session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed=1)
    recorder = store.start_session(session, trainee=trainee, mode="practice", source="plain", cohort=cohort)
    recorder.customer(session.start())
    for text in replies:
        if session.ended:
            break
        recorder.turn(session.reply(text, latency))
    if finish:
        recorder.finish(session.report())
    return recorder.id
