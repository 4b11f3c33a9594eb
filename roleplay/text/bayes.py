"""A naive Bayes model of characters and character pairs, learned from labelled replies.

Hand-written rules name what a trainer has seen; agents find new words every day. A reply's
characters and character pairs (服, 服了, 了吧…) carry its tone whatever the words, and counting
them in a few thousand labelled replies learns that tone: measured on writers it never saw, the
model finds most rude replies the rules miss, at a small false-alarm rate. It is deterministic
(a text's weights are always summed in its own order) and its evidence is the clause that weighs
most, in the trainee's own characters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, repeat
from operator import add


def grams(norm: str) -> dict[str, None]:
    """The distinct characters and character pairs of a normalised text, spaces left out, in order
    (a dict used as an ordered set: built in one pass, which matters on every reply graded).

    Pairs, not triples: longer grams make the model overconfident on writers it never saw.
    """
    chars = "".join(norm.split()) if " " in norm or "\n" in norm else norm
    return dict.fromkeys(chain(chars, map(add, chars, chars[1:])))


@dataclass(frozen=True)
class Verdict:
    """How much more likely the text is in a class than in the baseline, and the likeliest class."""

    log_odds: float
    label: str


class NgramBayes:
    """A class among ``labels`` versus a ``baseline`` class, by the grams a text holds.

    Each gram present adds its smoothed log-likelihood ratio (a Bernoulli model that counts only
    the grams a text has); the prior is the classes' share of the examples.
    """

    def __init__(
        self,
        examples: Iterable[tuple[str, str]],
        baseline: str,
        min_count: int = 1,
        min_weight: float = 0.0,
        keep: Callable[[str], bool] | None = None,
        max_weight: float = math.inf,
    ) -> None:
        counts: dict[str, Counter[str]] = {}
        docs: Counter[str] = Counter()
        for norm, label in examples:
            docs[label] += 1
            counts.setdefault(label, Counter()).update(grams(norm).keys())
        self.baseline = baseline
        self.labels = sorted(label for label in docs if label != baseline)
        base, base_docs = counts.get(baseline, Counter()), docs[baseline]
        other: Counter[str] = Counter()
        for label in self.labels:
            other.update(counts[label])
        other_docs = sum(docs[label] for label in self.labels)
        self.trained = bool(base_docs and other_docs)
        self.prior = math.log(other_docs / base_docs) if self.trained else 0.0
        #: Each gram's weight towards any of ``labels`` against the baseline; a gram seen in fewer
        #: than ``min_count`` examples says more about one writer than about a tone, and one
        #: weighing less than ``min_weight`` either way says little (a small table is also fast).
        #: Only grams ``keep`` accepts are weighed (the others weigh nothing when a text is judged).
        weights = (
            (gram, _log_ratio(other[gram], other_docs, base[gram], base_docs))
            for gram in sorted(set(other) | set(base))
            if other[gram] + base[gram] >= min_count and (keep is None or keep(gram))
        )
        #: No gram weighs more than ``max_weight`` either way: one particle (啊) the examples' rude
        #: writers favoured must not outweigh everything else a polite reply says.
        self.weights = {
            gram: max(-max_weight, min(max_weight, weight)) for gram, weight in weights if abs(weight) >= min_weight
        }
        #: Each label's own log-likelihoods, to tell the labels apart once a text is out of the baseline.
        self._by_label = {
            label: ({g: math.log((n + 1) / (docs[label] + 2)) for g, n in counts[label].items()},
                    math.log(1 / (docs[label] + 2)), math.log(docs[label]))
            for label in self.labels
        }

    def judge(self, norm: str, threshold: float) -> Verdict | None:
        """The log-odds of ``norm`` being out of the baseline and its likeliest label, when the
        log-odds pass ``threshold``; None (the common case, kept cheap) when they do not."""
        found = grams(norm)
        log_odds = self.prior + self._sum(found)
        if log_odds <= threshold or not self.labels:
            return None
        return Verdict(log_odds, max(self.labels, key=lambda label: self._label_score(label, found)))

    def weight(self, norm: str) -> float:
        """What a stretch of text adds to the log-odds (to find the clause that weighs most)."""
        return self._sum(grams(norm))

    def _sum(self, found: dict[str, None]) -> float:
        # grams come in text order, so a text's weights are always added in the same order
        return sum(map(self.weights.get, found, repeat(0.0)))

    def _label_score(self, label: str, found: dict[str, None]) -> float:
        table, unseen, prior = self._by_label[label]
        return prior + sum(map(table.get, found, repeat(unseen)))


def _log_ratio(n_in: int, docs_in: int, n_out: int, docs_out: int) -> float:
    return math.log((n_in + 1) / (docs_in + 2)) - math.log((n_out + 1) / (docs_out + 2))
