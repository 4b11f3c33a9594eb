"""Scan a text with many regular expressions quickly: skip what cannot match at a glance.

Python's regex engine tries every alternative of a pattern at every position of a text. Most
rubric patterns can only start with a few characters (2000瓦 and IPX7 with a digit or a Latin
letter, 耐磨 with 耐), or cannot match without one of a few characters somewhere (…得很快 needs
得): such patterns are scanned behind a one-character test that fails at once, which makes a
rubric with hundreds of patterns several times cheaper. The tests are derived from the patterns
themselves (with the ``re`` module's own parser), so a trainer writes plain regular expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as c, _parser
from typing import Iterable, Iterator

#: A character range wider than this (all Chinese characters) makes a test pointless.
GATE_RANGE_MAX = 256

Items = list[str]  # character-class items: "耐", "a-z", "\d"


@dataclass(frozen=True, slots=True)
class Scan:
    """A regex, and a cheap test that must pass before it can match (None: always scan).

    Every match holds a character the gate finds, so none starts more than ``reach`` characters
    before the first such character: the scan starts there (None: a match may be of any length).
    """

    regex: re.Pattern[str]
    gate: re.Pattern[str] | None = None
    reach: int | None = None

    def start(self, text: str) -> int | None:
        """Where in ``text`` a match may start first (None: nowhere, the gate fails)."""
        if self.gate is None:
            return 0
        seen = self.gate.search(text)
        if seen is None:
            return None
        return 0 if self.reach is None else max(seen.start() - self.reach, 0)


def compile_patterns(patterns: Iterable[str], phrases: str = "") -> list[Scan]:
    """A trie of ``phrases`` and the patterns as few scans (compiled once per process for the same
    lists: a rubric loaded again, as every test and every reload of the content does, costs nothing)."""
    return list(_compiled(tuple(patterns), phrases))


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...], phrases: str) -> tuple[Scan, ...]:
    """The patterns whose first characters are known are joined into one regex behind a lookahead
    of those characters; each other pattern is scanned alone, behind a test for a character it
    cannot match without, when it has one; a pattern with groups of its own (爱(.)不\\1) is always
    alone, so that its back-references keep their numbers.
    """
    # A bare trie keeps the regex engine's own fast skip to its first characters, which a
    # lookahead would cost it: the phrases are a scan of their own.
    scans = [Scan(re.compile(phrases))] if phrases else []
    joined: list[str] = []
    first: list[str] = []
    for pattern in patterns:
        parsed = _parser.parse(pattern)
        start = None if re.compile(pattern).groups else _first(parsed)
        if start:
            joined.append(f"(?:{pattern})")
            first.extend(start)
            continue
        scans.append(scan_of(pattern, parsed))
    if joined:
        body = factored([part for pattern in joined for part in spread(pattern)])
        scans.insert(1 if phrases else 0, Scan(re.compile(f"(?=[{''.join(dict.fromkeys(first))}])(?:{body})")))
    return tuple(scans)


# Joined patterns as a trie of their first characters.
#
# At every position the regex engine tries a joined scan's alternatives one by one. An alternative
# that starts with a literal character is ruled out at a glance where the text has another; one
# that starts with a group of alternatives (``(?:你|您)…``) or is itself a list of them (``a|b``)
# has to be entered. So the patterns are spread into flat alternatives that start with a literal
# character (``(?:你|您)不懂`` into ``你不懂|您不懂``), and those that share their first character
# are factored behind it (``你(?:不懂|…)``). Whichever alternative matched first at a position
# still matches first: the alternatives that can start with one character keep their order.


def spread(pattern: str) -> list[str]:
    """A pattern without groups of its own (one of a joined scan's) as flat alternatives, in
    order, each starting with a literal character where spreading makes it so."""
    return [flat for part in _top_level(pattern, "|") for flat in _spread_head(part)]


#: At most this many alternatives come of spreading one leading group (a pattern stays small).
SPREAD_MAX = 24
_SPECIAL = frozenset(".^$*+?{}[]|()\\")
_QUANTIFIERS = frozenset("*+?{")


def _spread_head(part: str, budget: int = SPREAD_MAX) -> list[str]:
    """``(?:a|b)R`` as ``aR``, ``bR`` and ``[ab]R`` as ``aR``, ``bR`` (same order, same matches:
    a joined pattern has no groups, so nothing refers to the group spread)."""
    if part.startswith("(?:"):
        end = _closing(part)
        if end > 0 and part[end + 1 : end + 2] not in _QUANTIFIERS:
            inner, rest = _top_level(part[3:end], "|"), part[end + 1 :]
            if len(inner) <= budget:
                return [flat for branch in inner for flat in _spread_head(branch + rest, budget // len(inner))]
    elif part.startswith("[") and not part.startswith(("[^", "[]")):
        end = part.find("]")
        chars = part[1:end]
        if end > 0 and part[end + 1 : end + 2] not in _QUANTIFIERS and len(chars) <= budget:
            if not any(char in _SPECIAL or char == "-" for char in chars):
                return [char + part[end + 1 :] for char in chars]
    return [part]


def factored(parts: list[str]) -> str:
    """One alternation of ``parts`` in which alternatives that start with the same literal
    character are one branch behind it, where that keeps every alternative's order among those
    that can match at a position (an alternative that may start with that character in between
    closes the branch)."""
    branches: list[tuple[str | None, list[str]]] = []
    open_: dict[str, int] = {}  # first character -> its branch, while more may join it
    for part in parts:
        if part[:1] and part[0] not in _SPECIAL and part[1:2] not in _QUANTIFIERS:
            char, rest = part[0], part[1:]
            if char in open_:
                branches[open_[char]][1].append(rest)
            else:
                open_[char] = len(branches)
                branches.append((char, [rest]))
            continue
        items = _first(_parser.parse(part))
        starts = _class("".join(items)) if items else None
        for char in [char for char in open_ if starts is None or starts.fullmatch(char)]:
            del open_[char]
        branches.append((None, [part]))
    return "|".join(
        re.escape(char) + f"(?:{'|'.join(rests)})" if char is not None and len(rests) > 1
        else (char or "") + rests[0]  # a branch of one: the alternative as it was
        for char, rests in branches
    )


@lru_cache(maxsize=1024)
def _class(items: str) -> re.Pattern[str]:
    """A character class of ``items`` (the same few classes come up again and again)."""
    return re.compile(f"[{items}]")


def _top_level(pattern: str, separator: str) -> list[str]:
    """``pattern`` split at the ``separator`` characters outside groups, classes and escapes."""
    parts, start = [], 0
    for i, char, depth in _structure(pattern):
        if char == separator and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _closing(pattern: str) -> int:
    """The index of the ``)`` that closes the group ``pattern`` starts with (-1: none)."""
    return next((i for i, char, depth in _structure(pattern) if char == ")" and depth == 1), -1)


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character of ``pattern`` outside escapes and classes, with how many groups it is in
    (a group's ``(`` and ``)`` count as in it)."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i) + 1
            continue
        depth += char == "("
        yield i, char, depth
        depth -= char == ")"
        i += 1


def _class_end(pattern: str, i: int) -> int:
    """The index of the ``]`` that closes the class opened at ``pattern[i]``."""
    i += 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":  # a ] first in a class is literal
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def scan_of(pattern: str, parsed=None) -> Scan:
    """One pattern behind a test for a character it cannot match without (when it has one): a
    pattern scanned alone, with its own groups (a back-reference, a number to read)."""
    parsed = parsed if parsed is not None else _parser.parse(pattern)
    needed = _needed(parsed)
    if not needed:
        return Scan(re.compile(pattern))
    longest = parsed.getwidth()[1]
    reach = longest - 1 if longest < REACH_MAX else None
    return Scan(re.compile(pattern), re.compile(f"[{''.join(dict.fromkeys(needed))}]"), reach)


#: A match longer than this may start anywhere before its gate's character (scan the whole text).
REACH_MAX = 1000


def _first(seq) -> Items | None:
    items, empty = _first_of(seq)
    return None if empty or not items else items


def _first_of(seq) -> tuple[Items | None, bool]:
    """First characters of a parsed sequence, and whether it can match nothing."""
    out: Items = []
    for op, av in seq:
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue  # zero-width: the match starts with what follows
        if op is c.LITERAL:
            return out + [re.escape(chr(av))], False
        if op is c.IN:
            items = _class_items(av)
            return (None, False) if items is None else (out + items, False)
        if op is c.BRANCH:
            items, empty = _union(av[1])
        elif op is c.SUBPATTERN:
            items, empty = _first_of(av[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            items, empty = _first_of(av[2])
            empty = empty or av[0] == 0
        else:
            return None, False
        if items is None:
            return None, False
        out += items
        if not empty:
            return out, False
    return out, True


def _union(branches) -> tuple[Items | None, bool]:
    union: Items = []
    nullable = False
    for branch in branches:
        items, empty = _first_of(branch)
        if items is None:
            return None, False
        union += items
        nullable = nullable or empty
    return union, nullable


def _needed(seq) -> Items | None:
    """The fewest characters of which a match must contain one (None: no such test).

    Each item a match cannot skip offers the characters it can start with; the smallest set is
    the test. For alternatives, every branch must offer a test, and the test is their union.
    """
    best: Items | None = None
    for op, av in seq:
        items: Items | None = None
        if op is c.LITERAL:
            items = [re.escape(chr(av))]
        elif op is c.IN:
            items = _class_items(av)
        elif op is c.BRANCH:
            parts = [_needed(branch) for branch in av[1]]
            items = None if any(p is None for p in parts) else [i for p in parts for i in p]
        elif op is c.SUBPATTERN:
            items = _needed(av[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            items = _needed(av[2])
        if items and (best is None or len(items) < len(best)):
            best = items
    return best


def _class_items(items) -> Items | None:
    """A parsed character class as class items; None for a negated or very wide class."""
    out: Items = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is c.RANGE and av[1] - av[0] <= GATE_RANGE_MAX:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            out.append(r"\d")
        elif op is c.CATEGORY and av is c.CATEGORY_SPACE:
            out.append(r"\s")
        else:
            return None
    return out
