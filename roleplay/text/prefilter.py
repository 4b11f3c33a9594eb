"""Which of a rubric's thousands of patterns may match a text, from one pass over it.

Grading a reply runs every list's scans over it, some seventy regex searches, and most find
nothing. Every match of a pattern holds one of a few literal strings that the pattern itself
dictates (…[^,.!?]{0,4}不了 holds 不了; (?:耐|防|抗)[\u4e00-\u9fff] one of 耐, 防, 抗; a listed
phrase is its own): its *atoms*, read off the parsed pattern. One Aho–Corasick automaton finds
every atom of every pattern a text holds in a single pass (in C, linear in the text, whatever its
words), and a pattern none of whose atoms is there cannot match: its scan is skipped. The rest run
as written, so what is found is exactly what the scans alone find (tests/test_prefilter.py checks
it on random patterns and texts), only sooner: for a typical reply some thirty patterns of two
thousand may match. A pattern with no atoms to require (\\d+[a-z]{1,4}) always runs.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from functools import reduce
from itertools import product
from operator import itemgetter, or_
from re import _constants as c, _parser

import ahocorasick

#: A class of more characters than this, or a set of more strings, is no atom: too many to list.
CLASS_MAX = 32
SET_MAX = 64

#: Texts whose verdict is kept (the same reply is asked about by every criterion's lists).
MEMO_SIZE = 64

#: The atom of members that require none: always "found".
_ALWAYS = 0

#: The scans that may match a text, as the bits of an integer: bit ``serial + i`` for scan ``i`` of
#: the list registered as ``serial`` (a list's scans have consecutive numbers: see
#: :meth:`Prefilter.register`). Bits, not a set of numbers: a list reads its own scans off a
#: verdict with one shift and one mask, and the union of the found atoms' scans is a few ORs.
Verdict = int


def atoms(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` holds; None when none can be told."""
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None  # a letter's other case would be another atom
    found = _required(parsed)
    return frozenset(found) if found else None


class Prefilter:
    """A registry of lists of patterns and phrases, and one automaton of their atoms, rebuilt when
    lists join. A list registers its members (each with the index of the scan it is in) and gets a
    serial; :meth:`passing` maps each serial to the indices of its scans that may match a text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._atoms: dict[str, int] = {"": _ALWAYS}  # atom -> its id
        self._owners: list[int] = [0]  # atom id -> the bits of the scans that need it
        self._serial = 0  # the first number of the next list's scans
        self._automaton: ahocorasick.Automaton | None = None
        self._memo: dict[str, Verdict] = {}
        #: Off, every scan runs (the tests and the benchmark compare both ways).
        self.enabled = True

    def register(self, members: Sequence[tuple[str, bool, int]]) -> int | None:
        """A serial for a list of ``members``: (a pattern, or a phrase when the flag says it is
        literal; the index of the scan it is in). None for a list of no members. The list's scans
        are numbered from its serial on, so a verdict is one integer's bits for every list."""
        if not members:
            return None
        required = [(frozenset([m]) if literal else atoms(m), slot) for m, literal, slot in members]
        with self._lock:
            serial = self._serial
            self._serial += max(slot for _, slot in required) + 1
            for strings, slot in required:
                for atom in strings or ("",):
                    if atom not in self._atoms:
                        self._atoms[atom] = len(self._owners)
                        self._owners.append(0)
                    self._owners[self._atoms[atom]] |= 1 << (serial + slot)
            # the automaton holds each atom's scans: it is built again for the new ones
            self._automaton = None
            self._memo = {}
        return serial

    def passing(self, text: str) -> Verdict | None:
        """The numbers of the scans that may match ``text`` (serial + index, of every registered
        list); None when the prefilter is off."""
        if not self.enabled:
            return None
        memo = self._memo
        verdict = memo.get(text)
        if verdict is None:
            verdict = self._verdict(text)
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[text] = verdict
        return verdict

    def peek(self, text: str) -> Verdict | None:
        """:meth:`passing` if ``text`` was asked about lately, else None (every scan must run)."""
        return self._memo.get(text) if self.enabled else None

    def prepare(self) -> None:
        """Build the automaton now, for the lists registered so far (a practice session does once
        its scorer's and its intents' lists are in: the first reply should not wait ~15 ms for it)."""
        if self.enabled and self._automaton is None:
            self._built()

    def _verdict(self, text: str) -> Verdict:
        automaton = self._automaton or self._built()
        # the union of the found atoms' scans (each atom's value in the automaton): one OR of two
        # integers per atom found, in C
        return reduce(or_, map(itemgetter(1), automaton.iter(_bytewise(text))), self._owners[_ALWAYS])

    def _built(self) -> ahocorasick.Automaton:
        with self._lock:
            if self._automaton is None:
                automaton = ahocorasick.Automaton()
                for atom, index in self._atoms.items():
                    if atom:
                        automaton.add_word(_bytewise(atom), self._owners[index])
                automaton.make_automaton()
                self._automaton = automaton
                self._memo = {}
            return self._automaton


