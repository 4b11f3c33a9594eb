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

Any volume is graded in constant memory: lines are read, graded and handed on one batch at a
time (:func:`grade_lines`), on every core when asked (roleplay.parallel), in input order. A line
longer than :data:`MAX_LINE_BYTES` or a message longer than :data:`MAX_TEXT_CHARS` is an error for
its line; the rest is graded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import chain, islice
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roleplay.content.library import Library
from roleplay.content.jsonl import LineError, RecordId, parse_line, read_jsonl
from roleplay.content.models import Product, Rubric
from roleplay.content.yamlmarks import NOT_UTF8, undecodable_position
from roleplay.parallel import ordered_map
from roleplay.rubric.fingerprint import fingerprint
from roleplay.rubric.result import ReplyScore
from roleplay.rubric.scorer import scorer_for
from roleplay.text import segment

#: The longest line (one transcript) read, in bytes: a longer one is skipped unread and reported.
#: A day's conversation with one customer is a few kilobytes; the limit leaves room for hundreds
#: of turns while keeping one bad line from filling the memory.
MAX_LINE_BYTES = 1 << 20
#: The longest message of a transcript, in characters (a chat platform's own limits are lower).
MAX_TEXT_CHARS = 5000
#: Transcripts graded as one piece of work by a worker process (large enough that handing work
#: between processes costs little, small enough that output follows input closely).
BATCH = 16
#: Up to this many transcripts the file is graded in this process: starting workers would cost
#: more than it saves.
SMALL_INPUT = 2 * BATCH


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

    @field_validator("text")
    @classmethod
    def _not_too_long(cls, text: str) -> str:
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(
                f"a message of {len(text):,} characters is over the limit of {MAX_TEXT_CHARS:,}: "
                "a chat message is never this long; split the log or cut the pasted text"
            )
        return text

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
    """Grade every transcript in a JSON Lines text; returns results and per-line errors."""
    lines = ((number, raw) for number, raw in enumerate(text.split("\n"), start=1) if raw.strip())
    results, errors = [], []
    for _, item in grade_lines(lines, library, rubric_id, product_id, jobs=1):
        (errors if isinstance(item, LineError) else results).append(item)
    return results, errors


def grade_lines(
    lines: Iterable[tuple[int, str | LineError]],
    library: Library,
    rubric_id: str | None = None,
    product_id: str | None = None,
    jobs: int = 1,
    finish: Callable[[dict[str, Any]], Any] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Grade numbered JSON lines as they come, in ``jobs`` processes; yields each line's result
    (or what is wrong with it, a LineError) in input order, holding only the batches in flight.

    The card a conversation is checked against: ``product_id`` (``--product``) for every line,
    else the line's own ``product``, else its scenario's card. ``finish`` turns a result into what
    is yielded, in the worker: a result written as JSON is best serialised where it was graded,
    since handing a string between processes costs a fraction of handing its dictionary."""
    global _GRADING
    _GRADING = (library, rubric_id, product_id, finish)
    batches = _batches(iter(lines))
    first = list(islice(batches, SMALL_INPUT // BATCH + 1))
    if jobs > 1 and len(first) * BATCH > SMALL_INPUT:
        # The first batch is graded here before the workers are forked: they inherit everything
        # it loaded (jieba's dictionary, the compiled rubric, the learned models) ready to use.
        segment.load()
        yield from _grade_batch(first.pop(0))
    else:
        jobs = 1
    for graded in ordered_map(_grade_batch, chain(first, batches), jobs):
        yield from graded


#: What the workers grade with: set before they are forked, so they inherit it rather than have
#: the library sent to them with every batch.
_GRADING: tuple[Library, str | None, str | None, Callable[[dict[str, Any]], Any] | None] | None = None


def _grade_batch(batch: list[tuple[int, str | LineError]]) -> list[tuple[int, Any]]:
    assert _GRADING is not None
    library, rubric_id, product_id, finish = _GRADING
    graded = []
    for number, raw in batch:
        result = grade_line(number, raw, library, rubric_id, product_id)
        graded.append((number, finish(result) if finish and not isinstance(result, LineError) else result))
    return graded


def grade_line(
    number: int, raw: str | LineError, library: Library, rubric_id: str | None, product_id: str | None
) -> dict[str, Any] | LineError:
    """One JSON line graded, or what is wrong with it."""
    if isinstance(raw, LineError):
        return raw
    item = parse_line(number, raw, Transcript, "a transcript is an object with a list of turns")
    if isinstance(item, LineError):
        return item
    try:
        scenario = library.scenario(item.scenario) if item.scenario else None
        rubric = library.rubric(rubric_id or (scenario.rubric if scenario else "default"))
        card_id = product_id or item.product
        product = library.product(card_id) if card_id else scenario.product if scenario else None
        return grade_transcript(item, rubric, product)
    except (LookupError, ValueError) as exc:
        return LineError(number, str(exc))


def _batches(lines: Iterator[tuple[int, str | LineError]]) -> Iterator[list[tuple[int, str | LineError]]]:
    while batch := list(islice(lines, BATCH)):
        yield batch


class NotText(ValueError):
    """The file's first line is not UTF-8: the whole file is in another encoding (GBK, say)."""

    def __init__(self, line: int, col: int) -> None:
        super().__init__(NOT_UTF8)
        self.line, self.col = line, col


class LogReader:
    """The non-blank lines of a JSON Lines stream of bytes, decoded, one at a time.

    A line over :data:`MAX_LINE_BYTES` is skipped without being held and is an error for its line,
    as is a line that is not UTF-8 (a byte gone wrong in one conversation); if the first line is
    not UTF-8, the whole file is taken to be in another encoding and :class:`NotText` is raised.
    A UTF-8 byte-order mark is dropped. Lines are split on "\\n" only, as JSON Lines says
    (U+2028 may stand inside a JSON string). ``bytes_read`` says how far the reading has got.
    """

    def __init__(self, stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> None:
        self.stream, self.limit = stream, limit
        self.bytes_read = 0

    def __iter__(self) -> Iterator[tuple[int, str | LineError]]:
        seen_text = False
        number = 0
        while True:
            raw = self.stream.readline(self.limit + 1)
            if not raw:
                return
            number += 1
            self.bytes_read += len(raw)
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if len(raw) > self.limit and not raw.endswith(b"\n"):
                yield number, LineError(number, self._skip_long_line(len(raw)))
                continue
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                col = undecodable_position(exc)[1]
                if not seen_text:
                    raise NotText(number, col) from None
                yield number, LineError(number, NOT_UTF8, col)
                continue
            seen_text = True
            yield number, text

    def _skip_long_line(self, length: int) -> str:
        """Read past the rest of an over-long line without keeping it; what to say about it."""
        while chunk := self.stream.readline(1 << 16):
            length += len(chunk)
            self.bytes_read += len(chunk)
            if chunk.endswith(b"\n"):
                break
        return (
            f"the line is {length:,} bytes, over the limit of {self.limit:,} for one transcript: "
            "split the conversation over several lines"
        )
