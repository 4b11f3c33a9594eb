"""How far the rubric agrees with a person's labels: precision, recall, F1 and agreement.

QA teams calibrate a scoring tool against human raters before they trust it on their own shop's
replies; ``roleplay eval`` does that for the rubric's three judgements that a person can label
(docs/labelling.md): the 服务禁语 category, the closing techniques and the FAB parts.

Each criterion is counted over labels: a reply labelled ``impatience`` and found ``impatience``
and ``denial`` is one true positive and one false positive. ``fab`` is "F, A and B all present"
(a full pitch); ``F``, ``A`` and ``B`` are each part alone. Agreement is the share of replies on
which the rubric's labels equal the person's exactly.

Each F1 comes with a 95 % interval, bootstrapped over product categories (over replies where the
file names none): the replies of one category share a product and mostly a writer, so they are
resampled together, and the interval says how far the figure could move on another file of the
same make: whether 0.947 is short of 0.95 or within chance of it.

Each wording the rubric found (a listed phrase, a pattern's match, a clause a model weighed) is
tallied too: in how many replies it was found and in how many the labels share its finding. A
wording found in 50 replies and labelled so in 24 says more of the labels than of the rubric:
the raters split on it, and a labelling decision there moves the figures more than a rule.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from roleplay.content.jsonl import LineError, read_jsonl
from roleplay.content.labels import LabelledReply
from roleplay.content.library import Library
from roleplay.content.models import Rubric
from roleplay.rubric.result import ReplyScore
from roleplay.rubric.scorer import Scorer, scorer_for
from roleplay.text.normalize import normalize

#: The criteria reported, in order: name → what a label of it is.
CRITERIA = ("forbidden", "closing", "fab", "F", "A", "B")
#: The label that stands for a full pitch under ``fab``.
FULL_PITCH = "FAB"
#: Resamples of the bootstrap behind each F1's interval, and the interval's level.
RESAMPLES, LEVEL = 1000, 0.95
#: At most this many clusters are made of replies a file gives no category (see ``_blocks``).
MOST_BLOCKS = 1000
#: A wording's tally is shown once the rubric found it in this many replies: fewer say little.
WORDING_MIN = 5
#: How many of the replies labelled otherwise a wording's tally names, to read them by.
WORDING_EXAMPLES = 3
#: A finding's (criterion, label, wording): ("closing", "direct_ask", "闭眼入").
Finding = tuple[str, str, str]


@dataclass(slots=True)
class Tally:
    """Counts of one criterion over the replies, and the figures computed from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    agree: int = 0
    replies: int = 0

    def add(self, expected: frozenset[str], found: frozenset[str]) -> None:
        tp, fp, fn = counts_of(expected, found)
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        self.agree += expected == found
        self.replies += 1

    @property
    def precision(self) -> float | None:
        """Of the labels the rubric gave, the share the person gave too (None: it gave none)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """Of the person's labels, the share the rubric found (None: the person gave none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall; 1.0 when neither side gave any label."""
        if not self.tp + self.fp + self.fn:
            return 1.0 if self.replies else None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": _rounded(self.precision),
            "recall": _rounded(self.recall),
            "f1": _rounded(self.f1),
            "agreement": _rounded(self.agree / self.replies if self.replies else None),
            "support": self.tp + self.fn,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def counts_of(expected: frozenset[str], found: frozenset[str]) -> list[int]:
    """One reply's [true positives, false positives, false negatives] of a criterion."""
    return [len(expected & found), len(found - expected), len(expected - found)]


@dataclass(slots=True)
class WordingTally:
    """One wording's finding over the replies the rubric found it in: how many, how many the
    labels share it with, and what the others were labelled instead (``none``: no label of the
    criterion at all)."""

    found: int = 0
    labelled: int = 0
    instead: Counter[str] = field(default_factory=Counter)
    #: The ids of the first few replies labelled otherwise, in file order: where to read.
    examples: list[str | int] = field(default_factory=list)

    def merged(self, other: WordingTally) -> WordingTally:
        """Both tallies together (a cross-validation's folds pooled)."""
        examples = (self.examples + other.examples)[:WORDING_EXAMPLES]
        return WordingTally(self.found + other.found, self.labelled + other.labelled, self.instead + other.instead,
                            examples)

    def add(self, label: str, given: Iterable[str], reply: str | int) -> None:
        given = set(given)
        self.found += 1
        if label in given:
            self.labelled += 1
            return
        self.instead.update(sorted(given) or ["none"])
        if len(self.examples) < WORDING_EXAMPLES:
            self.examples.append(reply)


