"""FAB: does the reply connect a Feature to its Advantage and to the shopper's Benefit?

Seeds 000/003/004: a bare "这件衬衣是纯棉的" is the flat reply to avoid; "纯棉(F)，吸汗透气(A)，
夏天穿着清爽(B)" is the model. Detection works per clause: comparative words only count as A
after a feature, and benefit words only count as B when they address the shopper.
"""

from __future__ import annotations

from collections.abc import Iterable

from roleplay.content.models import FabCriterion, Lexicon, Product
from roleplay.rubric.base import CriterionScorer, evidence, per_object
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.learned import Fitting, clauses_without, fitted, lean_of, part_fittings, weightiest_clause
from roleplay.rubric.lexicon import matcher, optional_matcher
from roleplay.rubric.result import CriterionResult
from roleplay.text.analysed import Analysed, clause_spans
from roleplay.text.match import Hit, PhraseMatcher, TaggedPhrases, drop_overlaps, trie_pattern
from roleplay.text.ngram_model import NgramModel
from roleplay.text.normalize import normalize


class Fab(CriterionScorer[FabCriterion]):

    def __init__(self, config: FabCriterion, name: str) -> None:
        super().__init__(config, name)
        # A number with a unit is one more feature pattern (one scan for both).
        measure = Lexicon(patterns=[measure_pattern(config.units)] if config.units else [])
        self.feature = matcher(config.feature, measure)
        self._listed_features = frozenset(normalize(p) for p in config.feature.phrases)
        self.feature_weak = matcher(config.feature_weak)
        self.advantage = matcher(config.advantage)
        self.advantage_weak = matcher(config.advantage_weak)
        self.benefit = matcher(config.benefit)
        self.outcome = matcher(config.outcome)
        self.benefit_strong = matcher(config.benefit_strong)
        self.context = matcher(config.person, config.scene, config.address)
        self._address = frozenset(normalize(p) for p in config.address.phrases)
        # The shopper's own message names their scene, family or worry (我跑步用, 给我爸买, 怕漏):
        # no 您 needed.
        self.customer_context = PhraseMatcher(
            [p for p in (*config.person.phrases, *config.scene.phrases) if p not in ("您", "你")]
            + config.concern.phrases,
            [*config.person.patterns, *config.scene.patterns, *config.concern.patterns],
        )
        self.not_pitch = matcher(config.not_pitch)
        self.instructions = matcher(config.instructions)
        self.reassurance = matcher(config.reassurance)
        self.how_to_asks = optional_matcher(config.how_to_asks)
        self.asks = matcher(config.asks)
        self.offers = optional_matcher(config.offers)
        self._cards: dict[int, tuple[Product, tuple[TaggedPhrases, TaggedPhrases]]] = {}
        self._card_sets: dict[int, tuple[Product, tuple[frozenset[str], ...]]] = {}
        #: Per part, a model learned from labelled replies of whether a reply holds it (none: rules only).
        self.learned = {str(f.label): fitted(f) for f in self.fittings(config)}
        #: How a reply speaks of another product: no clause of it is shown as a part the model alone finds.
        self.rivals = optional_matcher(config.learned.rivals) if config.learned else None

    @staticmethod
    def fittings(config: FabCriterion) -> list[Fitting]:
        return part_fittings(config.learned) if config.learned else []

    def models(self) -> dict[str, NgramModel]:
        return self.learned

    def _card(self, product: Product | None) -> tuple[TaggedPhrases, TaggedPhrases] | None:
        """The product card's own words, compiled once per product.

        A feature's name and keywords count as F; the clauses of its advantage and benefit, as
        written on the card the trainee reads (一冲就干净, 省去洗锅的麻烦), count as A and B. The
        feature words are found apart from the clauses: a keyword inside a card clause (烫金 in
        硬壳烫金礼盒) is still a feature.
        """
        if product is None:
            return None
        features = product.features
        return per_object(
            self._cards,
            product,
            lambda: (
                TaggedPhrases({"F": [w for f in features for w in (f.name, *f.keywords)]}),
                TaggedPhrases({"A": _clauses(f.advantage for f in features), "B": _clauses(f.benefit for f in features)}),
            ),
        )

    def components(self, ctx: ReplyContext) -> dict[str, list[Hit]]:
        """The F, A and B hits of a reply: the rules' hits, and, where the rubric learns the parts
        from labelled replies, the learned model's verdict on whether each part is there.

        Measured on writers they never saw, the learned models tell whether a reply holds a
        feature, an advantage or a benefit more often than the rules do; the rules say where. Where
        they disagree the model wins only when it is sure (it leans past a margin): a part it finds
        and no rule places is shown on the clause that weighs most for it, and a part a rule places
        and it finds absent is dropped (a wider margin: the rules' structure is evidence too).
        """
        how_to = self._answers_how_to(ctx)
        parts = self._rule_components(ctx, how_to)
        if not self.learned or how_to:
            return parts  # (steps hold no part for a model to add either)
        learned = self.config.learned
        leans = ctx.leans(self.name)
        vouched: set[int] | None = None  # read only when a part is dropped (few replies)
        # F and B settle first: an advantage between a feature and a benefit that stand after their
        # models' check bridges a pitch and is kept (一天一包正好吃一个月 between 30包 and 闺蜜每天拆一包
        # 都会想起您; 一次一包不易受潮 before a benefit only the B model finds, 您送闺蜜体面又方便).
        for part in sorted(leans, key=lambda p: p == "A"):
            lean = leans[part]
            if part == "A" and _linked(parts):
                continue
            if parts[part] and lean < -learned.drop_margin[part] and self._doubted(part, leans, ctx.reply, parts):
                # the product card's own words are the shop's word for what the product is and does
                # and so are the sentences that say them (card hits are never dropped: read once)
                if vouched is None:
                    vouched = self._vouched(ctx, parts)
                parts[part] = [h for h in parts[part] if h.source == CARD or ctx.reply.sentence_of(h.start) in vouched]
            elif not parts[part] and lean > learned.add_margin[part]:
                parts[part] = self._learned_part(ctx.reply, part, learned.add_margin[part])
        return parts

    def _learned_part(self, reply: Analysed, part: str, margin: float) -> list[Hit]:
        """The clause a part the model alone finds is shown on; none when it rests on what the reply
        says of another product (那种便宜的是边角料压的，一泡就散: the rest alone does not lean past
        ``margin``), and never a clause about one."""
        model = self.learned[part]
        own = clauses_without(reply, self.rivals) if self.rivals else reply.clauses
        if len(own) == len(reply.clauses):
            return [weightiest_clause(reply, model)]
        return [weightiest_clause(reply, model, own)] if own and lean_of(model, reply, own) > margin else []

    def _vouched(self, ctx: ReplyContext, parts: dict[str, list[Hit]]) -> set[int]:
        """The sentences that say the product card's own advantage or benefit, quoted or in the
        trainee's own words: they pitch the product on the trainee's screen, so what the rules find
        in them stands against the learned models' doubt, which was learned from other shops' replies
        (盒子带提手还配了礼品袋，包装精致… says the card's 包装精致: 配了礼品袋 is the feature it pitches;
        不打开锅就能看到上色到哪一步了 retells 不开锅也能看到火候). The card's feature words do not
        vouch: they are named in service talk too (我帮您把心率区间设好，买不买都可以先参考)."""
        reply = ctx.reply
        vouched = {reply.sentence_of(h.start) for part in "AB" for h in parts[part] if h.source == CARD}
        share = self.config.learned.card_paraphrase if self.config.learned else None
        clauses = self._card_characters(ctx.product) if share else ()
        if clauses:
            said: dict[int, set[str]] = {}
            for (start, end), sentence in zip(reply.clauses, reply.sentences):
                said.setdefault(sentence, set()).update(reply.norm[start:end])
            # (at least CARD_CLAUSE_MIN of them: 送人 and the 子 of 盒子 do not retell 送人有面子)
            vouched |= {
                s for s, chars in said.items()
                if any(len(c & chars) >= max(share * len(c), CARD_CLAUSE_MIN) for c in clauses)
            }
        return vouched

    def _card_characters(self, product: Product | None) -> tuple[frozenset[str], ...]:
        """The distinct Chinese characters of each of the card's advantage and benefit clauses
        (a paraphrase keeps most of them, in another order and among other words)."""
        if product is None:
            return ()
        features = product.features
        return per_object(
            self._card_sets,
            product,
            lambda: tuple(
                chars
                for clause in _clauses([*(f.advantage for f in features), *(f.benefit for f in features)])
                for chars in (frozenset(c for c in clause if "\u4e00" <= c <= "\u9fff"),)
                if len(chars) >= CARD_CLAUSE_MIN
            ),
        )

    def _doubted(self, part: str, leans: dict[str, float], reply: Analysed, parts: dict[str, list[Hit]]) -> bool:
        """Whether a model's doubt of ``part`` may drop it. A feature stands in a reply the A and B
        models are sure of: an advantage and a benefit rest on it (用的是60支长绒棉… with shipping
        talk after it, which pulls the F model down); and so it does where the rules find an
        advantage and a benefit after it in its sentence that their models do not doubt: the chain
        of a pitch (它正面有个透明小窗，不打开锅就能看到…，第一次用的宝子…也不怕烤焦). For the
        parts dropped on the reply's words only, in a reply short enough for that, the words must
        lean against it beyond the model's prior."""
        learned = self.config.learned
        if part == "F" and all(p in leans and leans[p] > learned.add_margin[p] for p in "AB"):
            return False
        if part == "F" and all(leans.get(p, 0.0) >= -learned.drop_margin[p] for p in "AB") and _chained(reply, parts):
            return False
        lean = leans[part]
        if part not in learned.drop_on_words_only:
            return True
        if learned.words_only_below_chars is not None and len(reply.norm) >= learned.words_only_below_chars:
            return True
        return lean < self.learned[part].prior

    def _rule_components(self, ctx: ReplyContext, how_to: bool) -> dict[str, list[Hit]]:
        """The F, A and B hits the rules find.

        Each part is recognised on its own, clause by clause, by its structure; questions and
        service talk (price, shipping, returns, ordering) hold no part of a pitch.
        """
        reply = ctx.reply
        norm = reply.norm
        card = self._card(ctx.product)
        from_card = {
            part: [h._replace(source=CARD) for h in hits] for words in card or () for part, hits in words.find(norm).items()
        }
        raw_features = [_headed(reply, h) for h in self.feature.find(norm) if self._code_or_listed(h, reply.text)]
        raw_features += from_card.get("F", [])
        raw_advantages = self.advantage.find(norm) + from_card.get("A", [])
        strong = self.benefit_strong.find(norm)
        words = self.benefit.find(norm)
        markers = self.outcome.find(norm)
        if not (raw_features or raw_advantages or strong or words or markers or from_card.get("B")):
            return {"F": [], "A": [], "B": []}  # most greetings, answers and closes: nothing to place
        skipped = self._not_pitch(ctx, how_to)

        def kept(hits: list[Hit]) -> list[Hit]:
            return [h for h in reply.plausible(hits) if reply.clause_of(h.start) not in skipped]

        features = self._not_offered(reply, kept(raw_features))
        if features:  # generic words (采用, 技术) join a concrete feature in its clause
            named = {reply.clause_of(h.start) for h in features}
            features += [h for h in kept(self.feature_weak.find(norm)) if reply.clause_of(h.start) in named]
        # What a reply that insults the shopper claims the product does is a retort, not an advantage.
        insulted = _whole_sentences(reply, ctx.insulting_clauses)
        advantages = [h for h in kept(raw_advantages) if reply.clause_of(h.start) not in insulted]
        if features:
            first_feature = min(h.start for h in features)
            advantages += [h for h in kept(self.advantage_weak.find(norm)) if h.start >= first_feature]
        benefits = self._benefits(ctx, skipped, features, advantages, (strong, words, markers))
        benefits += kept(from_card.get("B", []))
        # Parts may overlap (不漏 is an advantage inside the benefit 宝宝睡一整夜都不漏): each counts; the
        # views mark every character once (roleplay.marks).
        return {"F": drop_overlaps(features), "A": drop_overlaps(advantages), "B": drop_overlaps(benefits)}

    def _not_offered(self, reply: Analysed, features: list[Hit]) -> list[Hit]:
        """The features less the measures of sentences that name options or an order (您要41的还是46的,
        白色2000W一台给您备注上了): the sizes on offer are a choice, not what the product is."""
        if not (features and self.offers) or not any(h.text[:1].isdigit() for h in features):
            return features
        offered = _whole_sentences(reply, {reply.clause_of(h.start) for h in self.offers.find(reply.norm)})
        return [h for h in features if not (h.text[:1].isdigit() and reply.clause_of(h.start) in offered)]

    def _code_or_listed(self, hit: Hit, text: str) -> bool:
        """Whether a feature hit is more than a chat word in Latin letters.

        A word of letters alone is a code or a standard as typed in capitals (LED, EPUB, CMOS); in
        lower case it is chat (bro, sorry, nice, whatever), unless the gazetteer lists it (wifi).
        """
        word = hit.text
        if not (word.isascii() and word.isalpha()) or word in self._listed_features:
            return True
        return not text[hit.start : hit.end].islower()

    def _not_pitch(self, ctx: ReplyContext, how_to: bool) -> frozenset[int]:
        """Clauses that are no part of a pitch: questions, service talk (48小时内发货) and whole
        sentences of instructions (第一步…然后…); every clause of an answer to how to use it
        (``how_to``: the shopper asked how)."""
        reply = ctx.reply
        if how_to:
            return frozenset(range(len(reply.clauses)))
        service = {reply.clause_of(h.start) for h in self.not_pitch.find(reply.norm)}
        steps = {reply.clause_of(h.start) for h in self.instructions.find(reply.norm)}
        skipped = ctx.question_clauses | service | _whole_sentences(reply, steps)
        return frozenset(skipped | self._reassuring(reply, service))

    def _reassuring(self, reply: Analysed, service: set[int]) -> set[int]:
        """Clauses that only reassure the shopper about the service talk just before them."""
        if not (service and self.reassurance):
            return set()
        whole = {(h.start, h.end) for h in self.reassurance.find(reply.norm)}  # (no pattern crosses a comma)
        return {i for i, span in enumerate(reply.clauses) if i - 1 in service and span in whole}

    def _answers_how_to(self, ctx: ReplyContext) -> bool:
        """Whether the shopper asked how to use it (怎么用啊): the reply is steps, not a pitch."""
        return bool(self.how_to_asks and ctx.customer_norm and self.how_to_asks.search(ctx.customer_norm))

    def _benefits(
        self,
        ctx: ReplyContext,
        skipped: frozenset[int],
        features: list[Hit],
        advantages: list[Hit],
        cues: tuple[list[Hit], list[Hit], list[Hit]],
    ) -> list[Hit]:
        """Strong benefit cues, and outcomes said of a person or a scene of the shopper's life.

        Feelings and outcomes (放心, 省心) count when the reply names the shopper, her family or her
        day earlier in the sentence ("您冬天早上等公交，也不觉得冷"), or, when the reply pitches a
        feature or an advantage, when the shopper's own message named them or a worry ("我跑步用" →
        "…跑全马都不用担心掉电", "嫌带线麻烦" → "…不用再翻包找线"). Outcome markers (就能, 不会) and advantages (不漏, 清爽) need the reply's own person
        or scene: what the product does becomes a benefit when it is said of someone ("宝宝穿着不红
        不漏"). A question (您喜欢哪种?) asks, it does not state a benefit.
        """
        reply = ctx.reply
        asked = ctx.question_clauses
        strong, words, markers = cues
        # What a reply that insults the shopper says of her is sarcasm (您这耳朵也分不出来), not a
        # benefit; its facts (35公里) still count as F and A.
        skipped = skipped | _whole_sentences(reply, ctx.insulting_clauses)
        found = [h for h in reply.plausible(strong) if reply.clause_of(h.start) not in asked]
        words = [h for h in reply.plausible(words) if reply.clause_of(h.start) not in skipped]
        markers = [h for h in reply.plausible(markers) if reply.clause_of(h.start) not in skipped]
        outcomes = words + markers + advantages
        if not outcomes:
            return found
        if words and (features or advantages) and self.customer_context.search(ctx.customer_norm):
            found += words
            outcomes = markers + advantages
        sentences = reply.sentences
        named: set[int] = set()
        for hit in self.context.find(reply.norm):
            clause = reply.clause_of(hit.start)
            if hit.text in self._address and hit.end >= reply.clauses[clause][1]:
                continue  # 质量妥妥的宝子: calling the shopper, not saying what she does
            if any(f.start <= hit.start and hit.end <= f.end for f in features):
                continue  # the 瑜伽 of 瑜伽砖 names the product, not a scene of her day
            # a one-character 您 needs jieba's word check, but not in a clause already named
            if clause not in named and clause not in skipped and reply.plausible([hit]):
                named.add(clause)
        for hit in outcomes:
            clause = reply.clause_of(hit.start)
            if any(n <= clause and sentences[n] == sentences[clause] for n in named):
                found.append(hit)
        return found

    def applies(self, ctx: ReplyContext, present: list[str]) -> bool:
        """Judged when a pitch was called for (scenario node or the shopper's question) or made.

        A lone feature word in a shipping answer is not a failed pitch.
        """
        if self.name in ctx.expects or len(present) >= 2:
            return True
        return bool(ctx.customer_text) and self.asks.search(ctx.customer_norm)

    def reply(self, ctx: ReplyContext) -> CriterionResult:
        parts = self.components(ctx)
        present = [c for c in "FAB" if parts[c]]
        if not self.applies(ctx, present):
            return CriterionResult(self.name, None, detail={"components": present, "linked": False})
        linked = _linked(parts)
        scores = self.config.scores
        if linked:
            score, advice = scores["linked"], "linked"
        elif len(present) == 3:
            score, advice = scores["all"], "unlinked"
        else:
            score = scores[("none", "one", "two")[len(present)]]
            advice = _missing_advice(present)
        found = [e for c in "FAB" for e in evidence(parts[c], ctx.reply.text, c)]
        found.sort(key=lambda e: (e.start, e.start - e.end))  # of overlapping cues, the widest is marked
        return CriterionResult(
            self.name,
            float(score),
            self.advice(advice),
            found,
            {"components": present, "linked": linked},
        )


    def events(self, result: CriterionResult, ctx: ReplyContext) -> list[str]:
        """A pitch of ``pitch_parts`` parts or more pleases the shopper; a node that wanted product
        facts and got none is a vague reply."""
        components = result.detail.get("components", [])
        if len(components) >= self.config.pitch_parts:
            return ["fab_pitch"]
        return ["vague_reply"] if self.name in ctx.expects and not components else []

    def signals(self, result: CriterionResult) -> set[str]:
        return {"fab_pitch"} if len(result.detail.get("components", [])) >= self.config.pitch_parts else set()


