"""服务禁语: contempt, impatience, denial, confrontation, curt replies and 广告法 absolute claims.

Phrases match after normalisation; long phrases also match close variants (rapidfuzz); ordinary
words on the allow-list (最近, 最后3台, 第一次) are never flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roleplay.content.models import AnsweredQuestion, ForbiddenCriterion, Lexicon
from roleplay.rubric.base import CriterionScorer
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.learned import (
    LEARNED,
    Fitting,
    claim_fitting,
    clauses_without,
    fitted,
    lean_of,
    tone_fitting,
    weightiest_clause,
)
from roleplay.rubric.lexicon import matcher, optional_matcher
from roleplay.rubric.result import CriterionResult, Evidence
from roleplay.text.analysed import Analysed
from roleplay.text.match import NON_WORD, FuzzyPhrases, Hit, PhraseMatcher, drop_overlaps, squeeze
from roleplay.text.ngram_model import NgramModel, grams, grams_around

#: Letters spaced out for emphasis (催 什 么 催) or an emoji inside a phrase (爱用😒不用); an
#: ordinary space between phrases (亲 这款…) breaks nothing the patterns' gaps do not allow.
INSERTED = re.compile(r"\w(?:\s\w){2,}|\w[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]+\w")
#: A reply's opening words asked back (防刮？ 一千以下跑40公里？ 哈？…), up to a question mark.
ECHO = re.compile(r"\s*([^,.!?~…]{1,10}?)\?+")
#: Interjections around echoed words that the shopper did not say.
ECHO_FILLERS = " 哈啊呀嗯呃额哦噢哇"
#: What such a break starts with (a test the regex engine runs fast: a class, not a lookbehind).
INSERTED_HINT = re.compile(r"\s\w\s|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
#: Characters on each side of such a break that a broken-up pattern can reach.
INSERTED_SPAN = 8
#: A phrase broken up by a space, punctuation or an emoji must be at least this long.
BROKEN_UP_MIN = 3
#: What a category's word list shares with a plain word list (the claim model reads its hits).
LEXICON_FIELDS = {"phrases", "patterns", "exceptions", "except_patterns"}
#: Whole-reply patterns (a lone 嗯) are only tried on replies this short.
WHOLE_REPLY_MAX = 12


@dataclass(frozen=True, slots=True)
class _Listed:
    """A category found by its words anywhere in the reply."""

    name: str
    matcher: PhraseMatcher
    #: Offers or apologies that take the category's hits back (没办法改价，不过可以送您…).
    unless: PhraseMatcher
    #: ...and those that do so only after the first hit (不过…, 但是…).
    unless_after: PhraseMatcher
    #: Hits that repeat the shopper's own words answer her (哪个最辣？ → 最辣的是…).
    spares_shopper_words: bool
    #: Questions of hers that a bare "can't" answers (能上飞机吗？ → 上不了哈; a joke she laughs at).
    answered: tuple[_Answered, ...]

    def softened(self, norm: str, hits: list[Hit]) -> bool:
        """Whether an offer or apology in the reply takes these hits back."""
        if self.unless and self.unless.search(norm):
            return True
        first = min(h.start for h in hits)
        return bool(self.unless_after) and any(h.start > first for h in self.unless_after.find(norm))


@dataclass(frozen=True, slots=True)
class _Answered:
    """A question of the shopper's that a bare "can't" answers (能上飞机吗？ → 上不了哈)."""

    asked: PhraseMatcher
    unless_asked: PhraseMatcher
    answers: PhraseMatcher

    @classmethod
    def of(cls, question: AnsweredQuestion) -> _Answered:
        return cls(matcher(question.asked), matcher(question.unless_asked), matcher(question.answers))

    def by(self, customer: str) -> bool:
        """Whether the shopper's message asks what the product can do (and asks the shop for nothing)."""
        return self.asked.search(customer) and not (bool(self.unless_asked) and self.unless_asked.search(customer))

    def answer(self, hit: Hit) -> bool:
        """Whether ``hit`` is, as a whole, one of the answers."""
        return any(h.start == 0 and h.end == len(hit.text) for h in self.answers.find(hit.text))


@dataclass(frozen=True, slots=True)
class _Whole:
    """A category whose patterns must match the whole reply (a lone 嗯)."""

    name: str
    patterns: tuple[re.Pattern[str], ...]


#: The learned model of the rude categories' tone, among the rubric's models.
TONE = "tone"


