"""Pydantic models for every file a trainer writes: personas, scenarios and rubrics.

These models are the single source of truth for the file formats: the loader validates against
them, and documentation or JSON Schema are derived from them. Unknown keys are rejected so a
typo in a YAML file is reported instead of silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from roleplay.text.backtracking import Backtracking, check_pattern
from roleplay.text.gates import compiled
from roleplay.text.safe import control_in

Identifier = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]*$", description="Lower-case id: letters, digits and underscores."),
]
Percent = Annotated[int, Field(ge=0, le=100)]
Delta = Annotated[int, Field(ge=-100, le=100)]


class Strict(BaseModel):
    """Base for all content models: unknown keys are errors, values are immutable and numbers
    finite (YAML's .inf and .nan are no price, trait or threshold)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """``price: true`` is no price of 1元, nor ``other_prices: [true]`` one of 1元 or ``scores: {met:
        true}`` a score of 1: YAML's true and false are only ever yes/no settings."""
        if info.field_name:
            found = _stray_bool((cls.model_fields[info.field_name].annotation,), value)
            if found is not None:
                where, bad = found
                raise ValueError(
                    f"expects no yes/no value {f'at {where}' if where else 'here'}, got {str(bad).lower()}: "
                    "write the value itself"
                )
        return value

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        """Text holds no control characters but line breaks and tabs: YAML's "\\e[2J" is an escape
        code that would clear a trainee's screen, not a line a customer says."""
        bad = _first_control(value)
        if bad is not None:
            raise ValueError(f"holds the control character {bad!r}, which is no text a terminal can show; remove it")
        return value


def _stray_bool(annotations: tuple[Any, ...], value: Any, where: str = "") -> tuple[str, bool] | None:
    """Where in ``value`` a yes/no value stands that none of ``annotations`` takes ("" for the value
    itself, "[2]" for a list's item, "[F]" for a mapping's), and that value; None if nowhere. The
    items of a mapping that is a model's are that model's to check."""
    if isinstance(value, bool):
        return None if any(_admits_bool(a) for a in annotations) else (where, value)
    if not isinstance(value, list | tuple | dict):
        return None
    inner = tuple(item for a in annotations for item in _item_types(a))
    if not inner:
        return None
    pairs = value.items() if isinstance(value, dict) else enumerate(value)
    return next((found for key, item in pairs if (found := _stray_bool(inner, item, f"{where}[{key}]"))), None)


def _item_types(annotation: Any) -> tuple[Any, ...]:
    """The types of the items of a list or the values of a mapping ``annotation`` stands for
    (none for a model or any other type)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _item_types(get_args(annotation)[0])
    if origin is Union or isinstance(annotation, type(int | str)):
        return tuple(item for member in get_args(annotation) for item in _item_types(member))
    if origin in (list, tuple, set, frozenset):
        return tuple(a for a in get_args(annotation) if a is not Ellipsis)
    if origin is dict:
        return get_args(annotation)[1:]
    return ()


def _admits_bool(annotation: Any) -> bool:
    """Whether a field's type takes a yes/no value anywhere in it (bool, bool | None, Any…)."""
    if annotation is bool or annotation is Any:
        return True
    return any(_admits_bool(arg) for arg in get_args(annotation))


def _first_control(value: Any) -> str | None:
    """The first control character (but line breaks and tabs) in a string, or in the strings of a
    list or mapping of them; None if there is none."""
    if isinstance(value, str):
        return control_in(value)
    if isinstance(value, list | tuple):
        return next((c for item in value if (c := _first_control(item)) is not None), None)
    if isinstance(value, dict):
        return next((c for item in (*value, *value.values()) if (c := _first_control(item)) is not None), None)
    return None


def _one_line(text: str) -> str:
    """A name, title or label is shown on one line (a table row, a header, a card): a line break in
    it would break the line or forge another. Blanks around it, as a YAML block leaves, are dropped."""
    text = text.strip()
    if "\n" in text or "\r" in text:
        raise ValueError("holds a line break, but it is shown on one line (a table row, a header): write it on one line")
    return text


#: Text shown on one line: names, titles, labels.
OneLine = Annotated[str, AfterValidator(_one_line)]


# ---------------------------------------------------------------------------------------------
# Shared vocabulary
# ---------------------------------------------------------------------------------------------

Archetype = Literal["decisive", "cold", "lively", "bargainer", "cart_abandoner"]
Outcome = Literal["converted", "lost", "unpaid"]
Difficulty = Literal["easy", "medium", "hard"]
#: How a self-test expects a session to end ("unfinished": still going after the last reply).
ExpectedOutcome = Literal["converted", "lost", "unpaid", "unfinished"]
#: Seconds a reply takes when none is given (self-tests; piped replies in `play` use the same).
DEFAULT_LATENCY = 8.0
#: The longest a simulated customer 'types' one message, in seconds, however long it is and however
#: slowly she types (a trainee waits on her meanwhile; `roleplay validate` warns of lines cut short).
TYPING_MAX_S = 15.0

#: The rubric events every rubric's criteria kinds emit (each reply's result says which happened);
#: a cue criterion adds its own (its ``event``), and ``roleplay validate`` checks the names.
EVENTS: dict[str, str] = {
    "fast_reply": "answered within the rubric's good norm",
    "slow_reply": "slower than the good norm",
    "too_slow": "slower than the hard limit",
    "forbidden": "a forbidden phrase the shopper hears as rude (see offends_shopper)",
    "fab_pitch": "a pitch with the fab criterion's pitch_parts of F, A and B (two by default)",
    "vague_reply": "the node expected product facts and the reply had none",
    "closing_attempt": "any closing technique",
    "over_pushing": "closing pushed on too many consecutive replies",
    "no_progress": "the reply matched no way forward from the current node (the engine's own event)",
    "wrong_fact": "a price, sum, spec, stock or shipping/returns promise the product card contradicts",
}
#: A rubric event: one of EVENTS, or a cue criterion's own (greeting, needs_question, order_confirmed…).
Event = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z_]*$",
        description="A rubric event: fast_reply, slow_reply, too_slow, forbidden, fab_pitch, vague_reply, "
        "closing_attempt, over_pushing, no_progress, wrong_fact, or the event of one of the rubric's cue criteria "
        "(greeting, needs_question…).",
    ),
]

#: Situations a persona's phrasebook has lines for.
Situation = Literal[
    "greeting",
    "question",
    "objection",
    "buying_signal",
    "slow_reply",
    "rude_reply",
    "vague_reply",
    "over_pushing",
    "wrong_fact",
    "confused",
    "impatient",
    "buying_question",
    "small_talk",
    "leaving",
    "ordered",
    "paid",
]
REQUIRED_SITUATIONS: tuple[str, ...] = (
    "greeting",
    "slow_reply",
    "rude_reply",
    "confused",
    "leaving",
)


# ---------------------------------------------------------------------------------------------
# Persona
# ---------------------------------------------------------------------------------------------


class Traits(Strict):
    """Starting state and temperament of a simulated customer (all 0–100 unless noted)."""

    patience: Percent = Field(description="Starting patience; the customer leaves when it reaches 0.")
    interest: Percent = Field(description="Starting interest in buying.")
    mood: Percent = Field(50, description="Starting mood (0 angry … 100 delighted).")
    price_sensitivity: Percent = Field(50, description="How much price objections matter to them.")
    typing_cpm: int = Field(
        180,
        ge=10,
        le=1000,
        description="Typing speed in characters per minute, for 'typing…' delays: a message appears after a "
        f"second plus its characters at this speed, {TYPING_MAX_S:g} seconds at most however long it is.",
    )
    stall_limit: int = Field(
        3,
        ge=1,
        le=10,
        description="Replies in a row that lead nowhere before the customer leaves: she asks again in "
        "other words, then says she is losing patience (`impatient` lines), then goes.",
    )
    good_mood: Percent = Field(
        70,
        description="At or above this mood she is readier to buy: half the mood above it counts as interest "
        "where a transition waits for interest (`interest_gte`), and once her interest reaches "
        "`asks_to_buy_at` she asks a buying question of her own (`buying_question` lines), once.",
    )
    asks_to_buy_at: Percent = Field(75, description="Interest at which a customer in a good mood asks how to buy.")
    low_patience: Percent = Field(
        30,
        description="Below this patience she is short with the trainee: she picks the shortest wording of "
        "each line and leaves one stalled reply sooner (`stall_limit` − 1).",
    )

    def typing_needed_s(self, text: str) -> float:
        """Seconds she would take to type ``text``: a second to start, then her typing speed."""
        return 1.0 + len(text) * 60 / self.typing_cpm

    def typing_s(self, text: str) -> float:
        """Seconds she 'types' ``text`` before it appears, at most :data:`TYPING_MAX_S`: the trainee's
        reply clock runs while she types, so a long line or a slow typist must not keep them waiting."""
        return round(min(self.typing_needed_s(text), TYPING_MAX_S), 1)


class Effects(Strict):
    """Changes to the customer's state, in points (clamped to 0–100)."""

    mood: Delta = Field(0, description="Points added to mood (negative: subtracted).")
    patience: Delta = Field(0, description="Points added to patience; at 0 the customer leaves.")
    interest: Delta = Field(0, description="Points added to interest in buying.")


