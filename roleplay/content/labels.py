"""Labelled replies: the file format of ``roleplay eval``, one JSON object per line.

A person's labels for a reply (its FAB parts, its 服务禁语 category, its closing techniques), to
compare with the rubric's judgement. docs/labelling.md says how to label; this model is the
single source of the format and of ``schemas/labelled_reply.schema.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from roleplay.content.jsonl import LineError, RecordId, read_jsonl
from roleplay.content.models import Identifier

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
    """What is wrong with a file of labelled replies (``line N: …``); [] when every line reads."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}"]
    rows = read_jsonl(text, LabelledReply, "a labelled reply")
    return [row.located(str(path)) for _, row in rows if isinstance(row, LineError)]
