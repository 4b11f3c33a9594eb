"""Models learned once from a rubric's labelled example replies: the rude categories' tone,
whether a reply holds each FAB part, and whether it uses each closing technique.

Fitting a model reads every labelled reply (the default rubric's fifteen thousand: a few seconds
of one core per model, a dozen models), so a first start fits the missing ones on every core at
once (:func:`fit_ahead`); the ten part and technique models, which differ in labels only, share one
cutting of the replies into grams per process. A fitted model is kept twice: in the process, keyed
by the files' paths and modification times, so every scorer shares it; and in roleplay's cache
folder, keyed by the files' contents and the settings, so the next command starts at once (with
the table that packs the models for grading, :func:`stacked`). An edited example file, or a cache
that cannot be read or written, only costs a new fitting.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import roleplay.text.ngram_model as ngram_model
import roleplay.text.normalize as normalization
from roleplay.content.jsonl import LineError, read_jsonl
from roleplay.content.labels import LabelledReply
from roleplay.content.models import Learned, LearnedClosing, LearnedParts, LearnedTone, Lexicon
from roleplay.parallel import available_cores, spawned_map
from roleplay.rubric.lexicon import matcher
from roleplay.text.analysed import Analysed
from roleplay.text.match import Hit, PhraseMatcher
from roleplay.text.ngram_model import END, MARKS, START, Encoded, ModelStack, NgramModel, Training, grams, grams_around
from roleplay.text.normalize import normalize
from roleplay.text.segment import cache_dir, code_key

#: The class the learned categories are told apart from.
CLEAN = "clean"
#: The source of a hit a learned model found (no phrase or pattern of the rubric).
LEARNED = "learned"
#: The class of replies without a FAB part, for the part models.
ABSENT = "absent"
#: Bump when fitting changes, so that models stored by an older roleplay are fitted again.
STORE_VERSION = 4


def _fitting_code() -> bytes:
    """The code a fitted model depends on: how replies are normalised and cut into grams, and how
    a model is fitted. A stored model is keyed by it too, so a roleplay that reads replies
    differently (a dialect word folded) fits its models again instead of reading stale ones."""
    return code_key(normalization, ngram_model)


def weightiest_clause(reply: Analysed, model: NgramModel, clauses: list[tuple[int, int]] | None = None) -> Hit:
    """The clause (of ``clauses``, or of the whole reply) that weighs most towards ``model``'s
    verdict: its evidence, in the trainee's own characters (the whole reply if it has no clause,
    e.g. nothing but punctuation)."""
    norm = reply.norm
    spans = clauses or reply.clauses or [(0, len(norm))]
    start, end = max(spans, key=lambda s: (model.weight(norm[s[0] : s[1]]), -s[0]))
    return Hit(start, end, norm[start:end], LEARNED)


def clauses_without(reply: Analysed, left_out: PhraseMatcher) -> list[tuple[int, int]]:
    """The reply's clauses that hold none of ``left_out``'s words."""
    return [(s, e) for s, e in reply.clauses if not left_out.search(reply.norm[s:e])]


def lean_of(model: NgramModel, reply: Analysed, clauses: list[tuple[int, int]]) -> float:
    """``model``'s log-odds for ``clauses`` of the reply read as a reply of their own: what a
    verdict rests on once the clauses left out are not held for or against it."""
    return model.log_odds(grams("，".join(reply.norm[s:e] for s, e in clauses)))


def tone_fitting(config: LearnedTone) -> Fitting:
    paths, stamps, training = _source(config)
    return Fitting("tone", tuple(sorted(config.categories)), paths, stamps, config.min_count, training,
                   config.tone_characters, config.particles, absence_weight=config.absence_weight)


def claim_fitting(config: LearnedTone, words: Lexicon, allow: Lexicon) -> Fitting:
    """The model of the clauses that hold ``words`` (an absolute claim's), against their look-alikes:
    ``allow`` spares a look-alike in a reply labelled with the claim too (第一次用 beside 全网最低)."""
    assert config.claims is not None
    paths, stamps, training = _source(config)
    lexicons = (words.model_dump_json(), allow.model_dump_json())
    return Fitting("claim", config.claims.category, paths, stamps, config.min_count, training, lexicons=lexicons)


def part_fittings(config: LearnedParts) -> list[Fitting]:
    paths, stamps, training = _source(config)
    return [Fitting("part", part, paths, stamps, config.min_count, replace(training, evidence=_evidence(config, part)))
            for part in config.parts]


def technique_fittings(config: LearnedClosing, techniques: list[str]) -> list[Fitting]:
    paths, stamps, training = _source(config)
    return [Fitting("technique", tid, paths, stamps, config.min_count, replace(training, evidence=_evidence(config, tid)))
            for tid in techniques]


def _evidence(config: Learned, label: str | None = None) -> float:
    """The share of steps by evidence of the model of ``label`` (a FAB part, a technique; None: the
    criterion's one model): the rubric's number, or its number for that label (0 for one it does not name)."""
    evidence = config.step_by_evidence
    return evidence.get(label, 0.0) if isinstance(evidence, dict) else evidence


def _source(config: Learned) -> tuple[tuple[str, ...], tuple[int, ...], Training]:
    """A learned criterion's example files, their modification times (the in-process cache key)
    and its fitting settings."""
    paths = tuple(str(Path(p)) for p in config.examples)
    stamps = tuple(os.stat(p).st_mtime_ns for p in paths)
    return paths, stamps, Training(config.epochs, config.learning_rate, config.regularisation, evidence=_evidence(config))


@dataclass(frozen=True)
class Fitting:
    """One model to learn: which labelled replies it learns from, what it tells apart, and how
    it is fitted. Hashable (the in-process key of a fitted model) and picklable (fitted on
    another core, see :func:`fit_ahead`)."""

    #: "tone" (the rude categories), "claim" (an absolute claim's clauses), "part" (one FAB part) or
    #: "technique" (one closing technique).
    kind: str
    #: The FAB part or technique; for the tone, the rude categories it learns.
    label: str | tuple[str, ...]
    paths: tuple[str, ...]
    #: The files' modification times: an edited file is a new fitting.
    stamps: tuple[int, ...]
    min_count: int
    training: Training
    #: The tone's characters and sentence particles (tone only).
    tone_characters: str = ""
    particles: str = ""
    #: The claim's words and the allow-list, as JSON (claim only: the model reads the clauses they find).
    lexicons: tuple[str, ...] = ()
    #: How much a category's grams a reply lacks count against it (tone only; see NgramModel).
    absence_weight: float = 0.0

    def settings(self) -> tuple:
        """What, beside the files' contents and the fitting code, keys the stored model."""
        if self.kind == "tone":
            return ("tone", self.label, self.min_count, self.tone_characters, self.particles, self.absence_weight,
                    self.training)
        if self.kind == "claim":
            return ("claim", self.label, self.min_count, self.lexicons, self.training)
        return (self.kind, self.label, self.min_count, self.training)

    def fit(self) -> NgramModel:
        """The model, fitted now (a few seconds of one core on the default rubric's examples)."""
        rows = _labelled(self.paths, self.stamps)
        if self.kind == "tone":
            tone, alone = frozenset(normalize(self.tone_characters)), frozenset(normalize(self.particles))
            examples = [(normalize(row.text), row.forbidden or CLEAN) for row in rows
                        if row.forbidden is None or row.forbidden in self.label]
            keep = lambda gram: _carries_tone(gram, tone, alone)  # noqa: E731
            return NgramModel(examples, CLEAN, self.min_count, keep=keep, training=self.training,
                              absence_weight=self.absence_weight)
        if self.kind == "claim":
            return NgramModel(self._claim_clauses(rows), CLEAN, self.min_count, training=self.training,
                              features=lambda pair: grams_around(*pair))
        labels = (lambda row: row.fab) if self.kind == "part" else (lambda row: row.closing)
        encoded = _encoded(self.paths, self.stamps, self.min_count)
        return NgramModel.fitted_to(encoded, [self.label if self.label in labels(row) else ABSENT for row in rows], ABSENT,
                                    self.training)


    def _claim_clauses(self, rows: list[LabelledReply]) -> list[tuple[tuple[str, str], str]]:
        """Each clause of ``rows`` that holds one of the claim's words, with the words: the claim where
        the reply is labelled with it and the allow-list spares none of the words, a look-alike (clean)
        otherwise. The model weighs the clause's other grams (:func:`grams_around`): the context, not
        the word, tells 最多放半勺 from 最便宜的了."""
        words, allow = (matcher(Lexicon.model_validate_json(text)) for text in self.lexicons)
        examples = []
        for row in rows:
            reply = Analysed.of(row.text)
            allowed = allow.find(reply.norm)
            for hit in reply.plausible(words.find(reply.norm)):
                spared = any(hit.inside(a) for a in allowed)
                claim = row.forbidden == self.label and not spared
                examples.append(((reply.clause_around(hit), hit.text), self.label if claim else CLEAN))
        return examples


def _carries_tone(gram: str, tone: frozenset[str], particles: frozenset[str] = frozenset()) -> bool:
    """Whether a gram says how a reply is said: it holds a tone character or a symbol, and is no
    sentence particle on its own.

    Content characters say what a reply is about (详情页, 尺码表), and polite replies talk about
    the same things rude ones do: weighing them would flag 详情页第三张图有尺码表 as impatient. A
    particle's tone is in what it follows (放心吧 is kind, 看着办吧 is not): alone it says nothing.
    """
    if gram in particles or gram[:1] == START or gram[-1:] == END:
        # how a reply begins or ends is no tone: most begin with 亲, the kind and the sarcastic
        return False
    return any(char in tone or not "\u4e00" <= char <= "\u9fff" for char in gram if char not in MARKS)


#: The models this process holds, by fitting: at most ``_KEPT`` (an edited example file makes new
#: fittings, and the oldest models go).
_fitted: dict[Fitting, NgramModel] = {}
_KEPT = 32


def fitted(fitting: Fitting) -> NgramModel:
    """The model of ``fitting``: this process's, else the store's, else fitted now (and stored)."""
    model = _fitted.get(fitting)
    if model is None:
        model = _stored(fitting)
        if len(_fitted) >= _KEPT:
            del _fitted[next(iter(_fitted))]
        _fitted[fitting] = model
    return model


def fit_ahead(fittings: list[Fitting]) -> None:
    """Fit the models of ``fittings`` that neither this process nor the store holds, on every core
    at once, ready for :func:`fitted`: a first start on a fresh machine fits a dozen models, each
    a few seconds of one core. The work goes to fresh processes (spawned, not forked, since a
    window's threads may be running); where that cannot be done, :func:`fitted` fits each in turn."""
    missing = [f for f in dict.fromkeys(fittings) if f not in _fitted and not _store_path(f).is_file()]
    jobs = min(len(missing), available_cores())
    if jobs < 2:
        return
    try:
        for fitting, model in zip(missing, spawned_map(_fit_stored, missing, jobs)):
            _fitted[fitting] = NgramModel.from_bytes(model)
            _fitted[fitting].fitted_from = _store_path(fitting).stem
    except (OSError, RuntimeError, ValueError):
        pass  # no process could be started: fitted() fits them here


def _fit_stored(fitting: Fitting) -> bytes:
    """(In a worker process.) The model of ``fitting``, fitted and stored, as bytes to send back."""
    return _stored(fitting).to_bytes()


def _store_path(fitting: Fitting) -> Path:
    """Where roleplay's cache folder keeps ``fitting``'s model: keyed by its settings, the
    example files' contents and the fitting code, not by paths or times."""
    digest = hashlib.sha256(repr((STORE_VERSION, fitting.settings())).encode() + _fitting_code())
    for path, stamp in zip(fitting.paths, fitting.stamps):
        digest.update(_contents_digest(path, stamp))
    return cache_dir() / "models" / f"{digest.hexdigest()}.model"


def file_digest(path: str) -> bytes:
    """An example file's SHA-256: what keys its stored models, and what the rubric's fingerprint
    holds instead of its path. OSError if it cannot be read."""
    return _contents_digest(path, os.stat(path).st_mtime_ns)


@lru_cache(maxsize=8)
def _contents_digest(path: str, stamp: int) -> bytes:
    """An example file's SHA-256, read once per version of the file (``stamp``), not once per
    model or fingerprint: a start looks up a dozen models in the store, all keyed by the same files."""
    del stamp
    return hashlib.sha256(Path(path).read_bytes()).digest()


def _stored(fitting: Fitting) -> NgramModel:
    """The model of ``fitting`` from roleplay's cache folder if it holds one, else fitted now and
    stored there."""
    stored = _store_path(fitting)
    try:
        model = NgramModel.from_bytes(stored.read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        model = fitting.fit()  # none stored yet, or unreadable: fit it
        _store(stored, model.to_bytes())
    model.fitted_from = stored.stem
    return model


def _store(path: Path, data: bytes) -> None:
    """Keep ``data`` in roleplay's cache folder: whole or not at all, whoever writes at the same
    moment; a cache that cannot be written only costs the next start the work again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        pass


def stacked(groups: dict[str, dict[str, NgramModel]]) -> ModelStack:
    """The stack of ``groups``' models (ModelStack), built once per process for the same models,
    and kept in roleplay's cache folder beside them, keyed by what they were fitted from: packing
    a dozen models' weights is about a second, a third of a start's work; reading it back is a
    tenth of that."""
    return _stack(tuple((group, label, model) for group, models in groups.items() for label, model in models.items()))


@lru_cache(maxsize=8)
def _stack(fields: tuple[tuple[str, str, NgramModel], ...]) -> ModelStack:
    groups: dict[str, dict[str, NgramModel]] = {}
    for group, label, model in fields:
        groups.setdefault(group, {})[label] = model
    origins = [(group, label, model.fitted_from) for group, label, model in fields]
    if not fields or any(origin is None for _, _, origin in origins):
        return ModelStack(groups)  # models fitted to examples of their own (a test's): nothing to key it by
    key = hashlib.sha256(repr((STORE_VERSION, origins)).encode() + _fitting_code()).hexdigest()
    stored = cache_dir() / "models" / f"{key}.stack"
    try:
        return ModelStack.from_bytes(stored.read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none stored yet, or unreadable: pack it
    stack = ModelStack(groups)
    try:
        _store(stored, stack.to_bytes())
    except OverflowError:
        pass  # a gram longer than the stored keys hold (no rubric's model has one): packed each time
    return stack


@lru_cache(maxsize=1)
def _encoded(paths: tuple[str, ...], stamps: tuple[int, ...], min_count: int) -> Encoded:
    """The example replies cut into grams once for every part and technique model fitted to them
    in this process (a worker of :func:`fit_ahead` fits several): they differ in labels only."""
    return Encoded.of([normalize(row.text) for row in _labelled(paths, stamps)], min_count)


@lru_cache(maxsize=2)
def _labelled(paths: tuple[str, ...], stamps: tuple[int, ...]) -> list[LabelledReply]:
    """Every readable labelled reply of the files, read once for all the models fitted to them
    (``stamps`` keys the cache: an edited file is read again; bad lines are `roleplay validate`'s
    to report)."""
    del stamps
    rows = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        rows += [row for _, row in read_jsonl(text, LabelledReply, "a labelled reply") if not isinstance(row, LineError)]
    return rows
