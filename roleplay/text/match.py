"""Find phrases and patterns in normalised text, exactly or tolerating small variants.

Word lists are compiled once: the phrases into a single regular expression (C speed), so grading
a reply costs one scan per list rather than one per phrase, and a pattern runs only on a text that
holds one of its atoms (roleplay.text.prefilter).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz

from roleplay.text.gates import compile_patterns, trie_pattern
from roleplay.text.normalize import normalize
from roleplay.text.prefilter import PREFILTER

#: Characters stripped when a reply is judged as a whole (a lone 嗯。 is still a lone 嗯).
PUNCTUATION = " \t\r\n,.!?;:~…、，。！？；：～'\"“”‘’()（）[]【】<>《》-—_*#"


class Hit(NamedTuple):
    """A match: the span in the text, the matched text and the phrase or pattern behind it.

    A named tuple, not a dataclass: grading creates many and a tuple is the cheapest to build.
    """

    start: int
    end: int
    text: str
    source: str

    def inside(self, other: Hit) -> bool:
        return other.start <= self.start and self.end <= other.end


class PhraseMatcher:
    """Literal phrases (normalised like replies) and regular expressions, each list compiled once.

    The phrases form a trie (the longest phrase wins at a position), each pattern is a scan of its
    own behind the prefilter and a gate (roleplay.text.gates); hits do not overlap (the earlier, then
    the longer, wins). A hit that overlaps one of the ``exceptions`` (look-alike
    words: 除了 for a pattern 除X, 回购率 for X率高) is dropped.
    """

    def __init__(
        self,
        phrases: Iterable[str] = (),
        patterns: Iterable[str] = (),
        exceptions: Iterable[str] = (),
        except_patterns: Iterable[str] = (),
    ) -> None:
        self._scans = compile_patterns(patterns, phrases)
        # the scans' bound methods, looked up once: find() runs a few dozen times per reply
        self._calls = [
            (scan.gate.search if scan.gate is not None else None, scan.reach, scan.regex.search, scan.regex.finditer)
            for scan in self._scans.scans
        ]
        # A lone trie of phrases is one cheap scan: it uses the prefilter's verdict on a text when
        # there is one, but does not pay for a pass over a text no other list has asked about.
        self._verdict = PREFILTER.passing if patterns else PREFILTER.peek
        alternatives = [p for p in (trie_pattern(exceptions), *except_patterns) if p]
        self._exceptions = re.compile("|".join(f"(?:{p})" for p in alternatives)) if alternatives else None

    def __bool__(self) -> bool:
        return bool(self._scans.scans)

    def find(self, norm: str, overlapping: bool = False, within: str | None = None) -> list[Hit]:
        """Every hit, in text order; hits of different scans may overlap when ``overlapping``
        (where a hit only marks the clauses it spans, the longer of two should not hide the other).

        ``within``: a text ``norm`` was cut from (a reply, for one of its clauses), whose verdict the
        prefilter already holds: every scan that may match a part may match the whole, so the
        whole's verdict serves without a pass over the part."""
        indices = self._candidates(norm, within)
        if not indices:  # most lists, on most replies
            return []
        hits: list[Hit] = []
        scanned = 0
        calls = self._calls
        # The hottest loop of grading: only the scans the prefilter cannot rule out run, and the
        # gate test and the scan are inlined.
        for index in indices:
            gate, reach, search, finditer = calls[index]
            start = 0
            if gate is not None:
                seen = gate(norm)
                if seen is None:
                    continue
                if reach is not None and seen.start() > reach:  # no match starts before (gates.Scan)
                    start = seen.start() - reach
            # Most scans find nothing: one search says so for a fraction of an iterator's cost.
            first = search(norm, start)
            if first is None:
                continue
            found = [Hit(m.start(), m.end(), g, g) for m in finditer(norm, first.start()) if (g := m.group())]
            if found:
                hits += found
                scanned += 1
        if scanned > 1:
            hits = sorted(hits) if overlapping else drop_overlaps(hits)
        return self.unexcepted(norm, hits)

    def unexcepted(self, norm: str, hits: list[Hit]) -> list[Hit]:
        """``hits`` less those that overlap one of the exceptions (for hits found another way too:
        a close variant of a phrase is no more a fault inside 别问我怎么知道的 than the phrase is)."""
        if hits and self._exceptions is not None:
            spans = [(m.start(), m.end()) for m in self._exceptions.finditer(norm)]
            hits = [h for h in hits if not any(h.start < e and s < h.end for s, e in spans)]
        return hits

    def search(self, norm: str, within: str | None = None) -> bool:
        """Whether anything matches (cheaper than :meth:`find` when nothing is excepted);
        ``within`` as for :meth:`find`."""
        if self._exceptions is not None:
            return bool(self.find(norm, within=within))
        scans = self._scans.scans
        for index in self._candidates(norm, within):
            scan = scans[index]
            start = scan.start(norm)
            if start is not None and scan.regex.search(norm, start) is not None:
                return True
        return False

    def _candidates(self, norm: str, within: str | None = None) -> Sequence[int]:
        """The indices of the scans that may match ``norm`` (judged by the text it was cut from,
        ``within``, when there is one), in order."""
        return self._scans.candidates(self._verdict(norm if within is None else within))