def _whole_sentences(reply: Analysed, clauses: Iterable[int]) -> frozenset[int]:
    """Every clause of the sentences that hold one of ``clauses``."""
    sentences = {reply.sentences[i] for i in clauses}
    return frozenset(i for i, sentence in enumerate(reply.sentences) if sentence in sentences) if sentences else frozenset()


#: The advice key for each incomplete set of parts: say what is missing, not what is there.
MISSING_ADVICE = {
    (): "none",
    ("F",): "feature_only",
    ("A",): "advantage_only",
    ("F", "A"): "missing_benefit",
    ("F", "B"): "missing_advantage",
    ("A", "B"): "missing_feature",
    ("B",): "missing_feature",
}


def _missing_advice(present: list[str]) -> str:
    return MISSING_ADVICE[tuple(present)]


def _linked(parts: dict[str, list[Hit]]) -> bool:
    """All three parts, and a benefit that follows a feature: the pitch leads from what the product
    is to what it means for the shopper (the advantage may come anywhere: 不用翻面 before or after).
    A benefit in the card's words may begin with the feature it follows from (主滤芯5年才换一次)."""
    if not all(parts.values()):
        return False
    first = min(parts["F"], key=lambda h: (h.start, -h.end))
    return any(h.start > first.start or (h.start == first.start and h.end > first.end) for h in parts["B"])


