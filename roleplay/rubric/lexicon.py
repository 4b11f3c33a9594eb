"""A rubric word list (phrases, patterns and their look-alikes) compiled into one matcher."""

from __future__ import annotations

from roleplay.content.models import Lexicon
from roleplay.text.match import PhraseMatcher


def matcher(*lexicons: Lexicon) -> PhraseMatcher:
    """One matcher for one word list, or for several read as one (every field of each: a hand-made
    merge once left a list's ``except_patterns`` out, and a trainer's look-alikes did nothing)."""
    return PhraseMatcher(
        [p for lexicon in lexicons for p in lexicon.phrases],
        [p for lexicon in lexicons for p in lexicon.patterns],
        [p for lexicon in lexicons for p in lexicon.exceptions],
        [p for lexicon in lexicons for p in lexicon.except_patterns],
    )


def optional_matcher(lexicon: Lexicon) -> PhraseMatcher | None:
    """A word list compiled, or None when it lists nothing (most optional lists are empty)."""
    return matcher(lexicon) if lexicon.phrases or lexicon.patterns else None