class TaggedPhrases:
    """Several lists of literal phrases found in one scan, each hit tagged with its list."""

    def __init__(self, lists: dict[str, Iterable[str]]) -> None:
        tries = {tag: trie_pattern(phrases) for tag, phrases in lists.items()}
        self.tags = [tag for tag, trie in tries.items() if trie]
        groups = [f"(?P<t{i}>{tries[tag]})" for i, tag in enumerate(self.tags)]
        # Named groups hide the phrases' first characters from the regex engine's fast skip: a
        # lookahead of those characters gives it back.
        first = {normalize(p)[:1] for phrases in lists.values() for p in phrases if p} - {""}
        gate = f"(?=[{''.join(re.escape(char) for char in sorted(first))}])" if first else ""
        self._regex = re.compile(gate + "(?:" + "|".join(groups) + ")") if groups else None

    def find(self, norm: str) -> dict[str, list[Hit]]:
        """The hits of each list (hits do not overlap, whatever their list)."""
        found: dict[str, list[Hit]] = {tag: [] for tag in self.tags}
        if self._regex is not None:
            for m in self._regex.finditer(norm):
                found[self.tags[int(m.lastgroup[1:])]].append(Hit(m.start(), m.end(), m.group(), m.group()))
        return found


class FuzzyPhrases:
    """Close variants of long phrases (你这样讲就不对了 for 你这样说就不对了), with their tags.

    One rapidfuzz call scores every phrase against the reply in C; the alignment (the span) is
    computed only for the rare phrases that pass the threshold. Short phrases would match too
    much and are left to exact matching.
    """

    def __init__(self, tagged: Iterable[tuple[str, str]], threshold: float, min_chars: int) -> None:
        pairs = [(normalize(p), tag) for p, tag in tagged if len(p) >= min_chars]
        self.phrases = [p for p, _ in pairs]
        self.tags = [tag for _, tag in pairs]
        self.threshold = threshold
        # A window scoring >= threshold shares at least ``needed`` of the phrase's distinct
        # characters with the text, so it misses at most ``len - needed`` of them: any
        # ``len - needed + 1`` of its characters include one the text has. Indexing phrases by
        # those "key" characters finds the few candidates without looking at every phrase.
        self._chars = [frozenset(p) for p in self.phrases]
        self._needed = [len(c) - int(len(p) * (100 - threshold) / 100) for c, p in zip(self._chars, self.phrases)]
        shared = Counter(char for chars in self._chars for char in chars)  # rarer keys: fewer candidates
        self._by_key: dict[str, list[int]] = {}
        for index, chars in enumerate(self._chars):
            for char in sorted(chars, key=lambda c: (shared[c], c))[: len(chars) - self._needed[index] + 1]:
                self._by_key.setdefault(char, []).append(index)
        keys = "".join(re.escape(char) for char in sorted(self._by_key))
        self._keys = re.compile(f"[{keys}]") if keys else None

    def find(self, norm: str, skip: Iterable[str] = ()) -> list[tuple[str, Hit]]:
        """(tag, hit) for each phrase whose variant occurs in ``norm``, except phrases in ``skip``."""
        if self._keys is None:
            return []
        present = set(self._keys.findall(norm))  # the few key characters the text holds, found in C
        if not present:
            return []
        chars = set(norm)
        keyed = {i for char in present for i in self._by_key[char]}
        candidates = sorted(i for i in keyed if len(self._chars[i] & chars) >= self._needed[i])
        skipped = set(skip)
        found = []
        for index in candidates:
            phrase = self.phrases[index]
            if phrase in skipped:
                continue
            alignment = fuzz.partial_ratio_alignment(phrase, norm, score_cutoff=self.threshold)
            if alignment is not None:
                start, end = alignment.dest_start, alignment.dest_end
                found.append((self.tags[index], Hit(start, end, norm[start:end], phrase)))
        return found


#: What is not a word: spaces, punctuation, emoji and other symbols (爱用😒不用 is 爱用不用).
NON_WORD = re.compile(r"[^\w%]+")


def squeeze(norm: str) -> tuple[str, list[int]]:
    """``norm`` without spaces, punctuation and emoji, and each kept character's offset in ``norm``.

    爱买 不买, 爱买，不买 and 爱买😒不买 are still 爱买不买: matching the squeezed text finds
    phrases broken up by a space, a comma or an emoji, and the offsets map a hit back onto the
    trainee's characters.
    """
    offsets = [m.start() for m in _WORD_CHAR.finditer(norm)]
    return "".join(norm[i] for i in offsets), offsets


_WORD_CHAR = re.compile(r"[\w%]")


def drop_overlaps(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the earliest, then longest, of overlapping hits."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept
