"""Text for the terminal: display width (CJK characters take two cells) and printable form."""

from __future__ import annotations

import re
import unicodedata

#: C0/C1 control characters and the bidirectional overrides: a reply from a chat log or a labelled
#: file must not move the cursor, clear the screen or reorder what an instructor reads.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def cell_width(text: str) -> int:
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


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), safe to print on a terminal."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)
