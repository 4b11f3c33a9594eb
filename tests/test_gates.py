"""Many patterns scanned at once: the joined scan finds exactly what the patterns find one after another."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.text.gates import compile_patterns, factored, scan_of, spread
from roleplay.text.match import PhraseMatcher


def test_a_leading_group_or_small_class_is_spread_into_alternatives_that_start_with_a_character():
    assert spread("(?:你|您)(?:不懂|不会)吗") == ["你(?:不懂|不会)吗", "您(?:不懂|不会)吗"]
    assert spread("a|b(?:c|d)|[这那]个") == ["a", "b(?:c|d)", "这个", "那个"]
    # a repeated group, a negated or ranged class, a class with an escape: left as they are
    assert spread("(?:你|您)+懂") == ["(?:你|您)+懂"]
    assert spread("[^,.]{0,4}吗") == ["[^,.]{0,4}吗"]
    assert spread("[0-9]+块") == ["[0-9]+块"]
    assert spread(r"[\]x]y") == [r"[\]x]y"]
    # a | inside a group or a class is no top-level alternative
    assert spread(r"x(?:a|b)|[|]y|\|z") == ["x(?:a|b)", "[|]y", r"\|z"]


def test_alternatives_with_one_first_character_share_a_branch_unless_another_may_start_between():
    assert factored(["你好", "您好", "你们"]) == "你(?:好|们)|您好"
    # [你我]… may match where 你… does: the later 你们 may not jump ahead of it
    assert factored(["你好", "[你我]们", "你们"]) == "你好|[你我]们|你们"
    assert factored(["你好", "[他她]们", "你们"]) == "你(?:好|们)|[他她]们"
    assert factored(["你", "你们"]) == "你(?:|们)"
    assert factored(["(?<!不)懂", "懂了"]) == "(?<!不)懂|懂了"


ATOMS = ["你", "您", "不", "懂", "了"]
#: A piece a match starts with: a character, a group of alternatives, a class.
HEAD = st.one_of(
    st.sampled_from(ATOMS),
    st.lists(st.sampled_from(ATOMS), min_size=2, max_size=3).map(lambda a: "(?:" + "|".join(a) + ")"),
    st.lists(st.sampled_from(ATOMS), min_size=2, max_size=3, unique=True).map(lambda a: "[" + "".join(a) + "]"),
    # heads left as they are: a repeated group or class
    st.lists(st.sampled_from(ATOMS), min_size=1, max_size=2).map(lambda a: "(?:" + "|".join(a) + ")+"),
    st.lists(st.sampled_from(ATOMS), min_size=2, max_size=3, unique=True).map(lambda a: "[" + "".join(a) + "]{1,2}"),
)
PIECE = st.one_of(HEAD, st.sampled_from(["[^,.!?]{0,2}", "个?", "(?:了|啦)?", "(?!吗)", "(?<!不)"]))
#: Patterns the joined scan takes (all of them start with a known character): alternatives of
#: a head and up to three more pieces, perhaps behind a look-behind.
PATTERN = st.lists(
    st.tuples(st.sampled_from(["", "(?<!不)"]), HEAD, st.lists(PIECE, max_size=3).map("".join)).map("".join),
    min_size=1,
    max_size=3,
).map("|".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(PATTERN, min_size=1, max_size=6), st.text(st.sampled_from([*ATOMS, ",", "!", "好"]), max_size=30))
def test_the_joined_scan_finds_what_the_patterns_joined_plainly_find(patterns, text):
    plain = re.compile("|".join(f"(?:{p})" for p in patterns))
    (scan,) = compile_patterns(patterns)
    assert [m.span() for m in scan.regex.finditer(text)] == [m.span() for m in plain.finditer(text)]


#: Patterns scanned alone behind a gate: a match holds one of the gate's characters, wherever it
#: starts (a span of any character first, bounded or not).
GATED = st.tuples(
    st.sampled_from(["[^,.!?]{0,3}", "[^,.!?]*", "(?<!不)[^,]{1,2}", "(?:了|啦)?"]),
    HEAD,
    st.lists(PIECE, max_size=2).map("".join),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(GATED, st.text(st.sampled_from([*ATOMS, ",", "!", "好"]), max_size=30))
def test_a_gated_scan_starts_late_and_finds_what_the_pattern_finds(pattern, text):
    scan = scan_of(pattern)
    start = scan.start(text)
    plain = [m.span() for m in re.finditer(pattern, text)]
    if start is None:
        assert plain == []
    else:
        assert [m.span() for m in scan.regex.finditer(text, start)] == plain
    assert PhraseMatcher(patterns=[pattern]).find(text) == [
        (s, e, text[s:e], text[s:e]) for s, e in plain if e > s
    ]
