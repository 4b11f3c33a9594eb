"""Every ``ROLEPLAY_*`` environment variable, read in one place.

Each is read when it is needed (a test or a shell may change it between two commands), through
:func:`read`; the names a user sets are kept here too, so messages name the right one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

#: The field of :class:`Environment` → the variable that sets it.
VARIABLES = {
    "path": "ROLEPLAY_PATH",
    "db": "ROLEPLAY_DB",
    "cache_dir": "ROLEPLAY_CACHE_DIR",
    "config_dir": "ROLEPLAY_CONFIG_DIR",
}


@dataclass(frozen=True)
class Environment:
    """The variables' values, stripped; "" where one is unset."""

    #: Extra content folders (os.pathsep-separated), after the built-in ones.
    path: str = ""
    #: The records database: an SQLite file, or a PostgreSQL URL (postgresql://user@host/db).
    db: str = ""
    #: Where jieba's dictionary cache and the rubric's fitted models are kept.
    cache_dir: str = ""
    #: Where the trainee's settings (name, mode) are kept.
    config_dir: str = ""


def read(environ: Mapping[str, str] | None = None) -> Environment:
    """The variables as ``environ`` (default: the process's environment) holds them now."""
    source = os.environ if environ is None else environ
    return Environment(**{f.name: source.get(VARIABLES[f.name], "").strip() for f in fields(Environment)})
