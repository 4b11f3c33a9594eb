"""Scan a text with many regular expressions quickly: skip what cannot match at a glance.

A list's phrases become one trie and each of its patterns a scan of its own; the prefilter
(roleplay.text.prefilter) says which scans a text could match at all. A pattern that cannot match
without one of a few characters (…得很快 needs 得) is scanned behind a one-character test, started
no further back from the first such character than the part of a match before it reaches. A
pattern led by look-arounds is compiled to match its first character first, where that lets the
engine skip ahead (:func:`_first_character_first`). The tests and rewrites are derived from the
patterns themselves (with the ``re`` module's own parser), so a trainer writes plain regular
expressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as c, _parser
from typing import NamedTuple

from roleplay.text.normalize import normalize
from roleplay.text.prefilter import PREFILTER, Verdict

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


class Scans(NamedTuple):
    """The scans of a list of phrases and patterns, registered with the prefilter as ``serial``:
    bit ``serial + i`` of its verdict on a text is set when scan ``i`` of the list may match it
    (roleplay.text.prefilter); ``mask`` has a bit for each of the list's scans."""

    scans: tuple[Scan, ...]
    serial: int | None
    mask: int
    #: The indices of the scans each set of bits leaves: a reply's verdict leaves one of a few
    #: sets, so a set's bits are read off once, not once per reply (at most CHOSEN_MAX sets).
    chosen: dict[int, Sequence[int]]

    def candidates(self, passing: Verdict | None) -> Sequence[int]:
        """The indices of the scans to run on a text the prefilter's verdict is ``passing`` for,
        in order (all of them when there is no verdict)."""
        if passing is None or self.serial is None:
            return range(len(self.scans))
        chosen = (passing >> self.serial) & self.mask
        if not chosen:  # most lists, on most replies
            return ()
        known = self.chosen.get(chosen)
        if known is not None:
            return known
        indices = []
        bits = chosen
        while bits:  # a few bits set, lowest first
            low = bits & -bits
            indices.append(low.bit_length() - 1)
            bits ^= low
        if len(self.chosen) < CHOSEN_MAX:
            self.chosen[chosen] = indices
        return indices


#: Sets of a list's scans remembered with their indices (a bound, for lists of many scans).
CHOSEN_MAX = 4096


def compile_patterns(patterns: Iterable[str], phrases: Iterable[str] = ()) -> Scans:
    """A trie of ``phrases`` and each pattern as a scan of its own (compiled once per process for
    the same lists: a rubric loaded again, as every test and every reload of the content does,
    costs nothing)."""
    return _compiled(tuple(patterns), tuple(sorted({normalize(p) for p in phrases if p})))


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...], phrases: tuple[str, ...]) -> Scans:
    """The phrases as one trie (the longest phrase at a position wins), then each pattern behind a
    test for a character it cannot match without, when it has one. The prefilter learns which
    scan each phrase and pattern is in: a text that holds none of a pattern's atoms skips its scan."""
    scans = [Scan(re.compile(_trie_of(phrases)))] if phrases else []
    scans += [scan_of(pattern) for pattern in patterns]
    trie = [(phrase, True, 0) for phrase in phrases]
    offset = 1 if phrases else 0
    serial = PREFILTER.register(trie + [(pattern, False, offset + i) for i, pattern in enumerate(patterns)])
    return Scans(tuple(scans), serial, (1 << len(scans)) - 1, {})


def trie_pattern(phrases: Iterable[str]) -> str:
    """One regular expression for many literal phrases, shaped as a trie (爱(?:买不买|要不要)).

    Python's re tries a flat alternation phrase by phrase at every position; a trie tries one
    branch per character, which makes scanning a reply with hundreds of phrases several times
    faster. A longer continuation is tried before a phrase ends, so the longest phrase wins.
    Phrases are normalised like replies; no phrases give an empty pattern.
    """
    return _trie_of({normalize(p) for p in phrases if p})