class Reaction(Strict):
    """How the customer's state moves when a rubric event happens, and what they may say."""

    on: Event = Field(description="The rubric event this reaction answers.")
    technique: str | None = Field(
        None, description="Only for closing_attempt: react to this closing technique id only."
    )
    effects: Effects = Field(default_factory=Effects, description="How mood, patience and interest move.")
    say: Situation | None = Field(
        None,
        description="Phrasebook situation to say a line from when this reaction fires; the persona "
        "must have lines for it. At most one reaction line is said per reply.",
    )
    chance: float = Field(
        1.0, ge=0, le=1, description="Probability (seeded RNG) that the line is said; effects always apply."
    )


#: What a persona's questions about a product card may name, filled from the card.
ASK_SLOTS = ("product", "feature", "spec", "price", "rival_price", "promotion", "shipping", "returns")
_SLOT = re.compile(r"\{(\w*)\}")


def check_slots(text: str, known: tuple[str, ...], what: str) -> None:
    """ValueError naming the first ``{slot}`` of ``text`` that is not ``known``, and what ``what`` can hold."""
    unknown = [slot for slot in _SLOT.findall(text) if slot not in known]
    if unknown:
        raise ValueError(f"unknown slot {{{unknown[0]}}}: {what} can hold " + ", ".join(f"{{{s}}}" for s in known))


def _wordings(description: str, *defaults: str) -> Any:
    """A field of wordings with its plain defaults."""
    return Field(default_factory=lambda: list(defaults), description=description)


class Asks(Strict):
    """How the customer asks about a product card in free practice (自由对练), a list of wordings per
    topic; ``{slot}`` names a fact of the card: {product}, {feature} (a feature's name), {spec} (a
    spec's name), {price}, {rival_price} (a cheaper rival's price), {promotion}, {shipping}, {returns}."""

    feature: list[str] = _wordings(
        "Her first question: what a feature of the card is good for.",
        "这个{product}的{feature}是什么意思？有什么用？", "{feature}好在哪？",
    )
    price: list[str] = _wordings("Her question about the price and the offers.", "现在多少钱？有优惠吗？", "{price}元还能便宜吗？")
    shipping: list[str] = _wordings("Her question about shipping.", "什么时候发货？", "今天拍几天能到？")
    returns: list[str] = _wordings("Her last doubt: returns.", "不合适能退吗？", "买了不满意怎么办？")

    @field_validator("feature", "price", "shipping", "returns")
    @classmethod
    def _known_slots(cls, lines: list[str]) -> list[str]:
        if not lines or any(not line.strip() for line in lines):
            raise ValueError("give at least one non-empty wording")
        for line in lines:
            check_slots(line, ASK_SLOTS, f"a question ({line!r})")
        return lines


class Persona(Strict):
    """A simulated shopper: temperament, phrasebook and reaction rules."""

    id: Identifier = Field(description="Unique persona id; name the file after it (personas/<id>.yaml).")
    name: OneLine = Field(description="Display name shown to the trainee, e.g. 干脆型·王先生.")
    archetype: Archetype = Field(description="Shopper type from the training material.")
    description: str = Field("", description="One or two sentences for the trainee and the trainer.")
    traits: Traits = Field(description="Starting state and temperament.")
    phrasebook: dict[Situation, list[str]] = Field(
        description="Lines per situation; one variant is picked with the session's seeded RNG. "
        "greeting, slow_reply, rude_reply, confused and leaving are required."
    )
    reactions: list[Reaction] = Field(
        default_factory=list, description="Reaction rules, applied in order after every reply."
    )
    asks: Asks = Field(
        default_factory=Asks,
        description="How she asks about a product card in free practice (`roleplay play --product`), in "
        "her own style; plain defaults otherwise.",
    )

    @field_validator("phrasebook")
    @classmethod
    def _complete_phrasebook(cls, book: dict[str, list[str]]) -> dict[str, list[str]]:
        """Every situation has lines, and the ones the engine always uses are present."""
        for situation, lines in book.items():
            if not lines or any(not line.strip() for line in lines):
                raise ValueError(f"situation {situation!r} needs at least one non-empty line")
        missing = [s for s in REQUIRED_SITUATIONS if s not in book]
        if missing:
            raise ValueError(f"add lines for the situations the customer always needs: {', '.join(missing)}")
        return book


# ---------------------------------------------------------------------------------------------
# Rubric
# ---------------------------------------------------------------------------------------------

#: Validation context key: with it true, a pattern that could backtrack catastrophically is an error;
#: without it, it is left out (see :data:`NEVER`) and, where the context holds a list under
#: :data:`REFUSED_PATTERNS`, listed there, so the loader can name it and still load the rest.
REFUSE_BACKTRACKING = "refuse_backtracking"
REFUSED_PATTERNS = "refused_patterns"
#: What a refused pattern becomes: one that matches nothing, so the rest of the rubric still scores
#: while ``roleplay validate`` names the pattern.
NEVER = "(?!)"
#: A longer pattern is shown cut short in an error message (the location points at all of it).
SHOWN_PATTERN_MAX = 80


def vetted(pattern: str, info: ValidationInfo, regex: str | None = None) -> str:
    """``pattern`` if its regular expression (``regex``, the pattern itself by default) compiles and
    cannot backtrack catastrophically (roleplay.text.backtracking); a located error if it does not
    compile; if it could backtrack, an error in the refusing context, otherwise :data:`NEVER`
    (with the pattern's ``{n}``): one such pattern must not freeze scoring, nor take the rubric's
    other criteria with it (the loader still names it, roleplay.content.loader)."""
    regex = pattern if regex is None else regex
    shown = repr(pattern if len(pattern) <= SHOWN_PATTERN_MAX else pattern[:SHOWN_PATTERN_MAX] + "…")
    try:
        compiled(regex)
        check_pattern(regex)
    except Backtracking as exc:
        if info.context and info.context.get(REFUSE_BACKTRACKING):
            raise ValueError(f"refused regular expression {shown}: {exc}") from None
        if info.context and REFUSED_PATTERNS in info.context:
            info.context[REFUSED_PATTERNS].append(pattern)
        return NEVER + (NUMBER_SLOT if NUMBER_SLOT in pattern else "")
    except (re.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"bad regular expression {shown}: {exc}") from None
    return pattern


#: A trainer's regular expression, vetted (see :func:`vetted`).
Regex = Annotated[str, AfterValidator(vetted)]


class Lexicon(Strict):
    """A word list: literal phrases (normalised before matching) and regular expressions.

    ``except`` names look-alikes: a hit that overlaps one of them is no hit (除了 is not the
    除X of 除螨, 性价比高 is praise, not an advantage).
    """

    model_config = ConfigDict(populate_by_name=True)

    phrases: list[str] = Field(default_factory=list, description="Literal phrases.")
    patterns: list[Regex] = Field(default_factory=list, description="Python regular expressions.")
    exceptions: list[str] = Field(
        default_factory=list,
        alias="except",
        description="Look-alike words: a hit overlapping one of these does not count (除了 for the pattern 除X).",
    )
    except_patterns: list[Regex] = Field(
        default_factory=list,
        description="Look-alikes as regular expressions: 防水膜, 防滑脚 — a word-formation that names a part "
        "(a feature), not what the product does.",
    )


class Criterion(Strict):
    """Common settings of one rubric criterion; ``kind`` says which scorer judges it."""

    kind: str = Field(description="Which scorer judges the criterion (fab, latency, forbidden, closing, cue, accuracy).")
    label: OneLine = Field(description="Chinese name shown on reports, e.g. FAB话术.")
    weight: float = Field(ge=0, le=100, description="Share of the total score; all weights sum to 100.")
    advice: dict[str, str] = Field(default_factory=dict, description="Advice texts by key.")


