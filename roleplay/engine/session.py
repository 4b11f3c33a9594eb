"""A practice session: the simulated customer walking a scenario graph, reacting to each reply.

The session is a pure state machine. ``start()`` returns the customer's first messages; each
``reply(text, latency_s)`` scores the reply with the rubric, lets the persona react to the
rubric's events (mood, patience, interest), follows the scenario's transitions and returns the
customer's next messages. All randomness (line variants, reaction chances) comes from one
seeded RNG, so the same seed and replies replay the same session.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from roleplay.content.models import Effects, Node, Persona, Rubric, Scenario, Transition
from roleplay.engine.intents import IntentMatch, IntentMatcher, thesaurus_for
from roleplay.labels import OUTCOMES
from roleplay.rubric.context import ReplyContext
from roleplay.rubric.result import ReplyScore, SessionScore
from roleplay.rubric.scorer import Scorer, scorer_for
from roleplay.text.analysed import Analysed
from roleplay.text.prefilter import PREFILTER


@dataclass(slots=True)
class CustomerState:
    """The simulated customer's feelings, each 0–100."""

    mood: int
    patience: int
    interest: int

    def apply(self, effects: Effects) -> None:
        self.mood = _clamp(self.mood + effects.mood)
        self.patience = _clamp(self.patience + effects.patience)
        self.interest = _clamp(self.interest + effects.interest)

    def copy(self) -> CustomerState:
        return CustomerState(self.mood, self.patience, self.interest)


@dataclass(frozen=True, slots=True)
class Message:
    """A chat message. ``typing_s`` is how long the customer 'types' before it appears."""

    role: str  # "customer" | "agent"
    text: str
    typing_s: float = 0.0


@dataclass(slots=True)
class Turn:
    """One trainee reply and everything that followed from it."""

    index: int
    node: str
    answered: list[Message]  # the customer's messages this reply answered
    text: str
    latency_s: float
    score: ReplyScore
    intent: IntentMatch | None
    next_node: str
    customer: list[Message]
    state: CustomerState
    model_answer: str
    ended: bool
    outcome: str | None
    #: The session's scores with this reply, as the records keep them while it goes on.
    running: SessionScore
    #: What the rubric was told besides the reply, its time and the customer's words: what the node
    #: expected, whether a buying signal was due, the typing time (a re-score needs them).
    judged: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SessionReport:
    """The end of a session: outcome, scores and every turn."""

    scenario: Scenario
    persona: Persona
    rubric: Rubric
    seed: int
    outcome: str | None
    score: SessionScore
    turns: list[Turn]

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.outcome]


