"""Session records: every practice session and graded chat log, kept in an SQLite file or a PostgreSQL
database.

``Store`` opens the database and writes; ``SessionRecorder`` writes one session turn by turn;
``StoredSession`` is what comes back, for reports and score sheets.
"""

from roleplay.records.model import StoredSession, StoredTurn
from roleplay.records.store import RecordError, SessionRecorder, Store, default_db_path

__all__ = ["RecordError", "SessionRecorder", "Store", "StoredSession", "StoredTurn", "default_db_path"]
