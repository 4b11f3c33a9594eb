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
from re import _constants as c, _parser
from typing import Iterable

#: A character range wider than this (all Chinese characters) makes a test pointless.
GATE_RANGE_MAX = 256

Items = list[str]  # character-class items: "耐", "a-z", "\d"


@dataclass(frozen=True, slots=True)
class Scan:
    """A regex, and a cheap test that must pass before it can match (None: always scan)."""

    regex: re.Pattern[str]
    gate: re.Pattern[str] | None = None


def compile_patterns(patterns: Iterable[str], phrases: str = "") -> list[Scan]:
    """A trie of ``phrases`` and the patterns as few scans.

    The patterns whose first characters are known are joined into one regex behind a lookahead
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
        scans.insert(1 if phrases else 0, Scan(re.compile(f"(?=[{''.join(dict.fromkeys(first))}])(?:{'|'.join(joined)})")))
    return scans


def scan_of(pattern: str, parsed=None) -> Scan:
    """One pattern behind a test for a character it cannot match without (when it has one): a
    pattern scanned alone, with its own groups (a back-reference, a number to read)."""
    needed = _needed(parsed if parsed is not None else _parser.parse(pattern))
    return Scan(re.compile(pattern), re.compile(f"[{''.join(dict.fromkeys(needed))}]") if needed else None)


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
