"""Shared fixtures: the shipped content, loaded once per test session; a records database per test."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from records_helpers import pg_in_schema, week_of_records

from roleplay.content.library import Library, load_library
from roleplay.rubric.scorer import Scorer, scorer_for

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def records_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test records into a database of its own (``ROLEPLAY_DB``), never the user's."""
    path = tmp_path_factory.mktemp("records") / "roleplay.db"
    monkeypatch.setenv("ROLEPLAY_DB", str(path))
    return path


@pytest.fixture
def records(library: Library, records_db: Path) -> Path:
    """Three trainees over a week, recorded (see records_helpers.week_of_records)."""
    return week_of_records(library, records_db)


@pytest.fixture(scope="session")
def library() -> Library:
    lib = load_library(env="")
    assert lib.problems == [], lib.problems
    return lib


@pytest.fixture(scope="session")
def scorer(library: Library) -> Scorer:
    return scorer_for(library.rubric("default"))


def labelled_replies() -> list[dict]:
    """The labelled eval set (copied from the team's shared set) plus our own cases."""
    rows = []
    for name in ("replies.dev.jsonl", "replies.extra.jsonl"):
        with open(DATA / name, encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


# -- records on both backends (SQLite and PostgreSQL) ---------------------------------------------
#
# ``ROLEPLAY_TEST_PG=postgresql://user@host:port/db`` names a PostgreSQL server the records tests
# may use (.ci/run starts a throwaway one); each test gets a schema of its own there, dropped after
# it. Without the variable, or without psycopg, the PostgreSQL cases skip and say why.

PG_VARIABLE = "ROLEPLAY_TEST_PG"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The test server's URL, once it answered; a skip, with the reason, when there is none."""
    url = os.environ.get(PG_VARIABLE, "").strip()
    if not url:
        pytest.skip(f"PostgreSQL records tests: no server configured (set {PG_VARIABLE}=postgresql://…; .ci/run does)")
    try:
        import psycopg
    except ImportError:
        pytest.skip("PostgreSQL records tests: psycopg is not installed (pip install '.[postgres]')")
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as exc:  # configured but unusable: a failure to see, not a skip
        pytest.fail(f"{PG_VARIABLE} is set but the server does not answer: {exc}")
    return url


@pytest.fixture
def pg_db(pg_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh PostgreSQL records database for one test (an empty schema of its own), as ``ROLEPLAY_DB``."""
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = pg_in_schema(pg_server, schema)
    monkeypatch.setenv("ROLEPLAY_DB", url)
    yield url
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest, records_db: Path) -> Path | str:
    """The records database on each backend in turn, as ``ROLEPLAY_DB``: an SQLite file, then a
    PostgreSQL schema."""
    return records_db if request.param == "sqlite" else request.getfixturevalue("pg_db")
