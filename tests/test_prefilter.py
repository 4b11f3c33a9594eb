"""Many patterns, scanned quickly and exactly: a prefilter rules out the patterns whose atoms a text
lacks, a gate starts a scan where a match can start, and what is found is what the patterns
themselves find, one after another."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.engine.session import Session
from roleplay.text.gates import compile_patterns, compiled, scan_of
from roleplay.text.match import PhraseMatcher
from roleplay.text.prefilter import PREFILTER, Prefilter, atoms

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


#: Patterns scanned alone behind a gate: a match holds one of the gate's characters, wherever it
#: starts (a span of any character first, bounded or not).
GATED = st.tuples(
    st.sampled_from(["[^,.!?]{0,3}", "[^,.!?]*", "(?<!不)[^,]{1,2}", "(?:了|啦)?"]),
    HEAD,
    st.lists(PIECE, max_size=2).map("".join),
).map("".join)


def test_a_pattern_is_compiled_once_for_the_loaders_check_and_the_scan():
    # the loader compiles every pattern of a rubric to check it (roleplay.content.models.vetted):
    # the scan reuses that compiled pattern rather than compiling it again at every start
    pattern = "测[^,]{0,2}试(?!吗)"
    assert scan_of(pattern).regex is compiled(pattern) is compiled(pattern)


#: Patterns led by look-arounds, then a character of a narrow class, alone or repeated.
LED = st.tuples(
    st.lists(st.sampled_from(["(?<!不)", "(?<![你您])", "(?!懂了)", "(?=[不懂])", "(?<=了)", "(?<![a-z\\d])"]), min_size=1, max_size=3).map("".join),
    st.sampled_from(["不", "[不懂]", "不+", "[你您]{1,2}", "\\d+", "[a-z]{2,}", "了*?"]),
    st.lists(PIECE, max_size=2).map("".join),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(LED, st.text(st.sampled_from([*ATOMS, ",", "a", "b", "3", "好"]), max_size=30))
def test_a_pattern_led_by_look_arounds_finds_the_same_with_its_first_character_first(pattern, text):
    # (?<!不)\d+ scanned as \d(?<=(?<!不)\d)\d*: the engine skips to the digits (gates._first_character_first)
    scan = scan_of(pattern)
    assert [(m.span(), m.group()) for m in scan.regex.finditer(text)] == [
        (m.span(), m.group()) for m in re.finditer(pattern, text)
    ]


def test_a_pattern_is_rewritten_only_where_the_engine_then_skips_ahead():
    assert scan_of("(?<![a-z])[a-z]{3,}").regex.pattern is None  # compiled from its rewritten parse
    for kept in ("(?<!不)[\u4e00-\u9fff]{2}", "测[^,]{0,2}试", "(?<!(不))懂\\1"):
        assert scan_of(kept).regex is compiled(kept)


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


def test_atoms_are_the_strings_a_pattern_cannot_match_without():
    assert atoms("[^,.!?]{0,4}不了") == {"不了"}
    assert atoms("(?:耐|防|抗)[\u4e00-\u9fff]") == {"耐", "防", "抗"}
    assert atoms("买(?:一|二)送") == {"买一送", "买二送"}
    assert atoms("(?<!不)懂了(?=吗)") == {"懂了"}  # what a look-around checks is no part of the match
    assert atoms("爱(.)不\\1") == {"爱"}
    assert atoms("[你您]的?意思") == {"你意思", "您意思", "你的意思", "您的意思"}
    assert atoms("[^,]{0,3}吗.{0,2}真的") == {"真的"}  # of two, the rarer: the longer string
    # nothing to require: a digit and any Chinese character, any case of a letter
    assert atoms("\\d+[\u4e00-\u9fff]") is None
    assert atoms("(?i)ok了") is None


#: Patterns with what the prefilter must see through: optional parts, groups and
#: back-references, look-arounds, repeats, alternatives of any of those.
ANY_PATTERN = st.one_of(
    PATTERN,
    GATED,
    st.tuples(st.sampled_from(ATOMS), st.sampled_from(["(.)", "([你您])", "(不|了)"]), st.sampled_from(ATOMS)).map(
        lambda t: f"{t[0]}{t[1]}{t[2]}\\1"
    ),
)
TEXT = st.text(st.sampled_from([*ATOMS, ",", "!", "好", "a"]), max_size=30)


@settings(max_examples=500, deadline=None)
@given(ANY_PATTERN, TEXT)
def test_every_match_holds_one_of_its_patterns_atoms(pattern, text):
    required = atoms(pattern)
    for m in re.finditer(pattern, text):
        assert required is None or m.end() == m.start() or any(a in m.group() for a in required)


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_PATTERN, max_size=4), st.lists(st.text(st.sampled_from(ATOMS), min_size=1, max_size=3), max_size=3), TEXT)
def test_a_matcher_finds_the_same_with_the_prefilter_and_without(patterns, phrases, text):
    matcher = PhraseMatcher(phrases, patterns)
    found = matcher.find(text), matcher.search(text)
    PREFILTER.enabled = False
    try:
        assert (matcher.find(text), matcher.search(text)) == found
    finally:
        PREFILTER.enabled = True


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_PATTERN, max_size=4), st.lists(st.text(st.sampled_from(ATOMS), min_size=1, max_size=3), max_size=3), TEXT, st.data())
def test_a_part_of_a_text_is_judged_the_same_by_the_whole_texts_verdict(patterns, phrases, text, data):
    # a clause of a reply is scanned under the reply's verdict (accuracy reads its clauses so): a scan
    # the part may match, the whole may match too
    matcher = PhraseMatcher(phrases, patterns)
    start = data.draw(st.integers(0, len(text)))
    part = text[start : data.draw(st.integers(start, len(text)))]
    assert matcher.find(part, within=text) == matcher.find(part)
    assert matcher.search(part, within=text) == matcher.search(part)


#: Characters of one to four UTF-8 bytes, some sharing bytes (é and é's neighbours, 不 and 丌), an
#: emoji and a lone surrogate, which user text can hold.
MIXED = ["a", "é", "ê", "不", "丌", "懂", "😒", "\ud83d", ","]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(MIXED), min_size=1, max_size=3), min_size=1, max_size=6), st.text(st.sampled_from(MIXED), max_size=20))
def test_a_phrase_is_found_where_it_is_and_nowhere_else_whatever_its_characters(phrases, text):
    # the automaton reads a text's bytes (prefilter._bytewise): a character's bytes inside another's
    # must not pass for it, and a phrase in the text is always found
    scans = compile_patterns([], phrases)
    assert bool(scans.candidates(PREFILTER.passing(text))) == any(p in text for p in phrases)
    assert PhraseMatcher(phrases).search(text) == any(p in text for p in phrases)


def test_a_list_loaded_after_a_text_was_judged_is_judged_too():
    text = "这款耐磨又防滑"
    assert PhraseMatcher(patterns=["耐[磨用]"]).find(text)
    later = PhraseMatcher(patterns=["防[滑水]"])  # joins the prefilter after it judged the text
    assert [h.text for h in later.find(text)] == ["防滑"]


CORPUS = Path(__file__).resolve().parent.parent / "eval" / "dev.jsonl"


def test_a_list_of_known_atoms_loaded_after_a_text_was_judged_is_judged_too():
    # the automaton holds each atom's scans, so a list whose atoms it knows already rebuilds it too
    text = "这款鞋底特别耐磨损"
    assert PhraseMatcher(patterns=["耐磨(?:损)?"]).find(text)
    later = PhraseMatcher(patterns=["(?:特别)?耐磨"])
    assert [h.text for h in later.find(text)] == ["特别耐磨"]


def test_the_rubric_grades_replies_the_same_with_the_prefilter_and_without(scorer):
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()[::5]]

    def graded() -> list[dict]:
        return [scorer.score_text(r["text"], index=1, customer_text=r.get("customer") or "").to_dict() for r in rows]

    with_prefilter = graded()
    PREFILTER.enabled = False
    try:
        assert graded() == with_prefilter
    finally:
        PREFILTER.enabled = True


def test_a_sessions_first_reply_does_not_wait_for_the_prefilter_to_be_built(library, monkeypatch):
    # the automaton is built when a session's lists are all in (its intents join after the scorer's),
    # not inside the first reply the trainee sends
    scenario = next(iter(library.scenarios.values()))
    session = Session(scenario, next(iter(library.personas.values())), library.rubric("default"), seed=1)
    session.start()
    builds = []
    real = Prefilter._built
    monkeypatch.setattr(Prefilter, "_built", lambda self: builds.append(1) or real(self))
    session.reply("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，您全家吃得更健康。", latency_s=8)
    assert builds == []