class Forbidden(CriterionScorer[ForbiddenCriterion]):

    def __init__(self, config: ForbiddenCriterion, name: str) -> None:
        super().__init__(config, name)
        self.allow = matcher(config.allow)
        self.labels = {name: c.label for name, c in config.categories.items()}
        categories = config.categories.items()
        self.listed = [
            _Listed(
                name,
                matcher(c),
                matcher(c.unless),
                matcher(c.unless_after),
                c.spares_shopper_words,
                tuple(_Answered.of(q) for q in c.answered),
            )
            for name, c in categories
            if not c.whole_reply
        ]
        self.whole = [_Whole(name, tuple(re.compile(p) for p in c.patterns)) for name, c in categories if c.whole_reply]
        #: The category of a reply that throws the shopper's words back as a question, if any.
        self.echo = next((name for name, c in categories if c.echoes_shopper), None)
        #: Each category's marks of tone, tried in order when nothing else names a fault.
        self.tones = [(name, tone) for name, c in categories if (tone := optional_matcher(c.tone))]
        # Most replies show no mark of tone: one scan of them all rules that out.
        tones = [c.tone for _, c in categories]
        self.any_tone = PhraseMatcher([p for t in tones for p in t.phrases], [p for t in tones for p in t.patterns])
        #: The rude categories' tone learned from labelled replies: the last word, if any; and the
        #: clauses of an absolute claim told from their look-alikes (None: no examples to learn from).
        models = [model if model.trained else None for model in map(fitted, self.fittings(config))]
        self.learned: NgramModel | None = models[0] if models else None
        self.claims: NgramModel | None = models[1] if len(models) > 1 else None
        #: What the model alone may not flag: a kind check-in reads like a rude reply's characters.
        self.spared = optional_matcher(config.learned.spared) if config.learned else None
        listed = [c for c in config.categories.values() if not c.whole_reply]
        # Most replies are clean: one scan over every category's words rules that out.
        self.any_phrase = PhraseMatcher(
            [p for c in listed for p in c.phrases], [p for c in listed for p in c.patterns]
        )
        self.any_listed_phrase = PhraseMatcher([p for c in listed for p in c.phrases])
        #: Each listed category's matcher, whose exceptions hold for its close variants too.
        self._matchers = {c.name: c.matcher for c in self.listed}
        self.fuzzy = FuzzyPhrases(
            ((p, name) for name, c in categories for p in c.phrases),
            config.fuzzy_threshold,
            config.fuzzy_min_chars,
        )

    @staticmethod
    def fittings(config: ForbiddenCriterion) -> list[Fitting]:
        """The tone's model first, then the claim clauses' model if the rubric asks for one."""
        learned = config.learned
        if learned is None:
            return []
        if learned.claims is None:
            return [tone_fitting(learned)]
        words = Lexicon.model_validate(config.categories[learned.claims.category].model_dump(include=LEXICON_FIELDS))
        return [tone_fitting(learned), claim_fitting(learned, words, config.allow)]

    def models(self) -> dict[str, NgramModel]:
        return {TONE: self.learned} if self.learned is not None else {}

    def hits(self, ctx: ReplyContext) -> list[tuple[str, Hit]]:
        """(category, hit) pairs in text order, allow-listed words removed.

        The categories' words and patterns come first. A word thrown back at the shopper names
        a fault only when nothing else does: 保暖？…天花板 is an absolute claim, 远程？…管不了 a
        refusal. So does a mark of tone (🙄, 😒): a reply that rolls its eyes at the shopper is
        rude even in words no list holds. Last, the tone learned from labelled replies may.
        Where it is sure, the learned tone also weighs in on the listed words: it takes back those of a
        plainly kind reply and names the fault a listed word stands for from the whole reply.
        """
        found = self._listed_hits(ctx)
        settings = self.config.learned
        if found and self.claims is not None:
            found = self._without_look_alikes(ctx.reply, found)
        if found:
            if settings is None:
                return found
            if self._clean(ctx, settings.clean_margin):
                # the hits of a plainly kind reply are look-alikes, or a rude clause tacked on: then
                # the model, sure the reply is clean, has no say in which fault it is
                return self._unless_clean(ctx, found)
            return self._which_fault(ctx, found, settings.words_relabel_margin, settings.words_relabel_min_chars)
        weak = self._echo(ctx.reply.norm, ctx.customer_norm) or self._tone(ctx)
        if weak and self._rude_enough(ctx):
            return self._which_fault(ctx, weak, settings and settings.relabel_margin)
        return self._learned(ctx)

    def _without_look_alikes(self, reply: Analysed, found: list[tuple[str, Hit]]) -> list[tuple[str, Hit]]:
        """The hits less the claim's words in a clause the claim model reads as a look-alike by more
        than its margin: the allow-list's rules hold the look-alikes its writers met (最多吹半个钟头
        is a limit like 最多可以放6个), the model those a new shop words in the same way."""
        settings = self.config.learned.claims  # type: ignore[union-attr]
        category, claims = settings.category, self.claims

        def look_alike(hit: Hit) -> bool:
            return claims.log_odds(grams_around(reply.clause_around(hit), hit.text)) < -settings.margin

        return [(c, h) for c, h in found if c != category or not look_alike(h)]

    def _clean(self, ctx: ReplyContext, margin: float | None) -> bool:
        """Whether the learned model finds the whole reply clean by more than ``margin`` (None: never)."""
        return margin is not None and self.learned is not None and ctx.leans(self.name)[TONE] < -margin

    def _unless_clean(self, ctx: ReplyContext, hits: list[tuple[str, Hit]]) -> list[tuple[str, Hit]]:
        """The hits of a reply the model finds clean, less those of the learned categories whose own
        clause does not lean rude: a listed word in a warm reply is a look-alike (往下拉 in
        阿姨往下拉一点点就看到咯 shows the way, 会谢 in 这距离我真的会谢😭 is a sigh), but a warm pitch does
        not excuse a rude clause tacked on (…做好鸡翅～爱买不买。 is still contempt, as listed)."""
        learned, reply = self.learned, ctx.reply
        return [(category, hit) for category, hit in hits if category not in learned.labels or not self._kind(reply, hit)]

    def _kind(self, reply: Analysed, hit: Hit) -> bool:
        """Whether the clause that holds ``hit`` leans clean (log-odds below 0, where the model is undecided)."""
        return self.learned.log_odds(grams(reply.clause_around(hit))) < 0

    def _rude_enough(self, ctx: ReplyContext) -> bool:
        """Whether the learned tone bears out an echo or a mark of tone (with no model or no floor, it does)."""
        learned, settings = self.learned, self.config.learned
        if learned is None or settings is None or settings.cue_floor is None:
            return True
        return ctx.leans(self.name)[TONE] >= settings.cue_floor

    def _which_fault(
        self, ctx: ReplyContext, hits: list[tuple[str, Hit]], margin: float | None, min_chars: int = 0
    ) -> list[tuple[str, Hit]]:
        """The rude category the learned model names from the whole reply, when it is likelier than
        the one the hits stand for by more than ``margin`` (None: the hits' category stands).

        A thrown-back word or a mark of tone says a reply is rude, not which fault it is (慢？ opens a
        retort as often as impatience, 😮‍💨 follows contempt as often as irritation); a listed word
        says more, so it is overruled only by a wide margin (你当我八只手啊 is listed as contempt,
        but after 一口气甩四个问题过来 the reply is irritation at being asked). The categories the
        model does not learn (an absolute claim, a curt reply) are never renamed; nor is a reply
        shorter than ``min_chars``, whose few words say too little (你自己去看吧 stays impatience)."""
        learned = self.learned
        if margin is None or learned is None or len(ctx.reply.norm) < min_chars:
            return hits
        named = {category for category, _ in hits} & set(learned.labels)
        first = next((c for c in self.config.categories if c in named), None)
        if first is None:
            return hits
        category = learned.likeliest(ctx.reply.grams, default=first, margin=margin)
        return hits if category == first else [(category if c in named else c, hit) for c, hit in hits]

    def _learned(self, ctx: ReplyContext) -> list[tuple[str, Hit]]:
        """The learned model's verdict, shown on the clause that weighs most towards it."""
        if self.learned is None:
            return []
        threshold, lean = self.config.learned.threshold, ctx.leans(self.name)[TONE]
        if lean <= threshold:  # most replies: their grams are not needed to name a fault
            return []
        verdict = self.learned.judge(ctx.reply.grams, threshold, lean)
        if verdict is None:
            return []
        if self.spared and not self._rude_without(ctx.reply, self.spared, threshold):
            return []  # a check-in on a shopper gone quiet (想好了没呀) is kind, whatever its characters
        answers = self._answers_to(ctx.customer_norm)
        if answers is not None and not self._rude_without(ctx.reply, answers, threshold):
            return []  # 用不了哈 to 零下二十度能用吗 answers her; the tone of a bare "can't" does not make it rude
        return [(verdict.label, weightiest_clause(ctx.reply, self.learned))]

    def _rude_without(self, reply: Analysed, left_out: PhraseMatcher, threshold: float) -> bool:
        """Whether the reply leans rude past ``threshold`` with the clauses that hold ``left_out``'s
        words left out (check-ins: 想好了没呀, 咋没动静了呢): they are not held against it, but a rude
        clause beside one still is."""
        rest = clauses_without(reply, left_out)
        return len(rest) == len(reply.clauses) or lean_of(self.learned, reply, rest) > threshold

    def _answers_to(self, customer: str) -> PhraseMatcher | None:
        """The bare "can't" that answers the shopper's message, when she asked what the product can do."""
        if not customer:
            return None
        return next((q.answers for c in self.listed for q in c.answered if q.by(customer)), None)

    def _tone(self, ctx: ReplyContext) -> list[tuple[str, Hit]]:
        """The first category whose marks of tone the reply holds (allow-listed words aside)."""
        norm = ctx.reply.norm
        if not self.any_tone.search(norm):
            return []
        for name, tone in self.tones:
            hits = ctx.reply.plausible(tone.find(norm))
            if hits:
                return [(name, h) for h in hits]
        return []

    def _listed_hits(self, ctx: ReplyContext) -> list[tuple[str, Hit]]:
        """The categories' words, patterns and whole-reply forms found in the reply."""
        norm = ctx.reply.norm
        found = self._whole_reply(norm)
        # Each category scans the reply on its own: a category's patterns start with fewer
        # characters than all of them together, so the regex engine skips more of the text.
        by_category = {c.name: hits for c in self.listed if (hits := self._find(c, norm, ctx.customer_norm))}
        seen = {h.text for hits in by_category.values() for h in hits}
        allowed = None  # the allow-list is read only for a reply with hits (most have none)
        if by_category:
            allowed = self.allow.find(norm)
            if all(_within(h, allowed) for hits in by_category.values() for h in hits):
                by_category = {}
        self._add_broken_up(norm, seen, by_category)
        exact = {h.source for hits in by_category.values() for h in hits}
        for name, hit in self.fuzzy.find(norm, skip=exact):
            if name not in self._matchers or self._matchers[name].unexcepted(norm, [hit]):
                by_category.setdefault(name, []).append(hit)
        if not by_category:
            return found
        if allowed is None:
            allowed = self.allow.find(norm)
        softened = {c.name for c in self.listed if c.name in by_category and c.softened(norm, by_category[c.name])}
        for name, hits in by_category.items():
            kept = [] if name in softened else [h for h in hits if not _within(h, allowed)]
            found.extend((name, h) for h in drop_overlaps(ctx.reply.plausible(kept)))
        found.sort(key=lambda pair: pair[1].start)
        return found

    @staticmethod
    def _find(category: _Listed, norm: str, customer: str) -> list[Hit]:
        """A category's hits, less those in the shopper's own words where the category spares them,
        and the bare "can't" that answers her question about what the product can do."""
        hits = category.matcher.find(norm)
        if hits and customer and category.spares_shopper_words:
            hits = [h for h in hits if not _echoes(norm, h, customer)]
        for question in category.answered if customer else ():
            if hits and question.by(customer):
                hits = [h for h in hits if not question.answer(h)]
        return hits

    def _whole_reply(self, norm: str) -> list[tuple[str, Hit]]:
        """A reply that is nothing but a lone 嗯 (punctuation aside)."""
        if len(norm) > WHOLE_REPLY_MAX or not norm.strip():
            return []
        bare, stripped = NON_WORD.sub("", norm), norm.strip()
        return [
            (category.name, Hit(0, len(norm), norm, "whole reply"))
            for category in self.whole
            if any(p.fullmatch(bare) or p.fullmatch(stripped) for p in category.patterns)
        ]

    def _echo(self, norm: str, customer: str) -> list[tuple[str, Hit]]:
        """The shopper's words thrown back as a question at the start of the reply (防刮？ 一千？)."""
        if not self.echo or not customer:
            return []
        m = ECHO.match(norm)
        if m is None:
            return []
        words = m.group(1).strip(ECHO_FILLERS)
        if not words or words not in customer or m.end() >= len(norm.rstrip()):
            return []
        return [(self.echo, Hit(m.start(1), m.end(), norm[m.start(1) : m.end()], "echo"))]

    def _add_broken_up(self, norm: str, seen: set[str], by_category: dict[str, list[Hit]]) -> None:
        """Phrases a space or punctuation breaks up (爱买 不买), mapped back onto ``norm``."""
        bare = NON_WORD.sub("", norm)
        if bare == norm:
            return
        # Punctuation breaks only phrases (爱买，不买): the patterns' gaps already allow a space or
        # an emoji, so they are tried only around one (催 什 么 催), on a few characters each side.
        if not ({h.text for h in self.any_listed_phrase.find(bare)} - seen) and not (
            INSERTED_HINT.search(norm)  # most replies: no spaced-out letters, no emoji at all
            and any(
                self.any_phrase.search(NON_WORD.sub("", norm[max(0, m.start() - INSERTED_SPAN) : m.end() + INSERTED_SPAN]))
                for m in INSERTED.finditer(norm)
            )
        ):
            return
        squeezed, offsets = squeeze(norm)
        for category in self.listed:
            for hit in category.matcher.find(squeezed):
                if hit.end - hit.start < BROKEN_UP_MIN:
                    continue  # 天，真喜欢 is no 天真: two characters across a break are chance
                start, end = offsets[hit.start], offsets[hit.end - 1] + 1
                if end - start > hit.end - hit.start:  # it spans a break: not found in norm
                    by_category.setdefault(category.name, []).append(Hit(start, end, norm[start:end], hit.source))

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        found = self.hits(ctx)
        if not found:  # most replies
            return CriterionResult(self.name, 100.0, self.advice("clean"), [], {"hits": [], "fatal": [], "offends": False})
        text = ctx.reply.text
        hits = [
            {"category": cat, "phrase": text[h.start : h.end], "span": [h.start, h.end], "matched": h.source}
            for cat, h in found
        ]
        categories = self.config.categories
        fatal = sorted({cat for cat, _ in found if categories[cat].fatal})
        offends = any(categories[cat].offends_shopper for cat, _ in found)
        score = max(0.0, 100.0 - self.config.penalty_per_hit * len(found))
        ev = [Evidence(h.start, h.end, text[h.start : h.end], self._label(cat, h)) for cat, h in found]
        return CriterionResult(self.name, score, self.advice(found[0][0]), ev, {"hits": hits, "fatal": fatal, "offends": offends})

    def _label(self, category: str, hit: Hit) -> str:
        """The category's label; a learned verdict says so (蔑视语（语气判断）): no listed word was
        found, and the trainee should know the tone of the clause was judged, not a phrase."""
        learned = self.config.learned
        if hit.source == LEARNED and learned is not None:
            return f"{self.labels[category]}（{learned.label}）"
        return self.labels[category]

    def events(self, result: CriterionResult, ctx: ReplyContext) -> list[str]:
        return ["forbidden"] if result.detail.get("offends") else []

    def signals(self, result: CriterionResult) -> set[str]:
        """``forbidden`` for any fault (an absolute claim too), ``rude`` only for one the shopper
        hears as rude: a scenario that loses her on rudeness waits for ``rude``, not for 绝对正品."""
        if not result.detail.get("hits"):
            return set()
        return {"forbidden", "rude"} if result.detail.get("offends") else {"forbidden"}

    def insulting_clauses(self, ctx: ReplyContext, result: CriterionResult) -> frozenset[int]:
        """The clauses of the reply that hold a phrase the shopper takes offence at."""
        if not result.detail.get("offends"):  # no hit, or none she takes offence at
            return frozenset()
        categories = self.config.categories
        return frozenset(
            ctx.reply.clause_of(hit["span"][0])
            for hit in result.detail.get("hits", [])
            if categories[hit["category"]].offends_shopper
        )

    def session(self, results: list[CriterionResult]) -> CriterionResult:
        """Compliance counts hits over the whole session, not a mean per reply."""
        hits = [hit for r in results for hit in r.detail.get("hits", [])]
        fatal = sorted({cat for r in results for cat in r.detail.get("fatal", [])})
        score = max(0.0, 100.0 - self.config.penalty_per_hit * len(hits)) if results else None
        advice = self.advice(hits[0]["category"] if hits else "clean")
        return CriterionResult(self.name, score, advice, detail={"count": len(hits), "fatal": fatal})


#: What may follow a shopper's word in a reply that only repeats it (最辣的是…, 最便宜吗).
_PARTICLES = frozenset("的地得了吗呢吧啊呀哦哈嘛么")


def _echoes(norm: str, hit: Hit, customer: str) -> bool:
    """Whether ``hit`` repeats the shopper's own words: the hit with the word it runs into, so
    全网最 in 全网最低 is no echo of her 全网最便宜, but 最辣 in 最辣的是特辣款 is one of 哪个最辣."""
    following = norm[hit.end : hit.end + 1]
    said = hit.text + following if following.isalnum() and following not in _PARTICLES else hit.text
    return said in customer


def _within(hit: Hit, allowed: list[Hit]) -> bool:
    return any(hit.inside(a) for a in allowed)

