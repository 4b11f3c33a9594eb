"""The input of every criterion: one reply, analysed once, with what the criteria need to know."""

from __future__ import annotations

from dataclasses import dataclass, field

from roleplay.content.models import Product
from roleplay.text import segment
from roleplay.text.match import Hit
from roleplay.text.normalize import normalize


@dataclass(slots=True)
class Analysed:
    """A text, its normalised form and jieba words (computed once, shared by all criteria)."""

    text: str
    norm: str
    starts: frozenset[int]
    ends: frozenset[int]
    words: list[str]

    @classmethod
    def of(cls, text: str) -> Analysed:
        norm = normalize(text)
        words = segment.words(norm)
        starts, ends, position = [], [], 0
        for word in words:
            starts.append(position)
            position += len(word)
            ends.append(position)
        return cls(text, norm, frozenset(starts), frozenset(ends), words)

    def on_word_boundaries(self, hit: Hit) -> bool:
        """Whether a hit starts and ends between words: 亲 in 亲肤 or 高 in 高兴 does not."""
        return hit.start in self.starts and hit.end in self.ends

    def plausible(self, hits: list[Hit]) -> list[Hit]:
        """Drop one-character hits that are only part of a longer word."""
        return [h for h in hits if h.end - h.start > 1 or self.on_word_boundaries(h)]


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
    prior_closing: list[bool] = field(default_factory=list)

    @property
    def is_first(self) -> bool:
        return self.index == 0
