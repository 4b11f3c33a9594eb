"""Grade real chat logs (JSON Lines) with the same rubric as practice sessions.

Input: one transcript per line::

    {"id": "c1", "scenario": "air_fryer_fab", "turns": [
        {"role": "customer", "text": "在吗", "at": 0},
        {"role": "agent", "text": "亲，在的", "at": "2026-11-01T10:00:04+08:00"}]}

``product`` (a card id in products/) instead of or beside ``scenario`` names the card the
conversation was about: replies are checked against it (prices, specs) and its feature words
count as F. ``roleplay grade --product ID`` names one card for the whole file.

``at`` is seconds from the start or an ISO-8601 time (one kind per transcript, never going
backwards). An agent reply's latency is measured from the first customer message it answers
(the platforms' "round"); further agent messages in the same round have no latency of their own.
What cannot be graded fairly — times out of order, an empty reply, no reply at all — is an
error for its line, never a silently perfect or empty score.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roleplay.content.library import Library
from roleplay.content.jsonl import LineError, RecordId, read_jsonl
from roleplay.content.models import Product, Rubric
from roleplay.rubric.fingerprint import fingerprint
from roleplay.rubric.result import ReplyScore
from roleplay.rubric.scorer import scorer_for


class LogTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["customer", "agent"]
    text: str
    at: float | datetime | None = Field(None, description="Seconds from the start, or ISO-8601.")

    @field_validator("at", mode="before")
    @classmethod
    def _seconds_or_iso(cls, value: Any) -> float | datetime | None:
        """Seconds as a finite number ≥ 0, or an ISO-8601 string — nothing in between.

        Pydantic's own datetime would also take -5 or "12" as Unix times (1969, 1970), and 1e400
        or NaN seconds would come out as invalid JSON.
        """
        if value is None:
            return None
        if isinstance(value, str):
            return _iso_time(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("must be seconds from the start (a number) or an ISO-8601 time (a string)")
        return _finite_seconds(value)

    @model_validator(mode="after")
    def _agent_said_something(self) -> LogTurn:
        """An empty reply would be scored as a (bad) reply the agent never wrote."""
        if self.role == "agent" and not self.text.strip():
            raise ValueError("an agent reply with no text: remove the turn or fill in what was said")
        return self


def _iso_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"not an ISO-8601 time (got {_shown(text)}): write e.g. 2026-11-01T10:00:04+08:00, or seconds as a number"
        ) from None


def _finite_seconds(value: float) -> float:
    try:
        seconds = float(value)
    except OverflowError:  # an integer with hundreds of digits
        seconds = math.inf
    if not math.isfinite(seconds):
        raise ValueError(f"must be a finite number of seconds (got {_shown(value)})")
    if seconds < 0:
        raise ValueError(f"seconds from the start cannot be negative (got {_shown(value)})")
    return seconds


def _shown(value: object) -> str:
    return _cut(repr(value))


def _cut(text: str) -> str:
    """``text`` cut short: a line's error message must stay one readable line."""
    return text if len(text) <= 30 else text[:29] + "…"


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: RecordId
    scenario: str | None = None
    product: str | None = None
    turns: list[LogTurn] = Field(min_length=1)

    @model_validator(mode="after")
    def _gradable(self) -> Transcript:
        """A log with no agent reply, or with times the latencies cannot come from, is refused."""
        if not any(turn.role == "agent" for turn in self.turns):
            raise ValueError('no agent replies to grade: the transcript needs a turn with "role": "agent"')
        _check_times(self.turns)
        return self


def _check_times(turns: list[LogTurn]) -> None:
    """ValueError naming the turn if the times mix kinds or time zones, or go backwards."""
    timed = [(index, turn.at) for index, turn in enumerate(turns) if turn.at is not None]
    if not timed:
        return
    first_index, first = timed[0]
    for index, at in timed:
        if isinstance(at, datetime) != isinstance(first, datetime):
            raise ValueError(
                f"turns[{index}].at is {_kind(at)} but turns[{first_index}].at is {_kind(first)}: "
                "use one kind of time in a transcript"
            )
        if isinstance(at, datetime) and (at.tzinfo is None) != (first.tzinfo is None):  # type: ignore[union-attr]
            raise ValueError(
                f"turns[{index}].at and turns[{first_index}].at mix ISO times with and without a time zone: "
                "give every time a zone (e.g. +08:00) or none"
            )
    for (_, before), (index, at) in zip(timed, timed[1:]):
        if at < before:  # type: ignore[operator]
            raise ValueError(f"turns[{index}].at goes backwards ({_at_text(at)} < {_at_text(before)})")


