"""Read JSON Lines files of records (chat logs, labelled replies) against a pydantic model.

A bad line is reported with its number and what is wrong, and the other lines are still read:
one typo must not cost an instructor the rest of a day's logs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ValidationError

from roleplay.content.loader import dotted

M = TypeVar("M", bound=BaseModel)


def _string_or_integer(value: Any) -> Any:
    """Strictly: pydantic would read true as 1 and 2.0 as 2, and two records could share an id."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        shown = json.dumps(value)
        raise ValueError(f"must be a string or an integer (got {shown if len(shown) <= 30 else shown[:29] + '…'})")
    return value


#: The id of a record in a JSON Lines file (a chat log, a labelled reply): a string or an integer.
RecordId = Annotated[str | int, BeforeValidator(_string_or_integer)]


@dataclass(frozen=True, slots=True)
class LineError:
    """What is wrong with one line of a JSON Lines file (``file:line: message`` when shown)."""

    line: int
    message: str
    col: int | None = None

    def located(self, file: str) -> str:
        """``file:line: message``, or ``file:line:col: message`` where the column is known."""
        where = f"{file}:{self.line}" if self.col is None else f"{file}:{self.line}:{self.col}"
        return f"{where}: {self.message}"


def read_jsonl(text: str, model: type[M], shape: str) -> Iterator[tuple[int, M | LineError]]:
    """Each non-blank line as ``model``, or a LineError; ``shape`` says what a line should be.

    Split on "\\n" only: str.splitlines() would also split inside a JSON string holding U+2028.
    """
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            yield number, parse_line(number, raw, model, shape)


def parse_line(number: int, raw: str, model: type[M], shape: str) -> M | LineError:
    """Line ``number`` as ``model``, or what is wrong with it; ``shape`` says what a line should be."""
    try:
        return model.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        return LineError(number, f"not valid JSON: {exc.msg} at column {exc.colno}")
    except ValidationError as exc:
        return LineError(number, "; ".join(described(e) for e in exc.errors(include_url=False)))
    except RecursionError:
        return LineError(number, f"nested too deeply to read: {shape}")
    except ValueError as exc:  # an integer of thousands of digits, which Python refuses to read
        return LineError(number, f"not valid JSON: {str(exc).split(':')[0]}")


def described(error: Any) -> str:
    """``turns[1].at: what is wrong`` (the place first, as in content errors)."""
    message = str(error["msg"]).removeprefix("Value error, ")
    where = dotted(error["loc"])
    return f"{where}: {message}" if where else message
