"""The records database: every practice session and graded chat log, written as it happens.

An SQLite file in WAL mode (the default) or a PostgreSQL database (``ROLEPLAY_DB`` / ``--db`` a
``postgresql://`` URL), one connection per ``Store``; ``backend`` holds what differs between the
two, and all the SQL is here and in ``schema``. Every write is a short transaction committed at
once, so a killed app loses nothing already sent, and many app instances (trainees on one
machine or a whole department, the browser room) can write side by side: a writer that finds the
database busy waits and retries. A PostgreSQL server that goes away is connected to again on the
next write; a session's recorder keeps what it could not write meanwhile (``SessionRecorder``).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from datetime import MAXYEAR, date, datetime, timedelta, timezone
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from roleplay import environment
from roleplay.content.models import Rubric
from roleplay.engine.session import CustomerState, Message, Session, SessionReport, Turn
from roleplay.errors import NotFound
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
from roleplay.records.backend import Database, location, open_database
from roleplay.records.errors import RecordDeferred, RecordError, RecordKeptLocally, RecordUnavailable
from roleplay.records.schema import VERSION, migrate, refuse_newer
from roleplay.rubric.fingerprint import fingerprint

RETRIES = 5
T = TypeVar("T")
Clock = Callable[[], datetime]
#: A row as read: a mapping from column name to value (sqlite3.Row, or psycopg's dict row).
Row = Mapping[str, Any]
__all__ = ["RecordError", "SessionRecorder", "Store", "bound", "default_db_path", "local_db_path"]


def default_db_path() -> Path | str:
    """``ROLEPLAY_DB`` if set (a file path, or a PostgreSQL URL kept as text), else the local file."""
    env = environment.read().db
    return location(env) if env else local_db_path()


def local_db_path() -> Path:
    """``roleplay/roleplay.db`` in the user's data folder: the records of a plain install.

    That folder is ``$XDG_DATA_HOME`` or ``~/.local/share`` on Linux, ``~/Library/Application
    Support`` on macOS and ``%APPDATA%`` on Windows.
    """
    return platformdirs.user_data_path("roleplay", appauthor=False, roaming=True) / "roleplay.db"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """The records database. Open with ``Store.open()``; use as a context manager or ``close()``."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        #: The file (SQLite), or the URL with its password masked (PostgreSQL): what messages name.
        self.path: Path | str = db.path or db.where
        self.clock = clock
        # One connection may serve a UI thread and a worker thread: serialise its use.
        self._lock = threading.RLock()

    @classmethod
    def open(cls, where: Path | str | None = None, *, clock: Clock = _utc_now) -> Store:
        """Open (creating folders and file as needed) and migrate the database to the current schema.

        ``where`` is a file path or a PostgreSQL URL; by default ``ROLEPLAY_DB``, else the local file.
        """
        store = cls(open_database(where or default_db_path()), clock)
        try:
            store._run(store.db.prepare)
            store._write(migrate)
        except RecordError:
            store.close()
            raise
        return store

    @classmethod
    def open_for_reading(cls, where: Path | str | None = None, *, clock: Clock = _utc_now) -> Store:
        """Open an existing database without writing to it (`history`, `report`, `export`).

        Nothing is created — a mistyped ``--db`` must not leave folders and an empty database
        behind — and a read-only file or folder will do. A database from an older version is
        migrated if it can be written; if not, the message says so.
        """
        where = where or default_db_path()
        store = cls(open_database(where, read_only=True), clock)
        try:
            store._run(store.db.prepare)
            current = store._run(store.db.version)
            refuse_newer(store.db, current)
        except RecordError:
            store.close()
            raise
        if current == VERSION:
            return store
        store.close()
        if current == 0:  # an empty file (or another program's database): nothing to read, nothing to create
            raise RecordError(f"{store.path} 不是记录数据库：里面没有练习记录（请检查 --db / ROLEPLAY_DB）")
        try:
            return cls.open(where, clock=clock)
        except RecordError as exc:
            raise RecordError(
                f"记录数据库 {store.path} 是旧版本（{current}），需要升级后才能读取，但现在无法写入（{exc}）；"
                "请用能写入它的账户运行一次 roleplay play 或 roleplay grade --save"
            ) from exc

    def close(self) -> None:
        with self._lock:
            self.db.close()

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
        recorder = SessionRecorder(self, row)
        recorder.flush(quiet=True)
        return recorder

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

        def save(db: Database) -> list[int]:
            ids = []
            for row, turns in rows:
                session_id = _insert(db, "sessions", row)
                for turn in turns:
                    _insert(db, "turns", {"session_id": session_id, **turn}, keyed=False)
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
        self._write(lambda db: _insert(db, "reviews", row))
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

        def save(db: Database) -> None:
            _insert(db, "score_history", past)
            _update(db, stored.id, columns)
            for turn, result in zip(stored.turns, turn_results):
                db.execute(
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
        """The sessions, their turns, reviews and past scores, read in one transaction: a session a
        trainee starts meanwhile is either wholly in or wholly out."""
        of_sessions = f"WHERE session_id IN (SELECT id FROM sessions WHERE {where})"

        def read(db: Database) -> tuple[list[Any], ...]:
            sessions = db.execute(f"SELECT * FROM sessions WHERE {where} ORDER BY started_at, id", params).fetchall()
            if not sessions:
                return sessions, [], [], []
            history = db.execute(
                "SELECT session_id, rubric_id, rubric_version, rubric_hash, total, passed, criteria, replaced_at "
                f"FROM score_history {of_sessions} ORDER BY id",
                params,
            ).fetchall()
            if not with_turns:
                return sessions, [], [], history
            turns = db.execute(f"SELECT * FROM turns {of_sessions} ORDER BY session_id, idx", params).fetchall()
            reviews = db.execute(f"SELECT * FROM reviews {of_sessions} ORDER BY id", params).fetchall()
            return sessions, turns, reviews, history

        sessions, turn_rows, review_rows, history_rows = self._read(read)
        by_turn: dict[tuple[int, int], list[Review]] = {}
        for review in review_rows:
            by_turn.setdefault((review["session_id"], review["idx"]), []).append(_review(review))
        turns: dict[int, list[StoredTurn]] = {row["id"]: [] for row in sessions}
        for row in turn_rows:
            turns[row["session_id"]].append(_stored_turn(row, by_turn.get((row["session_id"], row["idx"]), [])))
        history: dict[int, list[PastScore]] = {}
        for past in history_rows:
            history.setdefault(past["session_id"], []).append(_past_score(past))
        return [_stored_session(row, turns[row["id"]], history.get(row["id"], [])) for row in sessions]

    # -- transactions ----------------------------------------------------------------------------

    def _write(self, work: Callable[[Database], T]) -> T:
        """Run ``work`` in one short write transaction, retried while another writer is in the way."""
        return self._transaction("writing", work)

    def _read(self, work: Callable[[Database], T]) -> T:
        """Run ``work`` in one read transaction (one consistent view of the records)."""
        return self._transaction("reading", work)

    def _transaction(self, kind: str, work: Callable[[Database], T]) -> T:
        """``work`` in a transaction of ``kind`` (the database's ``writing`` or ``reading``), on a
        connection made again if it was lost, retried as :meth:`_run` says."""

        def attempt() -> T:
            with self._lock:
                self.db.ensure_connected()
                with getattr(self.db, kind)():
                    return work(self.db)

        return self._run(attempt)

    def _run(self, attempt: Callable[[], T]) -> T:
        """``attempt()``, again after a growing pause while the database is busy, and once more at
        once after a lost connection (the server may be back: the attempt connects again). Driver
        errors come out as RecordError naming the database (never a bare driver error)."""
        db = self.db
        pauses, reconnected = 0, False
        while True:
            try:
                return attempt()
            except db.errors as exc:
                if db.lost(exc) and not reconnected:
                    reconnected = True
                elif db.busy(exc) and pauses < RETRIES - 1:
                    time.sleep(0.05 * 2**pauses)
                    pauses += 1
                elif db.lost(exc):
                    raise RecordUnavailable(f"记录数据库 {db.where} 连接中断：{db.message(exc)}") from exc
                else:
                    raise RecordError(f"记录数据库 {db.where} 出错：{db.message(exc)}") from exc


#: One write of a recorded session, given the database and the session's id.
Write = Callable[[Database, int], None]


class SessionRecorder:
    """Writes one practice session as it happens: each call is committed before it returns.

    When the database server cannot be reached, the writes wait here, in order: the first call
    that finds it away raises RecordDeferred (practice tells the trainee and goes on), and the next
    call that reaches it writes them all in one transaction. If it is still away when the session
    ends, ``finish`` writes the whole session to the local SQLite records and raises
    RecordKeptLocally, which says where. (A file database never goes away: its errors stop the
    recording, as before.)
    """

    def __init__(self, store: Store, row: dict[str, Any]) -> None:
        self.store = store
        #: The session's id in the database; None until its row is written.
        self.id: int | None = None
        self._row = row
        self._writes: list[Write] = []  # every write of the session, in order
        self._written = 0  # how many of them the database holds
        self._deferred = False  # the trainee has been told the writes are waiting

    def customer(self, messages: list[Message]) -> None:
        """The customer's opening lines."""
        opening = _json([message_dict(m) for m in messages])
        self._save(lambda db, session_id: _update(db, session_id, {"opening": opening}))

    def turn(self, turn: Turn) -> None:
        """One reply and what followed; the session's scores so far (the turn's running score) are
        kept up to date with it."""
        so_far = turn.running
        # Until finish() the session has not passed, whatever its running score.
        columns = {**_score_columns({**so_far.to_dict(), "failed_outcome": so_far.failed_outcome}), "passed": 0}
        row = {
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

        def save(db: Database, session_id: int) -> None:
            _insert(db, "turns", {"session_id": session_id, **row}, keyed=False)
            _update(db, session_id, columns)

        self._save(save)

    def finish(self, report: SessionReport) -> None:
        """The end: outcome, end time and the final scores."""
        score = report.score
        columns = {
            **_score_columns({**score.to_dict(), "failed_outcome": score.failed_outcome}),
            "outcome": report.outcome,
            "ended_at": self.store._now(),
            "finished": 1,
        }
        self._writes.append(lambda db, session_id: _update(db, session_id, columns))
        try:
            self.flush()
        except RecordUnavailable as exc:
            self._keep_locally(exc)

    def flush(self, *, quiet: bool = False) -> None:
        """Write what waits (the session's row first, if it is not in yet) in one transaction.

        RecordUnavailable if the server is still away (``quiet``: keep waiting without a word).
        """
        waiting = self._writes[self._written :]
        try:
            self.id = self.store._write(lambda db: self._apply(db, self.id, waiting))
        except RecordUnavailable:
            if not quiet:
                raise
            return
        self._written += len(waiting)
        self._deferred = False

    def _apply(self, db: Database, session_id: int | None, writes: list[Write]) -> int:
        """``writes`` on the session ``session_id`` (None: its row is inserted first); its id."""
        if session_id is None:
            session_id = _insert(db, "sessions", self._row)
        for write in writes:
            write(db, session_id)
        return session_id

    def _save(self, write: Write) -> None:
        self._writes.append(write)
        try:
            self.flush()
        except RecordUnavailable as exc:
            if not self._deferred:  # said once; later writes wait without a word
                self._deferred = True
                raise RecordDeferred(str(exc)) from exc

    def _keep_locally(self, unavailable: RecordUnavailable) -> None:
        """The server is still away at the end: the whole session into the local file records."""
        local = local_db_path()
        try:
            with Store.open(local, clock=self.store.clock) as store:
                local_id = store._write(lambda db: self._apply(db, None, self._writes))
        except RecordError as exc:
            raise RecordError(f"{unavailable}；本机也无法保存（{exc}）：本次练习没有记录") from exc
        on_server = f"；服务器上的这场记录（#{self.id}）停在中途" if self.id is not None else ""
        raise RecordKeptLocally(
            f"记录服务器 {self.store.db.where} 仍然连不上：本次练习已完整保存在本机 {local}，编号 {local_id}"
            f"（查看：roleplay report {local_id} --db {local}）{on_server}"
        ) from unavailable


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


def _review(row: Row) -> Review:
    return Review(
        row["idx"], row["criterion"], row["score"], row["reason"], row["reviewer"], datetime.fromisoformat(row["created_at"])
    )


def _past_score(row: Row) -> PastScore:
    return PastScore(
        row["rubric_id"], row["rubric_version"], row["rubric_hash"], _finite(row["total"]), bool(row["passed"]),
        stored_json(row["criteria"]), datetime.fromisoformat(row["replaced_at"]),
    )


def _stored_turn(row: Row, reviews: list[Review]) -> StoredTurn:
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


def _stored_session(row: Row, turns: list[StoredTurn], history: list[PastScore]) -> StoredSession:
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


def _insert(db: Database, table: str, row: dict[str, Any], *, keyed: bool = True) -> int:
    """Insert a row; returns its id (``keyed``: the table has one; turns are keyed by session and index)."""
    return db.insert(table, row, keyed=keyed)  # type: ignore[return-value]


def _update(db: Database, session_id: int, columns: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = ?" for name in columns)
    db.execute(f"UPDATE sessions SET {assignments} WHERE id = ?", [*columns.values(), session_id])


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