class FabCriterion(Criterion):
    """FAB话术: Feature, Advantage and Benefit parts of a pitch, found with cue words."""

    kind: Literal["fab"] = Field(description="`fab`; a criterion with the id fab may leave it out.")
    feature: Lexicon = Field(description="Cues for F (objective properties, specs, technology).")
    feature_weak: Lexicon = Field(
        default_factory=Lexicon,
        description="Generic feature words (采用, 技术, 材质…) that count as F only in a clause that "
        "also names a concrete feature: 这款采用的技术更好 names none.",
    )
    units: list[str] = Field(
        default_factory=list,
        description="Units of measure: a number with one of these (2000瓦, 35分贝, 5000mah, 1.5kg) is F.",
    )
    advantage: Lexicon = Field(
        description="Cues for A, found on their own: what a feature does or how it beats others "
        "(word-formations 耐X/防X/抗X, 能/可以 + a verb, 不易 + a problem, 比…更, N倍, 续航长)."
    )
    advantage_weak: Lexicon = Field(
        default_factory=Lexicon, description="Comparative cues that count as A only after an F."
    )
    benefit: Lexicon = Field(
        description="Feelings and outcomes (放心, 不怕, 省心, 睡得香…): B said of a person or a scene of the "
        "shopper's life, named earlier in the sentence or in the shopper's own message."
    )
    outcome: Lexicon = Field(
        default_factory=Lexicon,
        description="Outcome markers (就能, 也不, 不会, 暖暖的…): B only after a person or scene the reply itself "
        "names in the sentence (您冬天早上等公交，也不觉得冷); an advantage said there is a benefit too.",
    )
    benefit_strong: Lexicon = Field(
        default_factory=Lexicon, description="Cues that count as B on their own (对您来说, 每天不到5毛…)."
    )
    person: Lexicon = Field(description="Words addressing the shopper or their family (您, 孩子, 毛孩子…).")
    address: Lexicon = Field(
        default_factory=Lexicon,
        description="What agents call the shopper (宝子, 姐妹, 老铁…): a person when she is the subject of what "
        "follows (宝子泡澡也不怕溅湿), not when the word ends its clause (质量妥妥的宝子: a call, not a scene).",
    )
    concern: Lexicon = Field(
        default_factory=Lexicon,
        description="A worry or a need in the shopper's own message (怕, 嫌, 担心, 麻烦…): a pitch's "
        "feelings and outcomes (不用再翻包找线) answer it, so they are B without a person in the reply.",
    )
    scene: Lexicon = Field(
        default_factory=Lexicon,
        description="Scenes of the shopper's life: times, places, activities (冬天, 上班路上, 露营…).",
    )
    instructions: Lexicon = Field(
        default_factory=Lexicon,
        description="Marks of how-to (第一步, 然后, 长按…): a sentence holding one explains how to use the "
        "product, it does not pitch it, so 长按3秒 is no feature.",
    )
    not_pitch: Lexicon = Field(
        default_factory=Lexicon,
        description="Service talk (price, shipping, returns, stock, ordering): a clause holding one of "
        "these is no part of a pitch, so 48小时 in 48小时内发货 is no feature.",
    )
    reassurance: Lexicon = Field(
        default_factory=Lexicon,
        description="A clause that only reassures (您不用担心～, 放心吧): it adds nothing of its own, so it "
        "belongs to the clause before it, and after service talk (一般两天就到，您不用担心) it is no pitch either.",
    )
    offers: Lexicon = Field(
        default_factory=Lexicon,
        description="Marks of the sizes on offer or ordered (您要41的还是46的, 要哪个高度, 给您备注上了, 暂时断货): "
        "a sentence holding one names options, so its measures (41mm, 2.1米) are no feature; its materials still are.",
    )
    asks: Lexicon = Field(
        default_factory=Lexicon,
        description="Shopper questions that call for a FAB answer (好在哪, 什么材质…), for chat logs.",
    )
    how_to_asks: Lexicon = Field(
        default_factory=Lexicon,
        description="Shopper questions about how to use the product (怎么用, 咋弄…): the reply explains use "
        "(扳机一扣就出来了 is a step, not an advantage), so no part of a pitch is placed in it, by the rules "
        "or by a learned model.",
    )
    scores: dict[Literal["linked", "all", "two", "one", "none"], Percent] = Field(
        description="Score for a linked F→A→B pitch, all three unordered, two, one, none."
    )
    pitch_parts: int = Field(
        2, ge=1, le=3,
        description="How many of F, A and B make a pitch the shopper warms to (the event and signal fab_pitch).",
    )
    learned: LearnedParts | None = Field(
        None, description="Models learned from labelled replies that decide which parts a reply holds (none: rules only)."
    )


class LatencyCriterion(Criterion):
    """响应时效: how fast the agent answers, and their typing speed."""

    kind: Literal["latency"] = Field(description="`latency`; a criterion with the id latency may leave it out.")
    first_reply_s: float = Field(gt=0, description="First reply norm in seconds (seeds: 10 s).")
    good_s: float = Field(gt=0, description="A reply within this is good (seeds: 15–20 s).")
    hard_limit_s: float = Field(gt=0, description="Hard limit (JD: 30 s); slower scores 0.")
    typing_cpm_target: int = Field(100, gt=0, description="Target typing speed (chars per minute).")
    at_hard_limit: Percent = Field(
        40, description="The score of a reply at the hard limit: 100 within the good norm, falling linearly to "
        "this at the hard limit, 0 beyond it.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> LatencyCriterion:
        if not self.first_reply_s <= self.hard_limit_s or not self.good_s < self.hard_limit_s:
            raise ValueError("latency norms must satisfy first_reply_s, good_s < hard_limit_s")
        return self


ForbiddenCategory = Literal[
    "contempt", "impatience", "denial", "confrontation", "curt", "absolute_claim"
]


class AnsweredQuestion(Strict):
    """A question of the shopper's that some of a category's words answer without faulting her:
    能上飞机吗？ → 上不了哈，安检会收 says what the product cannot do; it refuses her nothing."""

    asked: Lexicon = Field(
        description="Her question, in the message the reply answers: whether the product can do "
        "something (能上飞机吗, 能用洗碗机洗吗, 会掉色吗)."
    )
    unless_asked: Lexicon = Field(
        default_factory=Lexicon,
        description="…unless she asks the shop to do something (能开发票吗, 能便宜点吗, 能帮我改地址吗): "
        "turning that down is still a refusal.",
    )
    answers: Lexicon = Field(
        description="The hits that answer her, each matched as a whole (不能, 上不了, 不行哈): only these "
        "are spared; the category's other words in the reply (没办法, 不归我管) still count."
    )


class ForbiddenList(Lexicon):
    """One category of forbidden phrases (服务禁语)."""

    label: OneLine = Field(description="Chinese name of the category, e.g. 蔑视语.")
    unless: Lexicon = Field(
        default_factory=Lexicon,
        description="The category's hits do not count in a reply that also holds one of these: a refusal "
        "that offers something instead (没办法改价，不过可以送您…) or apologises (不好意思，这款没有小样) is "
        "no 否定语.",
    )
    unless_after: Lexicon = Field(
        default_factory=Lexicon,
        description="Like `unless`, but only after the category's first hit: 改不了，不过可以送您… offers "
        "something instead; 想法真浪漫，不过咱不接这活儿 turns to the refusal.",
    )
    spares_shopper_words: bool = Field(
        False,
        description="A hit that repeats the shopper's own words answers her question, it is not counted: "
        "哪个最辣？ → 最辣的是特辣款 (a claim only she made). The word a hit runs into must be hers too: "
        "是不是全网最便宜的？ → 全网最低 makes the claim itself.",
    )
    answered: list[AnsweredQuestion] = Field(
        default_factory=list,
        description="Questions of the shopper's that a bare \"can't\" of this category answers: "
        "能上飞机吗？ → 上不了哈 is what the product cannot do, not a refusal; 钥匙套能防我老公乱丢钥匙吗哈哈 → "
        "这个本喵也管不了呀 plays along with her joke (none: no question spares it). One question may be given "
        "without the list.",
    )
    fatal: bool = Field(False, description="A hit in this category fails the whole session.")
    whole_reply: bool = Field(
        False, description="Patterns must match the whole reply (punctuation stripped), e.g. a lone 嗯."
    )
    echoes_shopper: bool = Field(
        False,
        description="A reply that opens by throwing the shopper's own words back as a question (防刮？ "
        "一千？ 慢？) is rude, whatever follows: in this category, or in the rude category the rubric's "
        "learned model finds likeliest when this category is one it learns.",
    )
    tone: Lexicon = Field(
        default_factory=Lexicon,
        description="Marks of the category's tone that name no fault by themselves (an eye-roll 🙄, a "
        "dismissive 呗, ？？): when no category's words or echo are found, a reply holding one is in "
        "this category (or, for a category the learned model learns, the rude category it finds "
        "likeliest). Categories are tried in the order they are listed.",
    )
    offends_shopper: bool = Field(
        True,
        description="The shopper hears it as rude, so the simulated customer reacts (the `forbidden` "
        "event). A 广告法 absolute claim is a compliance fault the shopper does not mind: false.",
    )

    @field_validator("answered", mode="before")
    @classmethod
    def _one_question(cls, value: Any) -> Any:
        """A single question, as rubrics before 3.32 wrote it, is a list of one."""
        return [value] if isinstance(value, dict) else value


class Learned(Strict):
    """A model learned from labelled replies (the format of `roleplay eval`) when the rubric loads."""

    examples: list[str] = Field(
        min_length=1,
        description="Labelled-reply files to learn from, relative to the rubric file. Never list the part "
        "of a corpus you measure on.",
    )
    min_count: int = Field(
        2, ge=1, description="A character or pair counts only if this many examples hold it (rarer ones "
        "say more about one writer than about replies in general).",
    )
    epochs: int = Field(8, ge=1, le=100, description="Passes over the examples when the model is fitted.")
    learning_rate: float = Field(0.1, gt=0, le=1, description="Step size of each correction while fitting.")
    regularisation: float = Field(
        1e-4, ge=0, description="Pull of every weight towards 0 (L2), so a rare character or pair weighs little."
    )
    step_by_evidence: Annotated[float, Field(ge=0, le=1)] | dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        0.0, description="How far each character's or pair's steps while fitting follow how well it tells the "
        "labels apart in the examples (its naive-Bayes log-count ratio): 0 steps every one alike, 1 by that ratio "
        "alone. Words every product's replies share then weigh little, and the telling ones more. One number for "
        "every model of the criterion, or one per FAB part or closing technique (`{F: 0.5, A: 0.75}`: 0 for the "
        "others).",
    )


class LearnedClaims(Strict):
    """A model of the clauses that hold an absolute claim's words, told apart from their look-alikes:
    the allow-list's rules name the look-alikes the rubric's writers met (最好先泡一下, 第一次用, 最多
    吹半个钟头); the model, fitted to the same labelled replies, takes back those of a new shop's
    wording that read like them."""

    category: ForbiddenCategory = Field(
        "absolute_claim", description="The category whose words the model checks (its hits, not its replies)."
    )
    margin: float = Field(
        3.0, ge=0,
        description="A hit of `category` is taken back when the model finds its clause a look-alike by more than "
        "this (log-odds below minus this). Each clause of an example reply that holds the category's words is an "
        "example: a claim where the reply is labelled with the category and the allow-list spares none of it, a "
        "look-alike otherwise.",
    )


