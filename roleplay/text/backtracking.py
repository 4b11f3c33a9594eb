"""Refuse the regular expressions that can take exponential time on a reply (catastrophic backtracking).

Python's ``re`` engine backtracks: on ``(a|a)*$`` or ``(a+)+$`` a reply of 28 letters ``a`` and a
full stop takes more than a minute, because every way of splitting the letters between the
repetitions is tried before the match fails. Trainers write the rubrics' patterns, and the rubric
patterns rely on lookarounds that a linear-time engine (RE2) does not have, so instead a pattern
is checked before it is used: inside a repetition, every choice the engine makes (which
alternative, one more round of an inner repetition or not) must be decided by the next character.
Where two choices can go on with the same character, the engine may try both on the same text,
and with a repetition around them the tries multiply with the length of the text.

The check is read off the pattern with the ``re`` module's own parser. It is strict: a pattern it
refuses may in fact be harmless (``(?:x|[xy]z)*`` is refused though only one of its alternatives can
go on after an x), and the message says what to rewrite. Characters two classes share are found by
trying the characters either names and a sample of every kind of character, so an overlap only
between the inner characters of two wide ranges may go unnoticed.

Without a repetition around them, repetitions in a row multiply too, by the length of the text
rather than exponentially: ``.*a.*b.*c`` tries every way of placing a, b and c in a reply that
holds no match, 19 s on 1,200 characters. :data:`CHAIN_MAX` such repetitions of one character in
a row are refused; two (``.*a.*b``) are allowed, a second or so on a reply of 2,000 characters,
and so are chains this simple reading does not see (through alternatives).

Repetition counts are bounded too (``a{4294967296}``): a count above :data:`REPEAT_MAX` is no
pattern a reply needs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as c, _parser

#: The largest count a repetition may give ({0,1000}): longer ones are no pattern a reply needs.
REPEAT_MAX = 1000
#: Unbounded repetitions of one character in a row that may share the text (.*a.*b.*c) refused.
CHAIN_MAX = 3
#: How far back (in items: characters, groups) a repetition looks for one it may share the text with.
CHAIN_REACH = 16

#: A character of each kind, tried with the characters two classes name to find one both match.
_SAMPLE = "aZz09_ \t\n中文。，！？!?.,-é٣０\u3000😀"
_CATEGORIES = {
    c.CATEGORY_DIGIT: re.compile(r"\d"),
    c.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    c.CATEGORY_SPACE: re.compile(r"\s"),
    c.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    c.CATEGORY_WORD: re.compile(r"\w"),
    c.CATEGORY_NOT_WORD: re.compile(r"\W"),
}
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)

#: One character position of a pattern: the items of a character class (``None``: any character).
Matcher = tuple | None
#: The characters a part of a pattern can start with, as the matchers that can come first.
Starts = tuple[Matcher, ...]


class Backtracking(ValueError):
    """A pattern the engine could take exponential time (or huge memory) to match; the message says why."""


@lru_cache(maxsize=4096)
def check_pattern(pattern: str) -> None:
    """Raise :class:`Backtracking` if ``pattern`` could backtrack catastrophically or repeats too
    often; ``re.error`` or ``OverflowError`` if it is no regular expression at all."""
    _check(list(_parser.parse(pattern)), None)


def _check(seq: list, follow: Starts | None) -> None:
    """Check a parsed sequence; ``follow`` is what may come after it inside the innermost
    repetition around it (None: it is in no repetition, so its choices are not multiplied)."""
    if _long_chain(_flat(seq)):
        raise Backtracking(
            f"{CHAIN_MAX} repetitions without a bound in a row can share the same text (as in .*a.*b.*c), so "
            "matching a long reply could take minutes; give them a bound (.{0,20}, [^,.!?]{0,10})"
        )
    for index, (op, av) in enumerate(seq):
        after = _after(seq, index + 1, follow)
        if op in _REPEATS:
            _check_repeat(av, after)
        elif op is c.BRANCH:
            if after is not None:
                _check_branch(av[1], after)
            for branch in av[1]:
                _check(branch, after)
        elif op is c.SUBPATTERN:
            _check(av[3], after)
        elif op is c.ATOMIC_GROUP:
            _check(av, after)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            _check(av[1], None)  # a lookaround is a match of its own, at one position
        elif op is c.GROUPREF_EXISTS:
            _check(av[1], after)
            if av[2] is not None:
                _check(av[2], after)


def _flat(seq) -> list:
    """The items of a sequence, with those of its groups (neither repeated nor alternatives) in place."""
    return [item for op, av in seq for item in (_flat(av[3]) if op is c.SUBPATTERN else [(op, av)])]


def _long_chain(seq: list) -> bool:
    """Whether :data:`CHAIN_MAX` unbounded repetitions of one character stand in ``seq`` in a row,
    each of which may take the previous one's characters and what stands between them (.*a.*: the
    second .* takes an a as well as the first; in \\d+\\s*\\d+, \\s* may match nothing and the
    second \\d+ takes digits of the first)."""
    loops: dict[int, tuple[Starts, int]] = {}  # index -> the repetition's character, its chain's length
    for index, item in enumerate(seq):
        body = _single(item[1][2]) if item[0] in _REPEATS and item[1][1] == c.MAXREPEAT else None
        if body is None:
            continue
        length, between = 1, []
        for before in range(index - 1, max(index - CHAIN_REACH, 0) - 1, -1):
            if before in loops:
                other, chained = loops[before]
                if _shared([other, body]) and all(_shared([other, part]) for part in between):
                    length = max(length, chained + 1)
            if _starts([seq[before]])[1]:
                continue  # it may match nothing: the repetitions around it meet
            single = loops[before][0] if before in loops else _single([seq[before]])
            if single is None or not _shared([body, single]):
                break  # this repetition cannot take what stands there: no earlier one meets it
            between.append(single)
        if length >= CHAIN_MAX:
            return True
        loops[index] = (body, length)
    return False


def _single(seq) -> Starts | None:
    """What the sequence matches if it is one character (a literal, a class, any), else None."""
    return _starts(seq)[0] if len(seq) == 1 and seq[0][0] in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY) else None


def _after(seq: list, index: int, follow: Starts | None) -> Starts | None:
    """What may come after the items of ``seq`` before ``index`` (None outside any repetition)."""
    if follow is None:
        return None
    starts, empty = _starts(seq, index)
    return starts + follow if empty else starts


def _check_repeat(av: tuple, follow: Starts | None) -> None:
    low, high, body = av
    for count in (low, high):
        if count != c.MAXREPEAT and count > REPEAT_MAX:
            raise Backtracking(f"a repetition count of {count} is more than {REPEAT_MAX}, more than any reply needs")
    first, empty = _starts(body)
    if follow is not None and high != low and (empty or _shared([first, follow])):
        raise Backtracking(
            "a repetition inside another one can stop where it could go on (as in (a+)+ or (.*x){5}), so "
            "matching a reply could take minutes; end the inner one before a character it cannot repeat "
            "((\\d+,)+, not (\\d+\\s?)+) or drop the outer one"
        )
    # a round of the body may follow the body itself (the repetition's own choices, checked above
    # for the repetition around it, are multiplied by this one's rounds)
    _check(list(body), first + (follow or ()) if high > 1 else follow)


def _check_branch(branches: list, follow: Starts) -> None:
    heads = [_starts(branch) for branch in branches]
    if sum(empty for _, empty in heads) > 1 or _shared([starts + follow if empty else starts for starts, empty in heads]):
        raise Backtracking(
            "alternatives inside a repetition can go on with the same character (as in (a|a)* or (a|aa)*), "
            "so matching a reply could take minutes; give each alternative a first character of its own, "
            "and let at most one of them match nothing"
        )


def _starts(seq, start: int = 0) -> tuple[Starts, bool]:
    """The matchers the items of a sequence from ``start`` on can start with, and whether they can
    match nothing."""
    out: Starts = ()
    for index in range(start, len(seq)):
        op, av = seq[index]
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            return out + (((c.LITERAL, av),),), False
        if op is c.NOT_LITERAL:
            return out + (((c.NEGATE, None), (c.LITERAL, av)),), False
        if op is c.IN:
            return out + (tuple(av),), False
        if op is c.SUBPATTERN:
            starts, empty = _starts(av[3])
        elif op is c.ATOMIC_GROUP:
            starts, empty = _starts(av)
        elif op is c.BRANCH:
            parts = [_starts(branch) for branch in av[1]]
            starts, empty = tuple(m for p, _ in parts for m in p), any(e for _, e in parts)
        elif op in _REPEATS:
            starts, empty = _starts(av[2])
            empty = empty or av[0] == 0
        elif op is c.GROUPREF_EXISTS:
            yes, no = _starts(av[1]), _starts(av[2] or [])
            starts, empty = yes[0] + no[0], yes[1] or no[1]
        else:  # any character, a back-reference: anything may come, or nothing
            starts, empty = (None,), op is not c.ANY
        out += starts
        if not empty:
            return out, False
    return out, True


def _shared(groups: list[Starts]) -> bool:
    """Whether a character can start two of ``groups``: one that a group names, or one of a sample
    of every kind (two ranges that overlap hold one's first character both)."""
    named = {chr(code) for group in groups for matcher in group if matcher for code in _codes(matcher)}
    return any(sum(_matches(group, char) for group in groups) > 1 for char in named | set(_SAMPLE))


def _codes(matcher: tuple):
    for op, av in matcher:
        if op is c.LITERAL:
            yield av
        elif op is c.RANGE:
            yield from av


def _matches(starts: Starts, char: str) -> bool:
    return any(matcher is None or _in_class(matcher, char) for matcher in starts)


def _in_class(items: tuple, char: str) -> bool:
    """Whether ``char`` is in a parsed character class."""
    negate = bool(items) and items[0][0] is c.NEGATE
    code = ord(char)
    found = False
    for op, av in items:
        if op is c.LITERAL:
            found = code == av
        elif op is c.RANGE:
            found = av[0] <= code <= av[1]
        elif op is c.CATEGORY:
            found = av not in _CATEGORIES or bool(_CATEGORIES[av].match(char))
        if found:
            break
    return found != negate
