"""A model of how replies are said, learned from labelled replies: characters and character pairs.

Hand-written rules name what a trainer has seen; agents find new words every day. A reply's
characters and character pairs (服, 服了, 了吧…) carry its tone whatever the words, and a
logistic regression over them, fitted to a few thousand labelled replies, learns that tone:
measured on writers it never saw, it finds most rude replies the rules miss. Logistic rather
than naive Bayes, because pairs overlap (哎, 哟, 哎哟): naive Bayes counts the same evidence
several times and grew overconfident on warm, lively replies. Training is deterministic (a seeded
order, the same arithmetic), so the same examples give the same weights, and a text's weights
are always summed in its own order: the same reply always gets the same float.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from operator import add, lshift, mul, or_
from typing import Any


def grams(norm: str) -> dict[str, None]:
    """The distinct grams of a normalised text, spaces left out, in order (a dict used as an
    ordered set: built in one pass, which matters on every reply graded).

    Its characters and character pairs; pairs with one character between (好…用 in 好不好用 and
    好很好用, 不…买 in 不买 and 不想买): a pattern with a gap, which agents fill with different
    words; and the first and last characters as such (a reply that ends in 吧 or ?). Not triples:
    longer grams fit the examples' writers rather than a tone. Every digit is read as 0: what a
    figure says is that there is one (2000瓦 and 35分贝 share pairs with every figure and unit),
    not which it is.
    """
    chars = _characters(norm)
    gapped = map(add, map(add, chars, repeat(GAP)), chars[2:])  # first + GAP + last, built in C
    found = dict.fromkeys(chain(chars, map(add, chars, chars[1:]), gapped))
    if chars:
        found[START + chars[0]] = found[chars[-1] + END] = None
    return found


def grams_around(norm: str, word: str) -> dict[str, None]:
    """The grams of ``norm`` less those of ``word`` (a word found in it): what the word's context
    says, whatever the word (最 in 最多放半勺 and in 最便宜的了 is the same 最; 放半勺 is not 便宜)."""
    left_out = grams(word)
    return {gram: None for gram in grams(norm) if gram not in left_out}


def gram_keys(norm: str) -> set[int]:
    """The grams of :func:`grams` as integers (:func:`gram_key` of each), built in C: what the
    :class:`ModelStack` looks up on every reply graded. An integer is hashed and compared in a
    step where a string of two characters is not, which makes those lookups twice as fast."""
    codes = [code + 1 for code in map(ord, _characters(norm))]
    high = [code << KEY_BITS for code in codes]
    keys = set(codes)
    keys.update(map(or_, high, codes[1:]))
    keys.update(map(or_, [(code | _GAP_CODE) << KEY_BITS for code in high], codes[2:]))
    if codes:
        keys.add(_START_KEY | codes[0])
        keys.add(high[-1] | _END_CODE)
    return keys


def _characters(norm: str) -> str:
    """The characters that :func:`grams` are cut from: no spaces, every digit as 0, none that marks
    a gram. Regular expressions rather than ``str.translate``, which looks up every character of a
    Chinese text in its table and costs a few times more."""
    chars = "".join(norm.split()) if " " in norm or "\n" in norm else norm
    return _MARKS_RE.sub("", _NONZERO_DIGIT.sub("0", chars))


def gram_key(gram: str) -> int:
    """A gram as an integer: its characters' code points (plus one, so that none is 0) side by side
    in fields of :data:`KEY_BITS` bits, which every code point fits."""
    key = 0
    for char in gram:
        key = key << KEY_BITS | (ord(char) + 1)
    return key


#: Bits per character of a gram's key (Unicode's largest code point, plus one, fits in 21).
KEY_BITS = 21


#: Marks of the grams that are more than characters: a text's start and end, a gap of one
#: character (private-use characters, dropped from the text itself so that no gram is ambiguous).
START, END, GAP = "\ue010", "\ue011", "\ue012"
MARKS = frozenset(START + END + GAP)


#: Every ASCII digit is read as 0 (replies are normalised, so full-width digits are ASCII by
#: then), and a character that marks a gram is dropped from a text.
_NONZERO_DIGIT = re.compile("[1-9]")
_MARKS_RE = re.compile(f"[{START}{END}{GAP}]")

#: The marks' parts of a :func:`gram_key` (code point plus one, as every character's).
_START_KEY = (ord(START) + 1) << KEY_BITS
_GAP_CODE, _END_CODE = ord(GAP) + 1, ord(END) + 1


@dataclass(frozen=True)
class Verdict:
    """How far the text leans out of the baseline (the model's log-odds), and its likeliest label."""

    log_odds: float
    label: str


@dataclass(frozen=True)
class Training:
    """How the weights are fitted: passes over the examples, step size, and the pull towards 0
    that keeps a gram seen in few examples from weighing much."""

    epochs: int = 8
    rate: float = 0.1
    l2: float = 1e-4
    seed: int = 0
    #: How far a gram's steps follow how well it tells the two classes apart (0: all alike; see _steps).
    evidence: float = 0.0


class Weights(Mapping[str, float]):
    """A model's weight of each gram, read like a dict: one index of the grams, shared by every
    model with the same vocabulary (the part and technique models are fitted to the same replies),
    and an array of doubles per model. A dict of float objects per model took ten times the memory
    (about 40 MB of a grading process); the floats are the same."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: array[float]) -> None:
        self._index, self._values = index, values

    @classmethod
    def of(cls, pairs: Mapping[str, float]) -> Weights:
        return cls(_index_of(tuple(pairs)), array("d", pairs.values()))

    @property
    def index(self) -> dict[str, int]:
        """Each known gram's position (a dict, for the hot loops that only ask what is known)."""
        return self._index

    def __getitem__(self, gram: str) -> float:
        return self._values[self._index[gram]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, gram: object) -> bool:
        return gram in self._index

    def get(self, gram: str, default: float | None = None) -> float | None:  # type: ignore[override]
        at = self._index.get(gram)
        return default if at is None else self._values[at]

    def items(self) -> Iterable[tuple[str, float]]:  # type: ignore[override]
        return zip(self._index, self._values)

    def values(self) -> Iterable[float]:  # type: ignore[override]
        return self._values

    def total(self, found: Iterable[str]) -> float:
        """The sum of the weights of the grams ``found`` (grams come in text order, so a text's
        weights are always added in the same order)."""
        values = self._values
        return sum(values[at] for at in map(self._index.get, found) if at is not None)


@lru_cache(maxsize=8)
def _index_of(grams: tuple[str, ...]) -> dict[str, int]:
    """Each gram's place in a vocabulary, built once per vocabulary for all its models."""
    return dict(zip(grams, range(len(grams))))


@dataclass(frozen=True)
class Encoded:
    """Examples cut into grams, and the grams a model weighs numbered: what fitting needs of the
    examples whatever their labels. The part and technique models learn ten labels of the same
    fifteen thousand replies, and cutting them into grams costs about as much as one fitting: it
    is done once for all of them (roleplay.rubric.learned)."""

    #: The weighed grams (held by ``min_count`` examples at least, and kept), sorted.
    vocabulary: list[str]
    #: Each example's weighed grams, by their place in ``vocabulary``, in the example's order.
    numbered: list[list[int]]

    @classmethod
    def of(
        cls,
        examples: list[Any],
        min_count: int = 2,
        keep: Callable[[str], bool] | None = None,
        features: Callable[[Any], Iterable[str]] = grams,
    ) -> Encoded:
        """``examples`` cut by ``features``; only grams ``keep`` accepts and ``min_count`` of them hold are weighed."""
        found = [list(features(example)) for example in examples]
        held = Counter(g for grams_found in found for g in grams_found)
        vocabulary = sorted(g for g, n in held.items() if n >= min_count and (keep is None or keep(g)))
        index = {g: i for i, g in enumerate(vocabulary)}
        return cls(vocabulary, [[index[g] for g in grams_found if g in index] for grams_found in found])


class NgramModel:
    """A text out of ``baseline`` (any of the other labels) or in it, by the grams it holds.

    An example is a normalised text, or whatever ``features`` cuts into grams (a clause and a word
    in it, for :func:`grams_around`). Only grams ``keep`` accepts and that at least ``min_count``
    examples hold are weighed; the rest weigh nothing when a text is judged. Which of the other
    labels a text has is told by their own gram counts (a label's likelihood), once the text is out
    of the baseline. Counting only the grams a text holds favours the label with the fewest examples
    (a gram none of them holds costs it least); ``absence_weight`` also counts, that much, the grams
    a label's examples hold and the text does not (0: not at all; 1: Bernoulli naive Bayes).
    """

    #: A digest of what the model was fitted from (its examples, settings and the fitting code: the
    #: name roleplay.rubric.learned stores it under); None for a model fitted to examples of its own.
    fitted_from: str | None = None

    def __init__(
        self,
        examples: Iterable[tuple[Any, str]],
        baseline: str,
        min_count: int = 2,
        keep: Callable[[str], bool] | None = None,
        training: Training = Training(),
        features: Callable[[Any], Iterable[str]] = grams,
        absence_weight: float = 0.0,
    ) -> None:
        examples = list(examples)
        encoded = Encoded.of([example for example, _ in examples], min_count, keep, features)
        self._learn(encoded, [label for _, label in examples], baseline, training, absence_weight)

    @classmethod
    def fitted_to(
        cls, encoded: Encoded, labels: list[str], baseline: str, training: Training = Training(), absence_weight: float = 0.0
    ) -> NgramModel:
        """The model of ``labels``, one per example of ``encoded``: the same as fitting it to the
        examples themselves, without cutting them into grams again."""
        model = cls.__new__(cls)
        model._learn(encoded, labels, baseline, training, absence_weight)
        return model

    def _learn(self, encoded: Encoded, labels: list[str], baseline: str, training: Training, absence_weight: float) -> None:
        data = [(numbered, label != baseline) for numbered, label in zip(encoded.numbered, labels)]
        self.baseline = baseline
        self.labels = sorted({label for label in labels if label != baseline})
        self.trained = bool(self.labels) and any(not out for _, out in data)
        vocabulary = encoded.vocabulary
        weights, self.prior = _fit(data, len(vocabulary), training) if self.trained else ([], 0.0)
        #: Each gram's weight towards the other labels (the model's bias is ``prior``).
        self.weights = Weights.of(dict(zip(vocabulary, weights)))
        counts: dict[str, Counter[int]] = {label: Counter() for label in self.labels}
        docs: Counter[str] = Counter()
        for numbered, label in zip(encoded.numbered, labels):
            if label != self.baseline:
                docs[label] += 1
                counts[label].update(numbered)
        # each label's log-likelihood of every weighed gram, in the weights' order (a gram no
        # example of the label holds counts 0: the likelihood of an unseen gram)
        # (with ``absence_weight``, a gram the label's examples often hold counts against it when absent:
        # the table holds log p - w·log(1 - p) and the label's prior adds w·Σ log(1 - p))
        self._by_label = {}
        for label in self.labels:
            shares = [(counts[label][i] + 1) / (docs[label] + 2) for i in range(len(vocabulary))]
            table = array("d", [math.log(p) - absence_weight * math.log(1 - p) for p in shares])
            absent = math.fsum(math.log1p(-p) for p in shares)
            self._by_label[label] = (table, math.log(docs[label]) + absence_weight * absent)

    def to_bytes(self) -> bytes:
        """Everything a fitted model knows, to store it and skip the fitting: a line of JSON, the
        grams one per line, then the weights and each label's table as raw doubles. Read back bit
        for bit, about ten times faster than the same numbers as JSON text."""
        vocabulary = "\n".join(self.weights).encode()
        head = {
            "baseline": self.baseline, "labels": self.labels, "trained": self.trained, "prior": self.prior,
            "label_priors": [prior for _, prior in self._by_label.values()], "grams": len(self.weights),
            "vocabulary_bytes": len(vocabulary), "byteorder": sys.byteorder,
        }
        tables = [self.weights.values(), *(table for table, _ in self._by_label.values())]
        return json.dumps(head, ensure_ascii=False).encode() + b"\n" + vocabulary + b"".join(t.tobytes() for t in tables)

    @classmethod
    def from_bytes(cls, data: bytes) -> NgramModel:
        """A model as :meth:`to_bytes` stored it; ValueError for anything else (a truncated file,
        another machine's byte order)."""
        newline = data.index(b"\n")
        head = json.loads(data[:newline])
        start = newline + 1
        end = start + head["vocabulary_bytes"]
        vocabulary = tuple(data[start:end].decode().split("\n")) if end > start else ()
        size = 8 * len(vocabulary)
        if head["byteorder"] != sys.byteorder or len(vocabulary) != head["grams"] or len(data) != end + size * (1 + len(head["labels"])):
            raise ValueError("not a stored model of this machine")
        tables = [array("d", data[at : at + size]) for at in range(end, len(data), size)] if size else [array("d")] * (1 + len(head["labels"]))
        model = cls.__new__(cls)
        model.baseline, model.labels, model.trained, model.prior = head["baseline"], head["labels"], head["trained"], head["prior"]
        model.weights = Weights(_index_of(vocabulary), tables[0])
        model._by_label = {label: (table, prior) for label, table, prior in zip(model.labels, tables[1:], head["label_priors"])}
        return model

    def judge(self, found: dict[str, None], threshold: float, log_odds: float | None = None) -> Verdict | None:
        """The log-odds of a text whose ``grams`` are ``found`` being out of the baseline and its
        likeliest label, when they pass ``threshold``; None (the common case, kept cheap) when not.
        ``log_odds``: the text's, when a :class:`ModelStack` has summed them already."""
        if log_odds is None:
            log_odds = self.log_odds(found)
        if log_odds <= threshold or not self.labels:
            return None
        return Verdict(log_odds, self.likeliest(found))

    def log_odds(self, found: dict[str, None]) -> float:
        """How far a text whose ``grams`` are ``found`` leans out of the baseline (0: undecided)."""
        return self.prior + self._sum(found)

    def likeliest(self, found: dict[str, None], default: str | None = None, margin: float = 0.0) -> str:
        """Which of the other labels a text whose ``grams`` are ``found`` most likely has (the
        baseline when the model knows no other label). With a ``default`` label, another wins only
        when it is likelier by more than ``margin`` (in log-likelihood): a short text says little."""
        best = max(self.labels, key=lambda label: self._label_score(label, found), default=self.baseline)
        if default in self.labels and self._label_score(best, found) - self._label_score(default, found) <= margin:
            return default
        return best

    def weight(self, norm: str) -> float:
        """What a stretch of text adds to the log-odds (to find the clause that weighs most)."""
        return self._sum(grams(norm))


    def _sum(self, found: dict[str, None]) -> float:
        return self.weights.total(found)

    def _label_score(self, label: str, found: dict[str, None]) -> float:
        table, prior = self._by_label[label]
        return prior + sum(table[at] for at in map(self.weights.index.get, found) if at is not None)


class ModelStack:
    """Every learned model of a rubric judged together, with one table lookup and one addition
    per gram of a reply.

    The models come in groups (a criterion's models: FAB's parts, closing's techniques, the
    rude categories' tone). Every model's weight of a gram is packed into one Python integer,
    each as a fixed-point field of its own: adding a text's integers (in C, by ``sum``) adds every
    model's weights at once. One table for all the models matters: a reply's grams are looked up
    once, not once per criterion, and grading is bound by those lookups. Integer sums are exact,
    so a text's log-odds do not depend on the order its grams are added in; a weight is rounded
    to 2**-32 (about 2e-10), far below any margin the rubric compares log-odds with.
    """

    #: Fixed-point scale of a weight.
    SCALE = 1 << 32

    def __init__(self, groups: dict[str, dict[str, NgramModel]]) -> None:
        #: (group, label, prior) of each field, lowest first.
        self._fields = [(group, label, model.prior) for group, models in groups.items() for label, model in models.items()]
        models = [groups[group][label] for group, label, _ in self._fields]
        # A text's distinct grams are summed, and only those the table knows: no field can hold
        # more than every weight of its model, so it is sized for that sum (64 bits at least).
        grams = set().union(*(m.weights for m in models))
        largest = max((max(map(abs, m.weights.values()), default=0.0) for m in models), default=0.0)
        self.field = max(64, (round(largest * self.SCALE) * max(len(grams), 1)).bit_length() + 2)
        # Each model's weights in fixed point, shifted to its field, computed in C (map): models
        # fitted to the same replies share a vocabulary, whose fields add up element by element.
        by_vocabulary: dict[int, tuple[dict[str, int], list[int]]] = {}
        for i, model in enumerate(models):
            fixed = map(round, map(mul, model.weights.values(), repeat(self.SCALE)))
            shifted = list(map(lshift, fixed, repeat(self.field * i)))
            index = model.weights.index
            if id(index) in by_vocabulary:
                shifted = list(map(add, by_vocabulary[id(index)][1], shifted))
            by_vocabulary[id(index)] = (index, shifted)
        [(first, values), *others] = by_vocabulary.values() or [({}, [])]
        packed = dict(zip(map(gram_key, first), values))
        for index, values in others:
            for key, value in zip(map(gram_key, index), values):
                packed[key] = packed.get(key, 0) + value
        #: Every model's weights of a gram, packed, by the gram's key (:func:`gram_keys`).
        self._packed = {key: value for key, value in packed.items() if value}

    def to_bytes(self) -> bytes:
        """The packed table, to store it and skip the packing (about a second, a third of a
        start's work, roleplay.rubric.learned): a line of JSON, the grams' keys as raw integers,
        then each gram's packed weights as a signed integer of one width in bytes."""
        width = max((abs(value).bit_length() for value in self._packed.values()), default=0) // 8 + 1
        head = {"fields": self._fields, "field": self.field, "entries": len(self._packed), "width": width,
                "byteorder": sys.byteorder}
        values = b"".join(value.to_bytes(width, "little", signed=True) for value in self._packed.values())
        return json.dumps(head, ensure_ascii=False).encode() + b"\n" + array("Q", self._packed).tobytes() + values

    @classmethod
    def from_bytes(cls, data: bytes) -> ModelStack:
        """A stack as :meth:`to_bytes` stored it; ValueError for anything else (a truncated file,
        another machine's byte order)."""
        newline = data.index(b"\n")
        head = json.loads(data[:newline])
        count, width = head["entries"], head["width"]
        values_at = newline + 1 + 8 * count
        if head["byteorder"] != sys.byteorder or width < 1 or len(data) != values_at + width * count:
            raise ValueError("not a stored stack of this machine")
        stack = cls.__new__(cls)
        stack._fields = [(group, label, prior) for group, label, prior in head["fields"]]
        stack.field = head["field"]
        read = int.from_bytes
        values = (read(data[at : at + width], "little", signed=True) for at in range(values_at, len(data), width))
        stack._packed = dict(zip(array("Q", data[newline + 1 : values_at]), values))
        return stack

    def leans(self, found: set[int]) -> dict[str, dict[str, float]]:
        """Per group, each model's log-odds for a text whose :func:`gram_keys` are ``found``.

        ``filter(None, …)`` drops the grams no model knows (their lookup gives None); the fields
        are then read lowest first, each as a signed number that the fields above carry.
        """
        total = sum(filter(None, map(self._packed.get, found)))
        width = self.field
        mask, half = (1 << width) - 1, 1 << (width - 1)
        out: dict[str, dict[str, float]] = {}
        for group, label, prior in self._fields:
            field = total & mask
            if field >= half:
                field -= mask + 1
            total = (total - field) >> width
            out.setdefault(group, {})[label] = prior + field / self.SCALE
        return out


def _fit(data: list[tuple[list[int], bool]], size: int, training: Training) -> tuple[list[float], float]:
    """Logistic regression by stochastic gradient descent, in a seeded order."""
    weights = [0.0] * size
    bias = 0.0
    order = list(range(len(data)))
    shuffle = random.Random(training.seed).shuffle
    rate, l2 = training.rate, training.l2
    weight = weights.__getitem__  # (the same sums in the same order as a generator, in C: a fifth faster)
    steps = _steps(data, size, training.evidence)
    for _ in range(training.epochs):
        shuffle(order)
        for i in order:
            features, out = data[i]
            z = bias + sum(map(weight, features))
            error = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - out
            bias -= rate * error
            for f in features:
                w = weights[f]
                weights[f] = w - rate * (error * steps[f] + l2 * w)
    return weights, bias


def _steps(data: list[tuple[list[int], bool]], size: int, evidence: float) -> list[float]:
    """Each gram's share of a correction while fitting: 1 for every gram without ``evidence``; with
    it, a mix of 1 and how strongly the gram tells the classes apart, its naive-Bayes log-count
    ratio's size (scaled to a mean of 1). A gram both classes hold alike (您, 的) then learns slowly
    and a telling one quickly: the weights of the words a product's replies share with every
    other product's stay small, which is what a product never seen needs (the log-count ratio of
    Wang and Manning's NBSVM, as a step size: the weights stay one per gram)."""
    if not evidence or not size:
        return [1.0] * size
    held = ([1.0] * size, [1.0] * size)  # how many examples in and out of the baseline hold each gram, plus one
    for features, out in data:
        counts = held[out]
        for f in features:
            counts[f] += 1.0
    held_out = sum(out for _, out in data)
    outside, inside = held_out + 2.0, len(data) - held_out + 2.0  # (the examples of each class, plus two)
    ratios = [abs(math.log((a / outside) / (b / inside))) for a, b in zip(held[True], held[False])]
    mean = math.fsum(ratios) / size or 1.0
    return [1.0 - evidence + evidence * r / mean for r in ratios]
