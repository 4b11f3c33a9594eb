"""Where the records live: an SQLite file (the default) or a PostgreSQL database.

The store writes its SQL once, in SQLite's dialect with ``?`` placeholders. A ``Database`` runs it
on its engine and owns what differs between the two: connecting, the placeholders, the column
types of the migration scripts, how a write transaction begins, which errors mean "busy, try
again" or "the server is gone", and where the schema version is kept (SQLite's ``user_version``;
a one-row table on PostgreSQL). psycopg, the PostgreSQL driver, is an optional extra imported only
when a PostgreSQL URL is used.
"""

from __future__ import annotations

import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from roleplay.records.errors import RecordError, RecordUnavailable

#: What a PostgreSQL URL starts with (libpq accepts both).
URL_SCHEMES = ("postgresql://", "postgres://")
#: How long to wait for a PostgreSQL server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 3
SQLITE_BUSY_TIMEOUT_MS = 5000
INSTALL_HINT = "pip install 'roleplay[postgres]'"


def is_url(location: object) -> bool:
    """Whether a ``--db`` / ``ROLEPLAY_DB`` value names a PostgreSQL database rather than a file."""
    return isinstance(location, str) and location.strip().lower().startswith(URL_SCHEMES)


def location(text: str) -> Path | str:
    """A ``--db`` or ``ROLEPLAY_DB`` value: a PostgreSQL URL kept as it is, anything else a file path.

    (``Path`` would fold a URL's ``//`` into ``/``.)
    """
    text = text.strip()
    return text if is_url(text) else Path(text).expanduser()


def masked(url: str) -> str:
    """The URL with its password, in the user part or as a ``password=`` parameter, shown as ``***``."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    netloc = f"{userinfo}@{host}" if at else host
    query = "&".join(
        "password=***" if pair.split("=", 1)[0].lower() == "password" else pair for pair in parts.query.split("&")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secrets(url: str) -> list[str]:
    """The password(s) a URL holds, as written and decoded: a driver's message must not echo them."""
    parts = urlsplit(url)
    found = [parts.password or ""]
    found += [pair.split("=", 1)[1] for pair in parts.query.split("&") if pair.lower().startswith("password=")]
    return sorted({s for secret in found if secret for s in (secret, unquote(secret))}, key=len, reverse=True)


