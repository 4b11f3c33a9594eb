"""Helpers for the records and export tests: scripted sessions written through a recorder."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from roleplay.content.library import Library
from roleplay.engine.session import Session
from roleplay.grade import grade_text
from roleplay.records.store import Store

#: A trainee's "name" that a spreadsheet would run as a formula.
EVIL = '=HYPERLINK("http://evil.example","点我")'

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


def week_of_records(library: Library, records_db: Path) -> Path:
    """Three trainees over a week: conversions, a lost customer, an unfinished session, a real log
    (the ``records`` fixture of conftest.py)."""
    clock = Ticker()
    plan = [  # (day, hour): replies, options — in the order they are recorded (ids 1–6)
        ((1, 9), SKILLED, {"trainee": "小李", "cohort": "一班", "latency": 6}),
        ((2, 9), RUDE, {"trainee": "小李", "cohort": "一班", "latency": 12}),
        ((3, 9), SKILLED, {"trainee": "小李", "cohort": "一班", "latency": 9}),
        ((2, 10), SKILLED[:2], {"trainee": "王芳", "cohort": "二班", "finish": False}),
        ((4, 9), SKILLED, {"trainee": "王芳", "cohort": "二班", "scenario_id": "water_purifier_bargain"}),
        ((5, 9), ["@SUM(A1)", "-1+2"], {"trainee": EVIL, "cohort": "+1"}),
    ]
    with Store.open(records_db, clock=clock) as store:
        for (day, hour), replies, options in plan:
            clock.now = datetime(2026, 11, day, hour, tzinfo=timezone.utc)
            record(store, library, replies, **options)
        log = {"id": "c1", "scenario": "air_fryer_fab", "turns": [
            {"role": "customer", "text": "在吗", "at": 0},
            {"role": "agent", "text": "亲，在的，您好！", "at": 4},
        ]}  # fmt: skip
        [result], _ = grade_text(json.dumps(log, ensure_ascii=False), library)
        clock.now = datetime(2026, 11, 6, 9, tzinfo=timezone.utc)
        store.save_graded(result, trainee="小李", cohort="一班", source_file="logs.jsonl", pass_mark=60)
    return records_db
