"""Words that mean the same to a shopper, reduced to one form: 寄出 and 出库 are 发货.

Trainees say what a scenario's intent means in their own words; the rubric's thesaurus lists
groups of such words (its first word names the group), and Chinese numerals become digits
(两百九十九 is 299), so the simulated customer understands a paraphrase as it understands the
intent's own keywords. The canonical text is for matching meaning only: its length differs
from the reply's, so evidence spans never come from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import accumulate

from roleplay.text import segment
from roleplay.text.match import trie_pattern
from roleplay.text.normalize import normalize
from roleplay.text.numerals import arabic


class Canonical:
    """A compiled thesaurus: ``canonical(norm)`` rewrites every listed word as its group's first."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self.heads: dict[str, str] = {}
        for group in groups:
            words = [arabic(normalize(word)) for word in group if word]
            for word in words[1:]:
                self.heads.setdefault(word, words[0])
        trie = trie_pattern(self.heads)
        self._regex = re.compile(trie) if trie else None

    def __call__(self, norm: str) -> str:
        """``norm`` (a normalised text) with digits for numerals and each synonym as its group's head.

        A synonym that begins and ends inside words of the text (jieba's) is none: 立减 is 直降, but
        not the 立减 that runs across 独立 and 减震. (One end inside a word is allowed: the
        dictionary's words are not the shopper's, and 7天内能退 splits as 内能 and 退.)
        """
        text = arabic(norm)
        if self._regex is None:
            return text
        bounds: set[int] | None = None

        def head(match: re.Match[str]) -> str:
            nonlocal bounds
            if bounds is None:
                bounds = set(accumulate(map(len, segment.words(text)), initial=0))
            if match.start() not in bounds and match.end() not in bounds:
                return match.group()
            return self.heads.get(match.group(), match.group())

        return self._regex.sub(head, text)
