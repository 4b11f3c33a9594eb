"""The records database: every practice session and graded chat log, written as it happens.

SQLite in WAL mode, one connection per ``Store``. Every write is a short ``BEGIN IMMEDIATE``
transaction committed at once, so a killed app loses nothing already sent, and several app
instances (two trainees on one machine, the browser server) can write side by side: a writer
that finds the database busy waits (``busy_timeout``) and, failing that, retries.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import MAXYEAR, date, datetime, timedelta, timezone
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from roleplay import environment
from roleplay.content.models import Rubric
from roleplay.engine.session import CustomerState, Message, Session, SessionReport, Turn
from roleplay.errors import NotFound, RoleplayError
from roleplay.labels import MODES
from roleplay.records.model import (
    SOURCES,
    PastScore,
    Review,
    StoredSession,
    StoredTurn,
    message,
    message_dict,
    stored_json,
    stored_kind,
)
from roleplay.records.schema import VERSION, migrate, refuse_newer, version
from roleplay.rubric.fingerprint import fingerprint

BUSY_TIMEOUT_MS = 5000
RETRIES = 5
T = TypeVar("T")
Clock = Callable[[], datetime]


class RecordError(RoleplayError):
    """The records database cannot be opened or written; the message says which file and why."""

    def warning(self) -> str:
        """What practice prints, once, when it goes on without recording."""
        return f"roleplay: 警告：{self}；本次练习不再记录，练习照常进行。"


def default_db_path() -> Path:
    """``ROLEPLAY_DB`` if set, else ``roleplay/roleplay.db`` in the user's data folder.

    That folder is ``$XDG_DATA_HOME`` or ``~/.local/share`` on Linux, ``~/Library/Application
    Support`` on macOS and ``%APPDATA%`` on Windows.
    """
    env = environment.read().db
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("roleplay", appauthor=False, roaming=True) / "roleplay.db"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """The records database. Open with ``Store.open()``; use as a context manager or ``close()``."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        # One connection may serve a UI thread and a worker thread: serialise its use.
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | str | None = None, *, clock: Clock = _utc_now) -> Store:
        """Open (creating folders and file as needed) and migrate the database to the current schema."""
        path = Path(path) if path else default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise RecordError(f"无法打开记录数据库 {path}：{exc}") from exc
        store = cls(conn, path, clock)
        try:
            store._prepare()
        except RecordError:
            conn.close()
            raise
        return store

    @classmethod
    def open_for_reading(cls, path: Path | str | None = None, *, clock: Clock = _utc_now) -> Store:
        """Open an existing database without writing to it (`history`, `report`, `export`).

        Nothing is created — a mistyped ``--db`` must not leave folders and an empty database
        behind — and a read-only file or folder will do. A database from an older version is
        migrated if it can be written; if not, the message says so.
        """
        path = Path(path) if path else default_db_path()
        if not path.exists():
            raise RecordError(
                f"没有这个记录数据库：{path}（no such database；还没有记录，或 --db / ROLEPLAY_DB 写错了）"
            )
        if path.is_dir():
            raise RecordError(f"{path} 是文件夹，不是记录数据库：--db / ROLEPLAY_DB 应指向一个 .db 文件")
        store = cls(_connect_read_only(path), path, clock)
        try:
            store.conn.row_factory = sqlite3.Row
            with store._errors():
                store.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                current = version(store.conn)
                refuse_newer(current)
        except RecordError:
            store.close()
            raise
        if current == VERSION:
            return store
        store.close()
        if current == 0:  # an empty file (or another program's database): nothing to read, nothing to create
            raise RecordError(f"{path} 不是记录数据库：里面没有练习记录（请检查 --db / ROLEPLAY_DB）")
        try:
            return cls.open(path, clock=clock)
        except RecordError as exc:
            raise RecordError(
                f"记录数据库 {path} 是旧版本（{current}），需要升级后才能读取，但现在无法写入（{exc}）；"
                "请用能写入它的账户运行一次 roleplay play 或 roleplay grade --save"
            ) from exc

    def _prepare(self) -> None:
        conn = self.conn
        conn.row_factory = sqlite3.Row
        with self._errors():
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable across an app crash
        self._write(migrate)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------

    def start_session(
        self, session: Session, *, trainee: str, mode: str, source: str, cohort: str = ""
    ) -> SessionRecorder:
        """Write the session's row now (unfinished) and return the recorder of its turns."""
        if mode not in MODES or source not in SOURCES:
            raise ValueError(f"mode must be one of {list(MODES)} and source one of {list(SOURCES)}")
        rubric = session.rubric
        row = {
            "kind": "practice",
            "trainee": trainee,
            "cohort": cohort,
            "scenario_id": session.scenario.id,
            "scenario_title": session.scenario.title,
            "persona_id": session.persona.id,
            "persona_name": session.persona.name,
            "mode": mode,
            "source": source,
            "seed": session.seed,
            "rubric_id": rubric.id,
            "rubric_version": rubric.version,
            "rubric_hash": fingerprint(rubric),
            "product_id": getattr(session.scenario.product, "id", ""),
            "pass_mark": rubric.pass_mark,
            "started_at": self._now(),
        }
        session_id = self._write(lambda conn: _insert(conn, "sessions", row))
        return SessionRecorder(self, session_id)

    def save_graded(
        self,
        result: dict[str, Any],
        *,
        trainee: str = "",
        source_file: str = "",
        cohort: str = "",
        scenario_title: str = "",
        pass_mark: float | None = None,
    ) -> int:
        """Store one `roleplay grade` result as a real conversation; returns its session id."""
        return self.save_graded_batch(
            [(result, scenario_title, pass_mark)], trainee=trainee, source_file=source_file, cohort=cohort
        )[0]

    def save_graded_batch(
        self,
        graded: list[tuple[dict[str, Any], str, float | None]],
        *,
        trainee: str = "",
        source_file: str = "",
        cohort: str = "",
    ) -> list[int]:
        """Store `roleplay grade` results — each with its scenario's title and pass mark — as real
        conversations in one transaction (all or none: a crash loses at most this batch, and one
        commit per batch rather than per conversation is what makes saving a month of logs fast);
        returns their session ids."""
        now = self._now()
        rows = []
        for result, scenario_title, pass_mark in graded:
            opening, turns = _graded_turns(result["turns"])
            row = {
                "kind": "real",
                "trainee": trainee,
                "cohort": cohort,
                "scenario_id": result.get("scenario") or "",
                "scenario_title": scenario_title,
                "mode": "",
                "source": "grade",
                "source_file": source_file,
                "transcript_id": str(result["id"]),
                "rubric_id": result["rubric"]["id"],
                "rubric_version": result["rubric"]["version"],
                "rubric_hash": result["rubric"].get("hash", ""),
                "product_id": result.get("product") or "",
                "pass_mark": pass_mark,
                "started_at": now,
                "ended_at": now,
                "finished": 1,
                "opening": _json(opening),
                **_score_columns(result),
            }
            rows.append((row, turns))

        def save(conn: sqlite3.Connection) -> list[int]:
            ids = []
            for row, turns in rows:
                session_id = _insert(conn, "sessions", row)
                for turn in turns:
                    _insert(conn, "turns", {"session_id": session_id, **turn})
                ids.append(session_id)
            return ids

        return self._write(save)

    def add_review(
        self, session_id: int | str, turn: int, criterion: str, score: float, reason: str, reviewer: str
    ) -> Review:
        """Keep an instructor's ``score`` of ``criterion`` for reply number ``turn`` (1-based, as
        reports number them) of a stored session, beside the automatic score."""
        stored = self.session(session_id)
        if not 1 <= turn <= len(stored.turns):
            raise RecordError(f"记录 #{stored.id} 只有 {len(stored.turns)} 句回复，没有第 {turn} 句（从 1 数起）")
        scored = [name for name, value in stored.turns[turn - 1].result.items() if isinstance(value, dict)]
        if criterion not in scored:
            raise RecordError(f"第 {turn} 句没有评分项 {criterion!r}；可复核的评分项：{'、'.join(scored)}")
        if not 0 <= score <= 100:
            raise RecordError(f"复核分数要在 0 到 100 之间（收到 {score:g}）")
        if not reason.strip():
            raise RecordError("请写明复核理由：学员和其他老师要看得懂为什么改分")
        row = {"session_id": stored.id, "idx": turn - 1, "criterion": criterion, "score": score,
               "reason": reason.strip(), "reviewer": reviewer, "created_at": self._now()}  # fmt: skip
        self._write(lambda conn: _insert(conn, "reviews", row))
        return _review(row)

    def rescore(
        self, stored: StoredSession, score: dict[str, Any], turn_results: list[dict[str, Any]], rubric: Rubric
    ) -> None:
        """Replace a stored session's scores with ``rubric``'s (``score``: ``SessionScore.to_dict()``
        with its failed outcome; one result per turn), keeping the replaced ones in its history."""
        if len(turn_results) != len(stored.turns):
            raise ValueError(f"session {stored.id} has {len(stored.turns)} turns, not {len(turn_results)}")
        past = {
            "session_id": stored.id, "rubric_id": stored.rubric_id, "rubric_version": stored.rubric_version,
            "rubric_hash": stored.rubric_hash, "total": stored.total, "passed": int(stored.passed),
            "criteria": _json(stored.criteria), "score_detail": _json(stored.score_detail),
            "turn_results": _json([turn.result for turn in stored.turns]), "replaced_at": self._now(),
        }  # fmt: skip
        columns = {
            **_score_columns(score),
            "rubric_id": rubric.id, "rubric_version": rubric.version, "rubric_hash": fingerprint(rubric),
        }  # fmt: skip
        if stored.kind == "practice" and not stored.finished:
            columns["passed"] = 0  # an unfinished session has not passed, whatever its score

        def save(conn: sqlite3.Connection) -> None:
            _insert(conn, "score_history", past)
            _update(conn, stored.id, columns)
            for turn, result in zip(stored.turns, turn_results):
                conn.execute(
                    "UPDATE turns SET result = ? WHERE session_id = ? AND idx = ?", [_json(result), stored.id, turn.index]
                )

        self._write(save)

    def _now(self) -> str:
        return _iso(self.clock())

    # -- reading ---------------------------------------------------------------------------------

    def sessions(
        self,
        trainee: str | None = None,
        cohort: str | None = None,
        scenario: str | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        *,
        with_turns: bool = True,
    ) -> list[StoredSession]:
        """Sessions matching every given filter, oldest first.

        ``since``/``until`` as dates are whole local days (``until`` inclusive); as datetimes,
        exact instants (naive ones are local time).
        """
        where, params = _filters(trainee, cohort, scenario, since, until)
        return self._load(where, params, with_turns)

    def session(self, session_id: int | str) -> StoredSession:
        """One session by id; LookupError (with the id) when there is none."""
        found = self._load("id = ?", [_session_id(session_id)], True)
        if not found:
            raise NotFound(f"没有编号为 {session_id} 的练习记录（数据库 {self.path}）")
        return found[0]

    def _load(self, where: str, params: list[Any], with_turns: bool) -> list[StoredSession]:
        sessions = self._read(f"SELECT * FROM sessions WHERE {where} ORDER BY started_at, id", params)
        turns: dict[int, list[StoredTurn]] = {row["id"]: [] for row in sessions}
        if with_turns and sessions:
            rows = self._read(
                f"SELECT * FROM turns WHERE session_id IN (SELECT id FROM sessions WHERE {where}) "
                "ORDER BY session_id, idx",
                params,
            )
            reviews: dict[tuple[int, int], list[Review]] = {}
            for review in self._read(
                f"SELECT * FROM reviews WHERE session_id IN (SELECT id FROM sessions WHERE {where}) ORDER BY id", params
            ):
                reviews.setdefault((review["session_id"], review["idx"]), []).append(_review(review))
            for row in rows:
                turns[row["session_id"]].append(_stored_turn(row, reviews.get((row["session_id"], row["idx"]), [])))
        history: dict[int, list[PastScore]] = {}
        if sessions:
            for past in self._read(
                "SELECT session_id, rubric_id, rubric_version, rubric_hash, total, passed, criteria, replaced_at "
                f"FROM score_history WHERE session_id IN (SELECT id FROM sessions WHERE {where}) ORDER BY id",
                params,
            ):
                history.setdefault(past["session_id"], []).append(_past_score(past))
        return [_stored_session(row, turns[row["id"]], history.get(row["id"], [])) for row in sessions]

    # -- transactions ----------------------------------------------------------------------------

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one short write transaction, retried while another writer holds the lock."""

        def attempt() -> T:
            with self._lock:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self.conn)
                    self.conn.execute("COMMIT")
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
                return result

        with self._errors():
            return self._retry(attempt)

    def _read(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        def attempt() -> list[sqlite3.Row]:
            with self._lock:
                return self.conn.execute(sql, params).fetchall()

        with self._errors():
            return self._retry(attempt)

    @staticmethod
    def _retry(attempt: Callable[[], T]) -> T:
        """``attempt()``, again after a growing pause while SQLite reports the database busy."""
        for number in range(RETRIES - 1):
            try:
                return attempt()
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                time.sleep(0.05 * 2**number)
        return attempt()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database failures surface as RecordError naming the file (never a bare sqlite3 error)."""
        try:
            yield
        except (sqlite3.Error, OverflowError) as exc:  # OverflowError: a number too large for SQLite
            raise RecordError(f"记录数据库 {self.path} 出错：{exc}") from exc


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection (SQLite's ``mode=ro``), which never creates or changes the file.

    A WAL database also needs its ``-shm`` file; in a folder nobody may write to, SQLite cannot
    create it (SQLITE_CANTOPEN), and nobody can be writing the database there either: then it is
    read as it is (``immutable=1``).
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        try:
            return _first_read(sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False))
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_CANTOPEN:
                raise
            immutable = uri + "&immutable=1"
            return _first_read(sqlite3.connect(immutable, uri=True, isolation_level=None, check_same_thread=False))
    except sqlite3.Error as exc:
        raise RecordError(f"无法打开记录数据库 {path}：{exc}") from exc


