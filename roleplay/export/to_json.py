"""JSON: the score sheet for other tools; criterion scores nested under ``criteria``.

Text is kept exactly as recorded: JSON writes a control character as an escape (\\u001b), harmless
in the file, and no spreadsheet evaluates a JSON string, so nothing is dropped or prefixed here.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from roleplay.export.sheet import ScoreSheet, Table


def files(sheet: ScoreSheet, path: Path) -> dict[Path, bytes]:
    document = {
        "title": sheet.title,
        "filters": sheet.filters,
        "criteria": [{"id": c.id, "label": c.label, "weight": c.weight} for c in sheet.criteria],
        "sessions": rows(sheet.sessions),
        "summary": rows(sheet.summary),
        **({"turns": rows(sheet.turns)} if sheet.turns is not None else {}),
    }
    return {path: (json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")}


def rows(table: Table) -> list[dict[str, Any]]:
    return [nest({c.key: plain(row[c.key]) for c in table.columns}) for row in table.rows]


def nest(row: dict[str, Any]) -> dict[str, Any]:
    """``{"criteria.fab": 80}`` → ``{"criteria": {"fab": 80}}``."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        head, _, rest = key.partition(".")
        if rest:
            out.setdefault(head, {})[rest] = value
        else:
            out[key] = value
    return out


def plain(value: Any) -> Any:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value
