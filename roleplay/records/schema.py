"""The records database schema, versioned (SQLite's ``user_version``, a table on PostgreSQL) and
migrated forward.

Each entry of ``MIGRATIONS`` takes a database from version ``n`` to ``n + 1``; a database is
brought up to date by running, in order, the steps after its current version. Steps are never
edited once released (a database in the field may sit at any version): a change is a new step.
The scripts are SQLite's; ``Database.statements`` translates them for PostgreSQL.
"""

from __future__ import annotations

from roleplay.records.backend import Database
from roleplay.records.errors import RecordError

#: Version 1: the first release — sessions with their scores, and every turn as it happened.
V1 = """
CREATE TABLE sessions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    trainee        TEXT NOT NULL DEFAULT '',
    scenario_id    TEXT NOT NULL DEFAULT '',
    persona_id     TEXT NOT NULL DEFAULT '',
    seed           INTEGER,
    rubric_id      TEXT NOT NULL DEFAULT '',
    rubric_version TEXT NOT NULL DEFAULT '',
    pass_mark      REAL,
    started_at     TEXT NOT NULL,          -- ISO-8601, UTC
    ended_at       TEXT,
    outcome        TEXT,                   -- converted | lost | unpaid | NULL
    total          REAL,
    passed         INTEGER NOT NULL DEFAULT 0,
    criteria       TEXT NOT NULL DEFAULT '{}'  -- {criterion: score or null}
);
CREATE TABLE turns (
    session_id   INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    answered     TEXT NOT NULL DEFAULT '[]',  -- the customer's messages this reply answered
    text         TEXT NOT NULL,
    latency_s    REAL,
    result       TEXT NOT NULL DEFAULT '{}',  -- ReplyScore.to_dict()
    model_answer TEXT NOT NULL DEFAULT '',
    customer     TEXT NOT NULL DEFAULT '[]',  -- the customer's messages that followed
    state        TEXT,                        -- {mood, patience, interest} after the reply
    PRIMARY KEY (session_id, idx)
);
"""

#: Version 2: instructors' score sheets — real conversations next to practice, cohorts, the
#: display names as they were, the opening lines, and the summary figures as columns (backfilled
#: from the stored turns) so filters and exports need not parse every turn.
V2 = """
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'practice';  -- practice | real
ALTER TABLE sessions ADD COLUMN cohort TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'practice';  -- practice | exam
ALTER TABLE sessions ADD COLUMN source TEXT NOT NULL DEFAULT 'plain';   -- tui | plain | grade
ALTER TABLE sessions ADD COLUMN source_file TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN transcript_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN scenario_title TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN persona_name TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN opening TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sessions ADD COLUMN finished INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN score_detail TEXT NOT NULL DEFAULT '{}';  -- SessionScore.to_dict()
ALTER TABLE sessions ADD COLUMN first_response_s REAL;
ALTER TABLE sessions ADD COLUMN average_s REAL;
ALTER TABLE sessions ADD COLUMN forbidden_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN closing_attempts INTEGER NOT NULL DEFAULT 0;

UPDATE sessions SET
    finished = ended_at IS NOT NULL,
    first_response_s = (SELECT latency_s FROM turns WHERE session_id = sessions.id AND idx = 0),
    average_s = (SELECT round(avg(latency_s), 2) FROM turns WHERE session_id = sessions.id),
    forbidden_count = (
        SELECT coalesce(sum(json_array_length(result, '$.forbidden.hits')), 0)
        FROM turns WHERE session_id = sessions.id),
    closing_attempts = (
        SELECT count(*) FROM turns
        WHERE session_id = sessions.id AND json_array_length(result, '$.closing.techniques') > 0);

CREATE INDEX sessions_by_trainee ON sessions (trainee, started_at);
CREATE INDEX sessions_by_start ON sessions (started_at);
"""

#: Version 3: scores that stay put — the fingerprint of the rubric each session was scored with
#: (roleplay.rubric.fingerprint; '' for sessions stored before it) and the product card its replies
#: were checked against; per turn, what the rubric was told besides the reply (so a re-score judges
#: it the same way); the scores a re-score replaced; and instructors' reviews: a turn's criterion
#: score overridden with a reason, kept beside the automatic score.
V3 = """
ALTER TABLE sessions ADD COLUMN rubric_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN product_id TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN judged TEXT NOT NULL DEFAULT '{}';  -- {node, expects, buying_signal, typing_s, typing_measured}
CREATE TABLE score_history (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id       INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    rubric_id        TEXT NOT NULL,
    rubric_version   TEXT NOT NULL,
    rubric_hash      TEXT NOT NULL,
    total            REAL,
    passed           INTEGER NOT NULL,
    criteria         TEXT NOT NULL,        -- as sessions.criteria
    score_detail     TEXT NOT NULL,        -- as sessions.score_detail
    turn_results     TEXT NOT NULL,        -- [turns.result] in turn order
    replaced_at      TEXT NOT NULL         -- ISO-8601, UTC: when a re-score replaced them
);
CREATE INDEX score_history_by_session ON score_history (session_id, id);
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,          -- the turn (0-based, as turns.idx)
    criterion   TEXT NOT NULL,
    score       REAL NOT NULL,
    reason      TEXT NOT NULL,
    reviewer    TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL              -- ISO-8601, UTC
);
CREATE INDEX reviews_by_session ON reviews (session_id, idx);
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3)
VERSION = len(MIGRATIONS)


def migrate(db: Database) -> None:
    """Bring the database to ``VERSION``; the caller holds a write transaction.

    The version is read inside that transaction, so when two processes open a new database at
    once, the second one waits for the first and then finds nothing left to do. A database created
    now (version 0) skips the steps' ``UPDATE`` backfills: they fill new columns from rows written
    by older versions, and it has none — which is also why V2's SQLite-only JSON backfill never has
    to run on PostgreSQL (every PostgreSQL database starts at version 0 with this release). Steps
    from V4 on are written in SQL both engines read.
    """
    db.claim_schema()
    current = db.version()
    refuse_newer(db, current)
    for step in MIGRATIONS[current:]:
        for statement in db.statements(step):
            if current == 0 and _is_backfill(statement):
                continue
            db.execute(statement)
    if current != VERSION:
        db.set_version(VERSION)


def refuse_newer(db: Database, current: int) -> None:
    """A database written by a newer roleplay is not read or written: its meaning may have changed."""
    if current > VERSION:
        raise RecordError(f"记录数据库 {db.where} 的版本 {current} 比本程序支持的 {VERSION} 新，请升级 roleplay")


def _is_backfill(statement: str) -> bool:
    code = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    return code.lstrip().upper().startswith("UPDATE")
