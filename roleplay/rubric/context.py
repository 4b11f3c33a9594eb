"""The input of every criterion: one reply, analysed once, with what the criteria need to know."""

from __future__ import annotations

from dataclasses import dataclass, field

from roleplay.content.models import Product
from roleplay.text.analysed import Analysed
from roleplay.text.match import PhraseMatcher
from roleplay.text.ngram_model import ModelStack
from roleplay.text.normalize import normalize

@dataclass(slots=True)
class ReplyContext:
    """One trainee reply in its conversation."""

    reply: Analysed
    index: int = 0
    latency_s: float | None = None
    #: Seconds from the first keystroke to Enter, when the app measured them; None with
    #: ``typing_measured``: nothing to measure (a paste, a quick reply).
    typing_s: float | None = None
    #: Whether keystrokes were timed (the app); otherwise typing speed is estimated from the latency.
    typing_measured: bool = False
    customer_text: str = ""
    buying_signal: bool = False
    expects: tuple[str, ...] = ()
    product: Product | None = None
    #: For each earlier reply, whether it pushed for the sale (a close the shopper did not ask about).
    prior_pushes: list[bool] = field(default_factory=list)
    #: The rubric's question words; the scorer sets them before the criteria read the reply.
    questions: PhraseMatcher | None = None
    #: Clauses holding forbidden language that offends the shopper (set by the scorer first).
    insulting_clauses: frozenset[int] = frozenset()
    #: The rubric's learned models, judged together (the scorer sets them, like ``questions``).
    models: ModelStack | None = None
    _leans: dict[str, dict[str, float]] | None = None

    def leans(self, criterion: str) -> dict[str, float]:
        """How far the reply leans towards each of ``criterion``'s learned models (log-odds),
        summed for every criterion's models at once on first use."""
        if self._leans is None:
            self._leans = self.models.leans(self.reply.gram_keys) if self.models else {}
        return self._leans.get(criterion, {})

    @property
    def is_first(self) -> bool:
        return self.index == 0

    _customer_norm: str | None = None

    @property
    def customer_norm(self) -> str:
        """The customer's words normalised (once: FAB and closing both read them)."""
        if self._customer_norm is None:
            self._customer_norm = normalize(self.customer_text)
        return self._customer_norm

    _question_clauses: frozenset[int] | None = None

    @property
    def question_clauses(self) -> frozenset[int]:
        """Indexes of the reply's clauses that ask something (end in ? or hold a question word)."""
        if self._question_clauses is None:
            reply = self.reply
            asked = {reply.clause_of(h.start) for h in self.questions.find(reply.norm)} if self.questions else set()
            asked.update(i for i, (_, end) in enumerate(reply.clauses) if reply.norm[end : end + 1] == "?")
            # "您要240ml单只装，还是双瓶套装呢？": the clause before an alternative asks too.
            asked.update(i - 1 for i in list(asked) if i and reply.norm.startswith("还是", reply.clauses[i][0]))
            self._question_clauses = frozenset(asked)
        return self._question_clauses