def _trie_of(phrases: Iterable[str]) -> str:
    """:func:`trie_pattern` of phrases normalised already."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict) -> str:
    branches = [re.escape(char) + _trie_node(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a phrase may end here
        return f"(?:{body})?"
    return body


@lru_cache(maxsize=8192)
def compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled once per process: the loader compiles a rubric's patterns to check them
    (roleplay.content.models) and the matchers compile them again, more patterns than ``re``'s own
    cache keeps (512), so without this every start compiled each of them twice."""
    return re.compile(pattern)


def scan_of(pattern: str, parsed=None) -> Scan:
    """One pattern behind a test for a character it cannot match without (when it has one): a
    pattern scanned alone, with its own groups (a back-reference, a number to read)."""
    parsed = parsed if parsed is not None else _parser.parse(pattern)
    needed = _needed(parsed)
    regex = _first_character_first(parsed) or compiled(pattern)
    if needed is None:
        return Scan(regex)
    items, before = needed
    reach = before if before < REACH_MAX else None
    return Scan(regex, compiled(f"[{''.join(dict.fromkeys(items))}]"), reach)


def _first_character_first(parsed: _parser.SubPattern) -> re.Pattern[str] | None:
    r"""A pattern (``parsed``) compiled to match its first character before the look-arounds that
    lead it, when that character is of a narrow class: (?<![a-z\d])\d+元 as \d(?<=(?<![a-z\d])\d)\d*元.
    None for a pattern that does not start so.

    The regex engine skips ahead to where a pattern's first character is only when the pattern
    starts with that character: led by a look-around, it is tried at every position of a text,
    look-arounds first. Behind the character, the look-arounds are the same tests at the same
    place (a look-behind of that one character, holding them), so the matches are the same, found
    several times sooner where the character is rare (a digit, a letter in a Chinese reply).
    """
    data = list(parsed.data)
    leading = 0
    while leading < len(data) and data[leading][0] in (c.ASSERT, c.ASSERT_NOT):
        leading += 1
    if not leading or leading == len(data) or parsed.state.groups > 1 or parsed.state.flags & re.IGNORECASE:
        return None  # (a group inside a look-around: its number and its back-references stay as written)
    op, av = data[leading]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1 and len(av[2].data) == 1:
        first = av[2].data[0]
        fewer = av[1] - 1 if av[1] != c.MAXREPEAT else c.MAXREPEAT
        rest = ([(op, (av[0] - 1, fewer, av[2]))] if fewer else []) + data[leading + 1 :]
    else:
        first, rest = (op, av), data[leading + 1 :]
    if not (first[0] is c.LITERAL or (first[0] is c.IN and _class_items(first[1]))):
        return None  # a wide class (any Chinese character) is at every position anyway
    behind = (c.ASSERT, (-1, _parser.SubPattern(parsed.state, [*data[:leading], first])))
    return re._compiler.compile(_parser.SubPattern(parsed.state, [first, behind, *rest]))  # type: ignore[attr-defined]


#: A match whose part before its gate's character may be longer than this may start anywhere
#: before that character (scan the whole text).
REACH_MAX = 1000


def _needed(seq) -> tuple[Items, int] | None:
    """The fewest characters of which a match must contain one, and how long the part of a match
    before that character can be at most (None: no such test).

    Each item a match cannot skip offers the characters it can start with; the smallest set is
    the test. For alternatives, every branch must offer a test, and the test is their union. What
    comes before the item is what a scan must start back from the first such character in a text
    (nothing but look-arounds before [a-z]{3,}: no match starts before the text's first letter).
    """
    best: tuple[Items, int] | None = None
    for index, (op, av) in enumerate(seq):
        found: tuple[Items, int] | None = None
        if op is c.LITERAL:
            found = [re.escape(chr(av))], 0
        elif op is c.IN:
            items = _class_items(av)
            found = (items, 0) if items else None
        elif op is c.BRANCH:
            parts = [_needed(branch) for branch in av[1]]
            if all(p is not None for p in parts):
                found = [i for p, _ in parts for i in p], max(before for _, before in parts)  # type: ignore[misc]
        elif op is c.SUBPATTERN:
            found = _needed(av[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _needed(av[2])  # in its first repetition
        if found and (best is None or len(found[0]) < len(best[0])):
            preceding = _parser.SubPattern(seq.state, seq.data[:index]).getwidth()[1] if index else 0
            best = found[0], found[1] + preceding
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
