"""A rubric's fingerprint: a short hash of everything that decides its scores.

A stored score is only as meaningful as the rubric that gave it. The id and version say which
rubric a trainer meant; the fingerprint says what it was: every setting, word list and pattern,
and the contents of the labelled files its learned models are fitted to (not their paths, which
differ from machine to machine). Two rubrics with the same fingerprint score every reply the same.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from roleplay.content.models import Rubric
from roleplay.rubric.base import per_object
from roleplay.rubric.learned import file_digest

#: Hex digits of the fingerprint kept (48 bits: no two rubrics of one department collide).
LENGTH = 12

_fingerprints: dict[int, tuple[Any, str]] = {}


def fingerprint(rubric: Rubric) -> str:
    """The rubric's fingerprint (computed once per rubric object)."""
    return per_object(_fingerprints, rubric, lambda: _digest(rubric))


def _digest(rubric: Rubric) -> str:
    content = _without_paths(rubric.model_dump(mode="json"))
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:LENGTH]


def _without_paths(value: Any) -> Any:
    """The dumped rubric with each learned model's example files replaced by their contents' hashes."""
    if isinstance(value, dict):
        return {
            key: [_file_digest(p) for p in item] if key == "examples" and _paths(item) else _without_paths(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_paths(item) for item in value]
    return value


def _paths(item: Any) -> bool:
    return isinstance(item, list) and all(isinstance(p, str) for p in item) and any(Path(p).is_file() for p in item)


def _file_digest(path: str) -> str:
    """The hash of a file's bytes (a file that cannot be read counts by its name: it fits no model)."""
    try:
        return file_digest(path).hex()
    except OSError:
        return f"unreadable:{Path(path).name}"
