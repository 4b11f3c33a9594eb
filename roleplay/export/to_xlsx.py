"""Excel workbook: a sheet per table, frozen header, number formats, widths that fit Chinese text.

Text that Excel would take for a formula is stored as a string. The file is reproducible: the
document dates are the newest session's start, and every zip entry carries a fixed date.
"""

from __future__ import annotations

import io
from datetime import timezone
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from roleplay.export.sheet import Column, ScoreSheet, Table
from roleplay.text.safe import without_controls
from roleplay.text.width import cell_width

NUMBER_FORMATS = {
    "int": "0",
    "score": "0.0",
    "seconds": "0.0",
    "rate": "0.0%",
    "datetime": "yyyy-mm-dd hh:mm",
}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MIN_WIDTH, MAX_WIDTH = 6, 40
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def files(sheet: ScoreSheet, path: Path) -> dict[Path, bytes]:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in (sheet.sessions, sheet.summary, *([sheet.turns] if sheet.turns else [])):
        fill(workbook.create_sheet(table.name), table)
    stamp = sheet.latest.astimezone(timezone.utc).replace(tzinfo=None)
    workbook.properties.title = sheet.title
    workbook.properties.creator = "roleplay"
    workbook.properties.created = workbook.properties.modified = stamp
    return {path: save(workbook)}


def fill(ws: Worksheet, table: Table) -> None:
    ws.append([without_controls(c.header) for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for row in table.rows:
        ws.append([value(c, row[c.key]) for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        number_format = NUMBER_FORMATS.get(column.kind)
        for cell in ws[letter]:
            if number_format and cell.row > 1:
                cell.number_format = number_format
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula (=, +, -, @ or ＝ at its start)
        ws.column_dimensions[letter].width = width(column, table.rows)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def value(column: Column, raw: Any) -> Any:
    """What goes in the cell: numbers and dates as such (formatted by Excel), the rest as text."""
    if column.kind == "datetime" and raw is not None:
        return raw.replace(tzinfo=None)  # local time; Excel has no time zones
    if column.kind in NUMBER_FORMATS:
        return raw
    return without_controls(column.text(raw))


def width(column: Column, rows: list[dict[str, Any]]) -> float:
    """Wide enough for the header and every value, counting a Chinese character as two."""
    widest = max([cell_width(column.header), *(cell_width(column.text(r[column.key])) for r in rows)])
    return max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))


class _FixedDateZip(ZipFile):
    """A zip whose entries all carry the same date, so the same workbook gives the same bytes."""

    def writestr(self, name: str | ZipInfo, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(name, str):
            name = ZipInfo(name, date_time=ZIP_DATE)
            name.compress_type = ZIP_DEFLATED
        super().writestr(name, data, *args, **kwargs)

    def write(self, filename: str, arcname: str | None = None, *args: Any, **kwargs: Any) -> None:
        """openpyxl writes worksheets from temporary files: store them with the fixed date too."""
        with open(filename, "rb") as handle:
            self.writestr(arcname or Path(filename).name, handle.read())


def save(workbook: Workbook) -> bytes:
    """The workbook's bytes; like ``Workbook.save`` but keeping the dates we set."""
    buffer = io.BytesIO()
    archive = _FixedDateZip(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()
