"""Recognise what a trainee's reply means: keywords and example phrases, via jieba + rapidfuzz.

Reply, keywords and examples are first put in canonical form: the rubric's thesaurus reduces
synonyms to one word (寄出, 出库 → 发货) and Chinese numerals become digits (两百九十九 → 299),
so a trainee's own wording is understood. A keyword counts when it appears in the canonical
reply or, for longer keywords, when a close variant does (rapidfuzz partial ratio). Examples are
compared word by word (jieba words, rapidfuzz token-set ratio), so word order and filler words
matter little.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from roleplay.content.models import Intent, Rubric, Understanding
from roleplay.text import segment
from roleplay.text.analysed import Analysed
from roleplay.text.canonical import Canonical
from roleplay.text.match import PUNCTUATION, PhraseMatcher
from roleplay.text.normalize import normalize

def content_words(words: Iterable[str], fillers: frozenset[str]) -> str:
    """Words joined by spaces, without punctuation and fillers (rapidfuzz's token input)."""
    return " ".join(w for w in words if w.strip(PUNCTUATION) and w not in fillers)


def example_similarity(words: str, reply_set: set[str], example_words: str, coverage_needed: float) -> float:
    """rapidfuzz token-set similarity, scaled down when the reply covers little of the example.

    Token-set ratio alone gives 100 whenever one side's words are a subset of the other's, so a
    bare "两盒" would fully match "两盒一共238元"; a reply must also cover the example's content.
    """
    example_set = set(example_words.split())
    if not example_set or not reply_set:
        return 0.0
    coverage = len(reply_set & example_set) / len(example_set)
    return fuzz.token_set_ratio(words, example_words) * min(1.0, coverage / coverage_needed)


_thesauri: dict[int, tuple[Rubric, Canonical]] = {}


def thesaurus_for(rubric: Rubric) -> Canonical:
    """The rubric's thesaurus, compiled once per rubric object."""
    cached = _thesauri.get(id(rubric))
    if cached is None or cached[0] is not rubric:
        cached = _thesauri[id(rubric)] = (rubric, Canonical(rubric.thesaurus))
    return cached[1]


@dataclass(frozen=True, slots=True)
class IntentMatch:
    intent: str
    score: float
    via: str  # the keyword or example that matched


class IntentMatcher:
    """The intents of one scenario, compiled once, in the canonical form of a thesaurus, read as the
    rubric's ``understanding`` says."""

    def __init__(
        self, intents: dict[str, Intent], canonical: Canonical | None = None, understanding: Understanding | None = None
    ) -> None:
        self.intents = intents
        self.canonical = canonical or Canonical()
        self.settings = understanding or Understanding()
        self._fillers = frozenset(self.settings.fillers)
        keywords = {iid: [self.canonical(normalize(k)) for k in i.keywords] for iid, i in intents.items()}
        self._keywords = {iid: PhraseMatcher(words) for iid, words in keywords.items()}
        shortest = self.settings.fuzzy_keyword_chars
        self._long_keywords = {iid: [k for k in words if len(k) >= shortest] for iid, words in keywords.items()}
        self._examples: dict[str, list[tuple[str, str]]] | None = None
        self._last: tuple[str, str, str] = ("", "", "")

    def _example_words(self) -> dict[str, list[tuple[str, str]]]:
        """Examples as content words; built on first use because it needs jieba."""
        if self._examples is None:
            self._examples = {
                iid: [(ex, content_words(segment.words(self.canonical(normalize(ex))), self._fillers)) for ex in i.examples]
                for iid, i in self.intents.items()
            }
        return self._examples

    def _reply(self, reply: Analysed) -> tuple[str, str]:
        """The reply's canonical text and content words (kept for the intents of one node)."""
        if self._last[0] != reply.norm:
            text = self.canonical(reply.norm)
            self._last = (reply.norm, text, content_words(segment.words(text), self._fillers))
        return self._last[1], self._last[2]

    def score(self, intent_id: str, reply: Analysed) -> IntentMatch:
        """How well ``reply`` expresses the intent, 0–100 (100 for a keyword)."""
        text, words = self._reply(reply)
        hits = self._keywords[intent_id].find(text)
        if hits:
            return IntentMatch(intent_id, 100.0, hits[0].text)
        best = IntentMatch(intent_id, 0.0, "")
        for keyword in self._long_keywords[intent_id]:
            s = fuzz.partial_ratio(keyword, text, score_cutoff=self.settings.fuzzy_keyword_score)
            if s > best.score:
                best = IntentMatch(intent_id, s, keyword)
        reply_set = set(words.split())
        for example, example_words in self._example_words()[intent_id]:
            s = example_similarity(words, reply_set, example_words, self.settings.example_coverage)
            if s > best.score:
                best = IntentMatch(intent_id, s, example)
        return best

    def matches(self, intent_id: str, reply: Analysed) -> IntentMatch | None:
        """The match if it reaches the intent's threshold."""
        found = self.score(intent_id, reply)
        return found if found.score >= self.intents[intent_id].threshold else None
