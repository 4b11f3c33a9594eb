"""The input of every criterion: one reply, analysed once, with what the criteria need to know."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from roleplay.content.models import Product
from roleplay.text import segment
from roleplay.text.match import Hit, PhraseMatcher
from roleplay.text.normalize import normalize


class Analysed:
    """A text, its normalised form and jieba words (computed once, shared by all criteria)."""

    __slots__ = ("text", "norm", "words", "_boundaries", "_clauses", "_starts", "_sentences")

    def __init__(self, text: str, norm: str, words: list[str]) -> None:
        self.text = text
        self.norm = norm
        self.words = words
        self._boundaries: frozenset[int] | None = None
        self._clauses: list[tuple[int, int]] | None = None
        self._starts: list[int] | None = None
        self._sentences: list[int] | None = None

    @classmethod
    def of(cls, text: str) -> Analysed:
        norm = normalize(text)
        return cls(text, norm, segment.words(norm))

    @property
    def boundaries(self) -> frozenset[int]:
        """Offsets between words (computed on first use)."""
        if self._boundaries is None:
            offsets, position = [0], 0
            for word in self.words:
                position += len(word)
                offsets.append(position)
            self._boundaries = frozenset(offsets)
        return self._boundaries

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

    def on_word_boundaries(self, hit: Hit) -> bool:
        """Whether a hit starts and ends between words: 亲 in 亲肤 or 高 in 高兴 does not."""
        bounds = self.boundaries
        return hit.start in bounds and hit.end in bounds

    def plausible(self, hits: list[Hit]) -> list[Hit]:
        """Drop one-character hits that are only part of a longer word."""
        return [h for h in hits if h.end - h.start > 1 or self.on_word_boundaries(h)]


#: Where a clause ends: punctuation, a full stop that is no decimal point, emoji (agents end a
#: sentence with 😊 as often as with 。), and a space beside a Chinese character (亲 这款…);
#: a space between Latin letters or digits (PD 3.0) is no break.
CLAUSE_BREAK = re.compile(
    r"[,，。!！?？;；、\n~～…:：()（）【】\[\]]|(?<!\d)\.(?!\d)"
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]+"
    r"|(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])"
)


#: What ends a sentence (a comma, a space or an emoji only ends a clause).
SENTENCE_END = frozenset("。.!?\n")


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


@dataclass(slots=True)
class ReplyContext:
    """One trainee reply in its conversation."""

    reply: Analysed
    index: int = 0
    latency_s: float | None = None
    customer_text: str = ""
    buying_signal: bool = False
    expects: tuple[str, ...] = ()
    product: Product | None = None
    #: For each earlier reply, whether it pushed for the sale (a close the shopper did not ask about).
    prior_pushes: list[bool] = field(default_factory=list)
    #: The rubric's question words; the scorer sets them before the criteria read the reply.
    questions: PhraseMatcher | None = None

    @property
    def is_first(self) -> bool:
        return self.index == 0

    _customer_norm: str | None = None

    @property
    def customer_norm(self) -> str:
        """The customer's words normalised (once: FAB and closing both read them)."""
        if self._customer_norm is None:
            self._customer_norm = normalize(self.customer_text)
        return self._customer_norm

    _question_clauses: frozenset[int] | None = None

    @property
    def question_clauses(self) -> frozenset[int]:
        """Indexes of the reply's clauses that ask something (end in ? or hold a question word)."""
        if self._question_clauses is None:
            reply = self.reply
            asked = {reply.clause_of(h.start) for h in self.questions.find(reply.norm)} if self.questions else set()
            asked.update(i for i, (_, end) in enumerate(reply.clauses) if reply.norm[end : end + 1] == "?")
            # "您要240ml单只装，还是双瓶套装呢？": the clause before an alternative asks too.
            asked.update(i - 1 for i in list(asked) if i and reply.norm.startswith("还是", reply.clauses[i][0]))
            self._question_clauses = frozenset(asked)
        return self._question_clauses