def pool_wordings(pooled: dict[Finding, WordingTally], wordings: dict[Finding, WordingTally]) -> None:
    """Add ``wordings`` into ``pooled`` (a cross-validation's folds, each scored by its own models)."""
    for finding, tally in wordings.items():
        pooled[finding] = pooled[finding].merged(tally) if finding in pooled else tally


def split_wordings(wordings: dict[Finding, WordingTally], least: int = WORDING_MIN) -> list[dict[str, Any]]:
    """The wordings the rubric found in at least ``least`` replies and the labels do not always
    share, those the labels most often leave out first."""
    rows = [
        {"criterion": criterion, "label": label, "wording": wording, "found": tally.found,
         "labelled": tally.labelled, "share": round(tally.labelled / tally.found, 4),
         "instead": dict(sorted(tally.instead.items(), key=lambda item: (-item[1], item[0]))),
         "examples": tally.examples}
        for (criterion, label, wording), tally in wordings.items()
        if tally.found >= least and tally.labelled < tally.found
    ]
    return sorted(rows, key=lambda r: (r["labelled"] - r["found"], -r["found"], r["criterion"], r["label"], r["wording"]))


def _blocks(replies: list[list[int]], most: int = MOST_BLOCKS) -> list[list[int]]:
    """Replies with no category as clusters: each alone, or, past ``most`` of them, runs of
    neighbours (a chat log's neighbouring replies share a conversation), so that a bootstrap of a
    long file costs what one of ``most`` categories does."""
    size = -(-len(replies) // most)
    if size <= 1:
        return replies
    return [list(map(sum, zip(*replies[at : at + size]))) for at in range(0, len(replies), size)]


def f1_interval(clusters: list[list[int]]) -> list[float] | None:
    """The ``LEVEL`` percentile interval of F1 = 2tp / (2tp + fp + fn) over ``RESAMPLES`` draws of
    the clusters' [tp, fp, fn] counts with replacement; None for fewer than two clusters or no
    label at all."""
    if len(clusters) < 2 or not any(any(counts) for counts in clusters):
        return None
    columns = _columns(clusters)
    return _percentiles([_f1(columns, picked) for picked in _draws(len(clusters))])


def difference_interval(before: dict[str, list[int]], after: dict[str, list[int]]) -> tuple[float, list[float]] | None:
    """How far F1 moved from ``before`` to ``after`` (each: cluster → [tp, fp, fn], of the same
    replies judged two ways), and that difference's interval, the clusters drawn alike for both
    (a paired bootstrap: a change of a few replies in a few categories is told from chance,
    which two separate intervals, overlapping, cannot). None when they share under two clusters."""
    shared = sorted(before.keys() & after.keys())
    if len(shared) < 2:
        return None
    first, second = _columns([before[c] for c in shared]), _columns([after[c] for c in shared])
    everything = range(len(shared))
    moved = _f1(second, everything) - _f1(first, everything)
    return round(moved, 4), _percentiles([_f1(second, picked) - _f1(first, picked) for picked in _draws(len(shared))])


def _draws(count: int) -> Iterator[list[int]]:
    """``RESAMPLES`` draws of ``count`` cluster indices with replacement, seeded: the same every run."""
    draw, indices = random.Random(0).choices, range(count)
    for _ in range(RESAMPLES):
        yield draw(indices, k=count)


def _columns(clusters: list[list[int]]) -> tuple[list[int], list[int], list[int]]:
    """The clusters' tp, fp and fn counts, each a list of its own (summed in C by :func:`_f1`)."""
    tp, fp, fn = ([counts[i] for counts in clusters] for i in range(3))
    return tp, fp, fn


def _f1(columns: tuple[list[int], list[int], list[int]], picked: Iterable[int]) -> float:
    """F1 over the ``picked`` clusters of ``columns`` (a cluster picked twice counts twice)."""
    picked = list(picked)
    tp, fp, fn = (sum(map(column.__getitem__, picked)) for column in columns)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _percentiles(figures: list[float]) -> list[float]:
    """The ``LEVEL`` interval's two ends of ``RESAMPLES`` figures."""
    figures.sort()
    tail = (1 - LEVEL) / 2
    return [round(figures[int(tail * RESAMPLES)], 4), round(figures[int((1 - tail) * RESAMPLES) - 1], 4)]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


Labels = dict[str, frozenset[str]]


def expected_labels(row: LabelledReply) -> Labels:
    """A person's labels, per criterion."""
    return labels_of(row.fab, [row.forbidden] if row.forbidden else [], row.closing)


def found_labels(score: ReplyScore, categories: list[str]) -> Labels:
    """The rubric's labels of a scored reply, per criterion.

    A reply has one 服务禁语 label, as people label it: the first of its categories in the
    rubric's order (worst first: a contemptuous reply that also denies is contempt).
    """
    found = {hit["category"] for hit in score.found("forbidden", "hits")}
    return labels_of(score.found("fab", "components"), [c for c in categories if c in found][:1], score.found("closing", "techniques"))


def found_wordings(score: ReplyScore, techniques: dict[str, str], forbidden: frozenset[str]) -> set[Finding]:
    """Each finding of a scored reply with its wording, normalised (闭眼入 and 閉眼入 are one
    wording); ``techniques`` maps a closing technique's label to its id, and of the 服务禁语 hits
    only those of the reply's one category (``forbidden``, see ``found_labels``) are counted: the
    不知道 of a contemptuous reply is no denial the labels leave out."""
    found: set[Finding] = set()
    fab, closing = score.of_kind("fab"), score.of_kind("closing")
    if fab:
        found.update(("fab", e.label, normalize(e.text)) for e in fab.evidence if e.label in ("F", "A", "B"))
    found.update(
        ("forbidden", hit["category"], normalize(hit["phrase"]))
        for hit in score.found("forbidden", "hits")
        if hit["category"] in forbidden
    )
    if closing:
        found.update(("closing", techniques[e.label], normalize(e.text)) for e in closing.evidence if e.label in techniques)
    return found


def labels_of(fab: Iterable[str], forbidden: Iterable[str], closing: Iterable[str]) -> Labels:
    """Labels per criterion from a reply's FAB parts, 服务禁语 category (none or one) and closing techniques."""
    parts = frozenset(fab)
    labels = {
        "forbidden": frozenset(forbidden),
        "closing": frozenset(closing),
        "fab": frozenset([FULL_PITCH]) if parts >= set("FAB") else frozenset(),
    }
    labels.update({part: parts & {part} for part in "FAB"})
    return labels


@dataclass(slots=True)
class Evaluation:
    """The figures per criterion and per label, and every reply the rubric judged differently."""

    rubric: Rubric
    tallies: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in CRITERIA})
    #: Per label of ``forbidden`` and ``closing``: a category or technique id → its tally.
    by_label: dict[str, dict[str, Tally]] = field(default_factory=lambda: {"forbidden": {}, "closing": {}})
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    #: Per criterion, per product category: [tp, fp, fn] (what the F1's interval resamples).
    clusters: dict[str, dict[str, list[int]]] = field(default_factory=lambda: {name: {} for name in CRITERIA})
    #: Per criterion, [tp, fp, fn] of each reply with no category, in file order.
    uncategorised: dict[str, list[list[int]]] = field(default_factory=lambda: {name: [] for name in CRITERIA})
    #: Per finding (criterion, label, wording): its tally over the replies it was found in.
    wordings: dict[Finding, WordingTally] = field(default_factory=dict)
    #: A closing technique's label → its id (evidence is labelled for people).
    techniques: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        closing = self.rubric.criterion("closing")
        self.techniques = {t.label: tid for tid, t in closing.techniques.items()} if closing else {}

    @property
    def replies(self) -> int:
        return self.tallies["fab"].replies

    def add(self, line: int, row: LabelledReply, score: ReplyScore) -> None:
        expected, found = expected_labels(row), found_labels(score, list(self.rubric.criterion("forbidden").categories))
        for name in CRITERIA:
            self.tallies[name].add(expected[name], found[name])
            counts = counts_of(expected[name], found[name])
            if row.category is None:
                self.uncategorised[name].append(counts)
            else:
                cluster = self.clusters[name].setdefault(row.category, [0, 0, 0])
                cluster[:] = (a + b for a, b in zip(cluster, counts))
        earlier = self.replies - 1  # replies before this one: none of them had a new label, both agreed
        for name, tallies in self.by_label.items():
            for label in expected[name] | found[name]:
                tallies.setdefault(label, Tally(agree=earlier, replies=earlier))
            for label, tally in tallies.items():
                tally.add(expected[name] & {label}, found[name] & {label})
        for finding in found_wordings(score, self.techniques, found["forbidden"]):
            criterion, label, _ = finding
            given = {part for part in "FAB" if expected[part]} if criterion == "fab" else expected[criterion]
            self.wordings.setdefault(finding, WordingTally()).add(label, given, row.id)
        differs = [name for name in ("forbidden", "closing") if expected[name] != found[name]]
        if any(expected[part] != found[part] for part in "FAB"):
            differs.insert(0, "fab")
        if differs:
            self.disagreements.append(_disagreement(line, row, score, expected, found, differs))

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``roleplay eval --format json``."""
        out: dict[str, Any] = {
            "rubric": {"id": self.rubric.id, "version": self.rubric.version},
            "replies": self.replies,
        }
        out.update({name: {**tally.to_dict(), "f1_interval": self.interval(name)} for name, tally in self.tallies.items()})
        out["labels"] = {
            name: {label: tallies[label].to_dict() for label in sorted(tallies)}
            for name, tallies in self.by_label.items()
        }
        out["disagreements"] = self.disagreements
        return out

    def split_wordings(self) -> list[dict[str, Any]]:
        """See :func:`split_wordings`."""
        return split_wordings(self.wordings)

    def interval(self, name: str) -> list[float] | None:
        """The 95 % interval of criterion ``name``'s F1 (percentile bootstrap, resampling whole
        categories): None when the file holds a single category or no label of the criterion at
        all. Seeded, so the same file and rubric always give the same interval."""
        return f1_interval([*self.clusters[name].values(), *_blocks(self.uncategorised[name])])

    def below(self, min_f1: float) -> list[str]:
        """The criteria whose F1 is under ``min_f1``."""
        return [name for name, tally in self.tallies.items() if tally.f1 is not None and tally.f1 < min_f1]


def _disagreement(
    line: int, row: LabelledReply, score: ReplyScore, expected: Labels, found: Labels, differs: list[str]
) -> dict[str, Any]:
    """One reply judged differently: both sets of labels and the evidence the rubric used."""
    evidence = [
        {"criterion": name, "span": [e.start, e.end], "text": e.text, "label": e.label}
        for name in ("fab", "forbidden", "closing")
        for e in score.results[name].evidence
    ]
    return {
        "id": row.id,
        "line": line,
        "text": row.text,
        "customer": row.customer,
        "criteria": differs,
        "expected": _shown(expected),
        "found": _shown(found),
        "evidence": evidence,
    }


def _shown(labels: Labels) -> dict[str, Any]:
    """Labels in the input file's own shape: ``fab`` a list of parts, ``forbidden`` one id or null."""
    forbidden = sorted(labels["forbidden"])
    return {
        "fab": [part for part in "FAB" if labels[part]],
        "forbidden": forbidden[0] if len(forbidden) == 1 else (forbidden or None),
        "closing": sorted(labels["closing"]),
    }