def _first_read(conn: sqlite3.Connection) -> sqlite3.Connection:
    """The connection, once it has read something: a WAL database that cannot be read fails only then."""
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


class SessionRecorder:
    """Writes one practice session as it happens: each call is committed before it returns."""

    def __init__(self, store: Store, session_id: int) -> None:
        self.store = store
        self.id = session_id

    def customer(self, messages: list[Message]) -> None:
        """The customer's opening lines."""
        opening = _json([message_dict(m) for m in messages])
        self.store._write(lambda conn: _update(conn, self.id, {"opening": opening}))

    def turn(self, turn: Turn) -> None:
        """One reply and what followed; the session's scores so far (the turn's running score) are
        kept up to date with it."""
        so_far = turn.running
        # Until finish() the session has not passed, whatever its running score.
        columns = {**_score_columns({**so_far.to_dict(), "failed_outcome": so_far.failed_outcome}), "passed": 0}
        row = {
            "session_id": self.id,
            "idx": turn.index,
            "answered": _json([message_dict(m) for m in turn.answered]),
            "text": turn.text,
            "latency_s": turn.latency_s,
            "result": _json(turn.score.to_dict()),
            "judged": _json(turn.judged),
            "model_answer": turn.model_answer,
            "customer": _json([message_dict(m) for m in turn.customer]),
            "state": _json({"mood": turn.state.mood, "patience": turn.state.patience, "interest": turn.state.interest}),
        }

        def save(conn: sqlite3.Connection) -> None:
            _insert(conn, "turns", row)
            _update(conn, self.id, columns)

        self.store._write(save)

    def finish(self, report: SessionReport) -> None:
        """The end: outcome, end time and the final scores."""
        score = report.score
        columns = {
            **_score_columns({**score.to_dict(), "failed_outcome": score.failed_outcome}),
            "outcome": report.outcome,
            "ended_at": self.store._now(),
            "finished": 1,
        }
        self.store._write(lambda conn: _update(conn, self.id, columns))


