"""Quick replies (快捷短语): shop-wide canned phrases agents insert with a key.

They live in ``quick_replies/*.yaml`` of any content folder; later folders override earlier
ones by id, and all sets are offered in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import Field, ValidationError

from roleplay.content.library import content_dirs
from roleplay.content.loader import validation_problems, yaml_files
from roleplay.content.models import Identifier, Strict
from roleplay.content.yamlmarks import Problem, load_marked

FOLDER = "quick_replies"


class QuickReply(Strict):
    label: str = Field(description="Short name shown next to the key, e.g. 发货.")
    text: str = Field(min_length=1, description="The text inserted into the reply box.")


class QuickReplySet(Strict):
    """A set of quick replies, e.g. the shop's defaults."""

    id: Identifier
    title: str
    phrases: list[QuickReply] = Field(min_length=1)


def load_quick_replies(extra: Sequence[Path | str] = (), env: str | None = None) -> tuple[list[QuickReply], list[Problem]]:
    """All quick replies of every content folder, and any problems in their files."""
    sets: dict[str, QuickReplySet] = {}
    problems: list[Problem] = []
    folders = [d / FOLDER for d in content_dirs(extra, env) if (d / FOLDER).is_dir()]
    for path in yaml_files(folders):
        doc, found = load_marked(path)
        problems.extend(found)
        if doc is None:
            continue
        try:
            quick = QuickReplySet.model_validate(doc.data)
        except ValidationError as exc:
            problems.extend(validation_problems(doc, exc))
            continue
        sets[quick.id] = quick
    return [phrase for quick in sets.values() for phrase in quick.phrases], problems