#: The source of a hit on the product card's own words (which a learned model never drops).
CARD = "product card"
#: A number, or a range of numbers (3-5, 24到26), before its unit.
NUMBER = r"(?<![a-z\d])(?<!\d\.)\d+(?:\.\d+)?(?:\s*[-~到至]\s*\d+(?:\.\d+)?)?\s*"


def measure_pattern(units: Iterable[str]) -> str:
    """A number with one of ``units`` (2000瓦, 5000mah, 0.06mm); a Latin unit ends at a non-letter."""
    return f"{NUMBER}(?:{trie_pattern(units)})(?![a-z])"


#: Card clauses shorter than this (能用, 省心) are left to the rubric's own word lists.
CARD_CLAUSE_MIN = 4


def _clauses(texts: Iterable[str]) -> list[str]:
    """The clauses of card texts long enough to be a phrase of their own."""
    return [
        norm[start:end]
        for text in texts
        for norm in (normalize(text),)
        for start, end in clause_spans(norm)
        if end - start >= CARD_CLAUSE_MIN
    ]


def _headed(reply: Analysed, hit: Hit) -> Hit:
    """A one-character material as the word it heads: 铜 in 锡磷青铜 is 青铜, a kind of copper (a
    Chinese compound ends in what it is a kind of); 铜 in 铜板 or 钛 in 钛白粉 stays as it is, for
    ``plausible`` to weigh."""
    if hit.end - hit.start != 1:
        return hit
    start, end = reply.word_at(hit.start)
    return hit._replace(start=start, text=reply.norm[start:end]) if end == hit.end and start < hit.start else hit


def _chained(reply: Analysed, parts: dict[str, list[Hit]]) -> bool:
    """Whether a feature is followed, in its sentence, by an advantage and a benefit."""
    for feature in parts["F"]:
        sentence = reply.sentence_of(feature.start)
        if all(any(h.start >= feature.end and reply.sentence_of(h.start) == sentence for h in parts[p]) for p in "AB"):
            return True
    return False