# -- rows ----------------------------------------------------------------------------------------


def _score_columns(score: dict[str, Any]) -> dict[str, Any]:
    """Session columns from a score in its JSON form (``SessionScore.to_dict()`` or a graded log)."""
    detail = _by_kind(score.get("criteria_detail", {}))
    latency = detail.get("latency", {})
    return {
        "total": score["score"],
        "passed": int(score["passed"]),
        "criteria": _json(score["criteria"]),
        "score_detail": _json({key: score.get(key) for key in ("fatal", "criteria_detail", "failed_outcome")}),
        "first_response_s": latency.get("first_response_s"),
        "average_s": latency.get("average_s"),
        "forbidden_count": detail.get("forbidden", {}).get("count", 0),
        "closing_attempts": detail.get("closing", {}).get("attempts", 0),
    }


def _by_kind(results: dict[str, Any]) -> dict[str, Any]:
    """A score's per-criterion JSON by kind (fab, latency…): what the session columns are made of,
    whatever the criteria's ids (results from before kinds keep their rubric 2.x ids)."""
    out: dict[str, Any] = {}
    for name, value in results.items():
        if isinstance(value, dict):
            out.setdefault(stored_kind(name, value), value)
    return out


def _graded_turns(turns: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A graded log's opening customer messages, and its agent turns as ``turns`` rows."""
    opening: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    answered: list[dict[str, Any]] = []
    for turn in turns:
        if turn["role"] == "customer":
            said = {"role": "customer", "text": turn["text"], "typing_s": 0.0}
            (rows[-1]["customer"] if rows else opening).append(said)
            answered.append(said)
            continue
        rows.append({
            "idx": len(rows),
            "answered": answered,
            "text": turn["text"],
            "latency_s": _by_kind(turn).get("latency", {}).get("seconds"),
            "result": {key: value for key, value in turn.items() if key not in ("role", "at")},
            "customer": [],
        })  # fmt: skip
        answered = []
    encoded = [{key: _json(v) if isinstance(v, (list, dict)) else v for key, v in row.items()} for row in rows]
    return opening, encoded


def _review(row: sqlite3.Row | dict[str, Any]) -> Review:
    return Review(
        row["idx"], row["criterion"], row["score"], row["reason"], row["reviewer"], datetime.fromisoformat(row["created_at"])
    )


def _past_score(row: sqlite3.Row) -> PastScore:
    return PastScore(
        row["rubric_id"], row["rubric_version"], row["rubric_hash"], _finite(row["total"]), bool(row["passed"]),
        stored_json(row["criteria"]), datetime.fromisoformat(row["replaced_at"]),
    )


def _stored_turn(row: sqlite3.Row, reviews: list[Review]) -> StoredTurn:
    state = stored_json(row["state"]) if row["state"] else None
    return StoredTurn(
        index=row["idx"],
        answered=[message(m) for m in stored_json(row["answered"])],
        text=row["text"],
        latency_s=_finite(row["latency_s"]),
        result=stored_json(row["result"]),
        model_answer=row["model_answer"],
        customer=[message(m) for m in stored_json(row["customer"])],
        state=CustomerState(**state) if state else None,
        reviews=tuple(reviews),
        judged=stored_json(row["judged"]),
    )


def _stored_session(row: sqlite3.Row, turns: list[StoredTurn], history: list[PastScore]) -> StoredSession:
    return StoredSession(
        id=row["id"],
        kind=row["kind"],
        trainee=row["trainee"],
        cohort=row["cohort"],
        scenario_id=row["scenario_id"],
        scenario_title=row["scenario_title"],
        persona_id=row["persona_id"],
        persona_name=row["persona_name"],
        mode=row["mode"],
        source=row["source"],
        source_file=row["source_file"],
        transcript_id=row["transcript_id"],
        seed=row["seed"],
        rubric_id=row["rubric_id"],
        rubric_version=row["rubric_version"],
        rubric_hash=row["rubric_hash"],
        pass_mark=row["pass_mark"],
        started_at=datetime.fromisoformat(row["started_at"]),
        ended_at=datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
        finished=bool(row["finished"]),
        outcome=row["outcome"],
        total=_finite(row["total"]),
        passed=bool(row["passed"]),
        criteria_json=row["criteria"],
        score_detail_json=row["score_detail"],
        first_response_s=_finite(row["first_response_s"]),
        average_s=_finite(row["average_s"]),
        forbidden_count=row["forbidden_count"],
        closing_attempts=row["closing_attempts"],
        opening_json=row["opening"],
        turns=turns,
        product_id=row["product_id"],
        history=tuple(history),
    )


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    return cursor.lastrowid  # type: ignore[return-value]


def _update(conn: sqlite3.Connection, session_id: int, columns: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(f"UPDATE sessions SET {assignments} WHERE id = ?", [*columns.values(), session_id])


def _filters(
    trainee: str | None,
    cohort: str | None,
    scenario: str | None,
    since: date | datetime | None,
    until: date | datetime | None,
) -> tuple[str, list[Any]]:
    """A WHERE clause (never empty) and its parameters."""
    where, params = ["1 = 1"], []
    for column, value in (("trainee", trainee), ("cohort", cohort), ("scenario_id", scenario)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    start, end = bound(since), bound(until, end=True)
    if start is not None:
        where.append("started_at >= ?")
        params.append(_iso(start))
    if end is not None:
        # A date means the whole day: everything before the next midnight.
        where.append("started_at <= ?" if isinstance(until, datetime) else "started_at < ?")
        params.append(_iso(end))
    return " AND ".join(where), params


def bound(moment: date | datetime | None, *, end: bool = False) -> datetime | None:
    """The instant (UTC) a ``since``/``until`` filter stands for; None for no filter.

    A date is its local midnight — for an ``end``, the next midnight, so the whole day counts; a
    naive datetime is local time. At the calendar's edges (0001-01-01, 9999-12-31) the time-zone
    arithmetic would overflow: the bound is then the first or last instant there is.
    """
    if moment is None:
        return None
    try:
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment + timedelta(days=1) if end else moment, clock_time.min)
        return (moment.astimezone() if moment.tzinfo is None else moment).astimezone(timezone.utc)
    except (OverflowError, ValueError):
        edge = datetime.max if moment.year > MAXYEAR // 2 else datetime.min
        return edge.replace(tzinfo=timezone.utc)


def _iso(moment: datetime) -> str:
    """UTC ISO-8601 to the second: sorts as text, reads without tools."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, extended codes included."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


#: SQLite's largest integer: no session id can be larger (and a larger one would overflow).
MAX_ID = 2**63 - 1


def _session_id(session_id: int | str) -> int:
    text = str(session_id).strip().lstrip("#")
    if not (text.isascii() and text.isdigit()):
        raise NotFound(f"练习记录编号应为数字，收到 {session_id!r}")
    if len(text) > len(str(MAX_ID)) or int(text) > MAX_ID:
        raise NotFound(f"没有编号为 {text} 的练习记录：编号最大为 {MAX_ID}")
    return int(text)




def _finite(value: float | None) -> float | None:
    """A stored number, or None where an older version stored ±Infinity."""
    return value if value is None or math.isfinite(value) else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
