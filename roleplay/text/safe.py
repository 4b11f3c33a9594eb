"""Text from users and content files made harmless where it is shown: on a terminal and in a
spreadsheet.

A trainee name, a persona's line or a chat log may hold control characters (an escape sequence
that retitles or blanks the terminal, a newline that forges a table row) or start like a formula.
Where such text reaches a terminal it is shown, not obeyed: each control character becomes its
visible picture (ESC as ␛); where it reaches a cell of an exported sheet (CSV, workbook, HTML),
control characters are dropped and a formula prefix is neutralised (``sheet_cell``: one rule for
every format).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO

#: C0 controls, DEL, C1 controls, the bidirectional overrides that reorder what follows, and the
#: private-use characters that stand for roleplay's own colours (see ``coloured``).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ue000-\ue007]")
#: The same without the line break and tab, for text shown as lines.
_CONTROL_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ue000-\ue007]")
#: What a stream shows of what is written to it: controls, but not roleplay's own colour marks.
_CONTROL_OUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: roleplay's own colours, as private-use characters in the text until a stream draws them:
#: U+E001…U+E007 a bold colour (ANSI 31…37), U+E000 the reset. No text can smuggle an escape
#: sequence in through them: each stands for one fixed colour.
_COLOURS = {0xE000: "\x1b[0m", **{0xE000 + n: f"\x1b[1;3{n}m" for n in range(1, 8)}}
#: What no exported document (sheet, page) holds: the controls above (line breaks and tabs stay), and
#: what an XML document cannot hold at all (a lone surrogate, U+FFFE, U+FFFF).
_NOT_IN_DOCUMENT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ue000-\ue007\ud800-\udfff\ufffe\uffff]"
)
#: What a spreadsheet would evaluate at the start of a cell (after blanks), half- or full-width.
_FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@＝＋－＠]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀…␟: the Unicode picture of each C0 control
    return "␡" if code == 0x7F else "�"  # C1, bidi overrides, colour marks in someone's text


def shown(text: str, *, lines: bool = False) -> str:
    """``text`` as a terminal may show it: every control character as its picture (ESC as ␛),
    one character for one, so evidence spans still point at the same characters.

    With ``lines``, line breaks and tabs stay (a report's paragraphs); without, they are shown
    too, so a name or a table cell is one line whatever it holds.
    """
    pattern = _CONTROL_IN_LINES if lines else _CONTROL
    return pattern.sub(_picture, text) if pattern.search(text) else text


#: What JSON may hold raw but a terminal could obey or reorder: DEL, C1 controls, bidirectional
#: overrides (json.dumps escapes C0 controls itself), and the line separators some readers split on.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_escaped(text: str) -> str:
    """JSON text with every character a terminal could obey written as a \\uXXXX escape: the
    same data for any JSON reader, harmless on a screen (no picture replaces a character)."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _RAW_IN_JSON.search(text) else text


def coloured(text: str, colour: int) -> str:
    """``text`` in a bold ANSI colour (1 red … 7 white) once a ``ShownStream`` writes it (as is, a
    private-use character each side, which other streams do not draw)."""
    return f"{chr(0xE000 + colour)}{text}\ue000"


def control_in(text: str) -> str | None:
    """The first control character of ``text`` other than a line break or a tab (None: none)."""
    found = _CONTROL_IN_LINES.search(text)
    return found.group() if found else None


def without_controls(text: str) -> str:
    """``text`` as an exported document (workbook, page) holds it: without control characters
    other than line breaks and tabs, nor what XML cannot hold. A workbook cannot hold them at
    all, so one in a trainee's name would otherwise block a whole class's sheet."""
    return _NOT_IN_DOCUMENT.sub("", text) if _NOT_IN_DOCUMENT.search(text) else text


def sheet_cell(text: str) -> tuple[str, bool]:
    """``text`` as a cell of any exported sheet holds it (``without_controls``), and whether the
    cell must be marked as text because a spreadsheet would take it for a formula (=, +, -, @,
    half- or full-width, even after blanks or line breaks).

    Each format marks a formula-like cell its own way: a leading ' in CSV and HTML (``cell_text``),
    the quote-prefix style in a workbook (what Excel keeps when one types the ').
    """
    text = without_controls(text)
    return text, _FORMULA_START.match(text) is not None


def cell_text(text: str) -> str:
    """``text`` as a CSV or HTML cell (``sheet_cell``): a cell that would start a formula is
    prefixed with ' (OWASP's advice)."""
    text, formula = sheet_cell(text)
    return "'" + text if formula else text


class ShownStream:
    """A text stream that shows the control characters written to it (line breaks and tabs stay):
    every command's output and messages pass through one, so no name, content line or chat log can
    retitle, clear or move the terminal it is printed on. roleplay's own colours (``coloured``)
    are drawn; they are no escape sequences until this stream writes them."""

    def __init__(self, stream: TextIO, colours: bool = True) -> None:
        self._stream = stream
        self._colours = dict(_COLOURS) if colours else dict.fromkeys(_COLOURS, "")

    def write(self, text: str) -> int:
        if _CONTROL_IN_LINES.search(text):
            text = _CONTROL_OUT.sub(_picture, text).translate(self._colours)
        self._stream.write(text)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)  # flush, isatty, fileno, encoding, buffer…