def _bytewise(text: str) -> str:
    """``text`` as its UTF-8 bytes, one character per byte, which is what the automaton reads.

    The automaton looks a character up among a node's children one by one, and the thousands of
    atoms start with almost a thousand characters: read as bytes, no node has more than a few
    dozen children (a Chinese character's first byte is one of a few), and a text is read about a
    quarter faster for all its three times as many steps. UTF-8 marks where a character starts, so
    an atom's bytes are found exactly where the atom is (``surrogatepass``: a lone surrogate too).
    """
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


#: The process's prefilter: every PhraseMatcher's scans register with it (roleplay.text.gates).
PREFILTER = Prefilter()


# Atoms of a parsed pattern. A node is *exact* when the strings it matches are few enough to list
# (a character, a small class, alternatives of those, an optional one); a run of exact nodes in a
# sequence matches the listed concatenations, and any run is a set of atoms the match must hold.
# Of the runs (and of what an inexact node needs inside it: 好+ needs 好), the one whose shortest
# string is longest is taken: the rarer the atoms, the fewer texts pass. Zero-width conditions
# match the empty string: they require nothing, which is all the prefilter needs to know.


def _required(items) -> set[str] | None:
    """Strings one of which every match of a parsed sequence holds (None: none found)."""
    best: set[str] | None = None
    run: set[str] = {""}

    def consider(strings: set[str] | None) -> None:
        nonlocal best
        if strings and "" not in strings and (best is None or _rank(strings) > _rank(best)):
            best = strings

    for op, av in items:
        strings = _exact(op, av)
        if strings is not None:
            joined = {a + b for a in run for b in strings}
            if len(joined) <= SET_MAX:
                run = joined
                continue
            consider(run)
            run = strings
            continue
        consider(run)
        run = {""}
        consider(_required_inside(op, av))
    consider(run)
    return best


def _rank(strings: set[str]) -> tuple[int, int]:
    return min(map(len, strings)), -len(strings)


def _required_inside(op, av) -> set[str] | None:
    """What an inexact node requires: its content, each of its alternatives', a repeat's item."""
    if op is c.SUBPATTERN:
        return _required(av[3])
    if op is c.ATOMIC_GROUP:
        return _required(av)
    if op is c.BRANCH:
        return _union(av[1], _required)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _required(av[2])
    return None


def _union(branches, strings_of: Callable[[list], set[str] | None]) -> set[str] | None:
    """The strings of every alternative together (None: an alternative has none to give)."""
    union: set[str] = set()
    for branch in branches:
        strings = strings_of(branch)
        if strings is None:
            return None
        union |= strings
    return union


def _exact(op, av) -> set[str] | None:
    """Every string a node matches, when they are few enough to list (None: too many)."""
    if op is c.LITERAL:
        return {chr(av)}
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return {""}
    if op is c.IN:
        return _class(av)
    if op is c.SUBPATTERN:
        return _exact_sequence(av[3])
    if op is c.BRANCH:
        union = _union(av[1], _exact_sequence)
        return union if union is not None and len(union) <= SET_MAX else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, item = av
        strings = _exact_sequence(item)
        if strings is None or high is c.MAXREPEAT or len(strings) ** high > SET_MAX:
            return None
        return {"".join(combo) for n in range(low, high + 1) for combo in product(strings, repeat=n)}
    return None


def _exact_sequence(items) -> set[str] | None:
    out = {""}
    for op, av in items:
        strings = _exact(op, av)
        if strings is None:
            return None
        out = {a + b for a in out for b in strings}
        if len(out) > SET_MAX:
            return None
    return out


def _class(items) -> set[str] | None:
    """The characters of a class that lists a few (not a negated class, nor a category)."""
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < CLASS_MAX:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return chars if len(chars) <= CLASS_MAX else None
