"""Excel workbook: a sheet per table, frozen header, filters, number formats, widths that fit Chinese text.

Every text cell is text (roleplay.text.safe.sheet_cell): control characters dropped, and one that
Excel would take for a formula (=, +, -, @ or ＝ at its start, even after blanks) carries Excel's
quote prefix, as if typed with a leading '; figures and dates stay numbers. So one trainee's odd
name neither blocks a class's workbook nor runs in it.

Built in openpyxl's write-only mode, which lays out the package, the styles and each sheet's
header, widths, frozen pane and filter; the rows, the bulk of a class's workbook, are written here
straight as SpreadsheetML (the same cells openpyxl would write, at a fraction of its cost per cell)
and spliced into each sheet as it is stored. The file is reproducible: the document dates are the
newest session's start, and every zip entry carries a fixed date.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timezone
from html import escape
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.writer.excel import ExcelWriter

from roleplay.export.sheet import Column, ScoreSheet, Table
from roleplay.text.safe import sheet_cell
from roleplay.text.width import cell_width

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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
#: The most characters an Excel cell holds; a longer text is cut there (with …) rather than
#: making Excel repair the file.
MAX_CELL = 32_767
#: Rows written to the archive at a time.
ROWS_PER_WRITE = 1000


def files(sheet: ScoreSheet, path: Path) -> dict[Path, bytes]:
    workbook = Workbook(write_only=True)
    rows = {}
    for table in (sheet.sessions, sheet.summary, *([sheet.turns] if sheet.turns else [])):
        ws = workbook.create_sheet(table.name)
        rows[ws] = lay_out(ws, table)
    stamp = sheet.latest.astimezone(timezone.utc).replace(tzinfo=None)
    workbook.properties.title = sheet.title
    workbook.properties.creator = "roleplay"
    workbook.properties.created = workbook.properties.modified = stamp
    return {path: save(workbook, rows)}


def lay_out(ws: WriteOnlyWorksheet, table: Table) -> Iterator[str]:
    """Give ``ws`` the table's column widths, frozen header, filter and header row; returns the
    XML of the other rows, written when the workbook is saved."""
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width(column, table.rows)
    ws.freeze_panes = "A2"
    ws.auto_filter = AutoFilter(ref=f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}")
    ws.append([header(ws, column.header) for column in table.columns])
    styles = {kind: styled(ws, number_format=number_format).style_id for kind, number_format in NUMBER_FORMATS.items()}
    styles["formula"] = styled(ws, quotePrefix=True).style_id
    return rows_xml(table, styles)


def styled(ws: WriteOnlyWorksheet, value: Any = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def header(ws: WriteOnlyWorksheet, label: str) -> WriteOnlyCell:
    """A header cell: bold on the header fill, and text like every other (a label may look like a formula)."""
    text, formula = sheet_cell(label)
    cell = styled(ws, text, font=Font(bold=True), fill=HEADER_FILL, alignment=Alignment(vertical="center"))
    cell.data_type = "s"
    cell.quotePrefix = formula
    return cell


def rows_xml(table: Table, styles: dict[str, int]) -> Iterator[str]:
    """Each row of ``table`` after the header as SpreadsheetML, cell by cell as openpyxl writes
    them: numbers and dates as numbers in their format, the rest as inline text."""
    columns = [(get_column_letter(index), column) for index, column in enumerate(table.columns, start=1)]
    for number, row in enumerate(table.rows, start=2):
        cells = (cell_xml(f"{letter}{number}", column, row[column.key], styles) for letter, column in columns)
        yield f'<row r="{number}">{"".join(cells)}</row>'


def cell_xml(ref: str, column: Column, raw: Any, styles: dict[str, int]) -> str:
    """One cell ('' for none): a figure or date in its number format, or harmless text."""
    if column.kind in NUMBER_FORMATS:
        if raw is None:
            return ""
        # a date in local time (Excel has no time zones), as Excel's serial number
        number = to_excel(raw.replace(tzinfo=None)) if column.kind == "datetime" else raw
        return f'<c r="{ref}" s="{styles[column.kind]}" t="n"><v>{number:.16g}</v></c>'
    text, formula = sheet_cell(column.text(raw))
    if not text:
        return ""
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    style = f' s="{styles["formula"]}"' if formula else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text, quote=False)}</t></is></c>'


def width(column: Column, rows: list[dict[str, Any]]) -> float:
    """Wide enough for the header and every value, counting a Chinese character as two, up to
    MAX_WIDTH (so a column's values are measured only until one reaches it)."""
    enough = MAX_WIDTH - 2
    widest = cell_width(column.header)
    for row in rows:
        if widest >= enough:
            break
        widest = max(widest, cell_width(column.text(row[column.key])[:enough]))
    return max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))


class _Archive(ZipFile):
    """The workbook's zip: every entry carries the same date, so the same workbook gives the same
    bytes, and each sheet gets its rows as it is stored (``rows``: those still to write)."""

    def __init__(self, file: io.BytesIO, rows: dict[WriteOnlyWorksheet, Iterator[str]]) -> None:
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        self.rows = dict(rows)

    def writestr(self, name: str | ZipInfo, data: Any, *args: Any, **kwargs: Any) -> None:
        super().writestr(entry(name) if isinstance(name, str) else name, data, *args, **kwargs)

    def write(self, filename: str, arcname: str | None = None, *args: Any, **kwargs: Any) -> None:
        """openpyxl stores each sheet from a temporary file: its rows go in before ``</sheetData>``."""
        with open(filename, "rb") as handle:
            data = handle.read()
        arcname = arcname or Path(filename).name
        sheet = next((ws for ws in self.rows if ws.path == f"/{arcname}"), None)
        if sheet is None:
            self.writestr(arcname, data)
            return
        head, end, tail = data.partition(b"</sheetData>")
        if not end:
            raise ValueError(f"openpyxl wrote {arcname} without the sheet's data")
        rows = self.rows.pop(sheet)
        with self.open(entry(arcname), "w", force_zip64=True) as out:
            out.write(head)
            while chunk := list(islice(rows, ROWS_PER_WRITE)):
                out.write("".join(chunk).encode("utf-8"))
            out.write(end + tail)


def entry(name: str) -> ZipInfo:
    """A compressed zip entry with the fixed date."""
    info = ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = ZIP_DEFLATED
    return info


def save(workbook: Workbook, rows: dict[WriteOnlyWorksheet, Iterator[str]]) -> bytes:
    """The workbook's bytes; like ``Workbook.save`` but keeping the dates we set, with the rows."""
    buffer = io.BytesIO()
    with _Archive(buffer, rows) as archive:
        ExcelWriter(workbook, archive).save()
    if archive.rows:  # never a workbook that silently lacks a sheet's rows
        raise ValueError(f"the rows of {', '.join(ws.title for ws in archive.rows)} found no sheet to go in")
    return buffer.getvalue()