class LearnedTone(Learned):
    """A model of the rude categories' tone: a backstop for words no list holds yet. It flags a reply
    only when no rule, echo or mark of tone names a fault; when one of its categories is named, it may
    name another (`relabel_margin`, `words_relabel_margin`) or take listed words back (`clean_margin`).
    Replies labelled with one of `categories` teach that category, replies labelled null teach clean
    replies; others are left out."""

    categories: list[ForbiddenCategory] = Field(
        min_length=1, description="The categories it learns (the rude ones: their words are endless)."
    )
    threshold: float = Field(
        1.5,
        description="How far the model must lean towards rude (its log-odds) to flag a reply: higher "
        "flags less. At 1.5 it flagged 12 of about 1860 clean replies by writers it never saw.",
    )
    tone_characters: str = Field(
        min_length=1,
        description="Characters that say how a reply is said, not what about: pronouns, particles, "
        "negation, degree words (你您们的了吗呢吧不没别都还就…). Only characters and pairs holding one of "
        "them, or a symbol or emoji, are weighed: content words (详情页, 尺码表) come up in polite replies "
        "as much as in rude ones.",
    )
    particles: str = Field(
        "",
        description="Sentence particles (吧呢啊嘛…) weighed only with the character before them: 放心吧 is "
        "kind and 看着办吧 is not, so 吧 alone says nothing.",
    )
    absence_weight: float = Field(
        0.0, ge=0, le=1,
        description="How much the grams a category's examples hold and a reply lacks count against that category "
        "when the model names a rude reply's fault (0: only the grams the reply holds count, which favours the "
        "category with the fewest examples; 1: every lacking gram counts, as in Bernoulli naive Bayes).",
    )
    relabel_margin: float = Field(
        1.0, ge=0,
        description="When an echo or a mark of tone of one of `categories` says a reply is rude, another "
        "of them names it only if the model finds that one likelier by more than this (log-likelihood): "
        "a short reply (行吧😒) says too little to overrule the mark.",
    )
    clean_margin: float | None = Field(
        None, ge=0,
        description="The words or patterns of one of `categories` are taken back when the model finds the reply "
        "clean by more than this (log-odds below minus this; None: never) and the words' own clause does not "
        "lean rude. Listed words turn up in kind replies too (往下拉一点点就看到咯, 这距离我真的会谢😭), but a warm "
        "pitch does not excuse a rude clause tacked on (…做好鸡翅～爱买不买。); an absolute claim is never taken back. "
        "In such a reply the model, sure it is clean, does not rename the fault either (`words_relabel_margin`).",
    )
    words_relabel_margin: float | None = Field(
        None, ge=0,
        description="When the categories' words or patterns find one of `categories`, another of them names "
        "the reply only if the model finds that one likelier by more than this (log-likelihood; None: the "
        "words' category stands). A listed word says a reply is rude; which fault it is shows in the whole "
        "reply: 那是人家不会打…你要信评论那就别买 argues with the shopper whatever word was listed.",
    )
    words_relabel_min_chars: int = Field(
        0, ge=0,
        description="Replies shorter than this (characters, after normalisation) keep the category their "
        "words name: a few words (你自己去看吧) say too little about the reply's tone to overrule them.",
    )
    cue_floor: float | None = Field(
        None,
        description="An echo or a mark of tone says a reply is rude only when the model leans at least this "
        "far towards rude (log-odds; None: the cue alone does). 太小了？您莫急… takes the shopper's words up "
        "kindly; 太小了？嫌小别买 throws them back.",
    )
    claims: LearnedClaims | None = Field(
        None,
        description="Whether the category's words (an absolute claim's 最, 第一, 绝对…) that the allow-list "
        "does not spare are checked by a model of their clause (None: the words and the allow-list decide alone).",
    )
    spared: Lexicon = Field(
        default_factory=Lexicon,
        description="What a kind agent says that reads like a rude one's characters: a check-in on a shopper "
        "gone quiet (想好了没呀, 咋没动静了呢, 还在吗). A reply the model alone would flag is judged again without "
        "the clauses that hold one of these, and flagged only if the rest still leans rude; listed words, "
        "echoes and marks of tone still name a fault.",
    )
    label: OneLine = Field(
        "语气判断",
        description="Shown after the category on the clause the model flagged (斗气语（语气判断）), so a "
        "trainee knows its tone was judged, not a listed phrase found.",
    )


class LearnedParts(Learned):
    """Per FAB part, a model of whether a reply holds it, checking the rules: a part the model is
    sure of and no rule places is shown on the clause that weighs most for it; a part a rule places
    and the model is sure is absent is dropped; otherwise the rules stand."""

    parts: list[Literal["F", "A", "B"]] = Field(["F", "A", "B"], min_length=1, description="The parts it checks.")
    add_margin: dict[Literal["F", "A", "B"], Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: {"F": 1.0, "A": 1.0, "B": 1.0},
        description="How far (in log-odds) a model must lean towards a part no rule placed to add it, per part "
        "(one number: every part). A part not listed keeps 1.",
    )
    drop_margin: dict[Literal["F", "A", "B"], Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: {"F": 6.0, "A": 6.0, "B": 6.0},
        description="How far (in log-odds) a model must lean against a part a rule placed to drop it, per "
        "part (one number: every part). Too narrow a margin drops parts of pitches the rules rightly "
        "found (吸汗透气); the product card's own words are never dropped. A part not listed keeps 6.",
    )

    card_paraphrase: float | None = Field(
        None,
        gt=0,
        le=1,
        description="A sentence that holds this share of the distinct characters of one of the product card's "
        "advantage or benefit clauses paraphrases the card (不打开锅就能看到 for 不开锅也能看到火候; 货和专柜是一个"
        "源头 for 和专柜同一货源): what the rules find in it stands against the models' doubt, as in a sentence "
        "that quotes the card. None: only a quoted clause vouches.",
    )

    rivals: Lexicon = Field(
        default_factory=Lexicon,
        description="How a reply speaks of another product (那种便宜的是…, 别家的…): what a rival is made of or "
        "does is no part of this product's pitch, so a part the model alone finds is added only if the reply "
        "without the clauses that hold one of these still leans past the add margin, and is never shown on "
        "such a clause. The rules' own hits there stand.",
    )

    drop_on_words_only: list[Literal["F", "A", "B"]] = Field(
        default_factory=list,
        description="Parts a model drops only when the reply's own words lean against them, not its prior "
        "alone: a short reply (这款特别耐磨。) says too little for the model, whose prior is that most "
        "replies hold no such part.",
    )
    words_only_below_chars: int | None = Field(
        None,
        ge=1,
        description="`drop_on_words_only` holds for replies shorter than this many characters (normalised); "
        "in longer ones the drop margin alone decides, since there the model has read enough to doubt a "
        "part whose words barely speak for it (不用担心 after a stock answer). None: for every reply.",
    )

    @field_validator("add_margin", "drop_margin", mode="before")
    @classmethod
    def _one_margin_for_every_part(cls, value: object, info: ValidationInfo) -> object:
        """One number (the format of rubric 2.1) is the margin of every part; a part left out keeps
        the default (1 to add, 6 to drop)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {part: value for part in "FAB"}
        if isinstance(value, dict):
            default = 1.0 if info.field_name == "add_margin" else 6.0
            return {"F": default, "A": default, "B": default, **value}
        return value


class LearnedClosing(Learned):
    """Per closing technique, a model of whether a reply uses it, checking the rules as the FAB part
    models do: a technique a model is sure of and no rule found is shown on the clause that weighs
    most for it (unless the shopper asked about it: then it answers); a technique a rule found and
    the model is sure is absent is dropped; otherwise the rules stand."""

    add_margin: float = Field(
        1.0, ge=0, description="How far (in log-odds) a model must lean towards a technique no rule found to add it."
    )
    drop_margin: float = Field(
        6.0, ge=0, description="How far (in log-odds) a model must lean against a technique a rule found to drop it."
    )


class ForbiddenCriterion(Criterion):
    """服务禁语: forbidden phrases by category, close variants included."""

    kind: Literal["forbidden"] = Field(description="`forbidden`; a criterion with the id forbidden may leave it out.")
    categories: dict[ForbiddenCategory, ForbiddenList] = Field(description="Word lists per category.")
    allow: Lexicon = Field(
        default_factory=Lexicon,
        description="Ordinary words never flagged: phrases (最近, 第一次) and patterns for rules such as "
        "最好 + a verb is advice, 最大 + a number is a spec limit, 第一 + a measure word an ordinal.",
    )

    @field_validator("allow", mode="before")
    @classmethod
    def _allow_list(cls, value: object) -> object:
        """A plain list (the format of rubric 1.x) is a list of phrases."""
        return {"phrases": value} if isinstance(value, list) else value
    fuzzy_threshold: Percent = Field(
        88, description="rapidfuzz partial-ratio needed to flag a variant of a phrase."
    )
    learned: LearnedTone | None = Field(
        None, description="A statistical backstop learned from labelled replies (none: rules only)."
    )
    fuzzy_min_chars: int = Field(5, ge=2, description="Phrases shorter than this match exactly only.")
    penalty_per_hit: Percent = Field(50, description="Points lost per hit in a reply.")

    @model_validator(mode="after")
    def _claims_listed(self) -> ForbiddenCriterion:
        claims = self.learned.claims if self.learned else None
        if claims is not None and claims.category not in self.categories:
            raise ValueError(f"learned.claims.category {claims.category!r} has no word list: add it under categories")
        return self


ClosingTechnique = Literal[
    "alternative", "scarcity", "urgency", "gift", "trial", "direct_ask", "payment_reminder"
]


class ClosingList(Lexicon):
    """Cues of one closing technique."""

    unless: Lexicon = Field(
        default_factory=Lexicon,
        description="The technique does not count in a clause that also holds one of these "
        "(家用还是办公室用 asks about needs, it is not a 二选一 close).",
    )
    label: OneLine = Field(description="Chinese name of the technique, e.g. 二选一.")
    answers: Lexicon = Field(
        default_factory=Lexicon,
        description="Shopper questions this technique answers (有送什么吗 for a gift): using it then "
        "answers the shopper, it does not push, so it never counts towards over-pushing.",
    )
    unasked: Lexicon = Field(
        default_factory=Lexicon,
        description="Cues that close only when the shopper did not ask (`answers`): 今天下单今天发 pushes "
        "after 我再看看, but answers 几点发货？; 7天无理由 answers 能退吗？.",
    )
    ruled_out_by: list[ClosingTechnique] = Field(
        default_factory=list,
        description="Techniques that, found in the same reply, rule this one out: a payment reminder's "
        "库存先帮您留到今晚十点 holds the order she has placed, it does not ask for one (direct_ask is "
        "ruled out by payment_reminder).",
    )


class ClosingCriterion(Criterion):
    """促成交易: closing techniques, timed against the shopper's buying signals."""

    kind: Literal["closing"] = Field(description="`closing`; a criterion with the id closing may leave it out.")
    techniques: dict[ClosingTechnique, ClosingList] = Field(description="Cues per closing technique.")
    buying_signals: Lexicon = Field(description="Shopper phrases that signal readiness to buy.")
    push_streak: int = Field(
        3, ge=2, description="Closing on this many consecutive replies counts as over-pushing."
    )
    learned: LearnedClosing | None = Field(
        None, description="Per technique, a model learned from labelled replies that checks the cues (none: cues only)."
    )
    scores: dict[Literal["after_signal", "unprompted", "missed_signal", "over_pushing"], Percent] = Field(
        description="Score for closing after a buying signal, unprompted, missing a signal, over-pushing."
    )

    def misnamed_rulers(self) -> Iterator[tuple[str, int, str]]:
        """(technique, index, name) of each ``ruled_out_by`` entry that names the technique itself or
        none of this criterion's techniques: the loader reports each at its own line."""
        for tid, technique in self.techniques.items():
            for index, other in enumerate(technique.ruled_out_by):
                if other == tid or other not in self.techniques:
                    yield tid, index, other