def read_labelled(text: str) -> Iterator[tuple[int, LabelledReply | LineError]]:
    """The labelled replies of a JSON Lines text; a bad line is a LineError."""
    return read_jsonl(text, LabelledReply, 'a labelled reply is one object: {"id", "text", "fab", "forbidden", "closing"}')


def evaluate(text: str, library: Library, rubric_id: str | None = None, scorer: Scorer | None = None) -> Evaluation:
    """Score every labelled reply of ``text`` and compare; bad lines are collected, not fatal.

    ``scorer`` replaces the rubric's own (cross-validation scores each fold with a scorer whose
    models were fitted without that fold)."""
    rubric = scorer.rubric if scorer else library.rubric(rubric_id or "default")
    scorer = scorer or scorer_for(rubric)
    evaluation = Evaluation(rubric)
    seen: dict[str | int, int] = {}
    for number, row in read_labelled(text):
        if isinstance(row, LabelledReply):
            problem = _unknown_labels(row, rubric) or _duplicate(row, number, seen)
            row = LineError(number, problem) if problem else row
        if isinstance(row, LineError):
            evaluation.errors.append(row)
            continue
        try:
            score = _score(scorer, row, library)
        except LookupError as exc:  # an unknown scenario
            evaluation.errors.append(LineError(number, str(exc.args[0])))
            continue
        evaluation.add(number, row, score)
    return evaluation


def _score(scorer: Scorer, row: LabelledReply, library: Library) -> ReplyScore:
    """The rubric's judgement of one reply, with its scenario's card and the shopper's message."""
    product = library.scenario(row.scenario).product if row.scenario else None
    return scorer.score_text(row.text, index=1, customer_text=row.customer, product=product)


def _unknown_labels(row: LabelledReply, rubric: Rubric) -> str | None:
    """What is wrong with labels the rubric does not have (a typo would count as a miss forever)."""
    categories = rubric.criterion("forbidden").categories
    techniques = rubric.criterion("closing").techniques
    if row.forbidden is not None and row.forbidden not in categories:
        return f"forbidden: unknown category {row.forbidden!r}; the rubric has {', '.join(categories)}"
    unknown = [t for t in row.closing if t not in techniques]
    if unknown:
        return f"closing: unknown technique {unknown[0]!r}; the rubric has {', '.join(techniques)}"
    return None


def _duplicate(row: LabelledReply, number: int, seen: dict[str | int, int]) -> str | None:
    if row.id in seen:
        return f"id {row.id!r} is used again (first on line {seen[row.id]}): give every reply its own id"
    seen[row.id] = number
    return None
