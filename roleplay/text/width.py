"""Text for the terminal: display width (CJK characters take two cells)."""

from __future__ import annotations

import unicodedata


def cell_width(text: str) -> int:
    if text.isascii():  # every ASCII character is one cell (most of a table: dates, figures)
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal cells."""
    return text + " " * max(0, width - cell_width(text))


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with … where it is longer (a column
    that a long title must not push out of line)."""
    if cell_width(text) <= width:
        return pad(text, width)
    out, used = "", 0
    for ch in text:
        size = cell_width(ch)
        if used + size > width - 1:
            break
        out, used = out + ch, used + size
    return pad(out + "…", width)