class CueCriterion(Criterion):
    """A criterion met by cue words: a greeting in the first reply, needs-discovery questions,
    confirming the order, a farewell. Met once in a session, it is met (100); a reply it applies to
    without the cues scores 0; elsewhere it does not apply. A new step of the service process is a
    cue criterion in YAML, with no code."""

    kind: Literal["cue"] = Field(description="`cue`; the criteria with the ids greeting and needs may leave it out.")
    cues: Lexicon = Field(description="Words that meet the criterion.")
    when: Literal["first_reply", "question", "any"] = Field(
        "any",
        description="Where the cues count: first_reply (judged on the first reply only: a greeting), "
        "question (in a clause that asks: 平时 in 这款平时穿很百搭 tells, it does not ask), any.",
    )
    event: Event | None = Field(
        None,
        description="The event a reply that meets it emits: persona reactions answer it (`on:`) and "
        "scenario transitions can wait for it (`signal:`), e.g. needs_question, order_confirmed.",
    )
    scores: dict[Literal["met", "missing"], Percent] = Field(
        default_factory=lambda: {"met": 100, "missing": 0},
        description="Score of a reply (and a session) that meets it, and of one it applies to that does not.",
    )


#: What a trainer writes for the number in an accuracy pattern: digits or a Chinese numeral.
NUMBER_SLOT = "{n}"
_NUMBER = r"(?P<n>\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)"


def _number_pattern(pattern: str, info: ValidationInfo) -> str:
    """``pattern`` with ``{n}`` checked and the whole vetted, so a bad one is a located error."""
    if NUMBER_SLOT not in pattern:
        raise ValueError(f"pattern {pattern!r} has no {NUMBER_SLOT} for the number it reads")
    return vetted(pattern, info, number_regex(pattern))


def number_regex(pattern: str) -> str:
    """An accuracy pattern as a regular expression: ``{n}`` is a named group of digits or a Chinese numeral."""
    return pattern.replace(NUMBER_SLOT, _NUMBER, 1)


#: The promises a reply makes that the card's shipping and returns terms bound.
PromiseKind = Literal["shipping", "delivery", "returns"]
MessageKey = Literal["price", "total", "spec", "stock", "shipping", "delivery", "returns"]
ACCURACY_MESSAGES: dict[str, str] = {
    "price": "价格与商品卡不符（{prices}）",
    "total": "{units}件的价格与商品卡不符（{prices}）",
    "spec": "{spec}应为{value}",
    "stock": "库存与商品卡不符（{stock}件）",
    "shipping": "发货承诺快于商品卡（{card}）",
    "delivery": "送达承诺快于商品卡（{card}）",
    "returns": "退换期限与商品卡不符（{card}）",
}


class PromiseRule(Strict):
    """One way a promise is written, and what it promises (hours to ship, days to arrive or to return)."""

    pattern: str = Field(
        description="A regular expression; {n} stands for a number in it (48小时内发货: '{n}\\s*小时内?发货')."
    )
    each: float | None = Field(None, gt=0, description="What one of the number is worth (a day: 24 hours).")
    value: float | None = Field(None, ge=0, description="What a pattern without a number promises (当天发: 24).")

    @field_validator("pattern")
    @classmethod
    def _vetted(cls, pattern: str, info: ValidationInfo) -> str:
        return vetted(pattern, info, number_regex(pattern))

    @model_validator(mode="after")
    def _one_measure(self) -> PromiseRule:
        has_number = NUMBER_SLOT in self.pattern
        if has_number == (self.each is None) or has_number == (self.value is not None):
            raise ValueError("a pattern with {n} needs `each`; one without it needs `value`")
        return self


class AccuracyCriterion(Criterion):
    """信息准确: prices, sums, specs, stock and promises in a reply that contradict the product card."""

    kind: Literal["accuracy"] = Field(description="`accuracy`; a criterion with the id accuracy may leave it out.")
    price_cues: Lexicon = Field(description="Words that make a number in the clause a price claim.")
    not_claims: Lexicon = Field(
        default_factory=Lexicon,
        description="Clauses with these words hold arithmetic, not card facts (每天, 日均, 价值…).",
    )
    difference_marks: str = Field(
        "", description="A number right after one of these characters is a difference (多10小时, 降600元)."
    )
    currency: Lexicon = Field(
        default_factory=lambda: Lexicon(patterns=[r"\d+(?:\.\d+)?\s*(?:元|块)", r"[¥￥]\s*\d+(?:\.\d+)?"]),
        description="How a price is written: the amount with its currency (299元, 299块, ¥299); the number in "
        "the match is the price.",
    )
    quantity: str = Field(
        NUMBER_SLOT + r"\s*(?:件|台|个|盒|套|只|双|瓶|包|袋|支|条|箱|罐|份)",
        description="How a price clause names the units of an order (两件, 3盒): a regular expression in which "
        "{n} stands for the number. The price then is checked against what that many units cost with the "
        "card's offers (bundle, 满减, coupon).",
    )
    stock: str | None = Field(
        None,
        description="How a stock claim is written, {n} standing for the units (只剩{n}台); a claim of other "
        "units than the card's stock contradicts it (a false 只剩3台 as much as an empty 现货100台).",
    )
    promises: dict[PromiseKind, list[PromiseRule]] = Field(
        default_factory=dict,
        description="How shipping, delivery and returns promises are written. The card's own shipping and returns "
        "text is read with the same rules: a reply may not promise to ship or deliver sooner than the card, "
        "and must name the card's returns period.",
    )
    messages: dict[MessageKey, str] = Field(
        default_factory=dict,
        description="The evidence shown on a wrong claim: price ({prices}: the card's prices), total ({units}, "
        "{prices}), spec ({spec}, {value}), stock ({stock}), shipping, delivery and returns ({card}: the "
        "card's words). Keys left out keep their default.",
    )
    tolerance: float = Field(0.01, ge=0, description="Relative tolerance when comparing numbers.")

    @field_validator("quantity", "stock")
    @classmethod
    def _number_patterns_vetted(cls, pattern: str | None, info: ValidationInfo) -> str | None:
        return None if pattern is None else _number_pattern(pattern, info)

    @field_validator("messages")
    @classmethod
    def _default_messages(cls, messages: dict[str, str]) -> dict[str, str]:
        return {**ACCURACY_MESSAGES, **messages}


def _criterion_kind(value: Any) -> str | None:
    """The tag of a criterion's settings: its ``kind`` (pydantic picks the model by it)."""
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return f"kind={kind}" if isinstance(kind, str) else None


