"""Shared fixtures: the shipped content, loaded once per test session; a records database per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from records_helpers import week_of_records

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
