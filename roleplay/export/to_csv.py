"""CSV: the sessions at the given path, the per-trainee summary next to it (``NAME.summary.csv``)
and, with ``--turns``, every reply (``NAME.turns.csv``).

UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly; every text cell is made
harmless (roleplay.text.safe.cell_text: no control characters, formulas neutralised), figures
stay figures.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from roleplay.export.sheet import ScoreSheet, Table
from roleplay.text.safe import cell_text


def files(sheet: ScoreSheet, path: Path) -> dict[Path, bytes]:
    out = {path: table_bytes(sheet.sessions), beside(path, "summary"): table_bytes(sheet.summary)}
    if sheet.turns is not None:
        out[beside(path, "turns")] = table_bytes(sheet.turns)
    return out


def beside(path: Path, part: str) -> Path:
    """``NAME.part.csv`` next to ``NAME.csv``."""
    return path.with_name(f"{path.stem}.{part}{path.suffix or '.csv'}")


def table_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell_text(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow([c.cell(row[c.key]) for c in table.columns])
    return buffer.getvalue().encode("utf-8-sig")
