"""Order Chinese names as people expect them: by pinyin (王芳 before 小李), not by code point.

A class list sorted by code point puts 小 (U+5C0F) before 王 (U+738B); instructors look names up
by their pinyin, as every Chinese roster and phone book orders them.
"""

from __future__ import annotations


def name_key(name: str) -> tuple[str, str]:
    """A sort key for a person's name: its pinyin (Latin letters as they are, case aside), then the
    name itself, so that names that read alike still sort the same way every time."""
    from pypinyin import lazy_pinyin  # its dictionary takes a tenth of a second: loaded only to sort names

    return " ".join(lazy_pinyin(name.casefold())), name
