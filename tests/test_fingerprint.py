"""Scores that stay put: each stored session names the rubric that scored it by a fingerprint of
everything that decides its scores."""

from __future__ import annotations

import shutil
from pathlib import Path

from roleplay.content.library import load_library
from roleplay.content.models import Rubric
from roleplay.rubric.fingerprint import fingerprint

DEFAULT = load_library(env="").rubric("default")


def variant(change) -> Rubric:
    """The default rubric with ``change`` applied to its data."""
    data = DEFAULT.model_dump()
    change(data)
    return Rubric.model_validate(data)


def examples_at(data: dict, path: Path) -> None:
    for criterion in data["criteria"].values():
        if criterion.get("learned"):
            criterion["learned"]["examples"] = [str(path)]


def test_the_same_rubric_has_the_same_fingerprint_wherever_its_files_are(tmp_path):
    copy = tmp_path / "elsewhere" / "dev.jsonl"
    copy.parent.mkdir()
    shutil.copy(DEFAULT.criteria["fab"].learned.examples[0], copy)
    moved = variant(lambda data: examples_at(data, copy))
    assert fingerprint(moved) == fingerprint(DEFAULT) and len(fingerprint(DEFAULT)) == 12
    assert fingerprint(variant(lambda data: None)) == fingerprint(DEFAULT)


def test_a_word_a_setting_or_an_example_changes_it(tmp_path):
    words = variant(lambda data: data["criteria"]["forbidden"]["categories"]["contempt"]["phrases"].append("土里土气"))
    mark = variant(lambda data: data.update(pass_mark=70))
    fewer = tmp_path / "dev.jsonl"
    lines = Path(DEFAULT.criteria["fab"].learned.examples[0]).read_text(encoding="utf-8").splitlines(keepends=True)
    fewer.write_text("".join(lines[:-1]), encoding="utf-8")
    relabelled = variant(lambda data: examples_at(data, fewer))
    prints = {fingerprint(r) for r in (DEFAULT, words, mark, relabelled)}
    assert len(prints) == 4