def one_line(exc: BaseException, secrets: Sequence[str] = ()) -> str:
    """A driver's message on one line (libpq's span several), with any password blotted out."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def open_database(where: Path | str, *, read_only: bool = False) -> Database:
    """The database at a file path or PostgreSQL URL, connected; RecordError when it cannot be."""
    if is_url(where):
        return PostgresDatabase(str(where).strip())
    path = Path(where)
    return SQLiteDatabase.open_read_only(path) if read_only else SQLiteDatabase.open(path)


class Database(ABC):
    """One connection to the records database, speaking its engine's dialect."""

    #: What messages call the database: the file's path, or the URL without its password.
    where: str
    #: The driver's errors, which the store reports as RecordError.
    errors: tuple[type[BaseException], ...]
    #: The file, for a database on this machine (None: on a server).
    path: Path | None = None

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement written with ``?`` placeholders; returns the cursor (``fetchone``,
        ``fetchall``; rows read by column name)."""

    @abstractmethod
    def insert(self, table: str, row: dict[str, Any], *, keyed: bool) -> int | None:
        """Insert one row; with ``keyed``, return the ``id`` the database gave it."""

    @abstractmethod
    def writing(self) -> AbstractContextManager[None]:
        """A write transaction: other writers wait (or are told busy) until it commits."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[None]:
        """A read transaction: every query in it sees the same committed state."""

    @abstractmethod
    def busy(self, exc: BaseException) -> bool:
        """Whether ``exc`` means another writer is in the way and the same work may simply be retried."""

    def lost(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the server cannot be reached (the next use connects again)."""
        return False

    def message(self, exc: BaseException) -> str:
        """The driver's error on one line, as a RecordError says it."""
        return one_line(exc)

    def ensure_connected(self) -> None:
        """Connect again if the connection was lost; RecordUnavailable if the server is still away."""

    def prepare(self) -> None:
        """Per-connection settings, before the first transaction."""

    def claim_schema(self) -> None:
        """In a write transaction: make another process migrating the same database wait for this one."""

    @abstractmethod
    def version(self) -> int:
        """The schema version stored in the database (0: none, an empty database)."""

    @abstractmethod
    def set_version(self, version: int) -> None: ...

    def statements(self, script: str) -> list[str]:
        """A migration script split into statements, in this engine's dialect."""
        statements, pending = [], ""
        for line in script.splitlines(keepends=True):
            pending += line
            if sqlite3.complete_statement(pending):
                statements.append(pending.strip())
                pending = ""
        return statements

    @abstractmethod
    def close(self) -> None: ...


class SQLiteDatabase(Database):
    """A file in WAL mode: readers never wait, one writer at a time (others wait ``busy_timeout``)."""

    errors = (sqlite3.Error, OverflowError)  # OverflowError: a number too large for SQLite

    def __init__(self, conn: sqlite3.Connection, path: Path, *, writable: bool) -> None:
        conn.row_factory = sqlite3.Row
        self.conn, self.path, self.where, self.writable = conn, path, str(path), writable

    @classmethod
    def open(cls, path: Path) -> SQLiteDatabase:
        """Open (creating folders and file as needed) for writing."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls(sqlite3.connect(path, isolation_level=None, check_same_thread=False), path, writable=True)
        except (OSError, sqlite3.Error) as exc:
            raise RecordError(f"无法打开记录数据库 {path}：{exc}") from exc

    @classmethod
    def open_read_only(cls, path: Path) -> SQLiteDatabase:
        """A read-only connection (SQLite's ``mode=ro``), which never creates or changes the file.

        A WAL database also needs its ``-shm`` file; in a folder nobody may write to, SQLite cannot
        create it (SQLITE_CANTOPEN), and nobody can be writing the database there either: then it is
        read as it is (``immutable=1``).
        """
        if not path.exists():
            raise RecordError(
                f"没有这个记录数据库：{path}（no such database；还没有记录，或 --db / ROLEPLAY_DB 写错了）"
            )
        if path.is_dir():
            raise RecordError(f"{path} 是文件夹，不是记录数据库：--db / ROLEPLAY_DB 应指向一个 .db 文件")
        uri = path.resolve().as_uri() + "?mode=ro"
        try:
            try:
                return cls(_first_read(_connect_uri(uri)), path, writable=False)
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_CANTOPEN:
                    raise
                immutable = uri + "&immutable=1"
                return cls(_first_read(_connect_uri(immutable)), path, writable=False)
        except sqlite3.Error as exc:
            raise RecordError(f"无法打开记录数据库 {path}：{exc}") from exc

    def prepare(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if self.writable:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable across an app crash

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def insert(self, table: str, row: dict[str, Any], *, keyed: bool) -> int | None:
        cursor = self.conn.execute(_insert_sql(table, row), list(row.values()))
        return cursor.lastrowid if keyed else None

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._transaction("BEGIN IMMEDIATE"):  # the write lock at once: no upgrade deadlock
            yield

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._transaction("BEGIN"):
            yield

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        self.conn.execute(begin)
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def busy(self, exc: BaseException) -> bool:
        """SQLITE_BUSY or SQLITE_LOCKED, extended codes included."""
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        return isinstance(exc, sqlite3.OperationalError) and code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def set_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(version)}")

    def close(self) -> None:
        self.conn.close()


def _connect_uri(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


def _first_read(conn: sqlite3.Connection) -> sqlite3.Connection:
    """The connection, once it has read something: a WAL database that cannot be read fails only then."""
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _insert_sql(table: str, row: dict[str, Any]) -> str:
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})"


#: SQLite's column types in the migration scripts → PostgreSQL's (first match wins per spot).
_POSTGRES_TYPES = (
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),  # SQLite's integers are 64-bit (seeds and ids use them all)
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),  # SQLite's REAL is an 8-byte float; PostgreSQL's a 4-byte one
)


class PostgresDatabase(Database):
    """A PostgreSQL database through psycopg 3: many writers at once, row locks, a server to reach."""

    def __init__(self, url: str) -> None:
        self.url, self.where = url, masked(url)
        self._secrets = _secrets(url)
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as exc:
            raise RecordError(
                f"记录数据库 {self.where} 是 PostgreSQL，需要先安装驱动：{INSTALL_HINT}（{one_line(exc)}）"
            ) from exc
        self._psycopg, self._dict_row = psycopg, dict_row
        self.errors = (psycopg.Error,)
        self.conn: Any = None
        self._connect()

    def _connect(self) -> None:
        psycopg = self._psycopg
        try:
            settings = psycopg.conninfo.conninfo_to_dict(self.url)
            timeout = {} if "connect_timeout" in settings else {"connect_timeout": CONNECT_TIMEOUT_S}
            self.conn = psycopg.connect(
                self.url, autocommit=True, row_factory=self._dict_row, application_name="roleplay", **timeout
            )
        except psycopg.OperationalError as exc:
            self.conn = None
            raise RecordUnavailable(f"无法连接记录数据库 {self.where}：{one_line(exc, self._secrets)}") from exc
        except psycopg.Error as exc:  # a malformed URL, an unknown parameter
            raise RecordError(f"记录数据库地址无效 {self.where}：{one_line(exc, self._secrets)}") from exc

    def ensure_connected(self) -> None:
        if self.conn is None or self.conn.broken:
            self._connect()

    def lost(self, exc: BaseException) -> bool:
        lost_link = self.conn is None or self.conn.broken
        return isinstance(exc, self._psycopg.OperationalError) and lost_link

    def message(self, exc: BaseException) -> str:
        return one_line(exc, self._secrets)  # a server's message may quote the URL

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), list(params))

    def insert(self, table: str, row: dict[str, Any], *, keyed: bool) -> int | None:
        sql = _insert_sql(table, row) + (" RETURNING id" if keyed else "")
        cursor = self.execute(sql, list(row.values()))
        return cursor.fetchone()["id"] if keyed else None

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def busy(self, exc: BaseException) -> bool:
        errors = self._psycopg.errors
        return isinstance(exc, (errors.SerializationFailure, errors.DeadlockDetected, errors.LockNotAvailable))

    def claim_schema(self) -> None:
        # Two processes opening a new database at once: the second waits here, then finds it migrated.
        self.execute("SELECT pg_advisory_xact_lock(hashtext('roleplay records ' || current_schema()))")

    def version(self) -> int:
        if self.execute("SELECT to_regclass('roleplay_schema') IS NULL AS missing").fetchone()["missing"]:
            return 0
        row = self.execute("SELECT version FROM roleplay_schema").fetchone()
        return row["version"] if row else 0

    def set_version(self, version: int) -> None:
        self.execute("CREATE TABLE IF NOT EXISTS roleplay_schema (version INTEGER NOT NULL)")
        self.execute("DELETE FROM roleplay_schema")
        self.execute("INSERT INTO roleplay_schema (version) VALUES (?)", [version])

    def statements(self, script: str) -> list[str]:
        translated = []
        for statement in super().statements(script):
            for pattern, replacement in _POSTGRES_TYPES:
                statement = pattern.sub(replacement, statement)
            translated.append(statement)
        return translated

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
