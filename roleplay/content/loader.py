"""Load content files into models, reporting every problem of a file at once with line:col."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from roleplay.content.models import Persona, ProductCard, QuickReplySet, Rubric, Scenario
from roleplay.content.yamlmarks import MarkedDocument, Problem, load_marked

Kind = Literal["persona", "scenario", "product", "rubric", "quick_replies"]
MODELS: dict[Kind, type[BaseModel]] = {
    "persona": Persona,
    "scenario": Scenario,
    "product": ProductCard,
    "rubric": Rubric,
    "quick_replies": QuickReplySet,
}
#: Folder names that hold each kind inside a content directory.
FOLDERS: dict[str, Kind] = {
    "personas": "persona",
    "scenarios": "scenario",
    "products": "product",
    "rubrics": "rubric",
    "quick_replies": "quick_replies",
}
M = TypeVar("M", bound=BaseModel)


def guess_kind(path: Path, data: Any) -> Kind | None:
    """The kind of a file: from its folder (personas/, scenarios/, rubrics/), else from its keys."""
    for parent in path.parents:
        if parent.name in FOLDERS:
            return FOLDERS[parent.name]
    if isinstance(data, dict):
        if "nodes" in data:
            return "scenario"
        if "archetype" in data or "phrasebook" in data:
            return "persona"
        if "criteria" in data:
            return "rubric"
        if "price" in data and "shipping" in data:
            return "product"
    return None


def validation_problems(doc: MarkedDocument, error: ValidationError) -> list[Problem]:
    """Turn pydantic errors into ``path:line:col`` problems a trainer can act on.

    Errors of one union field (e.g. a line that is neither a string nor a list) arrive as several
    errors with type names in their location; they are merged into one message.
    """
    merged: dict[tuple[int, int], list[str]] = {}
    for err in error.errors(include_url=False):
        # a criterion's settings are picked by their kind: pydantic names it (kind=fab) in the path
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and part.startswith("kind=")))
        kind = err["type"]
        if kind == "extra_forbidden":
            position = doc.key_mark(loc)
            message = f"unknown key {loc[-1]!r}: check its spelling or remove it"
        elif kind == "missing":
            position, _ = doc.locate(loc[:-1])
            message = f"missing required key {loc[-1]!r}"
        else:
            position, _ = doc.locate(loc)
            message = _describe(err)
            where = dotted(loc)
            if where:
                message = f"{where}: {message}"
        merged.setdefault(position, [])
        if message not in merged[position]:
            merged[position].append(message)
    return [
        Problem(doc.path, line, col, "; ".join(messages))
        for (line, col), messages in sorted(merged.items())
    ]


def dotted(loc: tuple[Any, ...]) -> str:
    """``nodes.greet.transitions[0].to`` – the location without pydantic's type-name parts."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"}):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe(err: dict[str, Any]) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if err["type"] == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{message} (got the number {value!r}: YAML reads bare numbers as numbers, so quote it: '{value}')"
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(str(value)) <= 40:
        message += f" (got {value!r})"
    return message


def load_model(path: Path, kind: Kind | None = None) -> tuple[BaseModel | None, list[Problem]]:
    """Load and validate one content file; on failure the model is None and problems say why."""
    doc, problems = load_marked(path)
    if doc is None:
        return None, problems
    if doc.data is None:
        return None, [*problems, Problem(doc.path, 1, 1, "file is empty")]
    kind = kind or guess_kind(path, doc.data)
    if kind is None:
        message = "cannot tell what this file is: put it under personas/, scenarios/ or rubrics/"
        return None, [*problems, Problem(doc.path, 1, 1, message)]
    if not isinstance(doc.data, dict):
        return None, [*problems, doc.problem((), f"a {kind} file must be a mapping of keys to values")]
    try:
        model = MODELS[kind].model_validate(doc.data)
    except ValidationError as exc:
        return None, [*problems, *validation_problems(doc, exc)]
    problems.extend(_reference_problems(doc, model))
    return (None if any(p.severity == "error" for p in problems) else model), problems


def _reference_problems(doc: MarkedDocument, model: BaseModel) -> list[Problem]:
    """References inside one file (scenario nodes and intents), each at the offending value."""
    if not isinstance(model, Scenario):
        return []
    problems = []
    if model.start not in model.nodes:
        problems.append(doc.problem(("start",), f"start node {model.start!r} is not defined under nodes"))
    for node_id, node in model.nodes.items():
        for index, transition in enumerate(node.transitions):
            loc = ("nodes", node_id, "transitions", index)
            if transition.to not in model.nodes:
                known = ", ".join(model.nodes)
                problems.append(
                    doc.problem((*loc, "to"), f"unknown node {transition.to!r}; known nodes: {known}")
                )
            if transition.intent and transition.intent not in model.intents:
                problems.append(
                    doc.problem(
                        (*loc, "intent"),
                        f"intent {transition.intent!r} is not declared under intents",
                    )
                )
    return problems


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """Every .yaml/.yml file in the given files and folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"}))
        else:
            found.append(path)
    return found