AnyCriterion = Annotated[
    Annotated[FabCriterion, Tag("kind=fab")]
    | Annotated[LatencyCriterion, Tag("kind=latency")]
    | Annotated[ForbiddenCriterion, Tag("kind=forbidden")]
    | Annotated[ClosingCriterion, Tag("kind=closing")]
    | Annotated[CueCriterion, Tag("kind=cue")]
    | Annotated[AccuracyCriterion, Tag("kind=accuracy")],
    Discriminator(
        _criterion_kind,
        custom_error_type="criterion_kind",
        custom_error_message="`kind` is missing or unknown: give the criterion a kind, one of fab, latency, "
        "forbidden, closing, cue, accuracy",
    ),
]
#: The kinds a rubric has exactly one criterion of (the engine and the views read them).
SINGLE_KINDS = ("fab", "latency", "forbidden", "closing")
#: The seven criteria of rubric 2.x, which may leave out ``kind`` (and the cues their ``when`` and
#: ``event``): their ids say it.
LEGACY_CRITERIA: dict[str, dict[str, str]] = {
    "fab": {"kind": "fab"},
    "latency": {"kind": "latency"},
    "forbidden": {"kind": "forbidden"},
    "closing": {"kind": "closing"},
    "greeting": {"kind": "cue", "when": "first_reply", "event": "greeting"},
    "needs": {"kind": "cue", "when": "question", "event": "needs_question"},
    "accuracy": {"kind": "accuracy"},
}


class Understanding(Strict):
    """How the simulated customer reads a trainee's reply against a scenario's intents."""

    fillers: list[str] = Field(
        default_factory=lambda: "的 了 呢 吗 哦 亲 啊 呀 吧 哈 嘛 噢 哟 么 亲亲 哈哈".split(),
        description="Words that carry no intent (particles, fillers, the address 亲): left out when a reply "
        "is compared with an intent's examples.",
    )
    fuzzy_keyword_chars: int = Field(
        5, ge=2, description="Keywords this long also match a close variant (one character changed or inserted)."
    )
    fuzzy_keyword_score: Percent = Field(80, description="rapidfuzz partial ratio a keyword's variant needs.")
    example_coverage: float = Field(
        0.5, gt=0, le=1,
        description="Share of an example's content words a reply must cover before its similarity counts in "
        "full (a bare 两盒 is not 两盒一共238元).",
    )


class Rubric(Strict):
    """How replies and sessions are scored."""

    id: Identifier = Field(description="Unique rubric id; scenarios refer to it (default: default).")
    version: str = Field(description="Bump when scoring changes; stored with every session.")
    title: OneLine = Field(description="Chinese title shown on reports.")
    pass_mark: Percent = Field(description="A session passes with at least this total score.")
    coaching_mark: Percent = Field(
        80,
        description="A criterion whose average is below this needs coaching: the score sheet's 优先辅导 "
        "names every such criterion of a trainee, worst first.",
    )
    fail_outcomes: list[Outcome] = Field(
        default_factory=lambda: ["lost"],
        description="A practice session ending this way fails whatever its score (the customer was lost).",
    )
    questions: Lexicon = Field(
        description="Words that make a clause a question (吗, 哪, 什么, 方便告诉…; a clause ending in ? "
        "is one anyway): needs discovery counts only in a question, and a benefit is stated, not asked."
    )
    criteria: dict[Identifier, AnyCriterion] = Field(
        description="The criteria by id, each with its `kind` and settings; their weights sum to 100. One "
        "criterion each of kind fab, latency, forbidden and closing; any number of cue criteria; "
        "at most one accuracy."
    )
    thesaurus: list[Annotated[list[str], Field(min_length=2)]] = Field(
        default_factory=list,
        description="Groups of words the simulated customer takes to mean the same (寄出, 出库 → 发货); the "
        "first word names the group. Scenario intents match a trainee's own wording through them, and "
        "Chinese numerals count as digits (两百九十九 → 299).",
    )

    understanding: Understanding = Field(
        default_factory=Understanding, description="How the simulated customer matches replies to intents."
    )

    @field_validator("criteria", mode="before")
    @classmethod
    def _legacy_kinds(cls, value: object) -> object:
        """The seven criteria of rubric 2.x keep loading without ``kind``: their ids say it."""
        if not isinstance(value, dict):
            return value
        return {
            key: {**LEGACY_CRITERIA[key], **settings} if key in LEGACY_CRITERIA and isinstance(settings, dict) else settings
            for key, settings in value.items()
        }

    @field_validator("criteria")
    @classmethod
    def _weights_and_kinds(cls, criteria: dict[str, Criterion]) -> dict[str, Criterion]:
        total = sum(criterion.weight for criterion in criteria.values())
        if abs(total - 100) > 1e-6:
            raise ValueError(f"criterion weights sum to {total:g}; they must sum to 100")
        for kind in (*SINGLE_KINDS, "accuracy"):
            ids = [key for key, criterion in criteria.items() if criterion.kind == kind]
            if len(ids) > 1 or (not ids and kind in SINGLE_KINDS):
                found = f"found {len(ids)} ({', '.join(ids)})" if ids else "found none"
                raise ValueError(f"a rubric has {'exactly' if kind in SINGLE_KINDS else 'at most'} one criterion of kind {kind}; {found}")
        events = [c.event for c in criteria.values() if isinstance(c, CueCriterion) and c.event]
        clash = sorted({e for e in events if events.count(e) > 1 or e in EVENTS})
        if clash:
            raise ValueError(f"cue criteria's events must be new and distinct; {', '.join(clash)} is taken")
        return criteria

    def criterion(self, kind: str) -> Any:
        """The settings of the rubric's criterion of ``kind`` (one of SINGLE_KINDS, or accuracy: None if absent)."""
        return next((c for c in self.criteria.values() if c.kind == kind), None)

    def criterion_id(self, kind: str) -> str | None:
        """The id of the rubric's criterion of ``kind``."""
        return next((key for key, c in self.criteria.items() if c.kind == kind), None)

    @property
    def events(self) -> list[str]:
        """Every event its criteria can emit: the kinds' own and the cue criteria's."""
        return [*EVENTS, *self._cue_events()]

    @property
    def expectable(self) -> list[str]:
        """The criteria a scenario node may expect: the pitch, the close and every cue criterion."""
        return [key for key, c in self.criteria.items() if c.kind in ("fab", "closing", "cue")]

    @property
    def signals(self) -> list[str]:
        """Every signal a scenario transition can wait for with this rubric."""
        techniques = [f"closing:{t}" for t in self.criterion("closing").techniques]
        return [*SIGNALS, *techniques, *self._cue_events()]

    def _cue_events(self) -> list[str]:
        return [c.event for c in self.criteria.values() if isinstance(c, CueCriterion) and c.event]


# ---------------------------------------------------------------------------------------------
# Quick replies
# ---------------------------------------------------------------------------------------------


#: What a quick reply's ``{slot}`` is filled with from the scenario's product card.
CARD_SLOTS = ("product", "price", "shipping", "returns")


class QuickReply(Strict):
    """One canned phrase (快捷短语) an agent inserts with a key instead of typing it."""

    label: OneLine = Field(description="Short name shown next to its key, e.g. 发货.")
    text: str = Field(
        min_length=1,
        description="The text inserted into the reply box. {product}, {price}, {shipping} and {returns} are "
        "filled from the scenario's product card, so a quick reply never contradicts the card.",
    )

    @field_validator("text")
    @classmethod
    def _known_slots(cls, text: str) -> str:
        check_slots(text, CARD_SLOTS, "a quick reply")
        return text


class QuickReplySet(Strict):
    """A set of quick replies, e.g. the shop's defaults; the chat screen offers them on F2 onwards,
    one key each, up to F9."""

    id: Identifier
    title: OneLine = Field(description="What the set is for, e.g. 通用快捷短语.")
    phrases: list[QuickReply] = Field(min_length=1, description="In key order: the first is F2.")


# ---------------------------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------------------------


class Feature(Strict):
    """A selling point on the product card; its keywords make a mention count as F."""

    name: OneLine = Field(description="The feature as shown on the card, e.g. 360°热风循环.")
    keywords: list[str] = Field(default_factory=list, description="Words that mention it.")
    advantage: str = Field("", description="What it does (A), shown on the card.")
    benefit: str = Field("", description="What it means to the shopper (B), shown on the card.")


class Spec(Strict):
    """A numeric fact; a reply stating another number for it contradicts the card."""

    name: OneLine = Field(description="e.g. 容量.")
    value: float = Field(description="The true value, e.g. 5.")
    unit: str = Field(description="Unit as written after the number, e.g. L, 元, 台, 天.")
    keywords: list[str] = Field(default_factory=list, description="Words that refer to this spec.")


class Offer(Strict):
    """An offer on the card with its terms: what an agent may quote, and the arithmetic of it."""

    text: str | None = Field(None, description="How the card shows it; written from the terms when left out.")

    def shown(self) -> str:
        """The offer as the card shows it."""
        return self.text or self.describe()

    def describe(self) -> str:
        raise NotImplementedError


class DiscountOffer(Offer):
    """限时价: the card's price is the original price less ``off``, until a deadline."""

    kind: Literal["discount"] = Field(description="`discount`.")
    off: float = Field(gt=0, description="How much the price is cut, in 元 (original_price − price).")
    until: str | None = Field(None, description="When the price ends, as the card says it (今晚24点, 6月18日).")

    def describe(self) -> str:
        return f"限时直降{self.off:g}元" + (f"，{self.until}截止" if self.until else "")


