"""Helpers for the records and export tests: scripted sessions written through a recorder."""

from __future__ import annotations

import json
import socket
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

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


# -- PostgreSQL ------------------------------------------------------------------------------------


def pg_in_schema(url: str, schema: str) -> str:
    """``url`` with every table looked up and created in ``schema`` (libpq's ``options`` parameter)."""
    return _with_query(url, "options=" + quote(f"-csearch_path={schema}"))


def _with_query(url: str, pair: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{pair}" if parts.query else pair
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class Relay:
    """A TCP relay in front of a PostgreSQL server that a test can cut — every open connection
    dropped and new ones closed at once, as when the server goes away — and restore."""

    def __init__(self, url: str) -> None:
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(url)
        host, port = str(info.get("host") or "localhost"), int(info.get("port") or 5432)
        unix = host.startswith("/")  # libpq's host is a socket's folder or a machine
        self._target = (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}") if unix else (socket.AF_INET, (host, port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.up = True
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()
        parts = urlsplit(url)
        user, at, _ = parts.netloc.rpartition("@")
        netloc = f"{user}{at}127.0.0.1:{self._listener.getsockname()[1]}"
        query = "&".join(p for p in parts.query.split("&") if p and not p.startswith(("host=", "port=")))
        #: The server's URL through the relay (its host and port replaced by the relay's).
        self.url = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
        threading.Thread(target=self._accept, daemon=True).start()

    def in_schema(self, schema_url: str) -> str:
        """The relay's URL with the schema option of ``schema_url`` (a ``pg_db`` URL)."""
        options = [p for p in urlsplit(schema_url).query.split("&") if p.startswith("options=")]
        return _with_query(self.url, options[0]) if options else self.url

    def cut(self) -> None:
        with self._lock:
            self.up = False
            for link in self._links:
                _drop(link)
            self._links.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            if not self.up:
                _drop(client)
                continue
            family, address = self._target
            server = socket.socket(family, socket.SOCK_STREAM)
            server.connect(address)
            with self._lock:
                self._links += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _drop(sink)


def _drop(link: socket.socket) -> None:
    try:
        link.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    link.close()
