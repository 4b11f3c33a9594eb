"""A text analysed once for everything that reads it: its normalised form, clauses, sentences,
the grams the learned models weigh, and whether a one-character cue stands alone as a word.

The rubric's criteria and the engine's intents both read replies this way, so it lives in the text
layer, below both.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from roleplay.text import ngram_model, segment
from roleplay.text.match import Hit
from roleplay.text.normalize import normalize


class Analysed:
    """A text and its normalised form, with what the criteria ask of it computed once, on demand.

    jieba's words cost as much as all the rubric's word lists together, and the rubric needs
    them only to tell whether a one-character cue is a word of its own (亲 in 亲肤 is not), so a
    reply is segmented only around such cues; the engine's intents read the whole segmentation.
    """

    __slots__ = ("text", "norm", "_words", "_word_spans", "_clauses", "_starts", "_sentences", "_grams", "_gram_keys")

    def __init__(self, text: str, norm: str) -> None:
        self.text = text
        self.norm = norm
        self._words: list[str] | None = None
        self._word_spans: dict[int, tuple[int, int]] = {}
        self._clauses: list[tuple[int, int]] | None = None
        self._starts: list[int] | None = None
        self._sentences: list[int] | None = None
        self._grams: dict[str, None] | None = None
        self._gram_keys: set[int] | None = None

    @classmethod
    def of(cls, text: str) -> Analysed:
        return cls(text, normalize(text))

    @property
    def grams(self) -> dict[str, None]:
        """The characters and character pairs the learned models weigh (computed once per reply,
        however many models read it)."""
        if self._grams is None:
            self._grams = ngram_model.grams(self.norm)
        return self._grams

    @property
    def gram_keys(self) -> set[int]:
        """The grams as the integers the stacked models look up (every reply graded needs them;
        the grams as strings only a reply a model is about to flag or relabel)."""
        if self._gram_keys is None:
            self._gram_keys = ngram_model.gram_keys(self.norm)
        return self._gram_keys

    @property
    def words(self) -> list[str]:
        """jieba's words of the normalised text (computed on first use)."""
        if self._words is None:
            self._words = segment.words(self.norm)
        return self._words

    def is_word(self, offset: int) -> bool:
        """Whether the character at ``offset`` is a word of its own: 亲 in 亲，您好 is, in 亲肤 it is not."""
        return self.word_at(offset) == (offset, offset + 1)

    def word_at(self, offset: int) -> tuple[int, int]:
        """The span of the word that holds the character at ``offset`` (铜 in 锡磷青铜: 青铜).

        Decided by segmenting the few characters around it (a word is rarely longer than four),
        which costs a fraction of segmenting the whole reply.
        """
        if offset not in self._word_spans:
            start = max(0, offset - SINGLE_WINDOW)
            first, end = segment.word_at(self.norm[start : offset + SINGLE_WINDOW + 1], offset - start)
            self._word_spans[offset] = (start + first, start + end)
        return self._word_spans[offset]

    @property
    def clauses(self) -> list[tuple[int, int]]:
        """Character spans of the clauses, split at punctuation (computed on first use)."""
        if self._clauses is None:
            self._clauses = clause_spans(self.norm)
        return self._clauses

    def clause_of(self, offset: int) -> int:
        """Index of the clause containing ``offset``."""
        if self._starts is None:
            self._starts = [start for start, _ in self.clauses]
        return bisect_right(self._starts, offset) - 1

    @property
    def sentences(self) -> list[int]:
        """For each clause, the index of its sentence (sentences end at 。 ! ? or a line break)."""
        if self._sentences is None:
            sentence, out = 0, []
            for _, end in self.clauses:
                out.append(sentence)
                if self.norm[end : end + 1] in SENTENCE_END:
                    sentence += 1
            self._sentences = out
        return self._sentences

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence containing ``offset``."""
        return self.sentences[max(self.clause_of(offset), 0)] if self.clauses else 0

    def clause_around(self, hit: Hit) -> str:
        """The clause that holds ``hit``, widened to the whole hit where it crosses a break: what a
        learned model reads a listed word in (its tone, or whether 最 makes a claim there)."""
        start, end = self.clauses[max(self.clause_of(hit.start), 0)] if self.clauses else (hit.start, hit.end)
        return self.norm[min(start, hit.start) : max(end, hit.end)]

    def plausible(self, hits: list[Hit]) -> list[Hit]:
        """Drop one-character hits that are only part of a longer word (高 in 高兴)."""
        return [h for h in hits if h.end - h.start > 1 or self.is_word(h.start)]


#: Characters segmented on each side of a one-character cue to see whether it stands alone.
SINGLE_WINDOW = 3


#: Where a clause ends: punctuation, a full stop that is no decimal point, a bar (｜ or 丨, which
#: agents put between two messages), emoji (agents end a sentence with 😊 as often as with 。), and
#: a space beside a Chinese character (亲 这款…); a space between Latin letters or digits (PD 3.0)
#: is no break, nor is a slash (300m³/h, 10片/盒).
CLAUSE_BREAK = re.compile(
    r"[,，。!！?？;；、\n~～…:：()（）【】\[\]|丨]|(?<!\d)\.|\.(?!\d)"
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]+"
    r"|(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])"
)


#: What ends a sentence (a comma, a space or an emoji only ends a clause; agents end a sentence
#: with ； as often as they join two with it).
SENTENCE_END = frozenset("。.!?;\n")


def clause_spans(norm: str) -> list[tuple[int, int]]:
    """Character spans of the clauses of a text."""
    spans, start = [], 0
    for m in CLAUSE_BREAK.finditer(norm):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(norm):
        spans.append((start, len(norm)))
    return spans