class ThresholdOffer(Offer):
    """满减: an order of at least ``spend`` is ``off`` cheaper (每满: again for every ``spend``)."""

    kind: Literal["threshold"] = Field(description="`threshold`.")
    spend: float = Field(gt=0, description="Order total it needs, in 元.")
    off: float = Field(gt=0, description="How much it takes off, in 元.")
    repeat: bool = Field(False, description="每满: taken off again for every ``spend`` of the order.")

    def describe(self) -> str:
        return f"{'每' if self.repeat else ''}满{self.spend:g}减{self.off:g}"


class CouponOffer(Offer):
    """优惠券: ``off`` from an order of at least ``spend`` (0: no threshold), once per order."""

    kind: Literal["coupon"] = Field(description="`coupon`.")
    off: float = Field(gt=0, description="The coupon's value, in 元.")
    spend: float = Field(0, ge=0, description="Order total it needs, in 元 (0: 无门槛).")

    def describe(self) -> str:
        return f"满{self.spend:g}减{self.off:g}元券" if self.spend else f"{self.off:g}元无门槛券"


class BundleOffer(Offer):
    """组合价: ``quantity`` units for ``price``."""

    kind: Literal["bundle"] = Field(description="`bundle`.")
    quantity: int = Field(ge=2, description="Units in the bundle.")
    price: float = Field(gt=0, description="The bundle's price, in 元.")

    def describe(self) -> str:
        return f"{self.quantity}件{self.price:g}元"


class GiftOffer(Offer):
    """赠品: what comes with the order, and on what condition."""

    kind: Literal["gift"] = Field(description="`gift`.")
    gift: str = Field(min_length=1, description="What is given, e.g. 硅胶垫.")
    condition: str | None = Field(None, description="When, e.g. 今天下单 (none: with every order).")

    def describe(self) -> str:
        return f"{self.condition or ''}送{self.gift}"


class DepositOffer(Offer):
    """预售定金: ``deposit`` is paid now and counts as ``counts_as`` against the price (定金膨胀: 付50抵100);
    the rest, the balance (尾款: price − counts_as), is paid later, so one unit costs deposit + 尾款."""

    kind: Literal["deposit"] = Field(description="`deposit`.")
    deposit: float = Field(gt=0, description="The deposit paid now, in 元.")
    counts_as: float | None = Field(
        None, gt=0, description="What the deposit counts for against the price, in 元 (定金膨胀); none: its own value."
    )
    until: str | None = Field(None, description="When the deposit must be paid by, as the card says it (8月24日24点).")
    balance_until: str | None = Field(None, description="When the balance (尾款) must be paid by, as the card says it.")

    @property
    def credit(self) -> float:
        """What the deposit takes off the price."""
        return self.counts_as if self.counts_as is not None else self.deposit

    @model_validator(mode="after")
    def _counts_at_least_itself(self) -> DepositOffer:
        if self.credit < self.deposit:
            raise ValueError(
                f"counts_as {self.credit:g} is less than the deposit {self.deposit:g}: a deposit counts at least "
                "as itself; write the larger figure of 付X抵Y as counts_as"
            )
        return self

    def describe(self) -> str:
        swell = f"抵{self.credit:g}元" if self.credit != self.deposit else ""
        return f"付定金{self.deposit:g}元{swell}" + (f"，{self.until}前" if self.until else "")


#: A promotion: plain text as the card shows it, or an offer with terms the rubric can check sums by.
Promotion = Annotated[
    Annotated[str, Tag("kind=text")]
    | Annotated[DiscountOffer, Tag("kind=discount")]
    | Annotated[ThresholdOffer, Tag("kind=threshold")]
    | Annotated[CouponOffer, Tag("kind=coupon")]
    | Annotated[BundleOffer, Tag("kind=bundle")]
    | Annotated[GiftOffer, Tag("kind=gift")]
    | Annotated[DepositOffer, Tag("kind=deposit")],
    Discriminator(
        lambda value: "kind=text" if isinstance(value, str) else _criterion_kind(value),
        custom_error_type="promotion_kind",
        custom_error_message="a promotion is its text (限时直降100元) or an offer with a kind: "
        "discount, threshold, coupon, bundle, gift or deposit",
    ),
]

#: The most units of one order the price arithmetic considers (两件, 三盒…).
ORDER_UNITS_MAX = 10


class Variant(Strict):
    """One more model sold on the card's page (型号, 款式, 规格) with a price of its own."""

    name: OneLine = Field(min_length=1, description="The model as the page names it, e.g. 旋转款（0-4岁）.")
    keywords: list[str] = Field(
        default_factory=list, description="Words that name it in a reply (旋转款, 0-4岁): a price in a clause "
        "naming it is held to its price."
    )
    price: float = Field(gt=0, description="Its current price in 元.")
    original_price: float | None = Field(None, gt=0, description="Its price before the discount, in 元.")

    def named_in(self, clause: str) -> bool:
        """Whether a (normalised) clause names this model."""
        return any(word and word.lower() in clause for word in (self.name, *self.keywords))


class Faq(Strict):
    """A question shoppers ask about the product, and the shop's answer."""

    question: str = Field(min_length=1, description="The question as a shopper asks it, e.g. 能放洗碗机吗？")
    answer: str = Field(min_length=1, description="The shop's answer, e.g. 内锅可以，机身不行。")