def _kind(at: float | datetime) -> str:
    """How a time was written, for messages."""
    return "an ISO time" if isinstance(at, datetime) else "seconds"


def _at_text(at: float | datetime) -> str:
    """A time as the log wrote it, for messages: ``5`` or ``2026-11-01T10:00:05+08:00``."""
    return at.isoformat() if isinstance(at, datetime) else f"{at:g}"


def read_transcripts(text: str) -> Iterator[tuple[int, Transcript | LineError]]:
    """Parse JSON Lines; a bad line yields a LineError and the rest are still read."""
    return read_jsonl(text, Transcript, "a transcript is an object with a list of turns")


def _seconds(turns: list[LogTurn]) -> list[float | None]:
    """Each turn's time in seconds (ISO times: from the first one; the model checked they agree)."""
    origin: datetime | None = next((t.at for t in turns if isinstance(t.at, datetime)), None)
    return [
        (t.at - origin).total_seconds() if isinstance(t.at, datetime) and origin else t.at  # type: ignore[misc]
        for t in turns
    ]


def grade_transcript(transcript: Transcript, rubric: Rubric, product: Product | None) -> dict[str, Any]:
    """Score every agent turn and the whole conversation; the JSON contract of `roleplay grade`."""
    scorer = scorer_for(rubric)
    times = _seconds(transcript.turns)
    round_start: float | None = None
    waiting: list[str] = []
    answered_round = False
    replies: list[ReplyScore] = []
    turns_out: list[dict[str, Any]] = []
    for turn, at in zip(transcript.turns, times):
        if turn.role == "customer":
            if answered_round or not waiting:
                waiting, round_start = [], at
            answered_round = False
            waiting.append(turn.text)
            turns_out.append({"role": "customer", "text": turn.text, "at": at})
            continue
        latency = None
        if not answered_round and round_start is not None and at is not None:
            latency = max(0.0, at - round_start)
        score = scorer.score_text(
            turn.text,
            index=len(replies),
            latency_s=latency,
            customer_text="\n".join(waiting),
            product=product,
            prior_pushes=[scorer.pushed(r) for r in replies],
        )
        answered_round = True
        replies.append(score)
        turns_out.append({"role": "agent", "at": at, **score.to_dict()})
    session = scorer.score_session(replies)
    return {
        "id": transcript.id,
        "scenario": transcript.scenario,
        **({"product": getattr(product, "id", None)} if getattr(product, "id", None) else {}),
        "rubric": {"id": rubric.id, "version": rubric.version, "hash": fingerprint(rubric)},
        **session.to_dict(),
        "turns": turns_out,
    }


def grade_text(
    text: str, library: Library, rubric_id: str | None = None, product_id: str | None = None
) -> tuple[list[dict[str, Any]], list[LineError]]:
    """Grade every transcript in a JSON Lines text; returns results and per-line errors.

    The card a conversation is checked against: ``product_id`` (``--product``) for every line,
    else the line's own ``product``, else its scenario's card."""
    results, errors = [], []
    for number, item in read_transcripts(text):
        if isinstance(item, LineError):
            errors.append(item)
            continue
        try:
            scenario = library.scenario(item.scenario) if item.scenario else None
            rubric = library.rubric(rubric_id or (scenario.rubric if scenario else "default"))
            card_id = product_id or item.product
            product = library.product(card_id) if card_id else scenario.product if scenario else None
            results.append(grade_transcript(item, rubric, product))
        except (LookupError, ValueError) as exc:
            errors.append(LineError(number, str(exc)))
    return results, errors
