"""Labelled replies: the file format of ``roleplay eval``, one JSON object per line.

A person's labels for a reply (its FAB parts, its 服务禁语 category, its closing techniques), to
compare with the rubric's judgement. docs/labelling.md says how to label; this model is the
single source of the format and of ``schemas/labelled_reply.schema.json``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from roleplay.content import jsonl
from roleplay.content.jsonl import LineError, RecordId, read_jsonl
from roleplay.content.models import Identifier
from roleplay.text.segment import cache_dir, code_key

FabPart = Literal["F", "A", "B"]


class LabelledReply(BaseModel):
    """One agent reply with the labels a person gave it."""

    model_config = ConfigDict(extra="forbid", title="Labelled reply")

    id: RecordId = Field(description="Unique within the file; disagreements are reported by it.")
    text: str = Field(min_length=1, description="The agent's reply, exactly as typed.")
    fab: list[FabPart] = Field(description='FAB parts the reply contains: a subset of "F", "A", "B" in that order.')
    forbidden: Identifier | None = Field(
        description="The reply's 服务禁语 category (a category id of the rubric, e.g. impatience), or null."
    )
    closing: list[Identifier] = Field(
        description="Closing technique ids the reply uses (e.g. alternative, urgency); [] for none."
    )
    customer: str = Field("", description="The shopper's message the reply answers (context for closing and FAB).")
    scenario: Identifier | None = Field(None, description="Grade with this scenario's product card.")
    category: str | None = Field(None, description="Product category; the corpus is split into parts by it.")
    note: str | None = Field(None, description="Why the labels are what they are, for the next reader.")

    @field_validator("fab")
    @classmethod
    def _in_order(cls, parts: list[str]) -> list[str]:
        if parts != [p for p in "FAB" if p in parts]:
            raise ValueError(f'list each of "F", "A", "B" at most once and in that order (got {parts})')
        return parts

    @field_validator("closing")
    @classmethod
    def _distinct(cls, techniques: list[str]) -> list[str]:
        if len(set(techniques)) != len(techniques):
            raise ValueError(f"a technique is listed twice (got {techniques})")
        return techniques


def labelled_file_problems(path: Path) -> list[str]:
    """What is wrong with a file of labelled replies (``line N: …``); [] when every line reads.

    A rubric's example file is checked on every start (fifteen thousand replies: a third of a
    second), so a file found sound is remembered in roleplay's cache folder by its contents and by
    the code that reads it: the next start checks it in a hash's time, an edited file again."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}"]
    # (keyed by the code that says whether a line reads too: another version of it checks again)
    sound = cache_dir() / "checked" / hashlib.sha256(data + code_key(sys.modules[__name__], jsonl)).hexdigest()
    if sound.is_file():
        return []
    rows = read_jsonl(text, LabelledReply, "a labelled reply")
    problems = [row.located(str(path)) for _, row in rows if isinstance(row, LineError)]
    if not problems:
        try:
            sound.parent.mkdir(parents=True, exist_ok=True)
            sound.touch()
        except OSError:
            pass  # a cache that cannot be written only costs the next start the check
    return problems