class Product(Strict):
    """The product card shown to the trainee and used to recognise features and claims."""

    name: OneLine = Field(description="Product name; fills {product} in the customer's lines.")
    price: float = Field(gt=0, description="Current price in 元; fills {price}.")
    original_price: float | None = Field(None, gt=0, description="Price before the discount, in 元.")
    other_prices: list[float] = Field(
        default_factory=list, description="Other prices one may correctly quote (after coupons…)."
    )
    variants: list[Variant] = Field(
        default_factory=list,
        description="Other models on the same page with prices of their own (旋转款 1299元 beside the card's 899元): "
        "a price quoted in a clause that names one is checked against its price, with the card's 满减 and coupons.",
    )
    features: list[Feature] = Field(default_factory=list, description="Selling points (the F of FAB).")
    specs: list[Spec] = Field(default_factory=list, description="Numeric facts replies are checked against.")
    promotions: list[Promotion] = Field(
        default_factory=list,
        description="Current offers: their text as the card shows it, or offers with terms (a discount, 满减, a "
        "coupon, a bundle price, a gift, a presale deposit), by which the rubric checks the sums a reply quotes.",
    )
    stock: int = Field(ge=0, description="Units in stock, shown on the card.")
    shipping: str = Field(description="Shipping terms shown on the card.")
    returns: str = Field(description="Return terms shown on the card.")
    faq: list[Faq] = Field(
        default_factory=list, description="Questions shoppers ask about it, with the shop's answer (常见问题)."
    )

    def fill(self, text: str) -> str:
        """``text`` with the card's {product}, {price}, {shipping} and {returns} filled in."""
        values = {"product": self.name, "price": f"{self.price:g}", "shipping": self.shipping, "returns": self.returns}
        return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    @field_validator("promotions")
    @classmethod
    def _discounts_add_up(cls, promotions: list[Promotion], info: ValidationInfo) -> list[Promotion]:
        price, original = info.data.get("price"), info.data.get("original_price")
        for index, offer in enumerate(promotions):
            if isinstance(offer, DepositOffer) and price is not None and offer.credit > price:
                raise ValueError(
                    f"promotions[{index}]: the deposit counts as {offer.credit:g}, more than the price {price:g}, "
                    "so nothing would be left to pay; correct one of them"
                )
            if isinstance(offer, DiscountOffer) and price is not None and original is not None:
                if abs(original - offer.off - price) > 0.005:
                    raise ValueError(
                        f"promotions[{index}] takes {offer.off:g} off the original_price {original:g}, which makes "
                        f"{original - offer.off:g}, not the price {price:g}; correct one of them"
                    )
        return promotions

    @property
    def offers(self) -> list[Offer]:
        """The promotions that have terms."""
        return [p for p in self.promotions if isinstance(p, Offer)]

    @property
    def promotion_texts(self) -> list[str]:
        """Every promotion as the card shows it."""
        return [p if isinstance(p, str) else p.shown() for p in self.promotions]

    @property
    def quotable_prices(self) -> list[float]:
        """Every price an agent may state for one unit, or for a bundle, without contradicting the card."""
        extra = [self.original_price] if self.original_price else []
        bundles = [o.price for o in self.offers if isinstance(o, BundleOffer)]
        bundles += [round(o.price / o.quantity, 2) for o in self.offers if isinstance(o, BundleOffer)]
        thresholds = [total for n in self._units_to_reach() for total in self.totals(n)]
        presale = [figure for o in self._deposits() for figure in (o.deposit, o.credit, self.price - o.credit)]
        models = [price for v in self.variants for price in self.variant_prices(v)]
        return list(dict.fromkeys([*self.totals(1), *extra, *self.other_prices, *bundles, *thresholds, *presale, *models]))

    def variant_prices(self, variant: Variant) -> list[float]:
        """Every price an agent may state for one unit of ``variant``: its price, its original price,
        and its price after each 满减 or coupon one unit reaches."""
        extra = [variant.original_price] if variant.original_price else []
        return list(dict.fromkeys([*self.totals(1, variant.price), *extra]))

    def totals(self, units: int, price: float | None = None) -> list[float]:
        """What an order of ``units`` may correctly cost: at the card's price, with or without each
        offer that applies (a bundle, 满减, a coupon, a presale deposit), smallest first. At another
        ``price`` (a variant's), only 满减 and coupons apply: bundles and deposits are the card's."""
        offers = self.offers
        own = price is None
        price = self.price if price is None else price
        bundles = [o for o in offers if isinstance(o, BundleOffer) and o.quantity <= units] if own else []
        subtotals = {units * price, *(self._bundled(units, b) for b in bundles)}
        totals = set(subtotals)
        for subtotal in subtotals:
            after_threshold = {subtotal}
            for o in offers:
                if isinstance(o, ThresholdOffer) and subtotal >= o.spend:
                    times = int(subtotal // o.spend) if o.repeat else 1
                    after_threshold.add(subtotal - times * o.off)
            totals |= after_threshold
            for value in after_threshold:
                totals |= {value - o.off for o in offers if isinstance(o, CouponOffer) and value >= o.spend}
        # a presale: each unit costs its deposit and its balance (付定金50抵100 on 228: 50 + 128)
        totals |= {units * (o.deposit + self.price - o.credit) for o in self._deposits()} if own else set()
        return sorted(round(t, 2) for t in totals if t > 0)

    def _deposits(self) -> list[DepositOffer]:
        return [o for o in self.offers if isinstance(o, DepositOffer)]

    def _bundled(self, units: int, bundle: BundleOffer) -> float:
        """``units`` bought as many bundles as fit, the rest at the card's price."""
        return units // bundle.quantity * bundle.price + units % bundle.quantity * self.price

    def _units_to_reach(self) -> list[int]:
        """For each 满减 or coupon threshold above one unit's price, the fewest units that reach it."""
        needed = []
        for o in self.offers:
            spend = o.spend if isinstance(o, ThresholdOffer | CouponOffer) else 0
            if spend > self.price:
                units = int(-(-spend // self.price))
                if units <= ORDER_UNITS_MAX:
                    needed.append(units)
        return needed


class ProductCard(Product):
    """A product card of its own (商品卡, ``products/<id>.yaml``): filled from the product page, named
    by id in scenarios (``product: <id>``) and by ``roleplay grade --product``."""

    id: Identifier = Field(description="Unique product id; name the file after it (products/<id>.yaml).")


#: A scenario's card: an id (a string) or the card itself (a mapping). Tagged, so that a broken
#: card's errors name its keys (product.price), not both ways a value could have been read; the
#: loader leaves "kind=" tags out of error locations.
ProductRef = Annotated[
    Annotated[Product, Tag("kind=card")] | Annotated[Identifier, Tag("kind=id")],
    Discriminator(
        lambda value: "kind=id" if isinstance(value, str) else "kind=card" if isinstance(value, dict | Product) else None,
        custom_error_type="product_ref",
        custom_error_message="give the id of a card in products/ (product: air_fryer_5l) or write the card here",
    ),
]


class Intent(Strict):
    """What a trainee's reply means, recognised with keywords and example phrases."""

    label: OneLine = Field(description="Chinese name shown in feedback, e.g. 价值拆分.")
    keywords: list[str] = Field(default_factory=list, description="Words or short phrases.")
    examples: list[str] = Field(default_factory=list, description="Whole example replies.")
    threshold: Percent = Field(
        70, description="Similarity (0–100) to an example needed to match without a keyword."
    )

    @model_validator(mode="after")
    def _has_something(self) -> Intent:
        if not self.keywords and not self.examples:
            raise ValueError("an intent needs keywords or examples")
        return self


class Condition(Strict):
    """Conditions on the customer's state; every given bound must hold."""

    mood_gte: Percent | None = Field(None, description="Mood is at least this.")
    mood_lte: Percent | None = Field(None, description="Mood is at most this.")
    patience_gte: Percent | None = Field(None, description="Patience is at least this.")
    patience_lte: Percent | None = Field(None, description="Patience is at most this.")
    interest_gte: Percent | None = Field(None, description="Interest is at least this.")
    interest_lte: Percent | None = Field(None, description="Interest is at most this.")
    turn_gte: int | None = Field(
        None, ge=0, description="Trainee replies so far, this one included, are at least this."
    )
    turn_lte: int | None = Field(
        None, ge=0, description="Trainee replies so far, this one included, are at most this."
    )
    visited: list[Identifier] = Field(default_factory=list, description="Nodes already passed.")
    not_visited: list[Identifier] = Field(default_factory=list, description="Nodes not passed yet.")


#: The signals every rubric's criteria kinds give a scenario transition; closing:<technique> and
#: the cue criteria's events are signals too.
SIGNALS = ("fab_pitch", "closing_attempt", "forbidden", "rude")
Signal = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z_]*(?::[a-z_]+)?$",
        description="A rubric signal: fab_pitch, closing_attempt, closing:<technique>, forbidden (any 服务禁语, "
        "an absolute claim too), rude (one the shopper hears as rude: offends_shopper), or the event of one of "
        "the rubric's cue criteria (greeting, needs_question…).",
    ),
]


class Transition(Strict):
    """An edge of the scenario graph, taken when its intent/signal and conditions hold."""

    to: Identifier = Field(description="Target node id.")
    intent: Identifier | None = Field(None, description="Intent id the reply must match.")
    signal: Signal | None = Field(None, description="Rubric signal the reply must give.")
    when: Condition = Field(default_factory=Condition, description="Conditions on the customer's state.")
    effects: Effects = Field(
        default_factory=Effects, description="State changes when the transition is taken."
    )


Line = str | list[str]


class Node(Strict):
    """A point in the conversation: what the customer says and where it can go next."""

    say: list[Line] = Field(
        default_factory=list,
        description="Customer messages in order; a list gives variants; '@situation' uses the phrasebook.",
    )
    expects: list[Identifier] = Field(
        default_factory=list,
        description="What a good reply here contains, as the rubric's criteria: fab, closing, needs, or another "
        "cue criterion such as confirm_order or farewell (a reply without it is told so); drives feedback.",
    )
    buying_signal: bool = Field(False, description="The customer's lines here signal readiness to buy.")
    model_answer: str = Field("", description="参考话术 shown in feedback for replies at this node.")
    transitions: list[Transition] = Field(
        default_factory=list,
        description="Ways forward. A reply takes the triggered one meeting most triggers (intent and "
        "signal), then the strongest intent match, then the first listed; with none, the default one "
        "(no intent, no signal).",
    )
    outcome: Outcome | None = Field(
        None, description="Set on terminal nodes: converted (成交), lost (流失) or unpaid (拍下未付)."
    )

    @model_validator(mode="after")
    def _outcomes_are_terminal(self) -> Node:
        if self.outcome and self.transitions:
            raise ValueError("a node with an outcome ends the session and cannot have transitions")
        return self


class ScriptedReply(Strict):
    """A trainee reply in a self-test, with the seconds it took."""

    text: str = Field(min_length=1, description="The reply as the trainee would type it.")
    latency: float = Field(
        DEFAULT_LATENCY, ge=0, description="Seconds from the customer's message to sending the reply."
    )


class ScenarioTest(Strict):
    """A self-test: replies played in order against the scenario, and what must happen.

    Run with ``roleplay test``, like a conversation test story: the same replies and seed always
    give the same session, so a test fails exactly when an edit changes the scenario's behaviour.
    """

    name: OneLine = Field(description="What the test shows, e.g. 熟练客服：FAB介绍后快速成交.")
    seed: int = Field(0, description="Random seed of the session (line variants, reaction chances).")
    replies: list[str | ScriptedReply] = Field(
        min_length=1,
        description=f"Trainee replies in order; a plain string took {DEFAULT_LATENCY:g} seconds. Every "
        "reply must be used: the test fails if the session ends before the last one.",
    )
    path: list[Identifier] | None = Field(
        None,
        description="Every node the conversation passes through, in order, the start node first "
        "(exactly, not a prefix). Leave out to check only the outcome.",
    )
    outcome: ExpectedOutcome = Field(
        description="How the session ends: converted, lost, unpaid, or unfinished (still going after "
        "the last reply)."
    )
    passed: bool | None = Field(
        None, description="Whether the rubric passes the session; leave out to not check the score."
    )


class Scenario(Strict):
    """A branching conversation with one simulated customer about one product."""

    id: Identifier = Field(description="Unique scenario id; name the file after it (scenarios/<id>.yaml).")
    title: OneLine = Field(description="Chinese title shown to the trainee.")
    difficulty: Difficulty = Field(description="easy (入门), medium (进阶) or hard (困难).")
    persona: Identifier = Field(description="Persona id.")
    rubric: Identifier = Field("default", description="Rubric id used to score this scenario.")
    description: str = Field(
        "", description="The situation and the goal, shown to the trainee before the chat."
    )
    product: ProductRef = Field(
        description="The product card: the id of a card in products/ (product: air_fryer_5l), or the card "
        "itself, written in the scenario."
    )
    max_turns: int = Field(12, ge=1, description="The customer leaves (lost) after this many replies.")
    fail_outcomes: list[Outcome] | None = Field(
        None,
        description="Outcomes that fail a session of this scenario whatever its score, instead of the "
        "rubric's fail_outcomes: a 催付 drill lists unpaid.",
    )
    intents: dict[Identifier, Intent] = Field(
        default_factory=dict, description="What replies can mean, by intent id; transitions refer to them."
    )
    start: Identifier = Field(description="Id of the node the conversation starts at.")
    nodes: dict[Identifier, Node] = Field(description="The conversation graph, by node id.")
    tests: list[ScenarioTest] = Field(
        default_factory=list,
        description="Self-tests run by `roleplay test`: scripted replies and what must happen.",
    )