class Session:
    """One run of a scenario with its persona, scored with its rubric."""

    def __init__(self, scenario: Scenario, persona: Persona, rubric: Rubric, seed: int = 0) -> None:
        self.scenario = scenario
        self.persona = persona
        self.rubric = rubric
        self.seed = seed
        self.rng = random.Random(seed)
        self.scorer: Scorer = scorer_for(rubric)
        self.intents = IntentMatcher(scenario.intents, thesaurus_for(rubric), rubric.understanding)
        PREFILTER.prepare()  # every list of the session is in: the first reply should not wait for it
        traits = persona.traits
        self.state = CustomerState(traits.mood, traits.patience, traits.interest)
        self.node_id = scenario.start
        self.visited: list[str] = []
        self.turns: list[Turn] = []
        self.transcript: list[Message] = []
        self.outcome: str | None = None
        self.ended = False
        self._last_customer: list[Message] = []
        self._round_situations: set[str] = set()  # phrasebook situations said since the last reply
        self._said: set[str] = set()  # every line the customer has said (she does not repeat herself)
        self._stalls = 0  # replies in a row that led nowhere
        self._asked_to_buy = False  # she asked a buying question of her own (once a session)
        self._signal_pending = False  # ...which the next reply answers: a close is due

    # -- public API ------------------------------------------------------------------------------

    @property
    def node(self) -> Node:
        return self.scenario.nodes[self.node_id]

    def start(self) -> list[Message]:
        """The customer opens the chat."""
        if self.transcript:
            raise RuntimeError("session already started")
        self._last_customer = self._enter(self.scenario.start)
        return self._last_customer

    def nudge(self, waited_s: float) -> list[Message]:
        """The trainee has kept the customer waiting ``waited_s`` seconds since their message.

        Past the rubric's hard limit the customer asks where the agent went (a ``slow_reply``
        line), once per round; the reply is still scored for its whole latency, and the
        customer does not say the same complaint again when it comes.
        """
        hard_limit = self.rubric.criterion("latency").hard_limit_s
        if self.ended or not self.transcript or waited_s < hard_limit or "slow_reply" in self._round_situations:
            return []
        said = self._say(["@slow_reply"])
        self._last_customer = [*self._last_customer, *said]
        return said

    def reply(
        self, text: str, latency_s: float, typing_s: float | None = None, typing_measured: bool = False
    ) -> Turn:
        """Feed one trainee reply with the seconds it took (and, from an app that timed keystrokes,
        the seconds spent typing it); get the rubric result and what follows."""
        if self.ended:
            raise RuntimeError("the session has ended")
        if not self.transcript:
            raise RuntimeError("call start() before reply()")
        node_id, node = self.node_id, self.node
        self.transcript.append(Message("agent", text))
        ctx = ReplyContext(
            Analysed.of(text),
            index=len(self.turns),
            latency_s=latency_s,
            typing_s=typing_s,
            typing_measured=typing_measured,
            customer_text="\n".join(m.text for m in self._last_customer),
            buying_signal=node.buying_signal or self._signal_pending,
            expects=tuple(node.expects),
            product=self.scenario.product,
            prior_pushes=[self.scorer.pushed(t.score) for t in self.turns],
        )
        score = self.scorer.score_reply(ctx)
        self._signal_pending = False
        already_said, self._round_situations = self._round_situations, set()
        signals = self.scorer.signals(score)  # once: the reactions and the transitions read them
        said = self._react(score, signals, already_said)
        intent = None
        if self.state.patience <= 0:
            said += self._leave()
        else:
            transition, intent = self._choose(node, signals, ctx.reply, len(self.turns) + 1)
            if transition is None:
                self._stalls += 1
                said += self._no_progress(bool(said))
            else:
                self._stalls = 0
                self.state.apply(transition.effects)
                entered = self._enter(transition.to)
                # A customer who buys now does not complain first ("催得我更不想付了。付好了").
                said = entered if self.outcome == "converted" else said + entered + self._keen()
            out_of_turns = len(self.turns) + 1 >= self.scenario.max_turns
            stuck = self._stalls >= self._stall_limit()
            if not self.ended and (self.state.patience <= 0 or out_of_turns or stuck):
                said += self._leave()
        turn = Turn(
            index=len(self.turns),
            node=node_id,
            answered=list(self._last_customer),
            text=text,
            latency_s=latency_s,
            score=score,
            intent=intent,
            next_node=self.node_id,
            customer=said,
            state=self.state.copy(),
            model_answer=node.model_answer,
            ended=self.ended,
            outcome=self.outcome,
            running=self._score([*(t.score for t in self.turns), score]),
            judged={
                "node": node_id, "expects": list(ctx.expects), "buying_signal": ctx.buying_signal,
                "typing_s": typing_s, "typing_measured": typing_measured,
            },  # fmt: skip
        )
        self.turns.append(turn)
        self._last_customer = said or self._last_customer
        return turn

    def report(self) -> SessionReport:
        """Scores so far (a session quit early is reported with outcome None)."""
        score = self._score([t.score for t in self.turns], finished=self.ended)
        return SessionReport(
            self.scenario, self.persona, self.rubric, self.seed, self.outcome, score, list(self.turns)
        )

    def _score(self, replies: list[ReplyScore], finished: bool = True) -> SessionScore:
        return self.scorer.score_session(replies, self.outcome, finished=finished, fail_outcomes=self.scenario.fail_outcomes)

    # -- the customer's behaviour ----------------------------------------------------------------

    def _react(self, score: ReplyScore, signals: set[str], already_said: set[str]) -> list[Message]:
        """Apply the persona's reactions to the rubric events; at most one reaction line per reply,
        and not a complaint the customer made while waiting for it (人呢？ twice)."""
        said: list[Message] = []
        for reaction in self.persona.reactions:
            if reaction.on not in score.events:
                continue
            if reaction.technique and f"closing:{reaction.technique}" not in signals:
                continue
            self.state.apply(reaction.effects)
            repeated = reaction.say in already_said
            if reaction.say and not said and not repeated and self.rng.random() < reaction.chance:
                said.extend(self._say([f"@{reaction.say}"]))
        return said

    def _choose(
        self, node: Node, signals: set[str], reply: Analysed, turn_count: int
    ) -> tuple[Transition | None, IntentMatch | None]:
        """The transition to take, else the first default one.

        Among triggered transitions, one that met more triggers (intent and signal) wins, then
        the stronger intent match, then the first listed.
        """
        best: tuple[tuple[int, float], Transition, IntentMatch | None] | None = None
        default: Transition | None = None
        for transition in node.transitions:
            if not self._holds(transition, turn_count):
                continue
            if transition.intent is None and transition.signal is None:
                default = default or transition
                continue
            if transition.signal and transition.signal not in signals:
                continue
            match = self.intents.matches(transition.intent, reply) if transition.intent else None
            if transition.intent and match is None:
                continue
            strength = (bool(transition.intent) + bool(transition.signal), match.score if match else 100.0)
            if best is None or strength > best[0]:
                best = (strength, transition, match)
        if best is not None:
            return best[1], best[2]
        return default, None

    def _holds(self, transition: Transition, turn_count: int) -> bool:
        when, s = transition.when, self.state
        # a customer in a good mood says yes sooner: half her mood above good_mood counts as interest
        readiness = s.interest + max(0, s.mood - self.persona.traits.good_mood) // 2
        bounds = [
            (when.mood_gte, s.mood, 1), (when.mood_lte, s.mood, -1),
            (when.patience_gte, s.patience, 1), (when.patience_lte, s.patience, -1),
            (when.interest_gte, readiness, 1), (when.interest_lte, s.interest, -1),
            (when.turn_gte, turn_count, 1), (when.turn_lte, turn_count, -1),
        ]  # fmt: skip
        for bound, value, sign in bounds:
            if bound is not None and (value - bound) * sign < 0:
                return False
        visited = set(self.visited)
        return all(n in visited for n in when.visited) and not any(n in visited for n in when.not_visited)

    def _keen(self) -> list[Message]:
        """A customer in a good mood whose interest has grown asks how to buy, once: the next
        reply answers a buying signal (a close is due)."""
        traits, state = self.persona.traits, self.state
        if self.ended or self._asked_to_buy or state.mood < traits.good_mood or state.interest < traits.asks_to_buy_at:
            return []
        said = self._say(["@buying_question"])
        self._asked_to_buy = self._signal_pending = bool(said)
        return said

    def _stall_limit(self) -> int:
        """Replies in a row that may lead nowhere before she leaves: one fewer when she is short of patience."""
        traits = self.persona.traits
        return max(1, traits.stall_limit - (self.state.patience < traits.low_patience))

    def _no_progress(self, already_said: bool) -> list[Message]:
        """The reply led nowhere: the customer loses a little patience and, unless she reacted
        already, says so. The first time she asks again in other words (another variant of her
        question); after that she says she is losing patience (``impatient`` lines, else
        ``confused`` ones), asking again only in words she has not used; at the persona's
        ``stall_limit`` she leaves (see :meth:`reply`). She never loops on one line."""
        for reaction in self.persona.reactions:
            if reaction.on == "no_progress":
                self.state.apply(reaction.effects)
        if already_said or self._stalls >= self._stall_limit():
            return []
        question = self.node.say[-1:] if self.node.say else []
        impatient = self._stalls > 1 and self.persona.phrasebook.get("impatient")  # type: ignore[call-overload]
        unsaid = [line for line in question if self._unsaid(line)]
        return self._say(["@impatient" if impatient else "@confused", *unsaid])

    def _pick(self, options: list[str]) -> str:
        """One wording, at random; a customer short of patience takes the shortest (the RNG is
        drawn all the same, so what follows replays alike)."""
        chosen = self.rng.choice(options)
        if self.state.patience < self.persona.traits.low_patience:
            return min(options, key=len)
        return chosen

    def _unsaid(self, line: str | list[str]) -> list[str]:
        """The variants of ``line`` the customer has not said yet in this session."""
        variants = line if isinstance(line, list) else [line]
        return [v for v in variants if self.scenario.product.fill(v) not in self._said]

    def _enter(self, node_id: str) -> list[Message]:
        self.node_id = node_id
        self.visited.append(node_id)
        node = self.node
        said = self._say(node.say)
        if node.outcome:
            self._finish(node.outcome)
        return said

    def _leave(self) -> list[Message]:
        said = self._say(["@leaving"])
        self._finish("lost")
        return said

    def _finish(self, outcome: str) -> None:
        self.outcome = outcome
        self.ended = True

    def _say(self, lines: list[str | list[str]]) -> list[Message]:
        """Render lines: variants chosen with the RNG, '@situation' from the phrasebook."""
        messages = []
        product = self.scenario.product
        for line in lines:
            text = self._pick(self._unsaid(line) or line) if isinstance(line, list) else line
            if text.startswith("@"):
                options = self.persona.phrasebook.get(text[1:])  # type: ignore[call-overload]
                if not options:
                    continue
                self._round_situations.add(text[1:])
                # a line she has not said yet in this session, while the phrasebook has one
                text = self._pick(self._unsaid(options) or options)
            text = product.fill(text)
            message = Message("customer", text, self.persona.traits.typing_s(text))
            messages.append(message)
            self.transcript.append(message)
            self._said.add(text)
        return messages


def _clamp(value: int) -> int:
    return max(0, min(100, value))
