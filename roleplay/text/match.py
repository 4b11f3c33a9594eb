"""Find phrases and patterns in normalised text, exactly or tolerating small variants.

Word lists are compiled once into a single regular expression (C speed), so grading a reply
costs one scan per list rather than one per phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from roleplay.text.normalize import normalize

#: Characters stripped when a reply is judged as a whole (a lone 嗯。 is still a lone 嗯).
PUNCTUATION = " \t\r\n,.!?;:~…、，。！？；：～'\"“”‘’()（）[]【】<>《》-—_*#"


@dataclass(frozen=True, slots=True)
class Hit:
    """A match: the span in the text, the matched text and the phrase or pattern behind it."""

    start: int
    end: int
    text: str
    source: str

    def inside(self, other: Hit) -> bool:
        return other.start <= self.start and self.end <= other.end


class PhraseMatcher:
    """Literal phrases (normalised like replies) plus regular expressions, in one pass each."""

    def __init__(self, phrases: Iterable[str] = (), patterns: Iterable[str] = ()) -> None:
        self.phrases = sorted({normalize(p) for p in phrases if p}, key=len, reverse=True)
        self._literal = re.compile("|".join(map(re.escape, self.phrases))) if self.phrases else None
        self._patterns = [re.compile(p) for p in patterns]

    def __bool__(self) -> bool:
        return bool(self._literal or self._patterns)

    def find(self, norm: str) -> list[Hit]:
        """Every non-overlapping hit of a phrase, then of each pattern, in text order."""
        hits: list[Hit] = []
        if self._literal is not None:
            hits.extend(Hit(m.start(), m.end(), m.group(), m.group()) for m in self._literal.finditer(norm))
        for pattern in self._patterns:
            hits.extend(
                Hit(m.start(), m.end(), m.group(), pattern.pattern)
                for m in pattern.finditer(norm)
                if m.end() > m.start()
            )
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def search(self, norm: str) -> bool:
        """Whether anything matches (cheaper than :meth:`find`)."""
        if self._literal is not None and self._literal.search(norm):
            return True
        return any(p.search(norm) for p in self._patterns)


def fuzzy_hits(norm: str, phrases: Sequence[str], threshold: float, min_chars: int) -> list[Hit]:
    """Variants of long phrases (爱买就买不买 for 爱买不买) by rapidfuzz partial alignment.

    Only phrases of at least ``min_chars`` characters are tried: short ones would match too much.
    """
    hits = []
    chars = set(norm)
    for phrase in phrases:
        if len(phrase) < min_chars or len(chars.intersection(phrase)) < len(phrase) * threshold / 100 - 1:
            continue
        alignment = fuzz.partial_ratio_alignment(phrase, norm, score_cutoff=threshold)
        if alignment is not None:
            start, end = alignment.dest_start, alignment.dest_end
            hits.append(Hit(start, end, norm[start:end], phrase))
    return hits


def strip_punctuation(text: str) -> str:
    return text.strip(PUNCTUATION)


def drop_overlaps(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the earliest, then longest, of overlapping hits."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept
